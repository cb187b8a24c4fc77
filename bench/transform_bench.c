/*
 * transform_bench.c - the transform path alone, on one core: canonical
 * "meters" JSON messages -> parse -> [mutate stages] -> map onto the
 * supertable -> INSERT SQL text, as k2td's engine does it, without Kafka or
 * TDengine. Two paths over the same messages in one run:
 *
 *   plain: parse.value.json "" -> model d_{id}
 *   full:  the same plus 3 extract rules, 2 filters and format/expr
 *          mappings (FULL_MUTATE below)
 *
 *   build/bench/transform_bench [messages] [batch] [rounds]
 *
 * The two paths run alternately `rounds` times (default 5) and each keeps
 * its best time, so that a busy machine slows both alike rather than
 * whichever ran while another process held the core. Prints rows/s for
 * each, the full/plain ratio, and the malloc calls made
 * by the mutate stages after the first batch (they must allocate nothing per
 * row; sanitizer builds cannot count). Messages are generated in memory first
 * so the clock covers the transform only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cJSON.h>

#include "alloc_count.h"
#include "common/alloc.h"
#include "common/buf.h"
#include "model/mapper.h"
#include "parse/json_flat.h"
#include "schema_fixture.h"
#include "transform/pipeline.h"

static const char FULL_MUTATE[] =
    "[{\"extract\": {\"location\": {\"split\": {\"separator\": \".\", \"count\": 2}}}},"
    " {\"extract\": {\"location_0\": {\"convert\": {\"California\": \"CA\", \"Oregon\": \"OR\"}}}},"
    " {\"extract\": {\"location_1\": {\"regex\": \"^(?<city>[A-Za-z]+)$\"}}},"
    " {\"filter\": [\"voltage > 100\", \"location_0 != \\\"\\\"\"]},"
    " {\"map\": {\"label\": {\"format\": \"${location_0}-${city}-${id}\"},"
    "          \"current\": {\"expr\": \"current * 1.0 + 0\"}}}]";

typedef struct run_result {
    double secs;
    size_t rows, bad, statements, sql_bytes, stage_allocs;
} run_result_t;

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Runs every message through the path (pipeline may be NULL: plain). */
static run_result_t bench_run(const k2td_buf_t *all, const size_t *off, size_t n, size_t batch,
                              k2td_mapper_t *m, k2td_pipeline_t *pipeline) {
    run_result_t res = {0};
    k2td_insert_batch_t *b = k2td_mapper_batch_new(m, 1024 * 1024);
    k2td_rowset_t rs_a, rs_b;
    k2td_rowset_init(&rs_a);
    k2td_rowset_init(&rs_b);
    k2td_buf_t sql = K2TD_BUF_INIT;
    char err[512];
    double t0 = now_s();
    for (size_t start = 0; start < n; start += batch) {
        size_t end = start + batch < n ? start + batch : n;
        k2td_rowset_reset(&rs_a);
        k2td_rowset_reset(&rs_b);
        k2td_insert_batch_reset(b);
        for (size_t i = start; i < end; i++)
            if (k2td_json_flat_parse(all->data + off[i], off[i + 1] - off[i], i - start, &rs_a,
                                     err, sizeof(err)) < 0)
                res.bad++;
        k2td_rowset_t *rows = &rs_a, *spare = &rs_b;
        if (pipeline) {
            alloc_counting = start > 0; /* the first batch grows the buffers */
            res.bad += k2td_pipeline_run(pipeline, &rows, &spare, 1764000000000LL, 0, NULL, NULL);
            alloc_counting = 0;
        }
        k2td_map_outcome_t outcome;
        for (size_t r = 0; r < rows->nrows; r++)
            if (k2td_mapper_map_row(m, rows, r, rows->row_msg[r], b, &outcome, err,
                                    sizeof(err)) != 0)
                res.bad++;
        size_t total = k2td_insert_batch_rows(b);
        k2td_insert_batch_seal(b);
        for (size_t i = 0; i < total;) {
            i += k2td_insert_batch_render(b, i, total - i, &sql);
            res.statements++;
            res.sql_bytes += sql.len;
        }
        res.rows += total;
    }
    res.secs = now_s() - t0;
    res.stage_allocs = alloc_calls;
    alloc_calls = 0;
    k2td_buf_free(&sql);
    k2td_rowset_free(&rs_a);
    k2td_rowset_free(&rs_b);
    k2td_insert_batch_free(b);
    return res;
}

static void bench_print(const char *name, size_t n, const run_result_t *r) {
    printf("%-5s: %zu messages -> %zu rows (%zu refused) -> %zu statements, %.1f MB SQL in "
           "%.3f s: %.2f M rows/s on one core\n",
           name, n, r->rows, r->bad, r->statements, (double)r->sql_bytes / 1e6, r->secs,
           (double)r->rows / r->secs / 1e6);
}

int main(int argc, char **argv) {
    size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 2000000;
    size_t batch = argc > 2 ? strtoul(argv[2], NULL, 10) : 10000;
    size_t rounds = argc > 3 ? strtoul(argv[3], NULL, 10) : 5;
    static const char *const locations[] = {"California.SanFrancisco", "California.LosAngeles",
                                            "Oregon.Portland"};
    /* the messages, back to back */
    k2td_buf_t all = K2TD_BUF_INIT;
    size_t *off = k2td_malloc((n + 1) * sizeof(size_t));
    for (size_t i = 0; i < n; i++) {
        off[i] = all.len;
        int ms = (int)(i % 1000);
        k2td_buf_printf(&all,
                        "{\"id\":%zu,\"ts\":\"2025-01-01T%02d:%02d:%02d.%03dZ\",\"current\":%d.%02d,"
                        "\"voltage\":%d,\"phase\":0.%02d,\"location\":\"%s\",\"groupid\":%zu}",
                        i % 1000, (int)(i / 3600000 % 24), (int)(i / 60000 % 60),
                        (int)(i / 1000 % 60), ms, (int)(i % 30), (int)(i % 100),
                        200 + (int)(i % 40), (int)(i % 100), locations[i % 3], i % 10);
    }
    off[n] = all.len;

    k2td_stable_schema_t schema;
    fixture_meters(&schema, "bench");
    k2td_convert_opts_t co;
    k2td_convert_opts_init(&co, K2TD_PREC_MS, 3650, 1764000000000LL);
    k2td_mapper_spec_t spec = {"d_{id}", NULL, 0, NULL, 0, NULL};
    char err[512];
    k2td_mapper_t *m = k2td_mapper_new(&schema, &spec, &co, err, sizeof(err));
    cJSON *mutate = cJSON_Parse(FULL_MUTATE);
    k2td_pipeline_t *pipeline = k2td_pipeline_compile(mutate, "mutate", err, sizeof(err));
    if (!m || !pipeline) {
        fprintf(stderr, "setup: %s\n", err);
        return 1;
    }
    run_result_t plain = bench_run(&all, off, n, batch, m, NULL);
    run_result_t full = bench_run(&all, off, n, batch, m, pipeline);
    for (size_t i = 1; i < rounds; i++) {
        run_result_t p = bench_run(&all, off, n, batch, m, NULL);
        run_result_t f = bench_run(&all, off, n, batch, m, pipeline);
        if (p.secs < plain.secs) plain = p;
        if (f.secs < full.secs) full = f;
    }
    bench_print("plain", n, &plain);
    bench_print("full", n, &full);
    printf("full/plain: %.0f%%; mallocs by the mutate stages after the first batch: ",
           100.0 * ((double)full.rows / full.secs) / ((double)plain.rows / plain.secs));
    if (ALLOC_COUNT_ENABLED)
        printf("%zu\n", full.stage_allocs);
    else
        printf("not counted (sanitizer build)\n");

    k2td_pipeline_free(pipeline);
    cJSON_Delete(mutate);
    k2td_mapper_free(m);
    k2td_stable_schema_clear(&schema);
    k2td_buf_free(&all);
    free(off);
    return plain.bad || full.bad || (ALLOC_COUNT_ENABLED && full.stage_allocs) ? 1 : 0;
}
