/*
 * filter.h - the `filter` stage of `mutate`: keeps the rows for which every
 * expression is true.
 *
 * The expressions (expr.h) are ANDed: a row is kept iff each gives true;
 * false or null drops it, naming the first expression that was not true,
 * and an evaluation error drops it with the error as the reason.
 */
#ifndef K2TD_TRANSFORM_FILTER_H
#define K2TD_TRANSFORM_FILTER_H

#include <stddef.h>

#include "../model/value.h"
#include "stage.h"

typedef struct k2td_filter k2td_filter_t;

/*
 * Compiles the n NUL-terminated expressions (n >= 1). Returns the filter,
 * owned by the caller (k2td_filter_free()), which keeps its own copies of
 * the texts; or NULL with errstr naming the expression and why, e.g.
 *   filter 2 `id +`: offset 4: ...
 *   filter 1 `id + 1`: the expression gives an integer or a float, never a bool
 */
k2td_filter_t *k2td_filter_compile(const char *const *exprs, size_t n, char *errstr,
                                   size_t errstr_size);

/* Releases f (NULL is fine). */
void k2td_filter_free(k2td_filter_t *f);

/*
 * Appends to out every row of in that passes f (fields copied by value,
 * row_msg kept) and reports each other row through ctx->on_drop, e.g.
 * "filter `id != 1` is not true" or "filter `a / b`: offset 2: division by zero".
 * Returns the number of rows dropped. Strings the expressions build go into
 * out->arena. Not thread-safe per f (the expressions cache field positions).
 */
size_t k2td_filter_run(k2td_filter_t *f, const k2td_rowset_t *in, k2td_rowset_t *out,
                       const k2td_transform_ctx_t *ctx);

/* Tests the last row of rows against f. Returns K2TD_TRANSFORM_KEEP when
 * every expression is true, K2TD_TRANSFORM_FILTERED when one is false or
 * null, K2TD_TRANSFORM_FAILED when one cannot be evaluated; with the reason
 * as for k2td_filter_run. Strings the expressions build go into
 * ectx->arena. */
int k2td_filter_apply(k2td_filter_t *f, const k2td_rowset_t *rows, k2td_expr_ctx_t *ectx,
                      char *reason, size_t reason_size);

#endif
