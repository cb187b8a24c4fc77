/*
 * json_doc.h - reading configuration JSON with errors that say where.
 *
 * Task files and parser definitions are JSON read with cJSON. These helpers
 * add what configuration needs on top: syntax errors with line and column,
 * files read whole (up to 16 MiB), strict key checking (unknown and repeated
 * keys are errors, keys k2td knows of but does not implement yet get their
 * own message), and messages naming the JSON path (parser.model.tags[2]).
 */
#ifndef K2TD_JSON_DOC_H
#define K2TD_JSON_DOC_H

#include <stddef.h>

#include <cJSON.h>

#include "../common/buf.h"

#include "config_map.h"

/* Parses text[0..len) as one JSON document. Returns the tree (the caller frees
 * it with cJSON_Delete), or NULL with "<what>: invalid JSON near line L,
 * column C" (what names the source: a file path, "parser", ...). A NUL byte
 * is refused so, and a string or key holding \u0000 (which cJSON would cut
 * short) with "<what>.<JSON path>: must not hold a NUL character". */
cJSON *k2td_json_parse(const char *text, size_t len, const char *what, char *errstr,
                       size_t errstr_size);

/* Reads and parses the file at path. Returns the tree (caller frees), or NULL
 * with "<path>: cannot read: <reason>" or k2td_json_parse's error. */
cJSON *k2td_json_load_file(const char *path, char *errstr, size_t errstr_size);

/* Checks the keys of object obj found at path. Keys in known (NULL-terminated)
 * pass; keys in not_yet (NULL-terminated, may be NULL) fail with "<path>: key
 * `k` is not supported yet"; others with "<path>.<k>: unknown key" (plus a
 * suggestion when a known key is close); a repeated key with "<path>.<k>:
 * key given twice". Returns 0 or -1. */
int k2td_json_check_keys(const cJSON *obj, const char *path, const char *const *known,
                         const char *const *not_yet, char *errstr, size_t errstr_size);

/* Returns how a message names item's type: "a string", "a number", ... */
const char *k2td_json_kind(const cJSON *item);

/* Returns a new string holding a string item's text, a number's decimal
 * text (integers without a fraction) or "true"/"false"; NULL for other
 * types. The caller frees it. */
char *k2td_json_scalar_text(const cJSON *item);

/* Appends the strings of array item arr (found at path) to *out. Each element
 * must be a non-empty string. Returns 0, or -1 with "<path>: must be an array
 * of strings" or "<path>[i]: ..."; *out then holds what was read before. */
int k2td_json_strlist(const cJSON *arr, const char *path, k2td_strlist_t *out, char *errstr,
                      size_t errstr_size);

/* Appends ".key" to the JSON path in path; returns the length to cut back
 * to with k2td_buf_truncate. */
size_t k2td_json_path_push(k2td_buf_t *path, const char *key);

/* Appends "[i]" to the JSON path; returns the length to cut back to. */
size_t k2td_json_path_index(k2td_buf_t *path, size_t i);

/* Returns 0 when item (found at path) is an object, else -1 with
 * "<path>: must be an object, not <kind>". */
int k2td_json_need_object(const cJSON *item, const char *path, char *errstr, size_t errstr_size);

#endif
