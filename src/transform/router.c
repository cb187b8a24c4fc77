/*
 * router.c - routing rows to the parser's rules (see router.h).
 */
#include "router.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/alloc.h"
#include "../common/errstr.h"
#include "../expr/expr.h"
#include "stage.h"

typedef struct route {
    k2td_expr_t *match;        /* NULL: every row */
    k2td_pipeline_t *pipeline; /* the route's own stages */
    k2td_rowset_t a, b;        /* its rows, and the other buffer of its stages */
    const k2td_rowset_t *rows; /* what k2td_router_rows returns */
} route_t;

struct k2td_router {
    route_t *routes;
    size_t n;
    int pass_through; /* one route, no expression: its rows are the input */
    k2td_arena_t arena; /* strings built by the match expressions */
};

k2td_router_t *k2td_router_new(const k2td_route_conf_t *routes, size_t n, char *errstr,
                               size_t errstr_size) {
    k2td_router_t *r = k2td_calloc(1, sizeof(*r));
    r->routes = k2td_calloc(n, sizeof(*r->routes));
    r->n = n;
    k2td_arena_init(&r->arena, 16384);
    for (size_t i = 0; i < n; i++) {
        route_t *rt = &r->routes[i];
        k2td_rowset_init(&rt->a);
        k2td_rowset_init(&rt->b);
        rt->rows = &rt->a;
        char err[256];
        if (routes[i].match && !(rt->match = k2td_expr_compile(routes[i].match, err, sizeof(err)))) {
            k2td_errstr_set(errstr, errstr_size, "%s.matches.expr: %s", routes[i].path, err);
            goto fail;
        }
        char path[256];
        snprintf(path, sizeof(path), "%s.mutate", routes[i].path);
        rt->pipeline = k2td_pipeline_compile(routes[i].mutate, path, errstr, errstr_size);
        if (!rt->pipeline) goto fail;
    }
    r->pass_through = n == 1 && !r->routes[0].match;
    return r;
fail:
    k2td_router_free(r);
    return NULL;
}

void k2td_router_free(k2td_router_t *r) {
    if (!r) return;
    for (size_t i = 0; i < r->n; i++) {
        k2td_expr_free(r->routes[i].match);
        k2td_pipeline_free(r->routes[i].pipeline);
        k2td_rowset_free(&r->routes[i].a);
        k2td_rowset_free(&r->routes[i].b);
    }
    free(r->routes);
    k2td_arena_free(&r->arena);
    free(r);
}

size_t k2td_router_count(const k2td_router_t *r) {
    return r->n;
}

k2td_pipeline_t *k2td_router_pipeline(k2td_router_t *r, size_t i) {
    return r->routes[i].pipeline;
}

const k2td_rowset_t *k2td_router_rows(const k2td_router_t *r, size_t i) {
    return r->routes[i].rows;
}

/* Returns the first route that takes row `row` of in, or -1 with the reason
 * in errstr (no rule matched, or the last evaluation error). */
static long router_pick(k2td_router_t *r, const k2td_rowset_t *in, size_t row,
                        k2td_expr_ctx_t *ctx, char *errstr, size_t errstr_size) {
    k2td_errstr_set(errstr, errstr_size, "no rule's matches.expr is true for the row");
    for (size_t i = 0; i < r->n; i++) {
        if (!r->routes[i].match) return (long)i;
        char err[256];
        int ok = k2td_expr_eval_bool(r->routes[i].match, in, row, ctx, err, sizeof(err));
        if (ok == 1) return (long)i;
        if (ok < 0)
            k2td_errstr_set(errstr, errstr_size, "rule %zu: matches.expr: %s", i, err);
    }
    return -1;
}

void k2td_router_split(k2td_router_t *r, const k2td_rowset_t *in, int64_t now_ms,
                       int32_t default_offset_s, k2td_pipeline_drop_fn on_drop, void *opaque) {
    if (r->pass_through) {
        r->routes[0].rows = in;
        return;
    }
    for (size_t i = 0; i < r->n; i++) {
        k2td_rowset_truncate(&r->routes[i].a, 0);
        r->routes[i].rows = &r->routes[i].a;
    }
    k2td_expr_ctx_t ctx;
    k2td_expr_ctx_init(&ctx, &r->arena, now_ms * 1000);
    ctx.default_offset_s = default_offset_s;
    for (size_t row = 0; row < in->nrows; row++) {
        char reason[320];
        long i = router_pick(r, in, row, &ctx, reason, sizeof(reason));
        if (i >= 0)
            k2td_rowset_copy_row(&r->routes[i].a, in, row);
        else if (on_drop)
            on_drop(opaque, K2TD_STAGE_ROUTE, in, row, 1, reason);
    }
}

void k2td_router_run(k2td_router_t *r, const k2td_rowset_t *in, int64_t now_ms,
                     int32_t default_offset_s, k2td_pipeline_drop_fn on_drop, void *opaque) {
    k2td_router_split(r, in, now_ms, default_offset_s, on_drop, opaque);
    for (size_t i = 0; i < r->n; i++) {
        route_t *rt = &r->routes[i];
        if (!k2td_pipeline_stages(rt->pipeline)) continue;
        if (rt->rows == in) { /* pass-through: the stages need rows of their own */
            k2td_rowset_truncate(&rt->a, 0);
            for (size_t row = 0; row < in->nrows; row++) k2td_rowset_copy_row(&rt->a, in, row);
        }
        k2td_rowset_t *rows = &rt->a, *spare = &rt->b;
        k2td_pipeline_run(rt->pipeline, &rows, &spare, now_ms, default_offset_s, on_drop, opaque);
        rt->rows = rows;
    }
}

void k2td_router_reset(k2td_router_t *r) {
    for (size_t i = 0; i < r->n; i++) {
        k2td_rowset_reset(&r->routes[i].a);
        k2td_rowset_reset(&r->routes[i].b);
        r->routes[i].rows = &r->routes[i].a;
    }
    k2td_arena_reset(&r->arena);
}
