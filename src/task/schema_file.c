/*
 * schema_file.c - reads a supertable schema from JSON (schema_file.h).
 */
#include "schema_file.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../common/alloc.h"
#include "../common/buf.h"
#include "../common/errstr.h"
#include "json_doc.h"

/* TDengine's own limits: columns and tags of a supertable, KEEP in days. */
#define SCHEMA_MAX_COLUMNS 4096
#define SCHEMA_MAX_KEEP_DAYS 365000
#define SCHEMA_MAX_LENGTH 1000000

/* Returns 1 when t is sized by a length (VARCHAR(n) ...). */
static int type_sized(k2td_coltype_t t) {
    return t >= K2TD_COL_VARCHAR && t <= K2TD_COL_JSON;
}

/* Returns 1 when item is a whole number from lo to hi. */
static int whole_in(const cJSON *item, double lo, double hi) {
    return cJSON_IsNumber(item) && item->valuedouble >= lo && item->valuedouble <= hi &&
           floor(item->valuedouble) == item->valuedouble;
}

/* Reads "type" (and "length") of the entry at path into col. Returns 0 or
 * -1 with errstr set. */
static int column_type(const cJSON *type, const cJSON *length, const char *path,
                       k2td_column_t *col, char *errstr, size_t errstr_size) {
    if (!cJSON_IsString(type))
        return k2td_errstr_set(errstr, errstr_size, "%s.type: must be a string, not %s", path,
                               type ? k2td_json_kind(type) : "missing");
    const char *text = type->valuestring, *open = strchr(text, '(');
    if (k2td_column_set_type(col, text) != 0)
        return k2td_errstr_set(errstr, errstr_size,
                               "%s.type: unknown type `%s` (expected a TDengine type: TIMESTAMP, "
                               "BOOL, TINYINT, SMALLINT, INT, BIGINT, their UNSIGNED forms, "
                               "FLOAT, DOUBLE, VARCHAR, BINARY, NCHAR, VARBINARY, GEOMETRY, "
                               "JSON or DECIMAL(p, s))",
                               path, text);
    long n = 0;
    if (open && col->type != K2TD_COL_DECIMAL) {
        int used = 0;
        if (!type_sized(col->type) || sscanf(open, " ( %ld ) %n", &n, &used) != 1 ||
            open[used] != '\0' || n < 1 || n > SCHEMA_MAX_LENGTH)
            return k2td_errstr_set(errstr, errstr_size,
                                   "%s.type: `%s` is not a type name with a length in "
                                   "parentheses (VARCHAR(24))",
                                   path, text);
    }
    if (length && !whole_in(length, type_sized(col->type), SCHEMA_MAX_LENGTH))
        return k2td_errstr_set(errstr, errstr_size, "%s.length: must be a whole number from %d to %d",
                               path, type_sized(col->type), SCHEMA_MAX_LENGTH);
    if (length && n && (long)length->valuedouble != n)
        return k2td_errstr_set(errstr, errstr_size, "%s.length: %.0f, but the type says %ld",
                               path, length->valuedouble, n);
    if (length) n = (long)length->valuedouble;
    if (type_sized(col->type) && n == 0)
        return k2td_errstr_set(errstr, errstr_size,
                               "%s: type %s needs a length (\"length\": 24, or \"%s(24)\")", path,
                               text, text);
    col->length = (int32_t)n;
    return 0;
}

/* Reads one column or tag entry (at path) into col. Returns 0 or -1 with
 * errstr set. */
static int column_read(const cJSON *item, const char *path, k2td_column_t *col, char *errstr,
                       size_t errstr_size) {
    static const char *const keys[] = {"name", "type", "length", "note", NULL};
    if (k2td_json_need_object(item, path, errstr, errstr_size) != 0 ||
        k2td_json_check_keys(item, path, keys, NULL, errstr, errstr_size) != 0)
        return -1;
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(item, "name");
    const cJSON *note = cJSON_GetObjectItemCaseSensitive(item, "note");
    if (!cJSON_IsString(name) || !name->valuestring[0])
        return k2td_errstr_set(errstr, errstr_size, "%s.name: must be a non-empty string, not %s",
                               path, cJSON_IsString(name) ? "an empty one"
                                     : name              ? k2td_json_kind(name)
                                                         : "missing");
    if (note && !cJSON_IsNull(note) &&
        !(cJSON_IsString(note) &&
          (!note->valuestring[0] || strcasecmp(note->valuestring, "TAG") == 0)))
        return k2td_errstr_set(errstr, errstr_size,
                               "%s.note: must be \"TAG\" for a tag or \"\" for a column", path);
    if (column_type(cJSON_GetObjectItemCaseSensitive(item, "type"),
                    cJSON_GetObjectItemCaseSensitive(item, "length"), path, col, errstr,
                    errstr_size) != 0)
        return -1;
    col->name = k2td_strdup(name->valuestring);
    col->is_tag = cJSON_IsString(note) && note->valuestring[0];
    return 0;
}

/* Reads the columns and tags of one supertable (arr, at path) into a new
 * entry of f named stable (NULL: every name). Returns 0 or -1. */
static int stable_read(const cJSON *arr, k2td_buf_t *path, const char *stable,
                       k2td_schema_file_t *f, char *errstr, size_t errstr_size) {
    int count = cJSON_GetArraySize(arr);
    if (!cJSON_IsArray(arr) || count < 1 || count > SCHEMA_MAX_COLUMNS)
        return k2td_errstr_set(errstr, errstr_size,
                               "%s: must be an array of 1 to %d columns and tags", path->data,
                               SCHEMA_MAX_COLUMNS);
    f->stables = k2td_realloc(f->stables, (f->n + 1) * sizeof(*f->stables));
    k2td_stable_schema_t *s = &f->stables[f->n++];
    memset(s, 0, sizeof(*s));
    s->stable = stable ? k2td_strdup(stable) : NULL;
    s->cols = k2td_calloc((size_t)count, sizeof(*s->cols));
    size_t i = 0;
    for (const cJSON *item = arr->child; item; item = item->next, i++) {
        size_t mark = k2td_json_path_index(path, i);
        int rc = column_read(item, path->data, &s->cols[s->ncols], errstr, errstr_size);
        k2td_buf_truncate(path, mark);
        if (rc != 0) return -1;
        s->ncols++;
    }
    if (k2td_schema_check_layout(s, errstr, errstr_size) != 0) {
        k2td_errstr_prefix(errstr, errstr_size, "%s: ", path->data);
        return -1;
    }
    return 0;
}

/* Reads the object form (root, at path "schema") into f. Returns 0 or -1. */
static int object_read(const cJSON *root, k2td_buf_t *path, k2td_schema_file_t *f,
                       char *errstr, size_t errstr_size) {
    static const char *const keys[] = {"precision", "keep", "stables", NULL};
    if (k2td_json_check_keys(root, path->data, keys, NULL, errstr, errstr_size) != 0) return -1;
    const cJSON *prec = cJSON_GetObjectItemCaseSensitive(root, "precision");
    const cJSON *keep = cJSON_GetObjectItemCaseSensitive(root, "keep");
    const cJSON *stables = cJSON_GetObjectItemCaseSensitive(root, "stables");
    int p = cJSON_IsString(prec) ? k2td_precision_from_name(prec->valuestring) : -1;
    if (prec && p < 0)
        return k2td_errstr_set(errstr, errstr_size, "%s.precision: must be \"ms\", \"us\" or \"ns\"",
                               path->data);
    if (prec) f->precision = (k2td_precision_t)p;
    if (keep && !whole_in(keep, 1, SCHEMA_MAX_KEEP_DAYS))
        return k2td_errstr_set(errstr, errstr_size,
                               "%s.keep: must be a whole number of days from 1 to %d", path->data,
                               SCHEMA_MAX_KEEP_DAYS);
    if (keep) f->keep_days = (int64_t)keep->valuedouble;
    size_t mark = k2td_json_path_push(path, "stables");
    if (!cJSON_IsObject(stables) || !stables->child)
        return k2td_errstr_set(errstr, errstr_size,
                               "%s: must be an object naming each supertable, not %s", path->data,
                               cJSON_IsObject(stables) ? "an empty one"
                               : stables               ? k2td_json_kind(stables)
                                                       : "missing");
    for (const cJSON *s = stables->child; s; s = s->next) {
        size_t at = k2td_json_path_push(path, s->string);
        if (!s->string[0])
            return k2td_errstr_set(errstr, errstr_size, "%s: a supertable name must not be empty",
                                   path->data);
        for (const cJSON *prev = stables->child; prev != s; prev = prev->next)
            if (strcmp(prev->string, s->string) == 0)
                return k2td_errstr_set(errstr, errstr_size, "%s: supertable given twice",
                                       path->data);
        int rc = stable_read(s, path, s->string, f, errstr, errstr_size);
        k2td_buf_truncate(path, at);
        if (rc != 0) return -1;
    }
    k2td_buf_truncate(path, mark);
    return 0;
}

/* Reads the parsed document root into f. Returns 0 or -1 with errstr
 * naming the JSON path (not yet the source). */
static int schema_read(const cJSON *root, k2td_schema_file_t *f, char *errstr,
                       size_t errstr_size) {
    k2td_buf_t path = K2TD_BUF_INIT;
    k2td_buf_puts(&path, "schema");
    int rc;
    if (cJSON_IsArray(root))
        rc = stable_read(root, &path, NULL, f, errstr, errstr_size);
    else if (cJSON_IsObject(root))
        rc = object_read(root, &path, f, errstr, errstr_size);
    else
        rc = k2td_errstr_set(errstr, errstr_size,
                             "schema: must be an array of columns and tags, or an object with "
                             "\"stables\", not %s",
                             k2td_json_kind(root));
    k2td_buf_free(&path);
    return rc;
}

/* Sets *out to the defaults, reads root (the document from `what`; NULL
 * when it could not be parsed, errstr then set) into it and releases root.
 * Returns 0 or -1 with errstr starting with what. */
static int schema_take(cJSON *root, const char *what, k2td_schema_file_t *out, char *errstr,
                       size_t errstr_size) {
    memset(out, 0, sizeof(*out));
    out->path = k2td_strdup(what);
    out->precision = K2TD_PREC_MS;
    out->keep_days = K2TD_SCHEMA_FILE_KEEP_DAYS;
    if (!root) return -1;
    int rc = schema_read(root, out, errstr, errstr_size);
    if (rc != 0) k2td_errstr_prefix(errstr, errstr_size, "%s: ", what);
    cJSON_Delete(root);
    return rc;
}

int k2td_schema_file_parse(const char *text, size_t len, const char *what, k2td_schema_file_t *out,
                           char *errstr, size_t errstr_size) {
    return schema_take(k2td_json_parse(text, len, what, errstr, errstr_size), what, out, errstr,
                       errstr_size);
}

int k2td_schema_file_load(const char *path, k2td_schema_file_t *out, char *errstr,
                          size_t errstr_size) {
    return schema_take(k2td_json_load_file(path, errstr, errstr_size), path, out, errstr,
                       errstr_size);
}

int k2td_schema_file_get(const k2td_schema_file_t *f, const char *db, const char *stable,
                         k2td_stable_schema_t *out, char *errstr, size_t errstr_size) {
    memset(out, 0, sizeof(*out));
    out->db = k2td_strdup(db);
    out->stable = stable ? k2td_strdup(stable) : NULL;
    out->precision = f->precision;
    out->keep_days = f->keep_days;
    if (!stable) return 0;
    const k2td_stable_schema_t *s = NULL;
    for (size_t i = 0; i < f->n && !s; i++)
        if (!f->stables[i].stable || strcmp(f->stables[i].stable, stable) == 0) s = &f->stables[i];
    if (!s) {
        k2td_buf_t names = K2TD_BUF_INIT;
        for (size_t i = 0; i < f->n; i++)
            k2td_buf_printf(&names, "%s`%s`", i ? ", " : "", f->stables[i].stable);
        k2td_errstr_set(errstr, errstr_size,
                        "%s: describes no supertable `%s` (only %s)", f->path, stable,
                        names.data ? names.data : "none");
        k2td_buf_free(&names);
        return -1;
    }
    out->cols = k2td_calloc(s->ncols, sizeof(*out->cols));
    for (size_t i = 0; i < s->ncols; i++) {
        out->cols[i] = s->cols[i];
        out->cols[i].name = k2td_strdup(s->cols[i].name);
    }
    out->ncols = s->ncols;
    return 0;
}

void k2td_schema_file_free(k2td_schema_file_t *f) {
    for (size_t i = 0; i < f->n; i++) k2td_stable_schema_clear(&f->stables[i]);
    free(f->stables);
    free(f->path);
    memset(f, 0, sizeof(*f));
}
