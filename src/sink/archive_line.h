/*
 * archive_line.h - one archived record as one line of JSON.
 *
 *   {"time":"<RFC3339 UTC, ms>","topic":"t","partition":0,"offset":42,
 *    "reason":"...","table":"d_1","payload":"..."}\n
 *
 * "table" is left out when the record has none. The payload is "payload"
 * (a JSON string) when it is well-formed UTF-8 without NUL bytes, else
 * "payload_base64" (RFC 4648 base64 of the bytes). Strings are escaped as
 * JSON requires (quote, backslash, control characters); a byte of topic,
 * reason or table that is not UTF-8 becomes U+FFFD, so every line is valid
 * JSON whatever the input.
 */
#ifndef K2TD_ARCHIVE_LINE_H
#define K2TD_ARCHIVE_LINE_H

#include "../common/buf.h"
#include "archive.h"

/* Appends rec as one JSON line, newline included, to out. */
void k2td_archive_line_put(k2td_buf_t *out, const k2td_archive_record_t *rec);

#endif
