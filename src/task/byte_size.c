/*
 * byte_size.c - reading configuration sizes (see byte_size.h).
 */
#include "byte_size.h"

#include <strings.h>

/* Returns the multiplier named by unit ("" = bytes), or 0 when unknown. */
static uint64_t unit_bytes(const char *unit) {
    static const char *const prefixes = "KMGT";
    if (*unit == '\0' || strcasecmp(unit, "B") == 0) return 1;
    for (int i = 0; prefixes[i]; i++) {
        if ((unit[0] | 0x20) != (prefixes[i] | 0x20)) continue;
        const char *rest = unit + 1;
        if (strcasecmp(rest, "B") == 0 || strcasecmp(rest, "iB") == 0)
            return UINT64_C(1) << (10 * (i + 1));
        return 0;
    }
    return 0;
}

int k2td_byte_size_parse(const char *text, uint64_t *bytes) {
    const char *p = text;
    if (*p < '0' || *p > '9') return -1;
    uint64_t n = 0;
    for (; *p >= '0' && *p <= '9'; p++) {
        unsigned d = (unsigned)(*p - '0');
        if (n > (UINT64_MAX - d) / 10) return -1;
        n = n * 10 + d;
    }
    const char *digits_end = p;
    while (*p == ' ') p++;
    if (p != digits_end && *p == '\0') return -1; /* trailing spaces */
    uint64_t mult = unit_bytes(p);
    if (mult == 0 || (n && n > UINT64_MAX / mult)) return -1;
    *bytes = n * mult;
    return 0;
}
