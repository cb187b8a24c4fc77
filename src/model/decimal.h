/*
 * decimal.h - a number's text as the value of a DECIMAL(p, s) column.
 *
 * TDengine (3.3.6 and later) stores DECIMAL(p, s) exactly: p digits in all
 * (1..38; up to 18 in 8 bytes, more in 16), s of them after the point. It
 * rounds extra fraction digits half away from zero and refuses a value
 * needing more than p - s digits before the point ("Decimal value
 * overflow"). k2td does the same on the digits of the text, never through
 * a double, and writes the result as plain digits, so the server receives
 * a value it stores unchanged. It also refuses text that is not a number,
 * which the server would store as 0 or as the digits before the first
 * stray character.
 *
 * Written here rather than with a decimal library (libmpdec): the only
 * operation is rounding a number's digits to a scale, done on the text
 * without arithmetic in ~70 lines, while a library would add parsing into
 * and printing out of its own representation for every value.
 */
#ifndef K2TD_DECIMAL_H
#define K2TD_DECIMAL_H

#include <stddef.h>

#define K2TD_DECIMAL_MAX_PRECISION 38

/* Room for the text k2td_decimal_fit writes: 38 digits, a sign, a point,
 * a leading 0 and the NUL. */
#define K2TD_DECIMAL_TEXT_MAX 48

/* Failures of k2td_decimal_fit. */
#define K2TD_DECIMAL_NOT_A_NUMBER (-1)
#define K2TD_DECIMAL_OVERFLOW (-2)

/*
 * Writes into out the number text s[0..n) ([+-]digits[.digits][e[+-]digits])
 * rounded half away from zero to scale digits after the point, as
 * "-123.45" (exactly scale fraction digits, no exponent, no sign on zero)
 * and a NUL. precision and scale must satisfy 1 <= precision <= 38 and
 * 0 <= scale <= precision. Returns the text's length, or
 * K2TD_DECIMAL_NOT_A_NUMBER, or K2TD_DECIMAL_OVERFLOW when the rounded
 * value has more than precision - scale digits before the point.
 */
int k2td_decimal_fit(const char *s, size_t n, int precision, int scale,
                     char out[K2TD_DECIMAL_TEXT_MAX]);

#endif
