#include "errstr.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int k2td_errstr_set(char *errstr, size_t errstr_size, const char *fmt, ...) {
    if (!errstr || !errstr_size) return -1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(errstr, errstr_size, fmt, ap);
    va_end(ap);
    return -1;
}

void k2td_errstr_prefix(char *errstr, size_t errstr_size, const char *fmt, ...) {
    if (!errstr || !errstr_size) return;
    char prefix[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof(prefix), fmt, ap);
    va_end(ap);
    size_t plen = strlen(prefix), mlen = strlen(errstr);
    if (plen >= errstr_size) plen = errstr_size - 1;
    if (plen + mlen >= errstr_size) mlen = errstr_size - 1 - plen;
    memmove(errstr + plen, errstr, mlen);
    memcpy(errstr, prefix, plen);
    errstr[plen + mlen] = '\0';
}
