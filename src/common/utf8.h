/*
 * utf8.h - recognising well-formed UTF-8.
 */
#ifndef K2TD_UTF8_H
#define K2TD_UTF8_H

#include <stddef.h>

/* Returns the length (1 to 4) of the well-formed UTF-8 sequence that starts
 * s[0..n) (n >= 1), or 0 when it is not one: a stray continuation byte, a
 * truncated sequence, an overlong form, a surrogate or a code point above
 * U+10FFFF. An ASCII byte, NUL included, is a sequence of length 1. */
size_t k2td_utf8_seq_len(const unsigned char *s, size_t n);

#endif
