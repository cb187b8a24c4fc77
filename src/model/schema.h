/*
 * schema.h - the target supertable as TDengine describes it.
 */
#ifndef K2TD_SCHEMA_H
#define K2TD_SCHEMA_H

#include <stddef.h>
#include <stdint.h>

typedef enum k2td_coltype {
    K2TD_COL_UNKNOWN = 0,
    K2TD_COL_TIMESTAMP,
    K2TD_COL_BOOL,
    K2TD_COL_TINYINT,
    K2TD_COL_SMALLINT,
    K2TD_COL_INT,
    K2TD_COL_BIGINT,
    K2TD_COL_UTINYINT,
    K2TD_COL_USMALLINT,
    K2TD_COL_UINT,
    K2TD_COL_UBIGINT,
    K2TD_COL_FLOAT,
    K2TD_COL_DOUBLE,
    K2TD_COL_VARCHAR, /* also BINARY; length counts bytes */
    K2TD_COL_NCHAR,   /* length counts Unicode code points */
    K2TD_COL_VARBINARY,
    K2TD_COL_GEOMETRY,
    K2TD_COL_JSON,
    K2TD_COL_DECIMAL, /* DECIMAL(p, s): columns only (TDengine refuses DECIMAL tags) */
} k2td_coltype_t;

typedef enum k2td_precision {
    K2TD_PREC_MS = 0,
    K2TD_PREC_US,
    K2TD_PREC_NS,
} k2td_precision_t;

typedef struct k2td_column {
    char *name;          /* as DESCRIBE returned it (case kept) */
    k2td_coltype_t type;
    int32_t length;      /* DESCRIBE's length: bytes, or characters for NCHAR */
    int is_tag;
    int dec_precision;   /* DECIMAL: digits in all (1..38) */
    int dec_scale;       /* DECIMAL: digits after the point (0..dec_precision) */
} k2td_column_t;

typedef struct k2td_stable_schema {
    char *db;
    char *stable;
    k2td_column_t *cols; /* columns first (cols[0] is the timestamp), then tags */
    size_t ncols;
    k2td_precision_t precision;
    int64_t keep_days;   /* the database's KEEP (the last of its values), in days */
} k2td_stable_schema_t;

/* Returns the type named by DESCRIBE's `type` text ("INT", "TINYINT UNSIGNED",
 * "VARCHAR", "BINARY" ...), case-insensitive; K2TD_COL_UNKNOWN when unknown. */
k2td_coltype_t k2td_coltype_from_name(const char *name);

/* Returns the canonical SQL name of t ("TINYINT UNSIGNED", ...). */
const char *k2td_coltype_name(k2td_coltype_t t);

/* Sets col->type (and for DECIMAL dec_precision and dec_scale) from
 * DESCRIBE's type text: "INT", "VARCHAR(16)" (the length is DESCRIBE's
 * own column), "DECIMAL(18, 4)". Returns 0, or -1 when the type is unknown
 * or a DECIMAL's precision or scale is out of range. */
int k2td_column_set_type(k2td_column_t *col, const char *text);

/* Room for k2td_column_type_text's text. */
#define K2TD_COLTYPE_TEXT_MAX 48

/* Writes col's type as TDengine shows it: "INT", "VARCHAR(16)" (the sized
 * types: VARCHAR, NCHAR, VARBINARY, GEOMETRY, JSON), "DECIMAL(18, 4)".
 * Returns out. */
const char *k2td_column_type_text(const k2td_column_t *col, char out[K2TD_COLTYPE_TEXT_MAX]);

/* Returns the precision named "ms"/"us"/"ns"; -1 when unknown. */
int k2td_precision_from_name(const char *name);

/* Returns "ms", "us" or "ns". */
const char *k2td_precision_name(k2td_precision_t p);

/* Returns the index in s->cols of the column (want_tag 0) or tag (1) named
 * name: an exact match first, else the first ASCII case-insensitive one
 * (TDengine lower-cases unquoted names); -1 when there is none. */
long k2td_schema_find(const k2td_stable_schema_t *s, const char *name, int want_tag);

/* Checks that s is laid out as a supertable k2td can write: a TIMESTAMP
 * column first, then at least one more column or tag, the tags after every
 * column, at least one tag, no name twice. Returns 0, or -1 with errstr saying what is
 * wrong without naming the table ("has no tags: it is not a supertable"), for
 * the caller to put the table's name in front. */
int k2td_schema_check_layout(const k2td_stable_schema_t *s, char *errstr, size_t errstr_size);

/* Releases the names and the column array; the struct itself is the caller's. */
void k2td_stable_schema_clear(k2td_stable_schema_t *s);

#endif
