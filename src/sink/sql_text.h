/*
 * sql_text.h - quoting names and string values for TDengine SQL.
 *
 * TDengine's parser unescapes string literals itself (a backslash before n,
 * t, r, b, f turns into a control byte, before most other characters it is
 * dropped, before % _ x it is kept), so a value is only stored byte-exact when
 * every backslash and quote is escaped. These functions produce text that
 * round-trips exactly through TDengine 3.3.
 */
#ifndef K2TD_SQL_TEXT_H
#define K2TD_SQL_TEXT_H

#include <stddef.h>

#include "../common/buf.h"

/* Appends s[0..n) as a back-quoted identifier (`name`); a backtick inside is
 * doubled. The caller checks that the name itself is acceptable (length, no
 * '.', see k2td_table_name_check()). Never fails. */
void k2td_sql_append_ident(k2td_buf_t *b, const char *s, size_t n);

/* Appends s[0..n) as a single-quoted string literal that TDengine stores
 * byte-for-byte: ' and \ get a backslash in front, every other byte (LF, TAB,
 * invalid UTF-8, ...) is written raw. Returns 0, or -1 when s holds a NUL
 * byte (TDengine cuts the SQL there); b is then left unchanged. */
int k2td_sql_append_string(k2td_buf_t *b, const char *s, size_t n);

/* Appends s[0..n) as a VARBINARY literal '\x<hex>' (or '' when n is 0); any
 * byte, NUL included, survives. Never fails. */
void k2td_sql_append_hex(k2td_buf_t *b, const char *s, size_t n);

#endif
