/*
 * fuzz_json_flat.c - libFuzzer target for the JSON payload parser and the
 * field list applied after it.
 *
 * Every input is parsed after one fixed row already in the rowset; then
 * every field is walked and checked: names NUL-terminated and unique in
 * their row, string bytes readable and, when they point into the input,
 * inside it, number text that reads back as the same value. A failed parse
 * must leave the earlier row exactly as it was. Rows that parsed then go
 * through a compiled field list, whose output is checked the same way.
 * The rowset is reset between inputs.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse/json_fields.h"
#include "parse/json_flat.h"

#define FUZZ_ASSERT(cond)                                                  \
    do {                                                                   \
        if (!(cond)) {                                                     \
            fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__,     \
                    __LINE__, #cond);                                      \
            abort();                                                       \
        }                                                                  \
    } while (0)

static const char fuzz_first_row[] = "{\"first\":1,\"row\":\"kept\"}";

static const char *const fuzz_specs[] = {
    "id::int",          "ts::timestamp(ms)", "a=alias_a::double", "$.a.b[0]=ab::varchar",
    "s::bool",          "n::bigint unsigned", "x::float",         "t::nchar",
    "$['k.e']=ke::tinyint", "u::smallint unsigned", "v",
};

/* Bytes read through fuzz_touch() land here, so the reads stay. */
static volatile unsigned fuzz_sink;

/* Returns a sum of every byte of s[0..n), so the sanitizer sees them read. */
static unsigned fuzz_touch(const char *s, size_t n) {
    unsigned sum = 0;
    for (size_t i = 0; i < n; i++) sum += (unsigned char)s[i];
    return sum;
}

/* Checks every field of rows [first, nrows) against the invariants. */
static void fuzz_check_rows(const k2td_rowset_t *rs, size_t first, const char *in, size_t size) {
    for (size_t r = first; r < rs->nrows; r++) {
        const k2td_field_t *f;
        size_t n = k2td_rowset_row(rs, r, &f);
        for (size_t i = 0; i < n; i++) {
            const k2td_value_t *v = &f[i].v;
            FUZZ_ASSERT(f[i].name != NULL);
            FUZZ_ASSERT(f[i].name[f[i].name_len] == '\0');
            fuzz_sink += fuzz_touch(f[i].name, f[i].name_len);
            if (n <= 512)
                for (size_t j = 0; j < i; j++)
                    FUZZ_ASSERT(f[j].name_len != f[i].name_len ||
                                memcmp(f[j].name, f[i].name, f[i].name_len) != 0);
            int in_input = v->str >= in && v->str < in + size;
            if (in_input) FUZZ_ASSERT(v->len <= (size_t)(in + size - v->str));
            switch (v->type) {
            case K2TD_VAL_NULL: break;
            case K2TD_VAL_BOOL: FUZZ_ASSERT(v->n.b == 0 || v->n.b == 1); break;
            case K2TD_VAL_STRING:
                FUZZ_ASSERT(v->str != NULL || v->len == 0);
                fuzz_sink += fuzz_touch(v->str, v->len);
                break;
            case K2TD_VAL_INT:
            case K2TD_VAL_UINT:
            case K2TD_VAL_FLOAT: {
                FUZZ_ASSERT(v->str != NULL && v->len > 0);
                k2td_value_t back = {0};
                FUZZ_ASSERT(k2td_json_parse_number(v->str, v->len, &back) == 0);
                if (v->type != K2TD_VAL_FLOAT) {
                    FUZZ_ASSERT(back.type == v->type);
                    FUZZ_ASSERT(back.n.u == v->n.u);
                }
                break;
            }
            default: FUZZ_ASSERT(!"unknown value type");
            }
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static k2td_rowset_t rs;
    static k2td_json_fields_t *fields;
    static int ready;
    char err[256];
    if (!ready) {
        k2td_rowset_init(&rs);
        fields = k2td_json_fields_compile(fuzz_specs, sizeof(fuzz_specs) / sizeof(fuzz_specs[0]),
                                          err, sizeof(err));
        FUZZ_ASSERT(fields != NULL);
        ready = 1;
    }
    k2td_rowset_reset(&rs);
    FUZZ_ASSERT(k2td_json_flat_parse(fuzz_first_row, sizeof(fuzz_first_row) - 1, 0, &rs, err,
                                     sizeof(err)) == 1);
    size_t nfields_before = rs.nfields;

    const char *in = (const char *)data;
    int n = k2td_json_flat_parse(in, size, 1, &rs, err, sizeof(err));
    if (n < 0) {
        FUZZ_ASSERT(n == -1);
        FUZZ_ASSERT(rs.nrows == 1 && rs.nfields == nfields_before);
        unsigned long off = 0;
        FUZZ_ASSERT(sscanf(err, "offset %lu: ", &off) == 1);
        FUZZ_ASSERT(off <= size);
        FUZZ_ASSERT(strchr(err, ':')[1] == ' ' && strlen(err) > 12);
    } else {
        FUZZ_ASSERT(rs.nrows == 1 + (size_t)n);
        FUZZ_ASSERT(err[0] == '\0');
        for (size_t r = 1; r < rs.nrows; r++) FUZZ_ASSERT(rs.row_msg[r] == 1);
        fuzz_check_rows(&rs, 1, in, size);

        size_t nrows = rs.nrows;
        if (k2td_json_fields_apply(fields, &rs, 1, err, sizeof(err)) == 0) {
            FUZZ_ASSERT(rs.nrows == nrows);
            size_t nspecs = sizeof(fuzz_specs) / sizeof(fuzz_specs[0]);
            for (size_t r = 1; r < rs.nrows; r++) {
                const k2td_field_t *f;
                FUZZ_ASSERT(k2td_rowset_row(&rs, r, &f) <= nspecs);
            }
            fuzz_check_rows(&rs, 1, in, size);
        } else {
            FUZZ_ASSERT(rs.nrows == 1 && rs.nfields == nfields_before);
            FUZZ_ASSERT(strncmp(err, "field '", 7) == 0);
        }
    }
    /* the row parsed before the input is untouched either way */
    const k2td_field_t *f;
    FUZZ_ASSERT(k2td_rowset_row(&rs, 0, &f) == 2);
    FUZZ_ASSERT(strcmp(f[0].name, "first") == 0 && f[0].v.n.i == 1);
    FUZZ_ASSERT(f[1].v.type == K2TD_VAL_STRING && f[1].v.len == 4);
    return 0;
}
