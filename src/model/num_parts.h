/*
 * num_parts.h - a decimal number's text split into its parts, for the
 * converters that work on the digits themselves (integer and DECIMAL
 * columns) rather than on a double.
 */
#ifndef K2TD_NUM_PARTS_H
#define K2TD_NUM_PARTS_H

#include <stddef.h>
#include <stdint.h>

/* [+-] int_digits [. frac_digits] [e|E [+-] exp_digits]; ip and fp point
 * into the scanned text. */
typedef struct k2td_num_parts {
    int neg;
    const char *ip, *fp; /* integer and fraction digits */
    size_t ilen, flen;
    int64_t exp;         /* the exponent, clamped to +-1e6 */
    int has_exp;
} k2td_num_parts_t;

/* Splits s[0..n) into *t. Returns 0, or -1 unless the whole text is a
 * decimal number with at least one mantissa digit (no spaces, hex, inf or
 * nan). */
int k2td_num_parts_scan(const char *s, size_t n, k2td_num_parts_t *t);

/* Sets *e10 to the decimal exponent of t's leading non-zero digit (the value
 * lies in [10^e10, 10^(e10+1))). Returns 0, or -1 when the value is zero. */
int k2td_num_parts_exponent(const k2td_num_parts_t *t, int64_t *e10);

#endif
