/*
 * schema_load.c - reads the target database's options and the supertable's
 * columns over REST (see schema_load.h).
 */
#include "schema_load.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../common/alloc.h"
#include "../common/buf.h"
#include "../common/errstr.h"
#include "sql_text.h"

#define CODE_DB_NOT_EXIST 0x0388 /* 904 "Database not exist" */

/* Runs sql; on failure maps the outcome to a k2td_schema_rc_t and writes
 * errstr as "<what>: <reason>", except for the cases the caller words itself
 * (a missing database or supertable). Returns K2TD_SCHEMA_OK with *a filled. */
static int run(k2td_rest_t *r, const k2td_buf_t *sql, const char *what, k2td_rest_answer_t *a,
               char *errstr, size_t errstr_size) {
    char why[1024];
    k2td_rest_class_t cls = k2td_rest_exec(r, sql->data, sql->len, a, why, sizeof(why));
    if (cls == K2TD_REST_OK) return K2TD_SCHEMA_OK;
    int answered = a->code != 0 || a->desc != NULL;
    if (cls == K2TD_REST_TRANSIENT || !answered) {
        if (answered)
            snprintf(errstr, errstr_size, "TDengine at %s cannot serve requests now (%s): %s",
                     k2td_rest_base_url(r), what, why);
        else if (cls == K2TD_REST_TRANSIENT)
            snprintf(errstr, errstr_size, "TDengine is unreachable (%s): %s", what, why);
        else /* a connection that cannot work as set up: TLS verification, ... */
            snprintf(errstr, errstr_size, "no connection to TDengine (%s): %s", what, why);
        return K2TD_SCHEMA_UNREACHABLE;
    }
    if (cls == K2TD_REST_AUTH) {
        snprintf(errstr, errstr_size, "TDengine at %s rejected the credentials: %s", k2td_rest_base_url(r),
                 why);
        return K2TD_SCHEMA_AUTH;
    }
    if (a->code == CODE_DB_NOT_EXIST) return K2TD_SCHEMA_NO_DB;
    snprintf(errstr, errstr_size, "%s: %s", what, why);
    return K2TD_SCHEMA_INVALID;
}

/* Reads KEEP, a number of days or text such as "3650d,3650d,3650d",
 * "5256000m" or "3650": the last value, unit d (default), h or m, converted
 * to whole days rounded up. Returns 0, or -1 when it is in no such form. */
static int keep_days_of(const cJSON *keep, int64_t *days) {
    if (cJSON_IsNumber(keep)) {
        if (!(keep->valuedouble >= 1 && keep->valuedouble < 1e15)) return -1;
        *days = (int64_t)ceil(keep->valuedouble);
        return 0;
    }
    if (!cJSON_IsString(keep)) return -1;
    const char *p = strrchr(keep->valuestring, ',');
    p = p ? p + 1 : keep->valuestring;
    while (*p == ' ') p++;
    int64_t v = 0;
    int digits = 0;
    for (; *p >= '0' && *p <= '9'; p++, digits++) {
        if (digits >= 15) return -1;
        v = v * 10 + (*p - '0');
    }
    int64_t per_day = 1;
    if (*p == 'd' || *p == 'D') p++;
    else if (*p == 'h' || *p == 'H') per_day = 24, p++;
    else if (*p == 'm' || *p == 'M') per_day = 24 * 60, p++;
    while (*p == ' ') p++;
    if (digits == 0 || *p != '\0') return -1;
    *days = (v + per_day - 1) / per_day;
    return 0;
}

/* Fills out->precision and out->keep_days from information_schema. */
static int load_db(k2td_rest_t *r, const char *db, k2td_stable_schema_t *out, char *errstr,
                   size_t errstr_size) {
    k2td_buf_t sql = K2TD_BUF_INIT;
    k2td_buf_puts(&sql, "select name, `precision`, `keep` from information_schema.ins_databases where name=");
    k2td_sql_append_string(&sql, db, strlen(db));
    k2td_rest_answer_t a;
    int rc = run(r, &sql, "reading the database options", &a, errstr, errstr_size);
    k2td_buf_free(&sql);
    if (rc == K2TD_SCHEMA_OK && a.rows == 0) rc = K2TD_SCHEMA_NO_DB;
    if (rc == K2TD_SCHEMA_NO_DB) {
        snprintf(errstr, errstr_size, "database `%s` does not exist", db);
    } else if (rc == K2TD_SCHEMA_OK) {
        const cJSON *row = cJSON_GetArrayItem(a.data, 0);
        const cJSON *prec = cJSON_GetArrayItem(row, 1), *keep = cJSON_GetArrayItem(row, 2);
        int p = cJSON_IsString(prec) ? k2td_precision_from_name(prec->valuestring) : -1;
        int64_t days = 0;
        if (p < 0) {
            snprintf(errstr, errstr_size, "database `%s` has a precision k2td does not know (%s)", db,
                     cJSON_IsString(prec) ? prec->valuestring : "not a string");
            rc = K2TD_SCHEMA_INVALID;
        } else if (keep_days_of(keep, &days) != 0) {
            snprintf(errstr, errstr_size, "database `%s` has a KEEP k2td cannot read (%s)", db,
                     cJSON_IsString(keep) ? keep->valuestring : "not text");
            rc = K2TD_SCHEMA_INVALID;
        } else {
            out->precision = (k2td_precision_t)p;
            out->keep_days = days;
        }
    }
    k2td_rest_answer_clear(&a);
    return rc;
}

/* Returns the index of the result column called name, or -1. */
static int meta_index(const cJSON *meta, const char *name) {
    int i = 0;
    for (const cJSON *col = meta ? meta->child : NULL; col; col = col->next, i++) {
        const cJSON *n = cJSON_GetArrayItem(col, 0);
        if (cJSON_IsString(n) && strcmp(n->valuestring, name) == 0) return i;
    }
    return -1;
}

/* Reads one DESCRIBE row into *col. Returns 0 or -1 with errstr set. */
static int read_column(const cJSON *row, const int idx[4], const char *db, const char *stable,
                       k2td_column_t *col, char *errstr, size_t errstr_size) {
    const cJSON *field = cJSON_GetArrayItem(row, idx[0]), *type = cJSON_GetArrayItem(row, idx[1]);
    const cJSON *length = cJSON_GetArrayItem(row, idx[2]), *note = cJSON_GetArrayItem(row, idx[3]);
    if (!cJSON_IsString(field) || !field->valuestring[0] || !cJSON_IsString(type) ||
        !cJSON_IsNumber(length) || length->valuedouble < 0 || length->valuedouble > 1e9 ||
        !(cJSON_IsString(note) || cJSON_IsNull(note))) {
        snprintf(errstr, errstr_size, "DESCRIBE `%s`.`%s` returned a row k2td cannot read", db, stable);
        return -1;
    }
    if (k2td_column_set_type(col, type->valuestring) != 0) {
        snprintf(errstr, errstr_size, "column `%s` of `%s`.`%s` has type %s, which k2td does not support",
                 field->valuestring, db, stable, type->valuestring);
        return -1;
    }
    col->name = k2td_strdup(field->valuestring);
    col->length = (int32_t)length->valuedouble;
    col->is_tag = cJSON_IsString(note) && strcasecmp(note->valuestring, "TAG") == 0;
    return 0;
}

/* Fills out->cols from DESCRIBE `db`.`stable`. */
static int describe(k2td_rest_t *r, const char *db, const char *stable, k2td_stable_schema_t *out,
                    char *errstr, size_t errstr_size) {
    k2td_buf_t sql = K2TD_BUF_INIT;
    k2td_buf_puts(&sql, "DESCRIBE ");
    k2td_sql_append_ident(&sql, db, strlen(db));
    k2td_buf_putc(&sql, '.');
    k2td_sql_append_ident(&sql, stable, strlen(stable));
    k2td_rest_answer_t a;
    int rc = run(r, &sql, "reading the supertable's columns", &a, errstr, errstr_size);
    k2td_buf_free(&sql);
    if (rc == K2TD_SCHEMA_NO_DB) snprintf(errstr, errstr_size, "database `%s` does not exist", db);
    if (rc == K2TD_SCHEMA_INVALID && k2td_rest_table_missing(a.code)) {
        snprintf(errstr, errstr_size, "supertable `%s`.`%s` does not exist", db, stable);
        rc = K2TD_SCHEMA_NO_STABLE;
    }
    if (rc != K2TD_SCHEMA_OK) goto done;

    static const char *names[4] = {"field", "type", "length", "note"};
    int idx[4];
    for (int i = 0; i < 4; i++) {
        idx[i] = meta_index(a.column_meta, names[i]);
        if (idx[i] < 0) {
            snprintf(errstr, errstr_size, "DESCRIBE `%s`.`%s` returned no column '%s'", db, stable, names[i]);
            rc = K2TD_SCHEMA_INVALID;
            goto done;
        }
    }
    out->cols = k2td_calloc((size_t)a.rows + 1, sizeof(k2td_column_t));
    for (const cJSON *row = a.data ? a.data->child : NULL; row; row = row->next) {
        if (read_column(row, idx, db, stable, &out->cols[out->ncols], errstr, errstr_size) != 0) {
            rc = K2TD_SCHEMA_INVALID;
            goto done;
        }
        out->ncols++;
    }
    if (k2td_schema_check_layout(out, errstr, errstr_size) != 0) {
        k2td_errstr_prefix(errstr, errstr_size, "`%s`.`%s` ", db, stable);
        rc = K2TD_SCHEMA_INVALID;
    }
done:
    k2td_rest_answer_clear(&a);
    return rc;
}

int k2td_schema_load(k2td_rest_t *r, const char *db, const char *stable, k2td_stable_schema_t *out,
                     char *errstr, size_t errstr_size) {
    memset(out, 0, sizeof(*out));
    out->db = k2td_strdup(db);
    out->stable = stable ? k2td_strdup(stable) : NULL;
    int rc = load_db(r, db, out, errstr, errstr_size);
    if (rc == K2TD_SCHEMA_OK && stable) rc = describe(r, db, stable, out, errstr, errstr_size);
    return rc;
}

int k2td_schema_check(k2td_rest_t *r, const char *db, const char *stable, char *errstr,
                      size_t errstr_size) {
    k2td_stable_schema_t s;
    int rc = k2td_schema_load(r, db, stable, &s, errstr, errstr_size);
    k2td_stable_schema_clear(&s);
    return rc;
}
