/*
 * schema_source.h - where a task's target schemas come from: TDengine (as
 * `k2td run` always reads them), a schema file (schema_file.h), or the
 * mapping itself, so `k2td preview` can run where TDengine cannot be reached.
 *
 * The mapping gives a supertable per model: the columns its `columns` lists
 * (else, in order, the fields the JSON parser's field list names that are
 * not tags) and the tags its `tags` lists. The first column is the
 * timestamp (TIMESTAMP); the others take the type the JSON field list casts
 * them to (varchar/nchar with its "(n)", else a length of
 * K2TD_SCHEMA_MAPPING_TEXT_LEN), and a field it gives no type is
 * VARCHAR(K2TD_SCHEMA_MAPPING_TEXT_LEN). The database is taken as a new one
 * would be: ms precision, KEEP 3650 days.
 */
#ifndef K2TD_SCHEMA_SOURCE_H
#define K2TD_SCHEMA_SOURCE_H

#include <stddef.h>

#include "../sink/schema_load.h"
#include "../task/parser_config.h"
#include "../task/schema_file.h"

/* The length of a text column the mapping gives no length. */
#define K2TD_SCHEMA_MAPPING_TEXT_LEN 4096

typedef enum k2td_schema_from {
    K2TD_SCHEMA_FROM_TDENGINE = 0,
    K2TD_SCHEMA_FROM_FILE,
    K2TD_SCHEMA_FROM_MAPPING,
} k2td_schema_from_t;

/* One of the three; what it points to must outlive its use. */
typedef struct k2td_schema_source {
    k2td_schema_from_t from;
    k2td_rest_t *rest;                /* TDENGINE */
    const k2td_schema_file_t *file;   /* FILE */
    const k2td_parser_conf_t *parser; /* MAPPING: the parser whose models they are */
} k2td_schema_source_t;

/* Returns "tdengine", "file" or "mapping". */
const char *k2td_schema_from_name(k2td_schema_from_t from);

/*
 * Fills *out (which the caller releases with k2td_stable_schema_clear,
 * whatever this returns) as k2td_schema_load() does: database db's
 * precision and KEEP and, when stable is not NULL, the columns and tags of
 * db.stable, the supertable that `model` (the task's model conf writing
 * there; NULL with stable NULL) writes to. Returns a k2td_schema_rc_t with
 * errstr saying what is wrong: NO_STABLE for a supertable a file does not
 * describe, INVALID for a mapping that names no columns or no tags.
 */
int k2td_schema_source_load(const k2td_schema_source_t *src, const char *db,
                            const k2td_model_conf_t *model, const char *stable,
                            k2td_stable_schema_t *out, char *errstr, size_t errstr_size);

#endif
