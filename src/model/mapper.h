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
#include "../task/write_policy.h"
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
    const k2td_write_policy_t *policy; /* the repairs to make; NULL: none */
} k2td_mapper_spec_t;

/* Why a row could not go into the batch as it is. Each names the row
 * policy of write_policy.h that decides what happens next. */
typedef enum k2td_row_fault {
    K2TD_FAULT_NONE = 0,
    K2TD_FAULT_TS_NULL,       /* primary_timestamp_null */
    K2TD_FAULT_TS_RANGE,      /* primary_timestamp_overflow */
    K2TD_FAULT_NAME_LONG,     /* table_name_length_overflow */
    K2TD_FAULT_NAME_CHAR,     /* table_name_contains_illegal_char */
    K2TD_FAULT_NAME_VAR,      /* variable_not_exist_in_table_name_template */
    K2TD_FAULT_VALUE_LONG,    /* field_length_extend, then field_length_overflow */
    K2TD_FAULT_FIELD_UNKNOWN, /* field_name_not_found */
    K2TD_FAULT_STABLE_MISSING, /* table_not_exist (a templated supertable) */
    K2TD_FAULT_DATA,          /* ingesting_error: anything else */
} k2td_row_fault_t;

/* What mapping one row did. */
typedef struct k2td_map_outcome {
    k2td_row_fault_t fault;       /* NONE: the row is in the batch */
    unsigned repairs;             /* policy repairs made (truncate, replace, ...) */
    int archive_too;              /* a truncate_and_archive repair: archive it as well */
    size_t col;                   /* VALUE_LONG: the column (index into the schema) */
    size_t need;                  /* VALUE_LONG: the length the value needs */
    const k2td_field_t *field;    /* FIELD_UNKNOWN: the field without a column */
} k2td_map_outcome_t;

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
 * Maps row `row` of rs into batch with origin `origin`, making the repairs
 * the policy allows (truncating or fixing the subtable name, filling a
 * missing template variable or timestamp, truncating a long value). Returns
 * 0, or -1 when the row cannot be written: out->fault says why, errstr names
 * the column or template variable and the reason, and the batch is
 * unchanged. out is filled either way.
 */
int k2td_mapper_map_row(k2td_mapper_t *m, const k2td_rowset_t *rs, size_t row, size_t origin,
                        k2td_insert_batch_t *batch, k2td_map_outcome_t *out, char *errstr,
                        size_t errstr_size);

#endif
