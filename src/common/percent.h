/*
 * percent.h - URL percent-encoding and decoding for the DSNs.
 */
#ifndef K2TD_PERCENT_H
#define K2TD_PERCENT_H

#include <stddef.h>

#include "buf.h"

/* Returns the value of the hex digit c, or -1. */
int k2td_hex_value(char c);

/* Returns the percent-decoded copy of s[0..n) (the caller frees it), or NULL
 * when an escape is malformed or decodes to a NUL byte. */
char *k2td_percent_decode(const char *s, size_t n);

/* Appends s percent-encoded to out: letters, digits, -._~ and the bytes of
 * keep ("" for none) as they are, every other byte as %XX. */
void k2td_percent_encode(k2td_buf_t *out, const char *s, const char *keep);

#endif
