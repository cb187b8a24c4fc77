/*
 * filter.c - the `filter` stage: ANDed boolean expressions (see filter.h).
 */
#include "filter.h"

#include <stdlib.h>

#include "../common/alloc.h"
#include "../common/errstr.h"
#include "../expr/expr.h"

struct k2td_filter {
    size_t n;
    k2td_expr_t **exprs;
    char **texts; /* for the drop reasons */
};

k2td_filter_t *k2td_filter_compile(const char *const *exprs, size_t n, char *errstr,
                                   size_t errstr_size) {
    if (n == 0) {
        k2td_errstr_set(errstr, errstr_size, "filter has no expression");
        return NULL;
    }
    k2td_filter_t *f = k2td_calloc(1, sizeof(*f));
    f->exprs = k2td_calloc(n, sizeof(*f->exprs));
    f->texts = k2td_calloc(n, sizeof(*f->texts));
    for (size_t i = 0; i < n; i++, f->n++) {
        const char *text = exprs[i] ? exprs[i] : "";
        f->texts[i] = k2td_strdup(text);
        f->exprs[i] = k2td_expr_compile(text, errstr, errstr_size);
        if (!f->exprs[i] || k2td_expr_check_bool(f->exprs[i], errstr, errstr_size) != 0) {
            k2td_errstr_prefix(errstr, errstr_size, "filter %zu `%s`: ", i + 1, text);
            f->n++;
            k2td_filter_free(f);
            return NULL;
        }
    }
    return f;
}

void k2td_filter_free(k2td_filter_t *f) {
    if (!f) return;
    for (size_t i = 0; i < f->n; i++) {
        k2td_expr_free(f->exprs[i]);
        free(f->texts[i]);
    }
    free(f->exprs);
    free(f->texts);
    free(f);
}

int k2td_filter_apply(k2td_filter_t *f, const k2td_rowset_t *rows, k2td_expr_ctx_t *ectx,
                      char *reason, size_t reason_size) {
    size_t row = rows->nrows - 1;
    for (size_t i = 0; i < f->n; i++) {
        int rc = k2td_expr_eval_bool(f->exprs[i], rows, row, ectx, reason, reason_size);
        if (rc == 1) continue;
        if (rc < 0) {
            k2td_errstr_prefix(reason, reason_size, "filter `%s`: ", f->texts[i]);
            return K2TD_TRANSFORM_FAILED;
        }
        k2td_errstr_set(reason, reason_size, "filter `%s` is not true", f->texts[i]);
        return K2TD_TRANSFORM_FILTERED;
    }
    return K2TD_TRANSFORM_KEEP;
}

/* k2td_filter_apply() as a k2td_transform_apply_fn. */
static int filter_apply_fn(void *stage, k2td_rowset_t *rows, k2td_expr_ctx_t *ectx,
                           char *reason, size_t reason_size) {
    return k2td_filter_apply(stage, rows, ectx, reason, reason_size);
}

size_t k2td_filter_run(k2td_filter_t *f, const k2td_rowset_t *in, k2td_rowset_t *out,
                       const k2td_transform_ctx_t *ctx) {
    return k2td_transform_run(f, filter_apply_fn, in, out, ctx);
}
