/*
 * value.h - the values and rows that flow between the stages.
 *
 * A parser turns one Kafka message into one or more rows; a row is a list of
 * named fields in the order the message had them. Names and string values
 * point either into the message payload or into the rowset's arena, so a
 * rowset is only valid while its payloads are alive and until it is reset.
 */
#ifndef K2TD_VALUE_H
#define K2TD_VALUE_H

#include <stddef.h>
#include <stdint.h>

#include "../common/arena.h"

typedef enum k2td_val_type {
    K2TD_VAL_NULL = 0,
    K2TD_VAL_BOOL,
    K2TD_VAL_INT,    /* fits int64: i is set; raw holds the literal text */
    K2TD_VAL_UINT,   /* > INT64_MAX but fits uint64: u is set */
    K2TD_VAL_FLOAT,  /* has a fraction, an exponent or overflows 64 bits: f is set */
    K2TD_VAL_STRING, /* str/len hold the unescaped bytes (not NUL-terminated) */
} k2td_val_type_t;

/* Time unit of an integer timestamp; AUTO means "detect by magnitude". */
typedef enum k2td_ts_unit {
    K2TD_TS_AUTO = 0,
    K2TD_TS_S,
    K2TD_TS_MS,
    K2TD_TS_US,
    K2TD_TS_NS,
} k2td_ts_unit_t;

typedef struct k2td_value {
    k2td_val_type_t type;
    k2td_ts_unit_t ts_unit; /* unit stated by a field spec (timestamp(ms)), else AUTO */
    union {
        int b;
        int64_t i;
        uint64_t u;
        double f;
    } n;
    /* STRING: the unescaped bytes. INT/UINT/FLOAT: the number's literal
     * text exactly as in the message (valid SQL number syntax). */
    const char *str;
    size_t len;
} k2td_value_t;

typedef struct k2td_field {
    const char *name; /* NUL-terminated */
    size_t name_len;
    k2td_value_t v;
} k2td_field_t;

/*
 * A rowset: every row of a batch, fields stored back to back.
 * Row r spans fields[row_start[r] .. row_start[r+1]) (the end of the last
 * row is nfields). row_msg[r] is the index of the message the row came from,
 * so errors can name its topic/partition/offset.
 */
typedef struct k2td_rowset {
    k2td_field_t *fields;
    size_t nfields, fields_cap;
    size_t *row_start;
    size_t *row_msg;
    size_t nrows, rows_cap;
    k2td_arena_t arena; /* unescaped strings and flattened names */
} k2td_rowset_t;

/* Prepares an empty rowset. */
void k2td_rowset_init(k2td_rowset_t *rs);

/* Forgets all rows but keeps the memory for the next batch. */
void k2td_rowset_reset(k2td_rowset_t *rs);

/* Releases everything. */
void k2td_rowset_free(k2td_rowset_t *rs);

/* Starts a new (empty) row that came from message msg_index. */
void k2td_rowset_begin_row(k2td_rowset_t *rs, size_t msg_index);

/* Appends a field to the current row and returns it for the caller to fill.
 * name must stay valid as long as the rowset (payload or arena memory). */
k2td_field_t *k2td_rowset_add_field(k2td_rowset_t *rs, const char *name, size_t name_len);

/* Starts a row in rs tagged with src's row_msg of row r and copies that
 * row's fields into it (by value: names and strings keep pointing where
 * src's do). src must not be rs. */
void k2td_rowset_copy_row(k2td_rowset_t *rs, const k2td_rowset_t *src, size_t r);

/* Drops rows [nrows_keep, nrows) and their fields, e.g. to roll back a
 * message that failed to parse half way. Arena memory is not reclaimed. */
void k2td_rowset_truncate(k2td_rowset_t *rs, size_t nrows_keep);

/* Returns field i of rs's field array: rs->fields + i, or NULL while the
 * array was never allocated (then i is 0; C leaves NULL + 0 undefined). */
static inline k2td_field_t *k2td_rowset_field_at(const k2td_rowset_t *rs, size_t i) {
    return rs->fields ? rs->fields + i : NULL;
}

/* Returns the number of fields of row r, and sets *first to its first field
 * (NULL when rs has no field at all). */
size_t k2td_rowset_row(const k2td_rowset_t *rs, size_t r, const k2td_field_t **first);

/* Returns the field of row r named name (exact, case-sensitive), or NULL.
 * *hint is a per-column cache of the position where the name was last seen;
 * pass a pointer to a size_t initialised to 0 and keep it across rows. */
const k2td_field_t *k2td_rowset_find(const k2td_rowset_t *rs, size_t r,
                                     const char *name, size_t name_len, size_t *hint);

/* Like k2td_rowset_find, but an exact match is preferred and otherwise the
 * first case-insensitive (ASCII) match is returned. */
const k2td_field_t *k2td_rowset_find_ci(const k2td_rowset_t *rs, size_t r,
                                        const char *name, size_t name_len, size_t *hint);

#endif
