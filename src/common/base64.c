/*
 * base64.c - base64 encoding (see base64.h).
 */
#include "base64.h"

static const char alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void k2td_base64_put(k2td_buf_t *out, const void *data, size_t n) {
    const unsigned char *p = data;
    k2td_buf_reserve(out, (n + 2) / 3 * 4);
    for (size_t i = 0; i < n; i += 3) {
        size_t left = n - i;
        unsigned long group = (unsigned long)p[i] << 16;
        if (left > 1) group |= (unsigned long)p[i + 1] << 8;
        if (left > 2) group |= p[i + 2];
        char quad[4] = {alphabet[group >> 18 & 63], alphabet[group >> 12 & 63],
                        left > 1 ? alphabet[group >> 6 & 63] : '=',
                        left > 2 ? alphabet[group & 63] : '='};
        k2td_buf_append(out, quad, 4);
    }
}
