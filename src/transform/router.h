/*
 * router.h - sends each row to its route (parser `rules`, see
 * src/task/route_config.h) and runs the route's own stages.
 *
 * A row goes to the first route whose `matches.expr` is true for it (a route
 * without an expression takes every row that reaches it). Each route keeps
 * two rowsets of its own; rows are copied into them by value, so names and
 * strings still point into the input rowset, which must stay untouched until
 * the batch is done (as between the stages of a pipeline, see stage.h).
 */
#ifndef K2TD_TRANSFORM_ROUTER_H
#define K2TD_TRANSFORM_ROUTER_H

#include <stddef.h>
#include <stdint.h>

#include "../task/route_config.h"
#include "pipeline.h"

typedef struct k2td_router k2td_router_t;

/* Compiles routes[0..n) (n >= 1; the configuration must outlive the
 * router). Returns the router, or NULL with errstr naming the rule. */
k2td_router_t *k2td_router_new(const k2td_route_conf_t *routes, size_t n, char *errstr,
                               size_t errstr_size);

/* Releases the router (NULL is fine). */
void k2td_router_free(k2td_router_t *r);

/* Returns the number of routes. */
size_t k2td_router_count(const k2td_router_t *r);

/* Returns route i's own stages (possibly none), owned by the router. */
k2td_pipeline_t *k2td_router_pipeline(k2td_router_t *r, size_t i);

/*
 * Splits the rows of in among the routes: afterwards k2td_router_rows(r, i)
 * holds the rows of route i, before its own stages. A row no route takes is
 * reported to on_drop (may be NULL) with kind K2TD_STAGE_ROUTE. With one
 * route that takes every row, the route's rows are in itself (no copy).
 */
void k2td_router_split(k2td_router_t *r, const k2td_rowset_t *in, int64_t now_ms,
                       int32_t default_offset_s, k2td_pipeline_drop_fn on_drop, void *opaque);

/* k2td_router_split, then every route's own stages: afterwards
 * k2td_router_rows(r, i) holds route i's final rows. */
void k2td_router_run(k2td_router_t *r, const k2td_rowset_t *in, int64_t now_ms,
                     int32_t default_offset_s, k2td_pipeline_drop_fn on_drop, void *opaque);

/* Returns route i's rows as the last split or run left them. */
const k2td_rowset_t *k2td_router_rows(const k2td_router_t *r, size_t i);

/* Forgets the rows of every route (keeps memory); call when the batch is
 * done. */
void k2td_router_reset(k2td_router_t *r);

#endif
