/*
 * template.c - table-name templates such as "t_{id}" or "d_${groupid}_{loc}".
 */
#include "../common/errstr.h"
#include "template.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/alloc.h"
#include "convert.h"

typedef struct tmpl_var {
    char *name; /* NUL-terminated, owned */
    size_t len;
    size_t hint; /* position the field had in the last row (k2td_rowset_find) */
} tmpl_var_t;

/* A piece of the template: literal text, or a reference to vars[var]. */
typedef struct tmpl_part {
    const char *lit; /* points into text; NULL for a variable */
    size_t len;
    size_t var;
} tmpl_part_t;

struct k2td_template {
    char *text; /* owned copy of the source */
    tmpl_part_t *parts;
    size_t nparts;
    tmpl_var_t *vars;
    size_t nvars;
};

/* Appends a literal part for text[from..to) when it is not empty. The parts
 * array has room for every part (sized by the caller). */
static void add_literal(k2td_template_t *t, size_t from, size_t to) {
    if (to == from) return;
    t->parts[t->nparts++] = (tmpl_part_t){t->text + from, to - from, 0};
}

/* Appends a part for the variable name[0..len), reusing a known variable. */
static void add_var(k2td_template_t *t, const char *name, size_t len) {
    size_t k = 0;
    while (k < t->nvars && !(t->vars[k].len == len && memcmp(t->vars[k].name, name, len) == 0))
        k++;
    if (k == t->nvars) t->vars[t->nvars++] = (tmpl_var_t){k2td_strndup(name, len), len, 0};
    t->parts[t->nparts++] = (tmpl_part_t){NULL, 0, k};
}

k2td_template_t *k2td_template_compile(const char *text, char *errstr, size_t errstr_size) {
    size_t n = strlen(text);
    if (n == 0) {
        k2td_errstr_set(errstr, errstr_size, "template is empty");
        return NULL;
    }
    k2td_template_t *t = k2td_calloc(1, sizeof(*t));
    t->text = k2td_strndup(text, n);
    /* Each placeholder takes at least 2 bytes and splits at most one literal
     * off, so n + 1 parts and n / 2 variables are always enough. */
    t->parts = k2td_malloc((n + 1) * sizeof(tmpl_part_t));
    t->vars = k2td_malloc((n / 2 + 1) * sizeof(tmpl_var_t));
    const char *s = t->text;
    size_t lit = 0, i = 0;
    while (i < n) {
        size_t open = i, name;
        if (s[i] == '}') {
            k2td_errstr_set(errstr, errstr_size, "'}' at offset %zu closes no placeholder", i);
            goto fail;
        }
        if (s[i] == '{')
            name = i + 1;
        else if (s[i] == '$' && i + 1 < n && s[i + 1] == '{')
            name = i + 2;
        else {
            i++;
            continue;
        }
        size_t end = name;
        while (end < n && s[end] != '}' && s[end] != '{') end++;
        if (end == n || s[end] == '{') {
            k2td_errstr_set(errstr, errstr_size, "placeholder opened at offset %zu is not closed", open);
            goto fail;
        }
        if (end == name) {
            k2td_errstr_set(errstr, errstr_size, "placeholder at offset %zu has an empty name", open);
            goto fail;
        }
        add_literal(t, lit, open);
        add_var(t, s + name, end - name);
        i = lit = end + 1;
    }
    add_literal(t, lit, n);
    return t;
fail:
    k2td_template_free(t);
    return NULL;
}

int k2td_template_expand(k2td_template_t *t, const k2td_rowset_t *rs, size_t row,
                         k2td_buf_t *out, char *errstr, size_t errstr_size) {
    return k2td_template_expand_or(t, rs, row, NULL, NULL, out, errstr, errstr_size);
}

int k2td_template_expand_or(k2td_template_t *t, const k2td_rowset_t *rs, size_t row,
                            const char *missing, size_t *nmissing, k2td_buf_t *out, char *errstr,
                            size_t errstr_size) {
    size_t mark = out->len;
    for (size_t p = 0; p < t->nparts; p++) {
        const tmpl_part_t *part = &t->parts[p];
        if (part->lit) {
            k2td_buf_append(out, part->lit, part->len);
            continue;
        }
        tmpl_var_t *var = &t->vars[part->var];
        const k2td_field_t *f = k2td_rowset_find(rs, row, var->name, var->len, &var->hint);
        const char *absent = !f                              ? "missing"
                             : f->v.type == K2TD_VAL_NULL    ? "NULL"
                             : f->v.type == K2TD_VAL_STRING && f->v.len == 0 ? "empty"
                                                              : NULL;
        if (absent && missing) {
            k2td_buf_puts(out, missing);
            ++*nmissing;
            continue;
        }
        if (absent) {
            k2td_buf_truncate(out, mark);
            k2td_errstr_set(errstr, errstr_size, "template variable `%s` is %s", var->name,
                            absent);
            return -1;
        }
        char tmp[32];
        const char *s;
        size_t len;
        switch (f->v.type) {
        case K2TD_VAL_STRING: s = f->v.str, len = f->v.len; break;
        case K2TD_VAL_BOOL:
            s = f->v.n.b ? "true" : "false";
            len = strlen(s);
            break;
        default: s = k2td_convert_number_text(&f->v, tmp, &len); break;
        }
        k2td_buf_append(out, s, len);
    }
    return 0;
}

size_t k2td_template_nvars(const k2td_template_t *t) {
    return t->nvars;
}

const char *k2td_template_var(const k2td_template_t *t, size_t i) {
    return t->vars[i].name;
}

void k2td_template_free(k2td_template_t *t) {
    if (!t) return;
    for (size_t k = 0; k < t->nvars; k++) free(t->vars[k].name);
    free(t->vars);
    free(t->parts);
    free(t->text);
    free(t);
}

int k2td_table_name_check(const char *s, size_t n, char *errstr, size_t errstr_size) {
    if (n == 0) {
        k2td_errstr_set(errstr, errstr_size, "table name is empty");
        return -1;
    }
    if (n > K2TD_TABLE_NAME_MAX) {
        k2td_errstr_set(errstr, errstr_size, "table name `%.32s...` is %zu bytes long, more than %d", s,
                n, K2TD_TABLE_NAME_MAX);
        return -1;
    }
    if (memchr(s, '\0', n)) {
        k2td_errstr_set(errstr, errstr_size, "table name contains a NUL byte");
        return -1;
    }
    if (memchr(s, '.', n)) {
        k2td_errstr_set(errstr, errstr_size, "table name `%.*s` contains '.'", (int)n, s);
        return -1;
    }
    return 0;
}
