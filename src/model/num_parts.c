/*
 * num_parts.c - a decimal number's text split into its parts (num_parts.h).
 */
#include "num_parts.h"

#include <string.h>

/* Returns the index of the first non-digit of s[i..n), or n. */
static size_t scan_digits(const char *s, size_t n, size_t i) {
    while (i < n && s[i] >= '0' && s[i] <= '9') i++;
    return i;
}

int k2td_num_parts_scan(const char *s, size_t n, k2td_num_parts_t *t) {
    size_t i = 0;
    memset(t, 0, sizeof(*t));
    if (i < n && (s[i] == '+' || s[i] == '-')) t->neg = s[i++] == '-';
    size_t start = i;
    i = scan_digits(s, n, i);
    t->ip = s + start;
    t->ilen = i - start;
    if (i < n && s[i] == '.') {
        start = ++i;
        i = scan_digits(s, n, i);
        t->fp = s + start;
        t->flen = i - start;
    }
    if (t->ilen + t->flen == 0) return -1;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        int eneg = 0;
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-')) eneg = s[i++] == '-';
        start = i;
        for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
            if (t->exp < 1000000) t->exp = t->exp * 10 + (s[i] - '0');
        if (i == start) return -1;
        if (eneg) t->exp = -t->exp;
        t->has_exp = 1;
    }
    return i == n ? 0 : -1;
}

int k2td_num_parts_exponent(const k2td_num_parts_t *t, int64_t *e10) {
    for (size_t k = 0; k < t->ilen; k++)
        if (t->ip[k] != '0') {
            *e10 = (int64_t)(t->ilen - 1 - k) + t->exp;
            return 0;
        }
    for (size_t k = 0; k < t->flen; k++)
        if (t->fp[k] != '0') {
            *e10 = -(int64_t)(k + 1) + t->exp;
            return 0;
        }
    return -1;
}
