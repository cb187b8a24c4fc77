/*
 * write_policy.c - reading parser.global (see write_policy.h).
 *
 * Each object (global, archive, cache) is a table of keys; one walker checks
 * the keys of an object against its table and reads each value by kind.
 */
#include "write_policy.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../common/alloc.h"
#include "../common/buf.h"
#include "../model/template.h"
#include "byte_size.h"
#include "json_doc.h"

#define ACT(x) (1u << K2TD_ACT_##x)
#define ROW_ACTS (ACT(ARCHIVE) | ACT(SKIP) | ACT(BREAK))
#define TRUNC_ACTS (ACT(TRUNCATE) | ACT(TRUNCATE_AND_ARCHIVE))
#define POLICY(field) offsetof(k2td_write_policy_t, field)
#define UNUSED (-1L) /* checked, then ignored */

#define GIB (UINT64_C(1) << 30)
#define MAX_SIZE_GIB 65535

static const char *const action_names[] = {
    [K2TD_ACT_ARCHIVE] = "archive",
    [K2TD_ACT_SKIP] = "skip",
    [K2TD_ACT_BREAK] = "break",
    [K2TD_ACT_TRUNCATE] = "truncate",
    [K2TD_ACT_TRUNCATE_AND_ARCHIVE] = "truncate_and_archive",
    [K2TD_ACT_REPLACE] = "replace_to",
    [K2TD_ACT_USE_CURRENT_TIME] = "use_current_time",
    [K2TD_ACT_LEAVE_BLANK] = "leave_blank",
    [K2TD_ACT_ADD_FIELD] = "add_field",
    [K2TD_ACT_RETRY] = "retry",
    [K2TD_ACT_CACHE] = "cache",
    [K2TD_ACT_IGNORE] = "ignore",
    [K2TD_ACT_ROTATE] = "rotate",
    [K2TD_ACT_WAIT] = "wait",
};
#define NACTIONS (sizeof(action_names) / sizeof(action_names[0]))

typedef enum key_kind {
    KEY_POLICY, /* k2td_policy_t: an action name or {"replace_to": s} */
    KEY_ACTION, /* k2td_policy_action_t: an action name */
    KEY_BOOL,   /* int */
    KEY_INT,    /* int, within [min, max] */
    KEY_NAME,   /* one of names; only checked */
    KEY_TEXT,   /* char *; "" (as Explorer saves an untouched field) keeps the default */
    KEY_SIZE,   /* uint64_t bytes */
    KEY_OBJECT, /* the keys of sub */
} key_kind_t;

typedef struct key_spec {
    const char *key;
    key_kind_t kind;
    long offset;               /* of the value in k2td_write_policy_t, or UNUSED */
    unsigned allowed;          /* POLICY, ACTION: ACT() bits accepted */
    unsigned unsupported;      /* POLICY: ACT() bits refused with `note` */
    const char *note;          /* why `unsupported` (POLICY) or other names (NAME) are refused */
    int min, max;              /* INT */
    const char *const *names;  /* NAME: the accepted strings, NULL-terminated */
    const struct key_spec *sub; /* OBJECT: its keys, ending with a NULL key */
} key_spec_t;

static const char *const protocols[] = {"auto", "sql", "stmt", "stmt2", "raw", NULL};
static const char *const methods[] = {"concurrent", NULL};
static const char *const null_texts[] = {"null", NULL};

/* Table entries: a row policy named as its field, or a checked-only key. */
#define ROW_POLICY(name, acts) \
    {.key = #name, .kind = KEY_POLICY, .offset = POLICY(name), .allowed = (acts)}
#define CHECKED(name, k) .key = (name), .kind = (k), .offset = UNUSED
#define END {.key = NULL}

static const key_spec_t archive_keys[] = {
    {.key = "location", .kind = KEY_TEXT, .offset = POLICY(archive.location)},
    {.key = "max_size", .kind = KEY_SIZE, .offset = POLICY(archive.max_size_bytes)},
    {.key = "rotate_count", .kind = KEY_INT, .offset = POLICY(archive.rotate_count), .min = 1,
     .max = 1000},
    {.key = "keep_days", .kind = KEY_INT, .offset = POLICY(archive.keep_days), .min = 0,
     .max = INT_MAX},
    {.key = "on_fail", .kind = KEY_ACTION, .offset = POLICY(archive.on_fail),
     .allowed = ACT(WAIT) | ACT(ROTATE) | ACT(SKIP) | ACT(BREAK)},
    END,
};

static const key_spec_t cache_keys[] = {
    {CHECKED("location", KEY_TEXT)},
    {CHECKED("max_size", KEY_SIZE)},
    {CHECKED("rotate_count", KEY_INT), .min = 1, .max = 1000},
    {CHECKED("keep_days", KEY_INT), .min = 0, .max = INT_MAX},
    {CHECKED("on_fail", KEY_ACTION), .allowed = ACT(SKIP) | ACT(BREAK)},
    END,
};

static const key_spec_t global_keys[] = {
    ROW_POLICY(primary_timestamp_overflow, ROW_ACTS),
    ROW_POLICY(primary_timestamp_null, ROW_ACTS | ACT(USE_CURRENT_TIME)),
    ROW_POLICY(primary_key_null, ROW_ACTS),
    ROW_POLICY(table_name_length_overflow, ROW_ACTS | TRUNC_ACTS),
    ROW_POLICY(table_name_contains_illegal_char, ROW_ACTS | ACT(REPLACE)),
    ROW_POLICY(variable_not_exist_in_table_name_template,
               ACT(ARCHIVE) | ACT(SKIP) | ACT(LEAVE_BLANK) | ACT(REPLACE)),
    ROW_POLICY(field_name_not_found, ROW_ACTS | ACT(ADD_FIELD) | ACT(IGNORE)),
    ROW_POLICY(field_name_length_overflow, ROW_ACTS),
    ROW_POLICY(field_length_overflow, ROW_ACTS | TRUNC_ACTS),
    ROW_POLICY(ingesting_error, ROW_ACTS),
    ROW_POLICY(table_not_exist, ROW_ACTS | ACT(RETRY)),
    ROW_POLICY(database_not_exist, ROW_ACTS),
    {.key = "database_connection_error", .kind = KEY_POLICY,
     .offset = POLICY(database_connection_error), .allowed = ACT(BREAK) | ACT(CACHE),
     .unsupported = ACT(ARCHIVE) | ACT(SKIP),
     .note = "k2td never drops rows or sets them aside because TDengine is unreachable (Kafka "
             "keeps them); use \"cache\" (pause and retry, the default) or \"break\""},
    {.key = "field_length_extend", .kind = KEY_BOOL, .offset = POLICY(field_length_extend)},
    {.key = "connection_timeout_in_second", .kind = KEY_INT,
     .offset = POLICY(connection_timeout_s), .min = 1, .max = 600},
    {.key = "archive", .kind = KEY_OBJECT, .offset = UNUSED, .sub = archive_keys},
    {CHECKED("cache", KEY_OBJECT), .sub = cache_keys},
    {CHECKED("identifier_case_insensitive", KEY_BOOL)},
    {CHECKED("replace_dot_in_table_name", KEY_TEXT)},
    {CHECKED("written_protocol", KEY_NAME), .names = protocols},
    {CHECKED("written_method", KEY_NAME), .names = methods},
    {CHECKED("written_concurrent", KEY_INT), .min = 1, .max = INT_MAX},
    {CHECKED("workers_per_vgroup", KEY_INT), .min = 1, .max = INT_MAX},
    {CHECKED("null_values", KEY_NAME), .names = null_texts,
     .note = "k2td reads no text value as NULL (a JSON null is NULL); only \"null\" is accepted"},
    END,
};

/* read_object lists a table's keys in an array of 32 */
_Static_assert(sizeof(global_keys) / sizeof(global_keys[0]) <= 32, "too many global keys");

#define FIELD(out, spec, type) ((type *)((char *)(out) + (spec)->offset))

const char *k2td_policy_action_name(k2td_policy_action_t a) {
    return (unsigned)a < NACTIONS ? action_names[a] : "?";
}

/* Sets *pol to action with a copy of replace_to (NULL for none). */
static void policy_set(k2td_policy_t *pol, k2td_policy_action_t action, const char *replace_to) {
    free(pol->replace_to);
    pol->action = action;
    pol->replace_to = k2td_strdup(replace_to);
}

void k2td_write_policy_defaults(k2td_write_policy_t *p) {
    memset(p, 0, sizeof(*p));
    policy_set(&p->primary_timestamp_overflow, K2TD_ACT_ARCHIVE, NULL);
    policy_set(&p->primary_timestamp_null, K2TD_ACT_ARCHIVE, NULL);
    policy_set(&p->primary_key_null, K2TD_ACT_ARCHIVE, NULL);
    policy_set(&p->table_name_length_overflow, K2TD_ACT_ARCHIVE, NULL);
    policy_set(&p->table_name_contains_illegal_char, K2TD_ACT_REPLACE, "_");
    policy_set(&p->variable_not_exist_in_table_name_template, K2TD_ACT_ARCHIVE, NULL);
    policy_set(&p->field_name_not_found, K2TD_ACT_IGNORE, NULL);
    policy_set(&p->field_name_length_overflow, K2TD_ACT_ARCHIVE, NULL);
    policy_set(&p->field_length_overflow, K2TD_ACT_ARCHIVE, NULL);
    policy_set(&p->ingesting_error, K2TD_ACT_ARCHIVE, NULL);
    policy_set(&p->table_not_exist, K2TD_ACT_RETRY, NULL);
    policy_set(&p->database_not_exist, K2TD_ACT_BREAK, NULL);
    policy_set(&p->database_connection_error, K2TD_ACT_CACHE, NULL);
    p->field_length_extend = 0;
    p->archive.location = k2td_strdup("archived");
    p->archive.max_size_bytes = GIB;
    p->archive.rotate_count = 10;
    p->archive.keep_days = 30;
    p->archive.on_fail = K2TD_ACT_WAIT;
    p->connection_timeout_s = 30;
}

void k2td_write_policy_free(k2td_write_policy_t *p) {
    for (const key_spec_t *s = global_keys; s->key; s++)
        if (s->kind == KEY_POLICY) free(FIELD(p, s, k2td_policy_t)->replace_to);
    free(p->archive.location);
    memset(p, 0, sizeof(*p));
}

int k2td_write_policy_check_confined(const k2td_write_policy_t *p, const char *path,
                                     char *errstr, size_t errstr_size) {
    const char *loc = p->archive.location;
    int up = 0;
    for (const char *seg = loc; *seg; seg += strcspn(seg, "/"), seg += *seg == '/')
        up |= strncmp(seg, "..", 2) == 0 && (seg[2] == '/' || seg[2] == '\0');
    if (loc[0] != '/' && !up) return 0;
    return k2td_errstr_set(errstr, errstr_size,
                           "%s.archive.location: `%s` leaves the task's folder; give a "
                           "relative path without `..`",
                           path, loc);
}

uint64_t k2td_write_policy_archive_file_bytes(const k2td_write_policy_t *p) {
    return p->archive.max_size_bytes / ((uint64_t)p->archive.rotate_count + 1);
}

/* Appends the values spec accepts, as a message lists them: the names in
 * enum order, then the replace_to object. */
static void put_allowed(k2td_buf_t *b, const key_spec_t *spec) {
    const char *sep = "";
    for (unsigned a = 0; a < NACTIONS; a++) {
        if (a == K2TD_ACT_REPLACE || !(spec->allowed & (1u << a))) continue;
        k2td_buf_printf(b, "%s%s", sep, action_names[a]);
        sep = ", ";
    }
    if (spec->allowed & ACT(REPLACE)) k2td_buf_printf(b, "%s{\"replace_to\": \"<text>\"}", sep);
}

/* Fails with "<path>: must be one of <allowed>, not <kind of item>". */
static int fail_kind(const cJSON *item, const char *path, const key_spec_t *spec, char *errstr,
                     size_t errstr_size) {
    k2td_buf_t b = K2TD_BUF_INIT;
    put_allowed(&b, spec);
    k2td_errstr_set(errstr, errstr_size, "%s: must be one of %s, not %s", path, b.data,
                    k2td_json_kind(item));
    k2td_buf_free(&b);
    return -1;
}

/* Reads an action name (at path) that spec accepts into *action. */
static int read_action_name(const cJSON *item, const char *path, const key_spec_t *spec,
                            k2td_policy_action_t *action, char *errstr, size_t errstr_size) {
    if (!cJSON_IsString(item)) return fail_kind(item, path, spec, errstr, errstr_size);
    char q[K2TD_CM_QUOTE_MAX];
    k2td_cm_quote(item->valuestring, q);
    for (unsigned a = 0; a < NACTIONS; a++) {
        if (a == K2TD_ACT_REPLACE || strcmp(item->valuestring, action_names[a]) != 0) continue;
        if (spec->allowed & (1u << a)) {
            *action = (k2td_policy_action_t)a;
            return 0;
        }
        if (spec->unsupported & (1u << a))
            return k2td_errstr_set(errstr, errstr_size, "%s: \"%s\" is not supported: %s", path,
                                   q, spec->note);
    }
    k2td_buf_t b = K2TD_BUF_INIT;
    put_allowed(&b, spec);
    k2td_errstr_set(errstr, errstr_size, "%s: \"%s\" is not one of %s", path, q, b.data);
    k2td_buf_free(&b);
    return -1;
}

/* Reads {"replace_to": "<s>"} (at path) into *pol. */
static int read_replace(const cJSON *item, k2td_buf_t *path, k2td_policy_t *pol, char *errstr,
                        size_t errstr_size) {
    static const char *const keys[] = {"replace_to", NULL};
    if (k2td_json_check_keys(item, path->data, keys, NULL, errstr, errstr_size) != 0) return -1;
    const cJSON *to = cJSON_GetObjectItemCaseSensitive(item, "replace_to");
    if (!to)
        return k2td_errstr_set(errstr, errstr_size, "%s: key `replace_to` is required",
                               path->data);
    k2td_json_path_push(path, "replace_to");
    if (!cJSON_IsString(to))
        return k2td_errstr_set(errstr, errstr_size, "%s: must be a string, not %s", path->data,
                               k2td_json_kind(to));
    if (strchr(to->valuestring, '.'))
        return k2td_errstr_set(errstr, errstr_size,
                               "%s: must not contain '.' (TDengine table names cannot)",
                               path->data);
    if (strlen(to->valuestring) > K2TD_TABLE_NAME_MAX)
        return k2td_errstr_set(errstr, errstr_size, "%s: is longer than %d bytes", path->data,
                               K2TD_TABLE_NAME_MAX);
    policy_set(pol, K2TD_ACT_REPLACE, to->valuestring);
    return 0;
}

/* Reads an integer within [spec->min, spec->max] (at path) into *out. */
static int read_int(const cJSON *item, const char *path, const key_spec_t *spec, int *out,
                    char *errstr, size_t errstr_size) {
    double v = cJSON_IsNumber(item) ? item->valuedouble : NAN;
    if (v == floor(v) && v >= spec->min && v <= spec->max) {
        *out = (int)v;
        return 0;
    }
    char *text = k2td_json_scalar_text(item);
    k2td_errstr_set(errstr, errstr_size, "%s: must be an integer from %d to %d, not %s", path,
                    spec->min, spec->max, cJSON_IsNumber(item) ? text : k2td_json_kind(item));
    free(text);
    return -1;
}

/* Reads a size (at path): a number of GiB, or a string byte_size.h reads. */
static int read_size(const cJSON *item, const char *path, uint64_t *out, char *errstr,
                     size_t errstr_size) {
    uint64_t bytes = UINT64_MAX;
    if (cJSON_IsNumber(item)) {
        double v = item->valuedouble;
        if (v == floor(v) && v >= 0 && v <= MAX_SIZE_GIB) bytes = (uint64_t)v * GIB;
    } else if (cJSON_IsString(item) && k2td_byte_size_parse(item->valuestring, &bytes) != 0) {
        bytes = UINT64_MAX;
    }
    if (bytes <= MAX_SIZE_GIB * GIB) {
        *out = bytes;
        return 0;
    }
    char *text = cJSON_IsNumber(item) || cJSON_IsString(item) ? k2td_json_scalar_text(item) : NULL;
    char q[K2TD_CM_QUOTE_MAX];
    k2td_errstr_set(errstr, errstr_size,
                    "%s: must be a number of GiB from 0 to %d or a size such as \"512MB\" or "
                    "\"1073741824\" (bytes) up to %dGiB, not %s%s%s",
                    path, MAX_SIZE_GIB, MAX_SIZE_GIB, cJSON_IsString(item) ? "\"" : "",
                    text ? k2td_cm_quote(text, q) : k2td_json_kind(item),
                    cJSON_IsString(item) ? "\"" : "");
    free(text);
    return -1;
}

/* Checks that the string item (at path) is one of spec->names. */
static int read_name(const cJSON *item, const char *path, const key_spec_t *spec, char *errstr,
                     size_t errstr_size) {
    for (const char *const *n = spec->names; *n; n++)
        if (cJSON_IsString(item) && strcmp(item->valuestring, *n) == 0) return 0;
    char q[K2TD_CM_QUOTE_MAX];
    if (cJSON_IsString(item) && spec->note)
        return k2td_errstr_set(errstr, errstr_size, "%s: \"%s\" is not supported: %s", path,
                               k2td_cm_quote(item->valuestring, q), spec->note);
    k2td_buf_t b = K2TD_BUF_INIT;
    for (const char *const *n = spec->names; *n; n++)
        k2td_buf_printf(&b, "%s\"%s\"", n == spec->names ? "" : ", ", *n);
    if (cJSON_IsString(item))
        k2td_errstr_set(errstr, errstr_size, "%s: \"%s\" is not one of %s", path,
                        k2td_cm_quote(item->valuestring, q), b.data);
    else
        k2td_errstr_set(errstr, errstr_size, "%s: must be one of %s, not %s", path, b.data,
                        k2td_json_kind(item));
    k2td_buf_free(&b);
    return -1;
}

static int read_object(const cJSON *obj, k2td_buf_t *path, const key_spec_t *table,
                       k2td_write_policy_t *out, char *errstr, size_t errstr_size);

/* Reads one value (at path) as spec says, into out unless spec is UNUSED. */
static int read_value(const cJSON *item, k2td_buf_t *path, const key_spec_t *spec,
                      k2td_write_policy_t *out, char *errstr, size_t errstr_size) {
    const char *where = path->data;
    int keep = spec->offset != UNUSED;
    int ival;
    uint64_t size;
    k2td_policy_action_t action;
    switch (spec->kind) {
    case KEY_POLICY:
        if (cJSON_IsObject(item) && (spec->allowed & ACT(REPLACE)))
            return read_replace(item, path, FIELD(out, spec, k2td_policy_t), errstr, errstr_size);
        if (read_action_name(item, where, spec, &action, errstr, errstr_size) != 0) return -1;
        policy_set(FIELD(out, spec, k2td_policy_t), action, NULL);
        return 0;
    case KEY_ACTION:
        if (read_action_name(item, where, spec, &action, errstr, errstr_size) != 0) return -1;
        if (keep) *FIELD(out, spec, k2td_policy_action_t) = action;
        return 0;
    case KEY_BOOL:
        if (!cJSON_IsBool(item))
            return k2td_errstr_set(errstr, errstr_size, "%s: must be true or false, not %s",
                                   where, k2td_json_kind(item));
        if (keep) *FIELD(out, spec, int) = cJSON_IsTrue(item);
        return 0;
    case KEY_INT:
        if (read_int(item, where, spec, &ival, errstr, errstr_size) != 0) return -1;
        if (keep) *FIELD(out, spec, int) = ival;
        return 0;
    case KEY_NAME:
        return read_name(item, where, spec, errstr, errstr_size);
    case KEY_TEXT:
        if (!cJSON_IsString(item))
            return k2td_errstr_set(errstr, errstr_size, "%s: must be a string, not %s", where,
                                   k2td_json_kind(item));
        if (keep && *item->valuestring) {
            free(*FIELD(out, spec, char *));
            *FIELD(out, spec, char *) = k2td_strdup(item->valuestring);
        }
        return 0;
    case KEY_SIZE:
        if (read_size(item, where, &size, errstr, errstr_size) != 0) return -1;
        if (keep) *FIELD(out, spec, uint64_t) = size;
        return 0;
    case KEY_OBJECT:
        return read_object(item, path, spec->sub, out, errstr, errstr_size);
    }
    return -1;
}

/* Reads the keys of obj (at path) that table lists into out. */
static int read_object(const cJSON *obj, k2td_buf_t *path, const key_spec_t *table,
                       k2td_write_policy_t *out, char *errstr, size_t errstr_size) {
    const char *known[32];
    size_t n = 0;
    for (const key_spec_t *s = table; s->key; s++) known[n++] = s->key;
    known[n] = NULL;
    if (k2td_json_need_object(obj, path->data, errstr, errstr_size) != 0 ||
        k2td_json_check_keys(obj, path->data, known, NULL, errstr, errstr_size) != 0)
        return -1;
    for (const key_spec_t *s = table; s->key; s++) {
        const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, s->key);
        if (!item || cJSON_IsNull(item)) continue;
        size_t mark = k2td_json_path_push(path, s->key);
        int rc = read_value(item, path, s, out, errstr, errstr_size);
        k2td_buf_truncate(path, mark);
        if (rc != 0) return -1;
    }
    return 0;
}

/* Checks replace_dot_in_table_name (at path) against the illegal-character
 * policy, the one k2td applies. */
static int check_replace_dot(const cJSON *global, const char *path,
                             const k2td_write_policy_t *p, char *errstr, size_t errstr_size) {
    const cJSON *dot = cJSON_GetObjectItemCaseSensitive(global, "replace_dot_in_table_name");
    const k2td_policy_t *ill = &p->table_name_contains_illegal_char;
    if (!cJSON_IsString(dot) ||
        (ill->action == K2TD_ACT_REPLACE && strcmp(ill->replace_to, dot->valuestring) == 0))
        return 0;
    char q[K2TD_CM_QUOTE_MAX];
    return k2td_errstr_set(errstr, errstr_size,
                           "%s.replace_dot_in_table_name: k2td replaces dots as "
                           "table_name_contains_illegal_char says; write "
                           "\"table_name_contains_illegal_char\": {\"replace_to\": \"%s\"} instead",
                           path, k2td_cm_quote(dot->valuestring, q));
}

int k2td_write_policy_from_json(const cJSON *global, const char *path, k2td_write_policy_t *out,
                                char *errstr, size_t errstr_size) {
    k2td_write_policy_defaults(out);
    if (!global || cJSON_IsNull(global)) return 0;
    k2td_buf_t where = K2TD_BUF_INIT;
    k2td_buf_puts(&where, path);
    int rc = read_object(global, &where, global_keys, out, errstr, errstr_size);
    k2td_buf_free(&where);
    if (rc == 0) rc = check_replace_dot(global, path, out, errstr, errstr_size);
    if (rc != 0) k2td_write_policy_free(out);
    return rc;
}
