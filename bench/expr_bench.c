/*
 * expr_bench.c - expression evaluation speed, and proof that evaluating
 * allocates nothing, on one thread.
 *
 *   build/bench/expr_bench [rows] [batch]     (defaults 1000000, 10000)
 *
 * Rows are "meters" rows (voltage, current, location, groupid) in batches
 * the way the engine holds them; each expression is evaluated over every
 * row, the clock covering evaluation only (batches are filled untimed).
 * Strings an expression builds go to an arena reset per batch, as the
 * engine does.
 *
 * Allocation proof, two ways:
 *   - malloc, calloc and realloc are interposed (forwarded to glibc's
 *     __libc_* functions) and counted while the clock runs; the count must
 *     be 0. Sanitizer builds have their own allocator, so there the
 *     counter is left out;
 *   - the arena's first block must stay the same block from the second
 *     batch on: growing, or merging blocks on reset, would replace it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/arena.h"
#include "expr/expr.h"
#include "model/value.h"
#include "alloc_count.h"

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *const locations[] = {"California.SanFrancisco", "California.LosAngeles",
                                        "Oregon.Portland"};
static const char *const digits[] = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};

/* Fills rs with rows first .. first+n-1 of the generated stream. */
static void fill_batch(k2td_rowset_t *rs, size_t first, size_t n) {
    k2td_rowset_reset(rs);
    for (size_t i = first; i < first + n; i++) {
        k2td_rowset_begin_row(rs, i - first);
        k2td_field_t *f = k2td_rowset_add_field(rs, "ts", 2);
        f->v.type = K2TD_VAL_INT;
        f->v.n.i = INT64_C(1764028800000) + (int64_t)i;
        f = k2td_rowset_add_field(rs, "current", 7);
        f->v.type = K2TD_VAL_FLOAT;
        f->v.n.f = (double)(i % 300) / 10.0 + 0.05;
        f = k2td_rowset_add_field(rs, "voltage", 7);
        f->v.type = K2TD_VAL_INT;
        f->v.n.i = 190 + (int64_t)(i % 50);
        f = k2td_rowset_add_field(rs, "phase", 5);
        f->v.type = K2TD_VAL_FLOAT;
        f->v.n.f = 0.25;
        f = k2td_rowset_add_field(rs, "location", 8);
        f->v.type = K2TD_VAL_STRING;
        f->v.str = locations[i % 3];
        f->v.len = strlen(locations[i % 3]);
        f = k2td_rowset_add_field(rs, "groupid", 7);
        f->v.type = K2TD_VAL_INT;
        f->v.n.i = (int64_t)(i % 10);
        f->v.str = digits[i % 10];
        f->v.len = 1;
    }
}

typedef struct result {
    double seconds;
    size_t trues, errors;
    size_t warmup_allocs, allocs; /* during the first batch; during the others */
    int arena_stable; /* the arena kept its block from the second batch on */
    int arena_used;
} result_t;

/* Evaluates e over all rows in batches; filter: count trues with
 * eval_bool, else count successful evaluations. */
static result_t run(k2td_expr_t *e, int filter, size_t nrows, size_t batch) {
    result_t res = {0, 0, 0, 0, 0, 1, 0};
    k2td_rowset_t rs;
    k2td_arena_t arena;
    k2td_expr_ctx_t ctx;
    char err[256];
    k2td_rowset_init(&rs);
    k2td_arena_init(&arena, 0);
    k2td_expr_ctx_init(&ctx, &arena, INT64_C(1764028800000000));
    void *first_block = NULL;
    for (size_t start = 0, b = 0; start < nrows; start += batch, b++) {
        size_t n = start + batch < nrows ? batch : nrows - start;
        fill_batch(&rs, start, n);
        k2td_arena_reset(&arena);
        if (b == 1) first_block = arena.head;
        if (b >= 1 && arena.head != first_block) res.arena_stable = 0;
        alloc_counting = 1;
        double t0 = now_s();
        for (size_t r = 0; r < rs.nrows; r++) {
            if (filter) {
                int rc = k2td_expr_eval_bool(e, &rs, r, &ctx, err, sizeof(err));
                res.trues += rc == 1;
                res.errors += rc < 0;
            } else {
                k2td_value_t v;
                int rc = k2td_expr_eval(e, &rs, r, &ctx, &v, err, sizeof(err));
                res.trues += rc == 0;
                res.errors += rc != 0;
            }
        }
        res.seconds += now_s() - t0;
        alloc_counting = 0;
        if (b == 0) { /* the warm-up: the arena may grow */
            res.warmup_allocs = alloc_calls;
            alloc_calls = 0;
        }
        res.allocs = alloc_calls;
    }
    res.arena_used = first_block != NULL;
    k2td_arena_free(&arena);
    k2td_rowset_free(&rs);
    return res;
}

int main(int argc, char **argv) {
    size_t nrows = argc > 1 ? strtoul(argv[1], NULL, 10) : 1000000;
    size_t batch = argc > 2 ? strtoul(argv[2], NULL, 10) : 10000;
    static const struct {
        const char *text;
        int filter;
    } exprs[] = {
        {"voltage > 200 && location.starts_with(\"California\")", 1},
        {"current * 1.8 + 32", 0},
        {"location.sub_string(0, 10).to_lower() + \"-\" + groupid", 0},
    };
    if (!batch || !nrows) {
        fprintf(stderr, "usage: expr_bench [rows] [batch]\n");
        return 2;
    }
    printf("%zu rows in batches of %zu, one thread, best of 3 runs\n", nrows, batch);
    int bad = 0;
    for (size_t i = 0; i < sizeof(exprs) / sizeof(exprs[0]); i++) {
        char err[256];
        k2td_expr_t *e = k2td_expr_compile(exprs[i].text, err, sizeof(err));
        if (!e) {
            fprintf(stderr, "%s: %s\n", exprs[i].text, err);
            return 1;
        }
        result_t best = {0};
        for (int pass = 0; pass < 3; pass++) {
            alloc_calls = 0;
            result_t r = run(e, exprs[i].filter, nrows, batch);
            if (pass == 0 || r.seconds < best.seconds) best = r;
            bad |= r.errors != 0 || r.allocs != 0 || !r.arena_stable;
        }
        printf("%-58s %7.1f M rows/s  %s %zu  mallocs after warm-up: ", exprs[i].text,
               (double)nrows / best.seconds / 1e6, exprs[i].filter ? "true" : "ok", best.trues);
#if !ALLOC_COUNT_ENABLED
        printf("not counted (sanitizer build)");
#else
        printf("%zu (warm-up batch: %zu)", best.allocs, best.warmup_allocs);
#endif
        printf("  arena: %s\n", !best.arena_stable ? "GREW"
                                 : best.arena_used ? "one block, reused per batch"
                                                   : "untouched");
        k2td_expr_free(e);
    }
    if (bad) fprintf(stderr, "FAILED: an evaluation failed or allocated\n");
    return bad;
}
