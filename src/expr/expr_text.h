/*
 * expr_text.h - the text side of expression values: a value as text, new
 * strings in the evaluation's arena, and counting UTF-8 characters.
 */
#ifndef K2TD_EXPR_TEXT_H
#define K2TD_EXPR_TEXT_H

#include <stddef.h>

#include "expr_node.h"

/* Sets *s and *len to the text of the non-null v: a string's bytes; a number's
 * literal text when it has one, else its digits written into ctx's arena
 * (k2td_num_text_double() for a float); "true" or "false". Never fails. */
void k2td_expr_text(k2td_expr_env_t *env, const k2td_value_t *v, const char **s, size_t *len);

/* Returns room for a string of len bytes (plus a NUL) that node n builds,
 * in ctx's arena; or NULL with env's errstr set when len is more than
 * K2TD_EXPR_STR_MAX. */
char *k2td_expr_new_string(k2td_expr_env_t *env, const k2td_expr_node_t *n, size_t len);

/* Narrows s[0..*len) to leave out ASCII white space at either end. */
void k2td_expr_trim(const char **s, size_t *len);

/* Returns the number of UTF-8 characters in s[0..len): the first byte and
 * every later byte that is not a continuation byte start one, so invalid
 * UTF-8 still counts sensibly. */
size_t k2td_expr_utf8_count(const char *s, size_t len);

/* Returns the byte offset where character k of s[0..len) starts (len when
 * s has k characters or fewer). */
size_t k2td_expr_utf8_offset(const char *s, size_t len, size_t k);

#endif
