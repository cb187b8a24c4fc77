/*
 * text_parse_bench.c - throughput of the regex and CSV payload parsers.
 *
 * Builds N messages of each kind with a spread of ids, timestamps and
 * values, then on one thread parses all of them and reads every field,
 * with a rowset reset every 1,000 messages (a batch):
 *   - regex: a log line of about 85 bytes,
 *       2024-01-01T00:00:17.123Z WARN meter=d17 location=California.SanJose voltage=217V
 *     through a pattern with 4 named groups (ts, level, device, voltage);
 *   - csv: the canonical "meters" record (perf-baselines.md) as one CSV
 *     line with 7 configured column names;
 *   - csv+header: the same record after its header line, in header mode
 *     (the names are read from every message).
 * Prints rows/s and MB/s of payload for each run, then the best run.
 *
 * Usage: text_parse_bench [messages (default 1000000)] [runs (default 3)]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/alloc.h"
#include "parse/csv_parse.h"
#include "parse/regex_parse.h"

#define BENCH_BATCH 1000
#define BENCH_MAX_MSG 320

#define BENCH_LOG_PATTERN                                                          \
    "^(?<ts>\\S+) (?<level>[A-Z]+) meter=(?<device>\\w+) location=\\S+ "          \
    "voltage=(?<voltage>\\d+)V$"
#define BENCH_HEADER_LINE "id,ts,current,voltage,phase,location,groupid\n"

typedef enum bench_kind { BENCH_LOG, BENCH_CSV, BENCH_CSV_HEADER } bench_kind_t;

typedef struct bench_msgs {
    char *data;  /* all payloads back to back */
    size_t *off; /* payload i is data[off[i] .. off[i+1]) */
    size_t n;
} bench_msgs_t;

/* One parser under test; parse() is one of the two adapters below. */
typedef struct bench_parser {
    const char *label;
    int (*parse)(struct bench_parser *bp, const char *buf, size_t len, size_t msg_index,
                 k2td_rowset_t *out, char *errstr, size_t errstr_size);
    k2td_regex_t *re;
    k2td_csv_t *csv;
    size_t fields_per_row; /* what every row must have */
} bench_parser_t;

static const char *const bench_cities[] = {
    "California.SanFrancisco", "California.LosAngeles", "California.SanDiego",
    "California.SanJose",      "California.PaloAlto",   "California.Campbell",
    "California.MountainView", "California.Sunnyvale",
};
static const char *const bench_levels[] = {"INFO", "WARN", "ERROR", "DEBUG"};
static const char *const bench_columns[] = {"id",    "ts",       "current", "voltage",
                                            "phase", "location", "groupid"};

#define NELEMS(a) (sizeof(a) / sizeof((a)[0]))

/* Fills m with n messages of the given kind. */
static void bench_make(bench_msgs_t *m, size_t n, bench_kind_t kind) {
    m->data = k2td_malloc(n * BENCH_MAX_MSG);
    m->off = k2td_malloc((n + 1) * sizeof(size_t));
    m->n = n;
    size_t pos = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned id = (unsigned)(i % 10000);
        uint64_t ms = 17123 + i * 37;
        char ts[32];
        snprintf(ts, sizeof(ts), "2024-01-%02uT%02u:%02u:%02u.%03uZ",
                 (unsigned)(1 + ms / 86400000 % 28), (unsigned)(ms / 3600000 % 24),
                 (unsigned)(ms / 60000 % 60), (unsigned)(ms / 1000 % 60), (unsigned)(ms % 1000));
        const char *city = bench_cities[i % NELEMS(bench_cities)];
        char *out = m->data + pos;
        int len;
        if (kind == BENCH_LOG)
            len = snprintf(out, BENCH_MAX_MSG, "%s %s meter=d%u location=%s voltage=%uV", ts,
                           bench_levels[i % NELEMS(bench_levels)], id, city,
                           (unsigned)(200 + i % 40));
        else
            len = snprintf(out, BENCH_MAX_MSG, "%s%u,%s,%u.%02u,%u,0.%02u,%s,%u",
                           kind == BENCH_CSV_HEADER ? BENCH_HEADER_LINE : "", id, ts,
                           (unsigned)(5 + i % 30), (unsigned)(i * 7 % 100),
                           (unsigned)(200 + i % 40), (unsigned)(i * 13 % 100), city,
                           (unsigned)(id % 10));
        m->off[i] = pos;
        pos += (size_t)len;
    }
    m->off[n] = pos;
}

static int bench_regex_parse(bench_parser_t *bp, const char *buf, size_t len, size_t msg_index,
                             k2td_rowset_t *out, char *errstr, size_t errstr_size) {
    return k2td_regex_parse(bp->re, buf, len, msg_index, out, errstr, errstr_size);
}

static int bench_csv_parse(bench_parser_t *bp, const char *buf, size_t len, size_t msg_index,
                           k2td_rowset_t *out, char *errstr, size_t errstr_size) {
    return k2td_csv_parse(bp->csv, buf, len, msg_index, out, errstr, errstr_size);
}

static double bench_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Parses every message with bp and reads every field. Returns the number
 * of value bytes read, or -1 when a message failed or a row is short. */
static long long bench_parse_all(bench_parser_t *bp, const bench_msgs_t *m) {
    k2td_rowset_t rs;
    k2td_rowset_init(&rs);
    char err[256];
    long long bytes = 0;
    for (size_t i = 0; i < m->n && bytes >= 0; i++) {
        if (i % BENCH_BATCH == 0) k2td_rowset_reset(&rs);
        size_t first = rs.nrows;
        const char *p = m->data + m->off[i];
        if (bp->parse(bp, p, m->off[i + 1] - m->off[i], i, &rs, err, sizeof(err)) != 1) {
            fprintf(stderr, "%s: message %zu: %s\n", bp->label, i, err);
            bytes = -1;
            break;
        }
        const k2td_field_t *f;
        size_t nf = k2td_rowset_row(&rs, first, &f);
        if (nf != bp->fields_per_row) {
            fprintf(stderr, "%s: message %zu: %zu fields\n", bp->label, i, nf);
            bytes = -1;
        }
        for (size_t j = 0; j < nf; j++) bytes += (long long)(f[j].name_len + f[j].v.len);
    }
    k2td_rowset_free(&rs);
    return bytes;
}

/* Runs bp over m `runs` times and prints each rate and the best.
 * Returns 0 or -1. */
static int bench_run(bench_parser_t *bp, const bench_msgs_t *m, int runs) {
    double best = 0, bytes = (double)m->off[m->n];
    for (int r = 0; r < runs; r++) {
        double t0 = bench_now();
        if (bench_parse_all(bp, m) < 0) return -1;
        double dt = bench_now() - t0;
        double rate = (double)m->n / dt;
        if (rate > best) best = rate;
        printf("%-10s run %d: %6.2f M rows/s  %7.1f MB/s  (%.3f s)\n", bp->label, r + 1,
               rate / 1e6, bytes / dt / 1e6, dt);
    }
    printf("%-10s best : %6.2f M rows/s  %7.1f MB/s  (%.1f bytes/message)\n", bp->label,
           best / 1e6, best * bytes / (double)m->n / 1e6, bytes / (double)m->n);
    return 0;
}

int main(int argc, char **argv) {
    size_t n = argc > 1 ? strtoull(argv[1], NULL, 10) : 1000000;
    int runs = argc > 2 ? atoi(argv[2]) : 3;
    if (n == 0 || runs <= 0) {
        fprintf(stderr, "usage: %s [messages] [runs]\n", argv[0]);
        return 2;
    }
    char err[256];
    k2td_regex_t *re = k2td_regex_compile(BENCH_LOG_PATTERN, 0, err, sizeof(err));
    if (!re) {
        fprintf(stderr, "regex: %s\n", err);
        return 1;
    }
    k2td_csv_opts_t names = {.names = bench_columns, .nnames = NELEMS(bench_columns)};
    k2td_csv_opts_t header = {.header = 1};
    /* both option sets are valid, so k2td_csv_new() cannot fail here */
    bench_parser_t parsers[] = {
        {"regex", bench_regex_parse, re, NULL, 4},
        {"csv", bench_csv_parse, NULL, k2td_csv_new(&names, err, sizeof(err)), 7},
        {"csv+header", bench_csv_parse, NULL, k2td_csv_new(&header, err, sizeof(err)), 7},
    };
    const bench_kind_t kinds[] = {BENCH_LOG, BENCH_CSV, BENCH_CSV_HEADER};
    printf("%zu messages per parser, one row each, %d runs each\n", n, runs);
    int rc = 0;
    for (size_t i = 0; i < NELEMS(parsers) && rc == 0; i++) {
        bench_msgs_t m;
        bench_make(&m, n, kinds[i]);
        rc = bench_run(&parsers[i], &m, runs);
        free(m.data);
        free(m.off);
    }
    for (size_t i = 0; i < NELEMS(parsers); i++) {
        k2td_regex_free(parsers[i].re);
        k2td_csv_free(parsers[i].csv);
    }
    return rc == 0 ? 0 : 1;
}
