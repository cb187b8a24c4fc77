/*
 * schema_file.h - a supertable schema given in a JSON file instead of read
 * from TDengine (`k2td preview --schema FILE`).
 *
 * The file is either the columns and tags of the supertable, which then
 * stands for every supertable the task writes to:
 *
 *     [{"name": "ts", "type": "TIMESTAMP"},
 *      {"name": "current", "type": "FLOAT"},
 *      {"name": "location", "type": "VARCHAR", "length": 24, "note": "TAG"}]
 *
 * or an object naming each supertable, with the database's precision
 * ("ms", the default, "us" or "ns") and KEEP in days (default 3650):
 *
 *     {"precision": "us", "keep": 3650,
 *      "stables": {"meters": [...columns and tags...], "other": [...]}}
 *
 * Each entry is what `DESCRIBE db.stable` lists: "name"; "type", a TDengine
 * type (INT, "TINYINT UNSIGNED", "DECIMAL(18, 4)" ...); "length", needed by
 * VARCHAR/BINARY, NCHAR, VARBINARY, GEOMETRY and JSON unless the type says it
 * as "VARCHAR(24)"; "note": "TAG" for a tag ("" or absent: a column). The
 * columns come first, the first one a TIMESTAMP, then at least one tag.
 * Any other key is an error naming its JSON path.
 */
#ifndef K2TD_SCHEMA_FILE_H
#define K2TD_SCHEMA_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "../model/schema.h"

/* A database's KEEP when the file gives none: TDengine's default. */
#define K2TD_SCHEMA_FILE_KEEP_DAYS 3650

typedef struct k2td_schema_file {
    char *path;                     /* where it was read, for messages */
    k2td_precision_t precision;
    int64_t keep_days;
    k2td_stable_schema_t *stables;  /* db NULL; stable NULL: stands for every name */
    size_t n;
} k2td_schema_file_t;

/* Reads the schema document text[0..len) into *out (the caller releases it
 * with k2td_schema_file_free, whatever this returns); what names the source
 * in messages. Returns 0, or -1 with errstr as "<what>: schema[2].type:
 * unknown type `INTEGER` ...", "<what>: invalid JSON near line L, column C". */
int k2td_schema_file_parse(const char *text, size_t len, const char *what, k2td_schema_file_t *out,
                           char *errstr, size_t errstr_size);

/* Reads the file at path as k2td_schema_file_parse does. Returns 0 or -1
 * as it does ("<path>: cannot read: <reason>" too). */
int k2td_schema_file_load(const char *path, k2td_schema_file_t *out, char *errstr,
                          size_t errstr_size);

/* Fills *out (which the caller releases with k2td_stable_schema_clear,
 * whatever this returns) with the database db as the file gives it and,
 * when stable is not NULL, the columns and tags of supertable `stable`
 * (names matched exactly). Returns 0, or -1 when the file describes no such
 * supertable, with errstr naming the file and the supertables it has. */
int k2td_schema_file_get(const k2td_schema_file_t *f, const char *db, const char *stable,
                         k2td_stable_schema_t *out, char *errstr, size_t errstr_size);

/* Releases everything f holds and zeroes it; a zeroed f is fine. */
void k2td_schema_file_free(k2td_schema_file_t *f);

#endif
