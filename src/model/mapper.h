/*
 * mapper.h - maps parsed rows onto the target supertable.
 *
 * Fields map to the supertable's columns and tags by name (exact first, then
 * case-insensitively, since TDengine lower-cases unquoted names). Each value
 * is converted to its column's type and validated before it enters a batch,
 * so one bad value costs one row, never a whole INSERT.
 */
#ifndef K2TD_MAPPER_H
#define K2TD_MAPPER_H

#include <stddef.h>

#include "../sink/insert_batch.h"
#include "convert.h"
#include "schema.h"
#include "value.h"

typedef struct k2td_mapper k2td_mapper_t;

typedef struct k2td_mapper_spec {
    const char *name_template;   /* subtable name, e.g. "d_{id}" */
    const char *const *columns;  /* column names to write, or NULL for all */
    size_t ncolumns;
    const char *const *tags;     /* tag names to write, or NULL for all */
    size_t ntags;
} k2td_mapper_spec_t;

/*
 * Returns a mapper for schema (which must outlive it), or NULL with errstr
 * naming the bad template, or the column or tag the supertable does not have.
 * opts is copied.
 */
k2td_mapper_t *k2td_mapper_new(const k2td_stable_schema_t *schema, const k2td_mapper_spec_t *spec,
                               const k2td_convert_opts_t *opts, char *errstr, size_t errstr_size);

/* Releases the mapper. */
void k2td_mapper_free(k2td_mapper_t *m);

/* Returns a new insert batch laid out for this mapper's columns and tags. */
k2td_insert_batch_t *k2td_mapper_batch_new(const k2td_mapper_t *m, size_t max_sql_bytes);

/* Replaces the conversion options (e.g. a new ts_min as time passes). */
void k2td_mapper_set_opts(k2td_mapper_t *m, const k2td_convert_opts_t *opts);

/* Returns the conversion options in use (owned by the mapper). */
const k2td_convert_opts_t *k2td_mapper_opts(const k2td_mapper_t *m);

/*
 * Maps row `row` of rs into batch with origin `origin`. Returns 0, or -1 when
 * the row cannot be written (missing timestamp, bad value, bad subtable name):
 * errstr names the column or template variable and the reason, and the batch
 * is unchanged.
 */
int k2td_mapper_map_row(k2td_mapper_t *m, const k2td_rowset_t *rs, size_t row, size_t origin,
                        k2td_insert_batch_t *batch, char *errstr, size_t errstr_size);

#endif
