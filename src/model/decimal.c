/*
 * decimal.c - a number's text as the value of a DECIMAL(p, s) column
 * (decimal.h).
 */
#include "decimal.h"

#include <stdint.h>
#include <string.h>

#include "num_parts.h"

/* Returns digit i of the number's digits (integer digits, then fraction
 * digits), '0' before and beyond them. */
static char digit_at(const k2td_num_parts_t *t, int64_t i) {
    if (i < 0) return '0';
    if ((uint64_t)i < t->ilen) return t->ip[i];
    if ((uint64_t)i < t->ilen + t->flen) return t->fp[(uint64_t)i - t->ilen];
    return '0';
}

/* Adds one to the decimal digits d[0..*len), growing them by a leading 1
 * when every digit was 9. */
static void digits_increment(char *d, int *len) {
    int i = *len - 1;
    while (i >= 0 && d[i] == '9') d[i--] = '0';
    if (i >= 0) {
        d[i]++;
        return;
    }
    memmove(d + 1, d, (size_t)*len);
    d[0] = '1';
    (*len)++;
}

int k2td_decimal_fit(const char *s, size_t n, int precision, int scale,
                     char out[K2TD_DECIMAL_TEXT_MAX]) {
    k2td_num_parts_t t;
    if (k2td_num_parts_scan(s, n, &t) != 0) return K2TD_DECIMAL_NOT_A_NUMBER;
    /* The value times 10^scale is digits [0, keep) of the number's digits
     * (zeros past their end); digit `keep` decides the rounding. */
    int64_t keep = (int64_t)t.ilen + t.exp + scale;
    int64_t first = 0; /* the first non-zero digit */
    int64_t ndigits = (int64_t)(t.ilen + t.flen);
    while (first < ndigits && digit_at(&t, first) == '0') first++;
    char d[K2TD_DECIMAL_MAX_PRECISION + 2];
    int len = 0;
    if (first < ndigits && keep - first > precision) return K2TD_DECIMAL_OVERFLOW;
    for (int64_t i = first; i < keep && first < ndigits; i++) d[len++] = digit_at(&t, i);
    if (digit_at(&t, keep) >= '5') digits_increment(d, &len);
    if (len > precision) return K2TD_DECIMAL_OVERFLOW;

    /* d[0..len) is the unscaled value without leading zeros (len 0: zero). */
    char *o = out;
    if (t.neg && len > 0) *o++ = '-';
    if (len <= scale) {
        *o++ = '0';
    } else {
        memcpy(o, d, (size_t)(len - scale));
        o += len - scale;
    }
    if (scale > 0) {
        *o++ = '.';
        int zeros = len < scale ? scale - len : 0;
        memset(o, '0', (size_t)zeros);
        o += zeros;
        int from = len > scale ? len - scale : 0;
        memcpy(o, d + from, (size_t)(len - from));
        o += len - from;
    }
    *o = '\0';
    return (int)(o - out);
}
