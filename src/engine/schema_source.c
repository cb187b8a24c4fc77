/*
 * schema_source.c - target schemas from TDengine, a file or the mapping
 * (schema_source.h).
 */
#include "schema_source.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../common/alloc.h"
#include "../common/errstr.h"
#include "../parse/json_fields.h"

const char *k2td_schema_from_name(k2td_schema_from_t from) {
    switch (from) {
    case K2TD_SCHEMA_FROM_FILE: return "file";
    case K2TD_SCHEMA_FROM_MAPPING: return "mapping";
    default: return "tdengine";
    }
}

/* Appends column (tag 0) or tag `name` to s, typed as the JSON field list
 * jf (may be NULL) casts it; the first column is the timestamp. */
static void mapping_add(k2td_stable_schema_t *s, const char *name, int tag,
                        const k2td_json_fields_t *jf) {
    k2td_column_t *c = &s->cols[s->ncols++];
    c->name = k2td_strdup(name);
    c->is_tag = tag;
    c->type = K2TD_COL_VARCHAR;
    c->length = K2TD_SCHEMA_MAPPING_TEXT_LEN;
    if (!tag && s->ncols == 1) {
        c->type = K2TD_COL_TIMESTAMP;
        return;
    }
    size_t n = jf ? k2td_json_fields_count(jf) : 0;
    for (size_t i = 0; i < n; i++) {
        k2td_coltype_t type;
        int32_t length;
        if (strcasecmp(k2td_json_fields_spec(jf, i, &type, &length), name) != 0) continue;
        if (type != K2TD_COL_UNKNOWN) c->type = type;
        c->length = length ? length : K2TD_SCHEMA_MAPPING_TEXT_LEN;
        return;
    }
}

/* Returns 1 when names holds name (ASCII case-insensitively). */
static int names_have(const k2td_strlist_t *names, const char *name) {
    for (size_t i = 0; i < names->n; i++)
        if (strcasecmp(names->items[i], name) == 0) return 1;
    return 0;
}

/* Fills out->cols with the supertable model writes to as the mapping gives
 * it (schema_source.h). Returns K2TD_SCHEMA_OK, or K2TD_SCHEMA_INVALID with
 * errstr saying what the mapping lacks. */
static int mapping_build(const k2td_parser_conf_t *parser, const k2td_model_conf_t *model,
                         k2td_stable_schema_t *out, char *errstr, size_t errstr_size) {
    k2td_json_fields_t *jf = NULL;
    const k2td_strlist_t *specs = &parser->value.json_fields;
    char err[512];
    if (parser->value.kind == K2TD_PARSE_JSON && specs->n) {
        jf = k2td_json_fields_compile((const char *const *)specs->items, specs->n, err,
                                      sizeof(err));
        if (!jf) {
            k2td_errstr_set(errstr, errstr_size, "parser.parse.value.json: %s", err);
            return K2TD_SCHEMA_INVALID;
        }
    }
    size_t nspecs = jf ? k2td_json_fields_count(jf) : 0;
    out->cols = k2td_calloc(model->columns.n + nspecs + model->tags.n + 1, sizeof(*out->cols));
    for (size_t i = 0; i < model->columns.n; i++)
        mapping_add(out, model->columns.items[i], 0, jf);
    for (size_t i = 0; !model->columns.n && i < nspecs; i++) {
        k2td_coltype_t type;
        int32_t length;
        const char *name = k2td_json_fields_spec(jf, i, &type, &length);
        if (!names_have(&model->tags, name)) mapping_add(out, name, 0, jf);
    }
    for (size_t i = 0; i < model->tags.n; i++) mapping_add(out, model->tags.items[i], 1, jf);
    k2td_json_fields_free(jf);
    int rc = K2TD_SCHEMA_OK;
    if (out->ncols == model->tags.n)
        rc = k2td_errstr_set(errstr, errstr_size,
                             "names no columns: list them in the model's `columns` (or in the "
                             "JSON parser's field list)");
    else if (!model->tags.n)
        rc = k2td_errstr_set(errstr, errstr_size, "names no tags: list them in the model's `tags`");
    else if (k2td_schema_check_layout(out, errstr, errstr_size) != 0)
        rc = -1;
    if (rc == K2TD_SCHEMA_OK) return rc;
    k2td_errstr_prefix(errstr, errstr_size, "the mapping of supertable `%s` ", out->stable);
    return K2TD_SCHEMA_INVALID;
}

int k2td_schema_source_load(const k2td_schema_source_t *src, const char *db,
                            const k2td_model_conf_t *model, const char *stable,
                            k2td_stable_schema_t *out, char *errstr, size_t errstr_size) {
    switch (src->from) {
    case K2TD_SCHEMA_FROM_FILE:
        return k2td_schema_file_get(src->file, db, stable, out, errstr, errstr_size) == 0
                   ? K2TD_SCHEMA_OK
                   : K2TD_SCHEMA_NO_STABLE;
    case K2TD_SCHEMA_FROM_MAPPING:
        memset(out, 0, sizeof(*out));
        out->db = k2td_strdup(db);
        out->stable = stable ? k2td_strdup(stable) : NULL;
        out->precision = K2TD_PREC_MS;
        out->keep_days = K2TD_SCHEMA_FILE_KEEP_DAYS;
        return stable ? mapping_build(src->parser, model, out, errstr, errstr_size)
                      : K2TD_SCHEMA_OK;
    default: return k2td_schema_load(src->rest, db, stable, out, errstr, errstr_size);
    }
}
