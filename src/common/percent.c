#include "percent.h"

#include <stdlib.h>
#include <string.h>

#include "alloc.h"

int k2td_hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

char *k2td_percent_decode(const char *s, size_t n) {
    char *out = k2td_malloc(n + 1);
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '%') {
            out[o++] = s[i];
            continue;
        }
        int hi = i + 2 < n ? k2td_hex_value(s[i + 1]) : -1;
        int lo = i + 2 < n ? k2td_hex_value(s[i + 2]) : -1;
        if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
            free(out);
            return NULL;
        }
        out[o++] = (char)(hi * 16 + lo);
        i += 2;
    }
    out[o] = '\0';
    return out;
}

void k2td_percent_encode(k2td_buf_t *out, const char *s, const char *keep) {
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        int plain = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                    (*p >= '0' && *p <= '9') || strchr("-._~", *p) || strchr(keep, *p);
        if (plain)
            k2td_buf_putc(out, (char)*p);
        else
            k2td_buf_printf(out, "%%%02X", *p);
    }
}
