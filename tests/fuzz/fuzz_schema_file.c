/*
 * fuzz_schema_file.c - libFuzzer target: arbitrary bytes as a supertable
 * schema file (`k2td preview --schema`).
 *
 * Invariants checked beyond "no crash, no sanitizer report": a refused file
 * says why, starting with the source's name; an accepted one has at least one supertable,
 * each laid out as a supertable k2td can write (k2td_schema_check_layout)
 * with a length for every sized type, and each can be looked up by its name
 * (or, for the form standing for every name, by any name) as a copy of
 * itself.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "task/schema_file.h"

/* Aborts unless the copy c equals the file's entry s (names aside). */
static void check_copy(const k2td_stable_schema_t *s, const k2td_stable_schema_t *c) {
    if (c->ncols != s->ncols) abort();
    for (size_t i = 0; i < s->ncols; i++) {
        const k2td_column_t *a = &s->cols[i], *b = &c->cols[i];
        if (strcmp(a->name, b->name) != 0 || a->type != b->type || a->length != b->length ||
            a->is_tag != b->is_tag)
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    k2td_schema_file_t f;
    char err[512] = "";
    if (k2td_schema_file_parse((const char *)data, size, "fuzz.json", &f, err, sizeof(err)) != 0) {
        if (strncmp(err, "fuzz.json", 9) != 0) abort(); /* "fuzz.json: ...", "fuzz.json.key: ..." */
        k2td_schema_file_free(&f);
        return 0;
    }
    if (f.n == 0) abort();
    for (size_t i = 0; i < f.n; i++) {
        const k2td_stable_schema_t *s = &f.stables[i];
        if (k2td_schema_check_layout(s, err, sizeof(err)) != 0) abort();
        for (size_t c = 0; c < s->ncols; c++)
            if (s->cols[c].type >= K2TD_COL_VARCHAR && s->cols[c].type <= K2TD_COL_JSON &&
                s->cols[c].length < 1)
                abort();
        k2td_stable_schema_t got;
        if (k2td_schema_file_get(&f, "db", s->stable ? s->stable : "any", &got, err,
                                 sizeof(err)) != 0)
            abort();
        /* an earlier entry of the same name would have been refused */
        check_copy(s, &got);
        k2td_stable_schema_clear(&got);
    }
    k2td_schema_file_free(&f);
    return 0;
}
