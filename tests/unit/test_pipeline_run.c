/* Unit tests of k2td_pipeline_run: running the stages a block of rows at a
 * time gives exactly what running them one after the other over the whole
 * batch gives (k2td_pipeline_run_stage), drops included, across blocks. */
#include <cJSON.h>

#include "parse/json_flat.h"
#include "test.h"
#include "transform/pipeline.h"

static const char MUTATE[] =
    "[{\"extract\": {\"m\": {\"split\": {\"separator\": \"-\", \"count\": 2}}}},"
    " {\"filter\": [\"id % 3 != 0\"]},"
    " {\"map\": {\"label\": {\"format\": \"${m_0}/${id}\"}, \"twice\": {\"expr\": \"id * 2\"}}},"
    " {\"filter\": [\"id % 7 != 0\"]}]";

typedef struct {
    size_t n;
    char seen[2000];
} drops_t;

static void on_drop(void *opaque, k2td_stage_kind_t kind, const k2td_rowset_t *in, size_t row,
                    int filtered, const char *reason) {
    drops_t *d = opaque;
    (void)kind;
    (void)filtered;
    (void)reason;
    d->seen[in->row_msg[row]]++;
    d->n++;
}

/* Returns row r of rs as "name=value;..." text in out. */
static const char *row_text(const k2td_rowset_t *rs, size_t r, char *out, size_t size) {
    const k2td_field_t *f;
    size_t n = k2td_rowset_row(rs, r, &f), o = 0;
    o += (size_t)snprintf(out, size, "msg %zu:", rs->row_msg[r]);
    for (size_t i = 0; i < n && o < size; i++) {
        if (f[i].v.type == K2TD_VAL_STRING)
            o += (size_t)snprintf(out + o, size - o, "%s=%.*s;", f[i].name, (int)f[i].v.len,
                                  f[i].v.str);
        else
            o += (size_t)snprintf(out + o, size - o, "%s=%lld;", f[i].name,
                                  (long long)f[i].v.n.i);
    }
    return out;
}

static void test_blocks_match_stage_by_stage(void) {
    char err[512];
    cJSON *mutate = cJSON_Parse(MUTATE);
    k2td_pipeline_t *p = k2td_pipeline_compile(mutate, "mutate", err, sizeof(err));
    CHECK(p != NULL);
    enum { ROWS = 1000 };
    k2td_rowset_t parsed, sets[5], a, b;
    k2td_rowset_init(&parsed);
    k2td_rowset_init(&a);
    k2td_rowset_init(&b);
    for (int i = 0; i < 5; i++) k2td_rowset_init(&sets[i]);
    static char payloads[ROWS][48]; /* parsed rows point into their payloads */
    for (int round = 0; round < 2; round++) { /* a second batch reuses every buffer */
        k2td_rowset_reset(&parsed);
        k2td_rowset_reset(&a);
        k2td_rowset_reset(&b);
        for (size_t i = 0; i < ROWS; i++) {
            char *json = payloads[i];
            int len = snprintf(json, sizeof(payloads[i]), "{\"id\":%zu,\"m\":\"x%zu-y\"}",
                               i + round, i);
            CHECK(k2td_json_flat_parse(json, (size_t)len, i, &parsed, err, sizeof(err)) == 1);
        }
        /* the reference: each stage over the whole batch */
        drops_t want = {0}, got = {0};
        const k2td_rowset_t *cur = &parsed;
        for (size_t s = 0; s < k2td_pipeline_stages(p); s++) {
            k2td_rowset_reset(&sets[s]);
            k2td_pipeline_run_stage(p, s, cur, &sets[s], 1764000000000LL, 0, on_drop, &want);
            cur = &sets[s];
        }
        /* k2td_pipeline_run on a copy of the parsed rows */
        for (size_t r = 0; r < parsed.nrows; r++) k2td_rowset_copy_row(&a, &parsed, r);
        k2td_rowset_t *rows = &a, *spare = &b;
        size_t dropped = k2td_pipeline_run(p, &rows, &spare, 1764000000000LL, 0, on_drop, &got);
        CHECK(rows == &b && spare == &a);
        CHECK_INT(dropped, want.n);
        CHECK_INT(got.n, want.n);
        CHECK(memcmp(got.seen, want.seen, sizeof(got.seen)) == 0);
        CHECK_INT(rows->nrows, cur->nrows);
        CHECK(rows->nrows > 500 && rows->nrows < ROWS);
        for (size_t r = 0; r < rows->nrows && r < cur->nrows; r++) {
            char x[256], y[256];
            CHECK_STR(row_text(rows, r, x, sizeof(x)), row_text(cur, r, y, sizeof(y)));
        }
    }
    for (int i = 0; i < 5; i++) k2td_rowset_free(&sets[i]);
    k2td_rowset_free(&parsed);
    k2td_rowset_free(&a);
    k2td_rowset_free(&b);
    k2td_pipeline_free(p);
    cJSON_Delete(mutate);
}

int main(void) {
    RUN(test_blocks_match_stage_by_stage);
    return test_finish();
}
