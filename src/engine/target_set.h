/*
 * target_set.h - the supertables a task writes to: for each model of each
 * route and each supertable name, the schema, a mapper and an insert batch.
 *
 * A model whose `using` is a plain name has one target, opened with the
 * task, so a missing supertable stops the start with a clear error. A model
 * whose `using` is a template ("{metric}") gets a target per name its rows
 * give, loaded (DESCRIBE) the first time the name is seen; a name TDengine
 * does not know is remembered as missing until the next batch.
 */
#ifndef K2TD_TARGET_SET_H
#define K2TD_TARGET_SET_H

#include <stddef.h>

#include "../model/mapper.h"
#include "../task/route_config.h"
#include "schema_source.h"

typedef struct k2td_target {
    k2td_stable_schema_t schema;
    k2td_mapper_t *mapper;       /* NULL while missing */
    k2td_insert_batch_t *batch;  /* NULL while missing */
    size_t route, model;         /* the model it serves */
    int missing;                 /* TDengine has no such supertable */
} k2td_target_t;

typedef struct k2td_target_set k2td_target_set_t;

/* Returns a set for routes[0..n) writing into database db, the schemas
 * read from src, its mappers repairing rows as policy allows (routes,
 * policy and src must outlive the set); opts are copied. */
k2td_target_set_t *k2td_target_set_new(const k2td_schema_source_t *src, const char *db,
                                       const k2td_route_conf_t *routes, size_t n,
                                       const k2td_write_policy_t *policy,
                                       const k2td_convert_opts_t *opts);

/* Reads target t's supertable again (after an ALTER) and rebuilds its
 * mapper and batch (the batch's rows are lost: map them again). Returns a
 * k2td_schema_rc_t as k2td_target_set_get. */
int k2td_target_set_reload(k2td_target_set_t *ts, k2td_target_t *t, char *errstr,
                           size_t errstr_size);

/* Releases the set and every target. */
void k2td_target_set_free(k2td_target_set_t *ts);

/*
 * Opens the target of every model whose `using` is a plain name and checks
 * every template. Returns K2TD_SCHEMA_OK, or the k2td_schema_rc_t of the
 * first failure (K2TD_SCHEMA_INVALID for a model that does not fit its
 * supertable) with errstr naming the model's JSON path.
 */
int k2td_target_set_open(k2td_target_set_t *ts, char *errstr, size_t errstr_size);

/*
 * Finds the target for row `row` of rs under model `model` of route
 * `route`, expanding a templated `using` and loading a new supertable's
 * schema. Returns K2TD_SCHEMA_OK with *out set; K2TD_SCHEMA_NO_STABLE with
 * *out set to the missing target; K2TD_SCHEMA_UNREACHABLE when TDengine
 * did not answer (try again later); another k2td_schema_rc_t otherwise.
 * errstr says why. A template variable the row lacks gives
 * K2TD_SCHEMA_INVALID and "supertable name: template variable `x` is missing".
 */
int k2td_target_set_get(k2td_target_set_t *ts, size_t route, size_t model, const k2td_rowset_t *rs,
                        size_t row, k2td_target_t **out, char *errstr, size_t errstr_size);

/* Returns how many targets there are; k2td_target_set_at(ts, i) for i below
 * it gives each. A target stays valid until the set is freed, a missing
 * one only until the next k2td_target_set_reset. */
size_t k2td_target_set_count(const k2td_target_set_t *ts);
k2td_target_t *k2td_target_set_at(k2td_target_set_t *ts, size_t i);

/* Sets the conversion options of every target, now and later ones. */
void k2td_target_set_opts(k2td_target_set_t *ts, const k2td_convert_opts_t *opts);

/* Empties every batch and forgets which supertables were missing. */
void k2td_target_set_reset(k2td_target_set_t *ts);

#endif
