/*
 * extract.c - the `extract` stage: split, regex, convert and json rules
 * (see extract.h).
 */
#include "extract.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/alloc.h"
#include "../common/arena.h"
#include "../common/errstr.h"
#include "../parse/json_flat.h"
#include "../parse/regex_parse.h"

typedef struct xrule {
    k2td_extract_kind_t kind;
    const char *field;
    size_t field_len;
    const char *sep; /* split */
    size_t sep_len;
    size_t count;
    const char **names; /* split: {field}_0 .. {field}_{count-1} */
    size_t *name_lens;  /* split: their lengths */
    k2td_regex_t *re;   /* regex */
    k2td_extract_pair_t *pairs; /* convert, strings in the stage's arena */
    size_t *from_lens;          /* convert: strlen of each pair's from */
    size_t npairs;
    const char *label; /* "extract rule 2 (split on `message`)" */
    size_t hint;       /* k2td_rowset_find()'s position cache for field */
} xrule_t;

struct k2td_extract {
    size_t n;
    xrule_t *rules;
    k2td_arena_t mem;      /* every string and table the rules own */
    k2td_rowset_t scratch; /* regex matches, reused for every row */
};

static const char *const kind_names[] = {"split", "regex", "convert", "json"};

/* Fills r from the caller's rule. Returns 0, or -1 with the reason
 * (without the rule's label) in errstr. */
static int xrule_compile(k2td_extract_t *x, xrule_t *r, const k2td_extract_rule_t *src,
                         char *errstr, size_t errstr_size) {
    r->kind = src->kind;
    r->field_len = strlen(r->field);
    switch (src->kind) {
    case K2TD_EXTRACT_SPLIT:
        if (!src->separator || !src->separator[0])
            return k2td_errstr_set(errstr, errstr_size, "separator is empty");
        if (src->count < 1)
            return k2td_errstr_set(errstr, errstr_size, "number of parts must be at least 1");
        r->sep_len = strlen(src->separator);
        r->sep = k2td_arena_strndup(&x->mem, src->separator, r->sep_len);
        r->count = src->count;
        r->names = k2td_arena_alloc(&x->mem, r->count * sizeof(*r->names));
        r->name_lens = k2td_arena_alloc(&x->mem, r->count * sizeof(*r->name_lens));
        for (size_t i = 0; i < r->count; i++) {
            char name[32];
            int len = snprintf(name, sizeof(name), "_%zu", i);
            char *full = k2td_arena_alloc(&x->mem, r->field_len + (size_t)len + 1);
            memcpy(full, r->field, r->field_len);
            memcpy(full + r->field_len, name, (size_t)len + 1);
            r->names[i] = full;
            r->name_lens[i] = r->field_len + (size_t)len;
        }
        return 0;
    case K2TD_EXTRACT_REGEX:
        if (!src->pattern || !src->pattern[0])
            return k2td_errstr_set(errstr, errstr_size, "pattern is empty");
        r->re = k2td_regex_compile(src->pattern, 0, errstr, errstr_size);
        return r->re ? 0 : -1;
    case K2TD_EXTRACT_CONVERT:
        if (!src->pairs || src->npairs == 0)
            return k2td_errstr_set(errstr, errstr_size, "conversion table is empty");
        r->npairs = src->npairs;
        r->pairs = k2td_arena_alloc(&x->mem, r->npairs * sizeof(*r->pairs));
        r->from_lens = k2td_arena_alloc(&x->mem, r->npairs * sizeof(*r->from_lens));
        for (size_t i = 0; i < r->npairs; i++) {
            const k2td_extract_pair_t *p = &src->pairs[i];
            if (!p->from)
                return k2td_errstr_set(errstr, errstr_size, "conversion %zu has no key", i + 1);
            r->from_lens[i] = strlen(p->from);
            r->pairs[i].from = k2td_arena_strndup(&x->mem, p->from, r->from_lens[i]);
            r->pairs[i].to = p->to;
            if (p->to.str)
                r->pairs[i].to.str = k2td_arena_strndup(&x->mem, p->to.str, p->to.len);
        }
        return 0;
    case K2TD_EXTRACT_JSON:
        return 0;
    }
    return k2td_errstr_set(errstr, errstr_size, "unknown rule kind %d", (int)src->kind);
}

k2td_extract_t *k2td_extract_compile(const k2td_extract_rule_t *rules, size_t n, char *errstr,
                                     size_t errstr_size) {
    if (n == 0) {
        k2td_errstr_set(errstr, errstr_size, "extract has no rule");
        return NULL;
    }
    k2td_extract_t *x = k2td_calloc(1, sizeof(*x));
    k2td_arena_init(&x->mem, 4096);
    k2td_rowset_init(&x->scratch);
    x->rules = k2td_calloc(n, sizeof(*x->rules));
    for (size_t i = 0; i < n; i++, x->n++) {
        const k2td_extract_rule_t *src = &rules[i];
        xrule_t *r = &x->rules[i];
        unsigned kind = (unsigned)src->kind;
        const char *kname = kind < 4 ? kind_names[kind] : "unknown";
        const char *field = src->field ? src->field : "";
        char label[256];
        snprintf(label, sizeof(label), "extract rule %zu (%s on `%s`)", i + 1, kname, field);
        r->label = k2td_arena_strndup(&x->mem, label, strlen(label));
        r->field = k2td_arena_strndup(&x->mem, field, strlen(field));
        int rc = field[0] ? xrule_compile(x, r, src, errstr, errstr_size)
                          : k2td_errstr_set(errstr, errstr_size, "source field is empty");
        if (rc != 0) {
            k2td_errstr_prefix(errstr, errstr_size, "%s: ", label);
            x->n++;
            k2td_extract_free(x);
            return NULL;
        }
    }
    return x;
}

void k2td_extract_free(k2td_extract_t *x) {
    if (!x) return;
    for (size_t i = 0; i < x->n; i++) k2td_regex_free(x->rules[i].re);
    free(x->rules);
    k2td_arena_free(&x->mem);
    k2td_rowset_free(&x->scratch);
    free(x);
}

/* Returns the text of the last row's source field of r in out and sets
 * *len, or NULL when the field is missing or null. Digits a number lacks
 * are written into out->arena, so the text lives as long as out's rows. */
static const char *source_text(xrule_t *r, k2td_rowset_t *out, size_t *len) {
    const k2td_field_t *f =
        k2td_rowset_find(out, out->nrows - 1, r->field, r->field_len, &r->hint);
    if (!f) return NULL;
    char tmp[32];
    const char *s = k2td_transform_value_text(&f->v, tmp, len);
    return s == tmp ? k2td_arena_strndup(&out->arena, tmp, *len) : s;
}

/* Sets the last row's field name[0..name_len) to the string s[0..len), or
 * to NULL when s is NULL. */
static void set_string(k2td_rowset_t *out, const char *name, size_t name_len, const char *s,
                       size_t len) {
    k2td_field_t *f = k2td_transform_set_field(out, name, name_len);
    memset(&f->v, 0, sizeof(f->v));
    if (!s) return;
    f->v.type = K2TD_VAL_STRING;
    f->v.str = s;
    f->v.len = len;
}

/* Returns the first occurrence of sep[0..sep_len) in s[0..len), or NULL. */
static const char *find_sep(const char *s, size_t len, const char *sep, size_t sep_len) {
    for (const char *p = s; sep_len <= (size_t)(s + len - p); p++) {
        p = memchr(p, sep[0], (size_t)(s + len - p) - sep_len + 1);
        if (!p) return NULL;
        if (memcmp(p, sep, sep_len) == 0) return p;
    }
    return NULL;
}

static void apply_split(const xrule_t *r, k2td_rowset_t *out, const char *s, size_t len) {
    const char *end = s + len;
    for (size_t i = 0; i < r->count; i++) {
        if (!s) {
            set_string(out, r->names[i], r->name_lens[i], NULL, 0);
            continue;
        }
        const char *sep = i + 1 < r->count ? find_sep(s, (size_t)(end - s), r->sep, r->sep_len)
                                           : NULL;
        const char *part_end = sep ? sep : end;
        set_string(out, r->names[i], r->name_lens[i], s, (size_t)(part_end - s));
        s = sep ? sep + r->sep_len : NULL;
    }
}

/* Returns 0 (also when the pattern does not match), or -1 with the reason. */
static int apply_regex(k2td_extract_t *x, const xrule_t *r, k2td_rowset_t *out, const char *s,
                       size_t len, char *reason, size_t reason_size) {
    k2td_rowset_reset(&x->scratch);
    if (k2td_regex_parse(r->re, s, len, out->row_msg[out->nrows - 1], &x->scratch, reason,
                         reason_size) < 0)
        return k2td_regex_no_match(r->re) ? 0 : -1;
    const k2td_field_t *f;
    size_t n = k2td_rowset_row(&x->scratch, 0, &f);
    for (size_t i = 0; i < n; i++) {
        k2td_field_t *dst = k2td_transform_set_field(out, f[i].name, f[i].name_len);
        dst->v = f[i].v;
    }
    return 0;
}

static void apply_convert(const xrule_t *r, k2td_rowset_t *out, const char *s, size_t len) {
    for (size_t i = 0; i < r->npairs; i++) {
        const k2td_extract_pair_t *p = &r->pairs[i];
        if (r->from_lens[i] != len || memcmp(p->from, s, len) != 0) continue;
        k2td_transform_set_field(out, r->field, r->field_len)->v = p->to;
        return;
    }
}

/* Parses s as JSON into a new row of out and merges that row into the
 * previous one (same-named fields overwritten in place). Returns 0, or -1
 * with the reason and out as before the call. */
static int apply_json(k2td_rowset_t *out, const char *s, size_t len, char *reason,
                      size_t reason_size) {
    size_t rows_before = out->nrows;
    int rc = k2td_json_flat_parse(s, len, out->row_msg[rows_before - 1], out, reason,
                                  reason_size);
    if (rc < 0) return -1;
    if (rc != 1) {
        k2td_rowset_truncate(out, rows_before);
        return k2td_errstr_set(reason, reason_size, "the JSON gives %d rows, not one", rc);
    }
    size_t old_start = out->row_start[rows_before - 1], new_start = out->row_start[rows_before];
    size_t w = new_start;
    out->nrows--;
    for (size_t j = new_start; j < out->nfields; j++) {
        k2td_field_t *nf = &out->fields[j];
        size_t k = old_start;
        while (k < new_start && (out->fields[k].name_len != nf->name_len ||
                                 memcmp(out->fields[k].name, nf->name, nf->name_len) != 0))
            k++;
        out->fields[k < new_start ? k : w++] = *nf;
    }
    out->nfields = w;
    return 0;
}

/* Applies rule r to the last row of out. Returns 0, or -1 with the reason. */
static int apply_rule(k2td_extract_t *x, xrule_t *r, k2td_rowset_t *out, char *reason,
                      size_t reason_size) {
    size_t len;
    const char *s = source_text(r, out, &len);
    if (!s) return 0;
    switch (r->kind) {
    case K2TD_EXTRACT_SPLIT: apply_split(r, out, s, len); return 0;
    case K2TD_EXTRACT_REGEX: return apply_regex(x, r, out, s, len, reason, reason_size);
    case K2TD_EXTRACT_CONVERT: apply_convert(r, out, s, len); return 0;
    case K2TD_EXTRACT_JSON: return apply_json(out, s, len, reason, reason_size);
    }
    return 0;
}

int k2td_extract_apply(k2td_extract_t *x, k2td_rowset_t *rows, char *reason,
                       size_t reason_size) {
    for (size_t i = 0; i < x->n; i++) {
        if (apply_rule(x, &x->rules[i], rows, reason, reason_size) == 0) continue;
        k2td_errstr_prefix(reason, reason_size, "%s: ", x->rules[i].label);
        return K2TD_TRANSFORM_FAILED;
    }
    return K2TD_TRANSFORM_KEEP;
}

/* k2td_extract_apply() as a k2td_transform_apply_fn. */
static int extract_apply_fn(void *stage, k2td_rowset_t *rows, k2td_expr_ctx_t *ectx,
                            char *reason, size_t reason_size) {
    (void)ectx;
    return k2td_extract_apply(stage, rows, reason, reason_size);
}

size_t k2td_extract_run(k2td_extract_t *x, const k2td_rowset_t *in, k2td_rowset_t *out,
                        const k2td_transform_ctx_t *ctx) {
    return k2td_transform_run(x, extract_apply_fn, in, out, ctx);
}
