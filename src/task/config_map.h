/*
 * config_map.h - configuration keys described by a table.
 *
 * A component lists its keys once, as an array of k2td_cm_entry_t ending with
 * an entry whose key is NULL: name, type, default (as the user would write
 * it), where the value lives in the component's struct (offsetof), allowed
 * names for enums, bounds, and a one-line description. From that table this
 * file sets defaults, applies "key=value" text with a precise error, checks
 * required keys, prints values back, frees what it allocated and prints the
 * help text (the same table later drives the web UI's form).
 *
 * Storage per type, at entry->offset in the struct:
 *   STRING       char *          owned by the struct; NULL when unset
 *   INT          int64_t         decimal; within [min, max]
 *   BOOL         int             0 or 1; true/false, yes/no, on/off, 1/0
 *   DURATION_MS  int64_t         milliseconds (see duration.h); within [min, max]
 *   ENUM         int             the value of the name given (case-insensitive)
 *   LIST         k2td_strlist_t  comma-separated items, spaces around items trimmed
 */
#ifndef K2TD_CONFIG_MAP_H
#define K2TD_CONFIG_MAP_H

#include <stddef.h>
#include <stdint.h>

#include "../common/errstr.h"
#include "../common/buf.h"

typedef enum k2td_cm_type {
    K2TD_CM_STRING = 0,
    K2TD_CM_INT,
    K2TD_CM_BOOL,
    K2TD_CM_DURATION_MS,
    K2TD_CM_ENUM,
    K2TD_CM_LIST,
} k2td_cm_type_t;

/* entry flags */
#define K2TD_CM_REQUIRED 0x1u /* STRING, LIST: must end up set and non-empty */
#define K2TD_CM_FOREVER  0x2u /* DURATION_MS: "never" and "-1" accepted; 0 means forever */

/* One accepted name of an enum. A table ends with {NULL, 0}; the first name
 * listed for a value is its canonical name, later ones are aliases. */
typedef struct k2td_cm_enum {
    const char *name;
    int value;
} k2td_cm_enum_t;

typedef struct k2td_cm_entry {
    const char *key;             /* NULL ends the table */
    k2td_cm_type_t type;
    const char *def;             /* default text; NULL = unset (NULL, empty list, 0) */
    size_t offset;               /* offsetof(struct, field) */
    unsigned flags;              /* K2TD_CM_* */
    const k2td_cm_enum_t *names; /* ENUM only */
    int64_t min, max;            /* INT, DURATION_MS: min always applies, max when > 0 */
    const char *desc;            /* one sentence for the help text */
} k2td_cm_entry_t;

/* An owned list of owned strings. */
typedef struct k2td_strlist {
    char **items;
    size_t n;
} k2td_strlist_t;

/* Appends a copy of s[0..len). */
void k2td_strlist_push(k2td_strlist_t *l, const char *s, size_t len);

/* Returns the index of the first item equal to s, or -1. */
long k2td_strlist_find(const k2td_strlist_t *l, const char *s);

/* Frees the items and empties the list. */
void k2td_strlist_free(k2td_strlist_t *l);

/* Sets every key of table in obj to its default, allocating what STRING and
 * LIST defaults need. obj's fields are overwritten, not freed. Aborts if a
 * default does not parse: that is a bug in the table, caught by unit tests. */
void k2td_cm_set_defaults(const k2td_cm_entry_t *table, void *obj);

/* Returns the entry named key, or NULL. */
const k2td_cm_entry_t *k2td_cm_find(const k2td_cm_entry_t *table, const char *key);

/* Parses value for entry e and stores it in obj (replacing, and freeing, the
 * previous value). Returns 0, or -1 with obj unchanged and errstr saying
 * "key `timeout`: `5q` is not a duration (...)". */
int k2td_cm_set(const k2td_cm_entry_t *e, void *obj, const char *value, char *errstr,
                size_t errstr_size);

/* Looks key up in table and sets it as k2td_cm_set does. Returns 0, or -1 with
 * "unknown key `x`" (plus a suggestion when a key is close) or k2td_cm_set's
 * error. */
int k2td_cm_apply(const k2td_cm_entry_t *table, void *obj, const char *key, const char *value,
                  char *errstr, size_t errstr_size);

/* Returns 0 when every K2TD_CM_REQUIRED key of table is set and non-empty,
 * else -1 with "key `topics` is required" for the first missing one. */
int k2td_cm_check_required(const k2td_cm_entry_t *table, const void *obj, char *errstr,
                           size_t errstr_size);

/* Frees the STRING and LIST values of table in obj and sets them unset. */
void k2td_cm_free(const k2td_cm_entry_t *table, void *obj);

/* Appends e's value in obj as text k2td_cm_set reads back (LIST joined with
 * ','; an unset STRING appends nothing). Returns 0, or -1 for an unset STRING. */
int k2td_cm_put_value(const k2td_cm_entry_t *e, const void *obj, k2td_buf_t *out);

/* Returns the canonical name of value in e's enum names, or "?". */
const char *k2td_cm_enum_name(const k2td_cm_entry_t *e, int value);

/* Appends the help text for table: for each key its type, default, allowed
 * values and description, then a note on duration syntax if any key uses it. */
void k2td_cm_help(const k2td_cm_entry_t *table, k2td_buf_t *out);

/* Returns the name closest to word (at most 2 single-character edits, and
 * fewer edits than word has characters) among n names, the first of which is
 * at base and the next each stride bytes further (so it walks both arrays of
 * const char * and the key field of a table); NULL when none is close. */
const char *k2td_cm_suggest(const char *word, const void *base, size_t n, size_t stride);

/* Size for k2td_cm_quote's output. */
#define K2TD_CM_QUOTE_MAX 64

/* Copies s into out for quoting user text in a message: at most 48 bytes
 * (then "..."), control characters shown as '?'. Returns out. */
const char *k2td_cm_quote(const char *s, char out[K2TD_CM_QUOTE_MAX]);

#endif
