/*
 * udt_bench.c - throughput of a Lua UDT script on one core.
 *
 * Builds N variants of the canonical "meters" message (perf-baselines.md:
 * a spread of ids, timestamps and values), then runs a script that maps
 * each message to one row (the seven fields plus a child-table name) with
 * k2td_udt_parse into a rowset reset every 1,000 messages (a batch), and
 * reads every field of the rows. Prints rows/s for each run and the best.
 *
 * Usage: udt_bench [messages (default 1000000)] [runs (default 3)]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/alloc.h"
#include "parse/udt_lua.h"

#define BENCH_BATCH 1000

static const char bench_script[] =
    "return {{\n"
    "  tbname = 'd_' .. data.id,\n"
    "  ts = data.ts,\n"
    "  current = data.current,\n"
    "  voltage = data.voltage,\n"
    "  phase = data.phase,\n"
    "  location = data.location,\n"
    "  groupid = data.groupid,\n"
    "}}\n";

static const char *const bench_cities[] = {
    "California.SanFrancisco", "California.LosAngeles", "California.SanDiego",
    "California.SanJose",      "California.PaloAlto",   "California.Campbell",
};

/* Returns n messages back to back in one block; payload i is
 * data[off[i] .. off[i+1]). */
static char *bench_messages(size_t n, size_t **off_out) {
    char *data = k2td_malloc(n * 160);
    size_t *off = k2td_malloc((n + 1) * sizeof(size_t));
    size_t pos = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned id = (unsigned)(i % 10000);
        uint64_t ms = 17123 + i * 37;
        off[i] = pos;
        pos += (size_t)snprintf(
            data + pos, 160,
            "{\"id\":%u,\"ts\":\"2024-01-01T%02u:%02u:%02u.%03uZ\",\"current\":%u.%02u,"
            "\"voltage\":%u,\"phase\":0.%02u,\"location\":\"%s\",\"groupid\":%u}",
            id, (unsigned)(ms / 3600000 % 24), (unsigned)(ms / 60000 % 60),
            (unsigned)(ms / 1000 % 60), (unsigned)(ms % 1000), (unsigned)(5 + i % 30),
            (unsigned)(i * 7 % 100), (unsigned)(200 + i % 40), (unsigned)(i * 13 % 100),
            bench_cities[i % (sizeof(bench_cities) / sizeof(bench_cities[0]))], id % 10);
    }
    off[n] = pos;
    *off_out = off;
    return data;
}

static double bench_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Reads every field of the batch the way a consumer would; returns a
 * checksum so the work is not optimised away. */
static uint64_t bench_read(const k2td_rowset_t *rs) {
    uint64_t sum = 0;
    for (size_t f = 0; f < rs->nfields; f++) {
        const k2td_field_t *fd = &rs->fields[f];
        sum += fd->name_len + fd->v.len + (uint64_t)fd->v.type;
        if (fd->v.type == K2TD_VAL_INT) sum += (uint64_t)fd->v.n.i;
    }
    return sum;
}

int main(int argc, char **argv) {
    size_t n = argc > 1 ? (size_t)strtoull(argv[1], NULL, 10) : 1000000;
    int runs = argc > 2 ? atoi(argv[2]) : 3;
    if (n == 0 || runs <= 0) {
        fprintf(stderr, "usage: udt_bench [messages] [runs]\n");
        return 2;
    }
    size_t *off;
    char *data = bench_messages(n, &off);
    char err[256];
    k2td_udt_t *u = k2td_udt_compile(bench_script, sizeof(bench_script) - 1, NULL, err,
                                     sizeof(err));
    if (!u) {
        fprintf(stderr, "compile: %s\n", err);
        return 1;
    }
    k2td_rowset_t rs;
    k2td_rowset_init(&rs);
    double best = 0;
    uint64_t check = 0;
    for (int run = 0; run < runs; run++) {
        size_t rows = 0;
        double t0 = bench_now();
        for (size_t i = 0; i < n; i++) {
            int got = k2td_udt_parse(u, data + off[i], off[i + 1] - off[i], i, &rs, err,
                                     sizeof(err));
            if (got != 1) {
                fprintf(stderr, "message %zu: %s\n", i, err);
                return 1;
            }
            rows++;
            if (rs.nrows == BENCH_BATCH || i + 1 == n) {
                check += bench_read(&rs);
                k2td_rowset_reset(&rs);
            }
        }
        double secs = bench_now() - t0;
        double rate = (double)rows / secs;
        if (rate > best) best = rate;
        printf("run %d: %zu rows in %.3f s = %.0f rows/s (%.2f us/row)\n", run + 1, rows, secs,
               rate, 1e6 / rate);
    }
    printf("best: %.0f rows/s on one core (checksum %llu)\n", best, (unsigned long long)check);
    k2td_rowset_free(&rs);
    k2td_udt_free(u);
    free(data);
    free(off);
    return 0;
}
