/*
 * utf8.h - recognising well-formed UTF-8.
 */
#ifndef K2TD_UTF8_H
#define K2TD_UTF8_H

#include <stddef.h>

#include "buf.h"

/* Returns the length (1 to 4) of the well-formed UTF-8 sequence that starts
 * s[0..n) (n >= 1), or 0 when it is not one: a stray continuation byte, a
 * truncated sequence, an overlong form, a surrogate or a code point above
 * U+10FFFF. An ASCII byte, NUL included, is a sequence of length 1. */
size_t k2td_utf8_seq_len(const unsigned char *s, size_t n);

/* Appends s[0..n) to b with every NUL byte and every byte that does not
 * start a well-formed sequence written as \xNN, so b holds valid UTF-8
 * text without NULs (safe for JSON and terminals). */
void k2td_utf8_escape(k2td_buf_t *b, const char *s, size_t n);

/* Returns 1 when the well-formed sequence s[0..len) (from k2td_utf8_seq_len)
 * is a control character: C0 (NUL to U+001F), DEL or C1 (U+0080 to
 * U+009F); 0 otherwise. */
int k2td_utf8_is_control(const unsigned char *s, size_t len);

/* Returns the length of the longest prefix of s[0..n) that is well-formed
 * UTF-8 without control characters: n when all of it is. */
size_t k2td_utf8_text_len(const char *s, size_t n);

/* Appends s[0..n) to b as k2td_utf8_escape does, and control characters
 * escaped too: newline, carriage return and tab as \n, \r, \t, the others
 * as \xNN per byte. b then holds one line of printable text (a log line
 * cannot be forged or carry terminal escapes). */
void k2td_utf8_escape_controls(k2td_buf_t *b, const char *s, size_t n);

#endif
