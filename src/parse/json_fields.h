/*
 * json_fields.h - the `parse.value.json` field list: select, rename and cast.
 *
 * A task may list the JSON fields it wants instead of keeping all of them.
 * Each entry is one spec string:
 *     "name"                      keep the field `name` with its JSON type
 *     "name::type"                ... cast to type
 *     "name=alias[::type]"        ... renamed
 *     "$.json.path[=alias][::type]"  select by path: `.key`, `[index]`,
 *                                 `['key']` / `["key"]` for keys holding
 *                                 '.', '[' or '=' (e.g. "$['a.b']=a_b")
 * A path names the flattened field json_flat builds: $.events[0].price is
 * the field events_0_price. Output names may not contain '.', so a key
 * with a '.' is only reachable through a quoted path and an alias.
 * Types (case-insensitive): bool, tinyint, smallint, int, bigint, their
 * "unsigned" forms, float, double, varchar/binary, nchar (any "(n)" length
 * accepted), timestamp and timestamp(s|ms|us|ns).
 * An empty list, or the single spec "", means "keep every field".
 */
#ifndef K2TD_JSON_FIELDS_H
#define K2TD_JSON_FIELDS_H

#include <stddef.h>

#include "../model/schema.h"
#include "../model/value.h"

typedef struct k2td_json_fields k2td_json_fields_t;

/* At most this many specs (TDengine's own limit on columns). */
#define K2TD_JSON_FIELDS_MAX 4096

/*
 * Compiles specs[0..n). Returns the compiled list (the caller frees it with
 * k2td_json_fields_free(); it keeps no pointer into specs), or NULL with
 * errstr naming the spec's index and text and the reason, e.g.
 * `spec 2 ("a.b"): a bare name cannot contain '.' ...`.
 */
k2td_json_fields_t *k2td_json_fields_compile(const char *const *specs, size_t n, char *errstr,
                                             size_t errstr_size);

/* Returns how many specs f holds (0: every field is kept). */
size_t k2td_json_fields_count(const k2td_json_fields_t *f);

/* Returns the output name of spec i (below k2td_json_fields_count; owned
 * by f) and sets *type to the type it casts to (K2TD_COL_UNKNOWN: the JSON
 * type is kept) and *length to the n of varchar(n) / nchar(n) (0: none). */
const char *k2td_json_fields_spec(const k2td_json_fields_t *f, size_t i, k2td_coltype_t *type,
                                  int32_t *length);

/* Releases f (NULL is fine). */
void k2td_json_fields_free(k2td_json_fields_t *f);

/*
 * Rewrites rows [first_row, rs->nrows) in place so each holds only the
 * selected fields, in spec order, renamed and cast; a field missing from a
 * row is left out (NULL later). Casts: "timestamp(ms)" keeps an integer
 * and sets v.ts_unit (a string stays a string for the mapper to read);
 * numbers and strings holding JSON numbers convert to numeric types within
 * the type's range (a float only when it has no fraction); bool <-> number
 * is 1/0; anything -> varchar/nchar is its text (bool: "1"/"0"); strings
 * true/yes/on/1 and false/no/off/0 -> bool; null stays null.
 * Returns 0, or -1 when a value cannot be cast: errstr names the field and
 * the reason (never the value), and the rows [first_row, nrows) are dropped.
 * Ownership: output fields' names point into f, so f must outlive the
 * rowset's rows; text made by a cast (e.g. 3.0 -> "3") goes to rs->arena.
 * No malloc per row: output fields are appended to rs's field array (which
 * keeps its capacity across k2td_rowset_reset()) and slid into place.
 * f is only read, so threads may share it, each with its own rowset.
 */
int k2td_json_fields_apply(const k2td_json_fields_t *f, k2td_rowset_t *rs, size_t first_row,
                           char *errstr, size_t errstr_size);

#endif
