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

#endif
