/*
 * transform_bench.c - the transform path alone, on one core: canonical
 * "meters" JSON messages -> parse -> map onto the supertable -> INSERT SQL
 * text, as k2td's engine does it, without Kafka or TDengine.
 *
 *   build/bench/transform_bench [messages] [batch]
 *
 * Prints rows/s and bytes of SQL produced. Messages are generated in memory
 * first (a spread of ids, timestamps and values) so the clock covers the
 * transform only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/alloc.h"
#include "common/buf.h"
#include "model/mapper.h"
#include "parse/json_flat.h"
#include "schema_fixture.h"

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 2000000;
    size_t batch = argc > 2 ? strtoul(argv[2], NULL, 10) : 10000;
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
    k2td_mapper_spec_t spec = {"d_{id}", NULL, 0, NULL, 0};
    char err[512];
    k2td_mapper_t *m = k2td_mapper_new(&schema, &spec, &co, err, sizeof(err));
    if (!m) {
        fprintf(stderr, "mapper: %s\n", err);
        return 1;
    }
    k2td_insert_batch_t *b = k2td_mapper_batch_new(m, 1024 * 1024);
    k2td_rowset_t rs;
    k2td_rowset_init(&rs);
    k2td_buf_t sql = K2TD_BUF_INIT;
    size_t rows = 0, bad = 0, statements = 0, sql_bytes = 0;

    double t0 = now_s();
    for (size_t start = 0; start < n; start += batch) {
        size_t end = start + batch < n ? start + batch : n;
        k2td_rowset_reset(&rs);
        k2td_insert_batch_reset(b);
        for (size_t i = start; i < end; i++)
            if (k2td_json_flat_parse(all.data + off[i], off[i + 1] - off[i], i - start, &rs, err,
                                     sizeof(err)) < 0)
                bad++;
        for (size_t r = 0; r < rs.nrows; r++)
            if (k2td_mapper_map_row(m, &rs, r, rs.row_msg[r], b, err, sizeof(err)) != 0) bad++;
        size_t total = k2td_insert_batch_rows(b);
        k2td_insert_batch_seal(b);
        for (size_t i = 0; i < total;) {
            i += k2td_insert_batch_render(b, i, total - i, &sql);
            statements++;
            sql_bytes += sql.len;
        }
        rows += total;
    }
    double secs = now_s() - t0;
    printf("transform: %zu messages -> %zu rows (%zu refused) -> %zu statements, %.1f MB SQL "
           "in %.3f s: %.2f M rows/s on one core\n",
           n, rows, bad, statements, (double)sql_bytes / 1e6, secs, (double)rows / secs / 1e6);

    k2td_buf_free(&sql);
    k2td_rowset_free(&rs);
    k2td_insert_batch_free(b);
    k2td_mapper_free(m);
    k2td_stable_schema_clear(&schema);
    k2td_buf_free(&all);
    free(off);
    return bad ? 1 : 0;
}
