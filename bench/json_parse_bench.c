/*
 * json_parse_bench.c - JSON parsing throughput: k2td_json_flat_parse vs cJSON.
 *
 * Builds N variants of the canonical "meters" message (perf-baselines.md)
 * with a spread of ids, timestamps and values, then on one thread parses all
 * of them with each parser and reads every field:
 *   - k2td: k2td_json_flat_parse into a rowset reset every 1,000 messages
 *     (a batch), then a walk over every field of the rows;
 *   - cJSON: cJSON_ParseWithLength, a walk over every node that builds each
 *     flattened name (parent_key) and reads the value, cJSON_Delete.
 * Prints messages/s and MB/s of payload for each run, then the best run.
 *
 * Usage: json_parse_bench [messages (default 1000000)] [runs (default 3)]
 */
#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/alloc.h"
#include "parse/json_flat.h"

#define BENCH_BATCH 1000

typedef struct bench_msgs {
    char *data;     /* all payloads back to back */
    size_t *off;    /* payload i is data[off[i] .. off[i+1]) */
    size_t n;
} bench_msgs_t;

/* What a parser saw, so the two can be checked against each other. */
typedef struct bench_sum {
    uint64_t fields;
    uint64_t name_bytes;
    uint64_t str_bytes;
    double numbers;
} bench_sum_t;

static const char *const bench_cities[] = {
    "California.SanFrancisco", "California.LosAngeles", "California.SanDiego",
    "California.SanJose",      "California.PaloAlto",   "California.Campbell",
    "California.MountainView", "California.Sunnyvale",
};

/* Fills m with n messages. */
static void bench_make(bench_msgs_t *m, size_t n) {
    m->data = k2td_malloc(n * 192);
    m->off = k2td_malloc((n + 1) * sizeof(size_t));
    m->n = n;
    size_t pos = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned id = (unsigned)(i % 10000);
        uint64_t ms = 17123 + i * 37;
        int len = snprintf(m->data + pos, 192,
                           "{\"id\":%u,\"ts\":\"2024-01-%02uT%02u:%02u:%02u.%03uZ\","
                           "\"current\":%u.%02u,\"voltage\":%u,\"phase\":0.%02u,"
                           "\"location\":\"%s\",\"groupid\":%u}",
                           id, (unsigned)(1 + ms / 86400000 % 28), (unsigned)(ms / 3600000 % 24),
                           (unsigned)(ms / 60000 % 60), (unsigned)(ms / 1000 % 60),
                           (unsigned)(ms % 1000), (unsigned)(5 + i % 30), (unsigned)(i * 7 % 100),
                           (unsigned)(200 + i % 40), (unsigned)(i * 13 % 100),
                           bench_cities[i % (sizeof(bench_cities) / sizeof(bench_cities[0]))],
                           (unsigned)(id % 10));
        m->off[i] = pos;
        pos += (size_t)len;
    }
    m->off[n] = pos;
}

static double bench_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Reads one value the way a consumer would. */
static void bench_read_value(bench_sum_t *s, const k2td_value_t *v) {
    switch (v->type) {
    case K2TD_VAL_INT: s->numbers += (double)v->n.i; break;
    case K2TD_VAL_UINT: s->numbers += (double)v->n.u; break;
    case K2TD_VAL_FLOAT: s->numbers += v->n.f; break;
    case K2TD_VAL_BOOL: s->numbers += v->n.b; break;
    case K2TD_VAL_STRING: s->str_bytes += v->len; break;
    case K2TD_VAL_NULL: break;
    }
}

/* Parses every message with k2td. Returns 0, or -1 when one failed. */
static int bench_k2td(const bench_msgs_t *m, bench_sum_t *s) {
    k2td_rowset_t rs;
    k2td_rowset_init(&rs);
    char err[256];
    int rc = 0;
    for (size_t i = 0; i < m->n && rc == 0; i++) {
        if (i % BENCH_BATCH == 0) k2td_rowset_reset(&rs);
        size_t first = rs.nrows;
        const char *p = m->data + m->off[i];
        if (k2td_json_flat_parse(p, m->off[i + 1] - m->off[i], i, &rs, err, sizeof(err)) < 0) {
            fprintf(stderr, "message %zu: %s\n", i, err);
            rc = -1;
        }
        for (size_t r = first; r < rs.nrows; r++) {
            const k2td_field_t *f;
            size_t nf = k2td_rowset_row(&rs, r, &f);
            for (size_t j = 0; j < nf; j++) {
                s->fields++;
                s->name_bytes += f[j].name_len;
                bench_read_value(s, &f[j].v);
            }
        }
    }
    k2td_rowset_free(&rs);
    return rc;
}

/* Walks a cJSON node, building each leaf's flattened name in name[0..nlen). */
static void bench_cjson_walk(const cJSON *node, char *name, size_t nlen, size_t cap,
                             bench_sum_t *s) {
    if (cJSON_IsObject(node) || cJSON_IsArray(node)) {
        size_t idx = 0;
        for (const cJSON *c = node->child; c; c = c->next, idx++) {
            size_t n = nlen;
            if (n) name[n++] = '_';
            int w = cJSON_IsObject(node) ? snprintf(name + n, cap - n, "%s", c->string)
                                         : snprintf(name + n, cap - n, "%zu", idx);
            bench_cjson_walk(c, name, n + (size_t)w, cap, s);
        }
        return;
    }
    name[nlen] = '\0';
    s->fields++;
    s->name_bytes += nlen;
    if (cJSON_IsNumber(node)) s->numbers += node->valuedouble;
    else if (cJSON_IsString(node)) s->str_bytes += strlen(node->valuestring);
    else if (cJSON_IsTrue(node)) s->numbers += 1;
}

/* Parses every message with cJSON. Returns 0, or -1 when one failed. */
static int bench_cjson(const bench_msgs_t *m, bench_sum_t *s) {
    char name[1024];
    for (size_t i = 0; i < m->n; i++) {
        cJSON *root = cJSON_ParseWithLength(m->data + m->off[i], m->off[i + 1] - m->off[i]);
        if (!root) {
            fprintf(stderr, "cJSON failed on message %zu\n", i);
            return -1;
        }
        bench_cjson_walk(root, name, 0, sizeof(name), s);
        cJSON_Delete(root);
    }
    return 0;
}

typedef int (*bench_fn)(const bench_msgs_t *, bench_sum_t *);

/* Runs fn `runs` times, prints each rate and the best; fills *sum from the
 * last run. Returns 0 or -1. */
static int bench_run(const char *label, bench_fn fn, const bench_msgs_t *m, int runs,
                     bench_sum_t *sum) {
    double best = 0, bytes = (double)m->off[m->n];
    for (int r = 0; r < runs; r++) {
        memset(sum, 0, sizeof(*sum));
        double t0 = bench_now();
        if (fn(m, sum) != 0) return -1;
        double dt = bench_now() - t0;
        double rate = (double)m->n / dt;
        if (rate > best) best = rate;
        printf("%-6s run %d: %6.2f M msg/s  %7.1f MB/s  (%.3f s)\n", label, r + 1, rate / 1e6,
               bytes / dt / 1e6, dt);
    }
    printf("%-6s best : %6.2f M msg/s  %7.1f MB/s\n", label, best / 1e6,
           best * bytes / (double)m->n / 1e6);
    return 0;
}

int main(int argc, char **argv) {
    size_t n = argc > 1 ? strtoull(argv[1], NULL, 10) : 1000000;
    int runs = argc > 2 ? atoi(argv[2]) : 3;
    if (n == 0 || runs <= 0) {
        fprintf(stderr, "usage: %s [messages] [runs]\n", argv[0]);
        return 2;
    }
    bench_msgs_t m;
    bench_make(&m, n);
    printf("%zu messages, %.1f bytes on average, %d runs each\n", n, (double)m.off[n] / (double)n,
           runs);
    bench_sum_t a, b;
    if (bench_run("k2td", bench_k2td, &m, runs, &a) != 0) return 1;
    if (bench_run("cJSON", bench_cjson, &m, runs, &b) != 0) return 1;
    /* Both must have seen the same fields, names and values. */
    int same = a.fields == b.fields && a.name_bytes == b.name_bytes && a.str_bytes == b.str_bytes &&
               a.numbers == b.numbers;
    printf("check: %llu fields, %llu name bytes, %llu string bytes, number sum %.2f: %s\n",
           (unsigned long long)a.fields, (unsigned long long)a.name_bytes,
           (unsigned long long)a.str_bytes, a.numbers, same ? "both parsers agree" : "MISMATCH");
    free(m.data);
    free(m.off);
    return same ? 0 : 1;
}
