/*
 * config_map.c - table-driven configuration keys (see config_map.h).
 */
#include "config_map.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../common/alloc.h"
#include "duration.h"

#define FIELD(obj, e, type) ((type *)((char *)(obj) + (e)->offset))
#define CFIELD(obj, e, type) ((const type *)((const char *)(obj) + (e)->offset))

void k2td_strlist_push(k2td_strlist_t *l, const char *s, size_t len) {
    l->items = k2td_realloc(l->items, (l->n + 1) * sizeof(*l->items));
    l->items[l->n++] = k2td_strndup(s, len);
}

long k2td_strlist_find(const k2td_strlist_t *l, const char *s) {
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->items[i], s) == 0) return (long)i;
    return -1;
}

void k2td_strlist_free(k2td_strlist_t *l) {
    for (size_t i = 0; i < l->n; i++) free(l->items[i]);
    free(l->items);
    l->items = NULL;
    l->n = 0;
}

const char *k2td_cm_quote(const char *s, char out[K2TD_CM_QUOTE_MAX]) {
    size_t i = 0;
    for (; s[i] && i < 48; i++) out[i] = ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) ? '?' : s[i];
    if (s[i]) {
        memcpy(out + i, "...", 3);
        i += 3;
    }
    out[i] = '\0';
    return out;
}

/* Returns the Levenshtein distance of a and b, or 3 when it is larger than 2
 * or a word is too long to bother. */
static size_t edit_distance(const char *a, const char *b) {
    size_t la = strlen(a), lb = strlen(b);
    if (la > 63 || lb > 63 || (la > lb ? la - lb : lb - la) > 2) return 3;
    size_t row[64];
    for (size_t j = 0; j <= lb; j++) row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best) best = up + 1;
            if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

const char *k2td_cm_suggest(const char *word, const void *base, size_t n, size_t stride) {
    const char *best = NULL;
    size_t best_d = 3, wlen = strlen(word);
    for (size_t i = 0; i < n; i++) {
        const char *name = *(const char *const *)((const char *)base + i * stride);
        size_t d = edit_distance(word, name);
        if (d < best_d && d < wlen) {
            best = name;
            best_d = d;
        }
    }
    return best;
}

/* Returns the value of name in e's enum table, or -1 with *found = 0. */
static int enum_lookup(const k2td_cm_entry_t *e, const char *name, int *found) {
    for (const k2td_cm_enum_t *n = e->names; n->name; n++) {
        if (strcasecmp(n->name, name) == 0) {
            *found = 1;
            return n->value;
        }
    }
    *found = 0;
    return -1;
}

/* Returns 1 when names[i] is the first name listed for its value. */
static int enum_is_canonical(const k2td_cm_enum_t *names, size_t i) {
    for (size_t j = 0; j < i; j++)
        if (names[j].value == names[i].value) return 0;
    return 1;
}

const char *k2td_cm_enum_name(const k2td_cm_entry_t *e, int value) {
    for (const k2td_cm_enum_t *n = e->names; n->name; n++)
        if (n->value == value) return n->name;
    return "?";
}

/* Appends the enum's names, canonical or alias ones, separated by sep. */
static void put_enum_names(const k2td_cm_entry_t *e, int canonical, const char *sep,
                           k2td_buf_t *out) {
    int first = 1;
    for (size_t i = 0; e->names[i].name; i++) {
        if (enum_is_canonical(e->names, i) != canonical) continue;
        if (!first) k2td_buf_puts(out, sep);
        k2td_buf_puts(out, e->names[i].name);
        first = 0;
    }
}

/* Appends the allowed range of an INT or DURATION_MS entry ("1..1000000",
 * "1ms..1d", "at least 1"). */
static void put_range(const k2td_cm_entry_t *e, k2td_buf_t *out) {
    int dur = e->type == K2TD_CM_DURATION_MS;
    if (e->max <= 0) k2td_buf_puts(out, "at least ");
    if (dur) k2td_duration_put(out, e->min);
    else k2td_buf_put_i64(out, e->min);
    if (e->max <= 0) return;
    k2td_buf_puts(out, "..");
    if (dur) k2td_duration_put(out, e->max);
    else k2td_buf_put_i64(out, e->max);
}

/* Parses a decimal int64 (optional sign, digits only). Returns 0 or -1. */
static int parse_int(const char *s, int64_t *out) {
    const char *p = s + (*s == '-' || *s == '+');
    if (!*p) return -1;
    for (const char *q = p; *q; q++)
        if (*q < '0' || *q > '9') return -1;
    errno = 0;
    long long v = strtoll(s, NULL, 10);
    if (errno == ERANGE) return -1;
    *out = v;
    return 0;
}

/* Parses a comma-separated list into *out. Returns 0, or -1 on an empty item. */
static int parse_list(const char *s, k2td_strlist_t *out) {
    if (!*s) return 0;
    for (;;) {
        const char *end = strchr(s, ',');
        size_t len = end ? (size_t)(end - s) : strlen(s);
        const char *a = s, *b = s + len;
        while (a < b && (*a == ' ' || *a == '\t')) a++;
        while (b > a && (b[-1] == ' ' || b[-1] == '\t')) b--;
        if (a == b) {
            k2td_strlist_free(out);
            return -1;
        }
        k2td_strlist_push(out, a, (size_t)(b - a));
        if (!end) return 0;
        s = end + 1;
    }
}

/* Checks v against e's bounds; on failure sets the "out of range" message. */
static int check_range(const k2td_cm_entry_t *e, int64_t v, const char *text, char *errstr,
                       size_t errstr_size) {
    if (v >= e->min && (e->max <= 0 || v <= e->max)) return 0;
    k2td_buf_t range = K2TD_BUF_INIT;
    put_range(e, &range);
    char q[K2TD_CM_QUOTE_MAX];
    k2td_errstr_set(errstr, errstr_size, "key `%s`: `%s` is out of range (%s)", e->key,
                   k2td_cm_quote(text, q), range.data);
    k2td_buf_free(&range);
    return -1;
}

int k2td_cm_set(const k2td_cm_entry_t *e, void *obj, const char *value, char *errstr,
                size_t errstr_size) {
    char q[K2TD_CM_QUOTE_MAX];
    int64_t v;
    switch (e->type) {
    case K2TD_CM_STRING: {
        char **field = FIELD(obj, e, char *);
        free(*field);
        *field = k2td_strdup(value);
        return 0;
    }
    case K2TD_CM_INT:
        if (parse_int(value, &v) != 0) {
            k2td_errstr_set(errstr, errstr_size, "key `%s`: `%s` is not an integer", e->key,
                           k2td_cm_quote(value, q));
            return -1;
        }
        if (check_range(e, v, value, errstr, errstr_size) != 0) return -1;
        *FIELD(obj, e, int64_t) = v;
        return 0;
    case K2TD_CM_BOOL: {
        static const char *const yes[] = {"true", "yes", "on", "1"};
        static const char *const no[] = {"false", "no", "off", "0"};
        for (int i = 0; i < 4; i++) {
            if (strcasecmp(value, yes[i]) == 0 || strcasecmp(value, no[i]) == 0) {
                *FIELD(obj, e, int) = strcasecmp(value, yes[i]) == 0;
                return 0;
            }
        }
        k2td_errstr_set(errstr, errstr_size, "key `%s`: `%s` is not a boolean (use true or false)",
                       e->key, k2td_cm_quote(value, q));
        return -1;
    }
    case K2TD_CM_DURATION_MS: {
        int forever = (e->flags & K2TD_CM_FOREVER) != 0;
        if (k2td_duration_parse(value, forever, &v) != 0) {
            k2td_errstr_set(errstr, errstr_size,
                           "key `%s`: `%s` is not a duration (use e.g. 500ms, 5s, 5m, 6h, 1d%s)",
                           e->key, k2td_cm_quote(value, q), forever ? ", or 0/never" : "");
            return -1;
        }
        if (check_range(e, v, value, errstr, errstr_size) != 0) return -1;
        *FIELD(obj, e, int64_t) = v;
        return 0;
    }
    case K2TD_CM_ENUM: {
        int found;
        int ev = enum_lookup(e, value, &found);
        if (!found) {
            k2td_buf_t names = K2TD_BUF_INIT;
            put_enum_names(e, 1, ", ", &names);
            k2td_errstr_set(errstr, errstr_size, "key `%s`: `%s` is not one of %s", e->key,
                           k2td_cm_quote(value, q), names.data);
            k2td_buf_free(&names);
            return -1;
        }
        *FIELD(obj, e, int) = ev;
        return 0;
    }
    case K2TD_CM_LIST: {
        k2td_strlist_t list = {NULL, 0};
        if (parse_list(value, &list) != 0) {
            k2td_errstr_set(errstr, errstr_size, "key `%s`: empty item in `%s`", e->key,
                           k2td_cm_quote(value, q));
            return -1;
        }
        k2td_strlist_t *field = FIELD(obj, e, k2td_strlist_t);
        k2td_strlist_free(field);
        *field = list;
        return 0;
    }
    }
    k2td_errstr_set(errstr, errstr_size, "key `%s`: unknown type", e->key);
    return -1;
}

const k2td_cm_entry_t *k2td_cm_find(const k2td_cm_entry_t *table, const char *key) {
    for (const k2td_cm_entry_t *e = table; e->key; e++)
        if (strcmp(e->key, key) == 0) return e;
    return NULL;
}

int k2td_cm_apply(const k2td_cm_entry_t *table, void *obj, const char *key, const char *value,
                  char *errstr, size_t errstr_size) {
    const k2td_cm_entry_t *e = k2td_cm_find(table, key);
    if (e) return k2td_cm_set(e, obj, value, errstr, errstr_size);
    size_t n = 0;
    while (table[n].key) n++;
    const char *near = k2td_cm_suggest(key, &table[0].key, n, sizeof(*table));
    char q[K2TD_CM_QUOTE_MAX];
    if (near)
        k2td_errstr_set(errstr, errstr_size, "unknown key `%s` (did you mean `%s`?)",
                       k2td_cm_quote(key, q), near);
    else
        k2td_errstr_set(errstr, errstr_size, "unknown key `%s`", k2td_cm_quote(key, q));
    return -1;
}

void k2td_cm_set_defaults(const k2td_cm_entry_t *table, void *obj) {
    for (const k2td_cm_entry_t *e = table; e->key; e++) {
        switch (e->type) {
        case K2TD_CM_STRING: *FIELD(obj, e, char *) = NULL; break;
        case K2TD_CM_INT:
        case K2TD_CM_DURATION_MS: *FIELD(obj, e, int64_t) = 0; break;
        case K2TD_CM_BOOL:
        case K2TD_CM_ENUM: *FIELD(obj, e, int) = 0; break;
        case K2TD_CM_LIST: *FIELD(obj, e, k2td_strlist_t) = (k2td_strlist_t){NULL, 0}; break;
        }
        char err[256];
        if (e->def && k2td_cm_set(e, obj, e->def, err, sizeof(err)) != 0) {
            fprintf(stderr, "k2td: BUG: bad default in the key table: %s\n", err);
            abort();
        }
    }
}

int k2td_cm_check_required(const k2td_cm_entry_t *table, const void *obj, char *errstr,
                           size_t errstr_size) {
    for (const k2td_cm_entry_t *e = table; e->key; e++) {
        if (!(e->flags & K2TD_CM_REQUIRED)) continue;
        int missing = 0;
        if (e->type == K2TD_CM_STRING) {
            const char *s = *CFIELD(obj, e, char *);
            missing = !s || !*s;
        } else if (e->type == K2TD_CM_LIST) {
            missing = CFIELD(obj, e, k2td_strlist_t)->n == 0;
        }
        if (missing) {
            k2td_errstr_set(errstr, errstr_size, "key `%s` is required", e->key);
            return -1;
        }
    }
    return 0;
}

void k2td_cm_free(const k2td_cm_entry_t *table, void *obj) {
    for (const k2td_cm_entry_t *e = table; e->key; e++) {
        if (e->type == K2TD_CM_STRING) {
            char **field = FIELD(obj, e, char *);
            free(*field);
            *field = NULL;
        } else if (e->type == K2TD_CM_LIST) {
            k2td_strlist_free(FIELD(obj, e, k2td_strlist_t));
        }
    }
}

int k2td_cm_put_value(const k2td_cm_entry_t *e, const void *obj, k2td_buf_t *out) {
    switch (e->type) {
    case K2TD_CM_STRING: {
        const char *s = *CFIELD(obj, e, char *);
        if (!s) return -1;
        k2td_buf_puts(out, s);
        return 0;
    }
    case K2TD_CM_INT: k2td_buf_put_i64(out, *CFIELD(obj, e, int64_t)); return 0;
    case K2TD_CM_BOOL: k2td_buf_puts(out, *CFIELD(obj, e, int) ? "true" : "false"); return 0;
    case K2TD_CM_DURATION_MS: k2td_duration_put(out, *CFIELD(obj, e, int64_t)); return 0;
    case K2TD_CM_ENUM: k2td_buf_puts(out, k2td_cm_enum_name(e, *CFIELD(obj, e, int))); return 0;
    case K2TD_CM_LIST: {
        const k2td_strlist_t *l = CFIELD(obj, e, k2td_strlist_t);
        for (size_t i = 0; i < l->n; i++) {
            if (i) k2td_buf_putc(out, ',');
            k2td_buf_puts(out, l->items[i]);
        }
        return 0;
    }
    }
    return -1;
}

/* Appends "(type ..., default ...)" for one entry. */
static void put_entry_summary(const k2td_cm_entry_t *e, k2td_buf_t *out) {
    k2td_buf_putc(out, '(');
    switch (e->type) {
    case K2TD_CM_STRING: k2td_buf_puts(out, "text"); break;
    case K2TD_CM_LIST: k2td_buf_puts(out, "comma-separated list"); break;
    case K2TD_CM_BOOL: k2td_buf_puts(out, "true|false"); break;
    case K2TD_CM_INT:
    case K2TD_CM_DURATION_MS:
        k2td_buf_puts(out, e->type == K2TD_CM_INT ? "integer" : "duration");
        if (e->min > 0 || e->max > 0) {
            k2td_buf_putc(out, ' ');
            put_range(e, out);
        }
        if (e->flags & K2TD_CM_FOREVER) k2td_buf_puts(out, "; 0, never or -1 = forever");
        break;
    case K2TD_CM_ENUM: {
        put_enum_names(e, 1, "|", out);
        k2td_buf_t aliases = K2TD_BUF_INIT;
        put_enum_names(e, 0, ", ", &aliases);
        if (aliases.len) k2td_buf_printf(out, "; also %s", aliases.data);
        k2td_buf_free(&aliases);
        break;
    }
    }
    if (e->flags & K2TD_CM_REQUIRED) k2td_buf_puts(out, "; required");
    if (e->def) {
        k2td_buf_puts(out, "; default ");
        k2td_buf_puts(out, *e->def ? e->def : "empty");
    }
    k2td_buf_putc(out, ')');
}

void k2td_cm_help(const k2td_cm_entry_t *table, k2td_buf_t *out) {
    int durations = 0;
    for (const k2td_cm_entry_t *e = table; e->key; e++) {
        k2td_buf_printf(out, "  %s ", e->key);
        put_entry_summary(e, out);
        k2td_buf_printf(out, "\n      %s\n", e->desc ? e->desc : "");
        durations |= e->type == K2TD_CM_DURATION_MS;
    }
    if (durations)
        k2td_buf_puts(out, "  Durations: a bare integer is milliseconds; units ms, s, m, h, d, "
                           "which may be combined (1h30m).\n");
}
