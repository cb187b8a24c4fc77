/*
 * router.c - path pattern matching over the route table (see router.h).
 */
#include "router.h"

#include <stdio.h>
#include <string.h>

/* Returns 1 when path fits pattern, copying the {id} segment into m. */
static int router_fits(const char *pattern, const char *path, k2td_route_match_t *m) {
    const char *p = pattern, *s = path;
    while (*p && *s) {
        if (strncmp(p, "{id}", 4) == 0) {
            size_t n = strcspn(s, "/");
            if (n == 0 || n >= sizeof(m->id_text)) return 0;
            memcpy(m->id_text, s, n);
            m->id_text[n] = '\0';
            p += 4;
            s += n;
            continue;
        }
        if (*p != *s) return 0;
        p++;
        s++;
    }
    return *p == '\0' && *s == '\0';
}

/* Returns text as a positive integer of at most 15 digits, or -1. */
static int64_t router_id(const char *text) {
    size_t n = strlen(text);
    if (n == 0 || n > 15 || strspn(text, "0123456789") != n) return -1;
    int64_t v = 0;
    for (size_t i = 0; i < n; i++) v = v * 10 + (text[i] - '0');
    return v > 0 ? v : -1;
}

int k2td_router_match(const k2td_route_t *table, const char *method, const char *path,
                      k2td_route_match_t *m) {
    memset(m, 0, sizeof(*m));
    size_t allow_len = 0;
    for (const k2td_route_t *r = table; r->method; r++) {
        k2td_route_match_t trial = {0};
        if (!router_fits(r->pattern, path, &trial)) continue;
        m->path_known = 1;
        int wrote = snprintf(m->allow + allow_len, sizeof(m->allow) - allow_len, "%s%s",
                             allow_len ? ", " : "", r->method);
        if (wrote > 0 && (size_t)wrote < sizeof(m->allow) - allow_len) allow_len += (size_t)wrote;
        if (m->route || strcmp(r->method, method) != 0) continue;
        m->route = r;
        memcpy(m->id_text, trial.id_text, sizeof(m->id_text));
        m->id = trial.id_text[0] ? router_id(trial.id_text) : 0;
    }
    return m->route != NULL;
}
