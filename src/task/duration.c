/*
 * duration.c - reading and writing configuration durations (see duration.h).
 */
#include "duration.h"

#include <string.h>
#include <strings.h>

typedef struct duration_unit {
    const char *name;
    int64_t ms;
} duration_unit_t;

/* Longest first for printing; "ms" is tried before "m" when reading. */
static const duration_unit_t units[] = {
    {"d", 86400000}, {"h", 3600000}, {"m", 60000}, {"s", 1000}, {"ms", 1},
};
#define NUNITS (sizeof(units) / sizeof(units[0]))

/* Returns the unit starting at s (the longest name that matches), or NULL. */
static const duration_unit_t *unit_at(const char *s, size_t *len) {
    if (s[0] == 'm' && s[1] == 's') {
        *len = 2;
        return &units[4];
    }
    for (size_t i = 0; i < NUNITS; i++) {
        size_t n = strlen(units[i].name);
        if (strncmp(s, units[i].name, n) == 0) {
            *len = n;
            return &units[i];
        }
    }
    return NULL;
}

/* Returns 1 when text is "-1" followed by nothing or by one unit name. */
static int is_minus_one(const char *text) {
    if (strncmp(text, "-1", 2) != 0) return 0;
    if (text[2] == '\0') return 1;
    size_t len;
    return unit_at(text + 2, &len) != NULL && text[2 + len] == '\0';
}

int k2td_duration_parse(const char *text, int allow_forever, int64_t *ms) {
    if (allow_forever && (strcasecmp(text, "never") == 0 || is_minus_one(text))) {
        *ms = 0;
        return 0;
    }
    const char *p = text;
    int64_t total = 0;
    int parts = 0;
    while (*p) {
        if (*p < '0' || *p > '9') return -1;
        int64_t n = 0;
        while (*p >= '0' && *p <= '9') {
            if (n > (INT64_MAX - (*p - '0')) / 10) return -1;
            n = n * 10 + (*p++ - '0');
        }
        size_t len = 0;
        const duration_unit_t *u = unit_at(p, &len);
        if (!u) {
            /* a bare integer is milliseconds, but only as the whole text */
            if (*p || parts) return -1;
            u = &units[4];
        }
        if (n > (INT64_MAX - total) / u->ms) return -1;
        total += n * u->ms;
        p += len;
        parts++;
    }
    if (!parts) return -1;
    *ms = total;
    return 0;
}

void k2td_duration_put(k2td_buf_t *out, int64_t ms) {
    if (ms <= 0) {
        k2td_buf_putc(out, '0');
        return;
    }
    for (size_t i = 0; i < NUNITS && ms > 0; i++) {
        int64_t n = ms / units[i].ms;
        if (!n) continue;
        k2td_buf_put_i64(out, n);
        k2td_buf_puts(out, units[i].name);
        ms -= n * units[i].ms;
    }
}
