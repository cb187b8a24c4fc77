/*
 * api_target.c - helpers for the target side of the task form: list and
 * create databases, list supertables with their columns and tags (the
 * DESCRIBE reading of sink/schema_load.c), propose a supertable from the
 * rows a parser makes of samples, and create one.
 */
#include <float.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../common/alloc.h"
#include "../common/errstr.h"
#include "../engine/runtime.h"
#include "../model/decimal.h"
#include "../model/num_parts.h"
#include "../model/timestamp.h"
#include "../sink/rest_client.h"
#include "../sink/schema_load.h"
#include "../sink/sql_text.h"
#include "../task/taos_dsn.h"
#include "api.h"
#include "../common/clock.h"

#define TARGET_TIMEOUT_MS 10000
#define TARGET_NAME_MAX 64

/* A REST client for body.to. */
typedef struct target {
    k2td_taos_dsn_t dsn;
    k2td_rest_t *rest;
} target_t;

/* Parses the body and opens a client for its "to". Returns the body (the
 * caller deletes it and closes t, whatever this returns), or NULL after
 * answering 400. */
static cJSON *target_open(k2td_api_call_t *c, target_t *t) {
    memset(t, 0, sizeof(*t));
    cJSON *body = k2td_api_draft_body(c);
    const char *to = body ? k2td_api_string(c, body, "to", 1) : NULL;
    char err[1024];
    if (!to) {
        cJSON_Delete(body);
        return NULL;
    }
    if (k2td_taos_dsn_parse_as(to, &c->svc->policy, &t->dsn, err, sizeof(err)) != 0) {
        k2td_errstr_prefix(err, sizeof(err), "to: ");
        k2td_api_bad(c, "to", err);
        cJSON_Delete(body);
        return NULL;
    }
    k2td_rest_opts_t ro = {.timeout_ms = TARGET_TIMEOUT_MS, .ca_file = c->svc->target_ca};
    t->rest = k2td_rest_new(&t->dsn, &ro);
    return body;
}

static void target_close(target_t *t) {
    k2td_rest_free(t->rest);
    k2td_taos_dsn_clear(&t->dsn);
}

/* Runs sql. Returns 0 with *a filled (caller clears it), or -1 after
 * answering: 502 when TDengine is unreachable or refuses the credentials,
 * else 400 naming field with TDengine's message. */
static int target_sql(k2td_api_call_t *c, target_t *t, const k2td_buf_t *sql,
                      k2td_rest_answer_t *a, const char *field) {
    char err[1024];
    k2td_rest_class_t cls = k2td_rest_exec(t->rest, sql->data, sql->len, a, err, sizeof(err));
    if (cls == K2TD_REST_OK) return 0;
    if (cls == K2TD_REST_TRANSIENT || cls == K2TD_REST_AUTH)
        k2td_http_error(c->resp, 502, "to", "TDengine at %s: %s", k2td_rest_base_url(t->rest),
                        err);
    else
        k2td_api_bad(c, field, err);
    k2td_rest_answer_clear(a);
    return -1;
}

/* Runs the CREATE statement sql for the object called name and answers 201
 * {"name"}, or the error target_sql gives. */
static void target_create(k2td_api_call_t *c, target_t *t, const k2td_buf_t *sql,
                          const char *name) {
    k2td_rest_answer_t a;
    if (target_sql(c, t, sql, &a, "name") != 0) return;
    cJSON *doc = cJSON_CreateObject();
    cJSON_AddStringToObject(doc, "name", name);
    k2td_api_reply(c, 201, doc);
    k2td_rest_answer_clear(&a);
}

/* Returns 1 when name is a plain identifier TDengine takes unquoted:
 * letters, digits and '_', not starting with a digit, 1 to 64 bytes. */
static int target_ident_ok(const char *name) {
    size_t n = strlen(name);
    if (n == 0 || n > TARGET_NAME_MAX || (name[0] >= '0' && name[0] <= '9')) return 0;
    return strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") == n;
}

/* Returns the strings of the first column of answer a as a JSON array,
 * leaving out the names in skip (NULL-terminated, may be NULL). */
static cJSON *target_names(const k2td_rest_answer_t *a, const char *const *skip) {
    cJSON *arr = cJSON_CreateArray();
    for (const cJSON *row = a->data ? a->data->child : NULL; row; row = row->next) {
        const cJSON *name = cJSON_GetArrayItem(row, 0);
        if (!cJSON_IsString(name)) continue;
        int skipped = 0;
        for (const char *const *s = skip; s && *s; s++) skipped |= strcmp(*s, name->valuestring) == 0;
        if (!skipped) cJSON_AddItemToArray(arr, cJSON_CreateString(name->valuestring));
    }
    return arr;
}

void k2td_api_databases(k2td_api_call_t *c) {
    static const char *const system_dbs[] = {"information_schema", "performance_schema", NULL};
    target_t t;
    cJSON *body = target_open(c, &t);
    if (!body) return;
    k2td_buf_t sql = K2TD_BUF_INIT;
    k2td_buf_puts(&sql, "SHOW DATABASES");
    k2td_rest_answer_t a;
    if (target_sql(c, &t, &sql, &a, "to") == 0) {
        cJSON *doc = cJSON_CreateObject();
        cJSON_AddItemToObject(doc, "databases", target_names(&a, system_dbs));
        k2td_api_reply(c, 200, doc);
        k2td_rest_answer_clear(&a);
    }
    k2td_buf_free(&sql);
    target_close(&t);
    cJSON_Delete(body);
}

void k2td_api_database_create(k2td_api_call_t *c) {
    target_t t;
    const char *name = NULL, *precision = NULL;
    cJSON *body = target_open(c, &t);
    if (!body) goto done;
    if (!(name = k2td_api_string(c, body, "name", 1))) goto done;
    if (!target_ident_ok(name)) {
        k2td_api_bad(c, "name", "`name` must be 1 to 64 letters, digits or '_', not starting "
                                "with a digit");
        goto done;
    }
    precision = k2td_api_string(c, body, "precision", 0);
    if (c->resp->status) goto done;
    if (precision && k2td_precision_from_name(precision) < 0) {
        k2td_api_bad(c, "precision", "`precision` must be ms, us or ns");
        goto done;
    }
    k2td_buf_t sql = K2TD_BUF_INIT;
    k2td_buf_puts(&sql, "CREATE DATABASE ");
    k2td_sql_append_ident(&sql, name, strlen(name));
    k2td_buf_printf(&sql, " PRECISION '%s'", precision ? precision : "ms");
    target_create(c, &t, &sql, name);
    k2td_buf_free(&sql);
done:
    target_close(&t);
    cJSON_Delete(body);
}

/* Appends {"name","type","length"} (and "precision", "scale" for DECIMAL)
 * of s's columns (tags 0) or tags (1). */
static cJSON *target_columns(const k2td_stable_schema_t *s, int tags) {
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; i < s->ncols; i++) {
        if (s->cols[i].is_tag != tags) continue;
        cJSON *col = cJSON_CreateObject();
        cJSON_AddStringToObject(col, "name", s->cols[i].name);
        cJSON_AddStringToObject(col, "type", k2td_coltype_name(s->cols[i].type));
        cJSON_AddNumberToObject(col, "length", s->cols[i].length);
        if (s->cols[i].type == K2TD_COL_DECIMAL) {
            cJSON_AddNumberToObject(col, "precision", s->cols[i].dec_precision);
            cJSON_AddNumberToObject(col, "scale", s->cols[i].dec_scale);
        }
        cJSON_AddItemToArray(arr, col);
    }
    return arr;
}

void k2td_api_stables(k2td_api_call_t *c) {
    target_t t;
    cJSON *body = target_open(c, &t);
    if (!body) return;
    k2td_buf_t sql = K2TD_BUF_INIT;
    k2td_buf_puts(&sql, "SHOW ");
    k2td_sql_append_ident(&sql, t.dsn.db, strlen(t.dsn.db));
    k2td_buf_puts(&sql, ".STABLES");
    k2td_rest_answer_t a;
    if (target_sql(c, &t, &sql, &a, "to") == 0) {
        cJSON *names = target_names(&a, NULL);
        cJSON *doc = cJSON_CreateObject();
        cJSON *arr = cJSON_AddArrayToObject(doc, "stables");
        for (const cJSON *n = names->child; n; n = n->next) {
            k2td_stable_schema_t s;
            char err[1024];
            cJSON *st = cJSON_CreateObject();
            cJSON_AddStringToObject(st, "name", n->valuestring);
            if (k2td_schema_load(t.rest, t.dsn.db, n->valuestring, &s, err, sizeof(err)) ==
                K2TD_SCHEMA_OK) {
                cJSON_AddItemToObject(st, "columns", target_columns(&s, 0));
                cJSON_AddItemToObject(st, "tags", target_columns(&s, 1));
            } else {
                cJSON_AddItemToObject(st, "columns", cJSON_CreateArray());
                cJSON_AddItemToObject(st, "tags", cJSON_CreateArray());
                cJSON_AddStringToObject(st, "error", err);
            }
            k2td_stable_schema_clear(&s);
            cJSON_AddItemToArray(arr, st);
        }
        cJSON_Delete(names);
        k2td_rest_answer_clear(&a);
        k2td_api_reply(c, 200, doc);
    }
    k2td_buf_free(&sql);
    target_close(&t);
    cJSON_Delete(body);
}

/* What the samples showed of one field. */
typedef struct guess {
    const char *name; /* points into the rowset */
    int seen_bool, seen_int, seen_uint, seen_float, seen_string, is_time;
    size_t max_len;
    size_t int_digits, frac_digits; /* the most the numbers' own text had */
    int wide;     /* a fractional number with more digits than a DOUBLE keeps */
    int exponent; /* a number written with an exponent */
} guess_t;

/* Adds what the own text of number v shows to x: its digits before and
 * after the point, and whether a DOUBLE would lose some of them. */
static void guess_digits(guess_t *x, const k2td_value_t *v) {
    k2td_num_parts_t t;
    if (!v->str || !v->len || k2td_num_parts_scan(v->str, v->len, &t) != 0) return;
    if (t.has_exp) {
        x->exponent = 1;
        return;
    }
    size_t lead = 0;
    while (lead < t.ilen && t.ip[lead] == '0') lead++;
    size_t idigits = t.ilen - lead;
    if (idigits > x->int_digits) x->int_digits = idigits;
    if (t.flen > x->frac_digits) x->frac_digits = t.flen;
    size_t significant = idigits ? idigits + t.flen : t.flen;
    if (!idigits)
        for (size_t k = 0; k < t.flen && t.fp[k] == '0'; k++) significant--;
    if (v->type == K2TD_VAL_FLOAT && significant > DBL_DIG) x->wide = 1;
}

/* Returns 1 when field f looks like a timestamp: stated as one by a field
 * spec, or a string that reads as RFC 3339. */
static int guess_time(const k2td_field_t *f) {
    if (f->v.ts_unit != K2TD_TS_AUTO) return 1;
    if (f->v.type != K2TD_VAL_STRING || f->v.len < 10) return 0;
    int64_t ticks;
    return k2td_ts_parse(f->v.str, f->v.len, K2TD_TS_AUTO, K2TD_PREC_MS, 0, &ticks, NULL, 0) == 0;
}

/* Adds what field f shows to the guesses (g, *n, growing). */
static void guess_add(guess_t **g, size_t *n, const k2td_field_t *f) {
    size_t i = 0;
    while (i < *n && strcmp((*g)[i].name, f->name) != 0) i++;
    if (i == *n) {
        *g = k2td_realloc(*g, (*n + 1) * sizeof(**g));
        (*g)[i] = (guess_t){.name = f->name, .is_time = 1};
        (*n)++;
    }
    guess_t *x = &(*g)[i];
    x->is_time &= f->v.type == K2TD_VAL_NULL || guess_time(f);
    switch (f->v.type) {
    case K2TD_VAL_BOOL: x->seen_bool = 1; break;
    case K2TD_VAL_INT: x->seen_int = 1, guess_digits(x, &f->v); break;
    case K2TD_VAL_UINT: x->seen_uint = 1, guess_digits(x, &f->v); break;
    case K2TD_VAL_FLOAT: x->seen_float = 1, guess_digits(x, &f->v); break;
    case K2TD_VAL_STRING:
        x->seen_string = 1;
        if (f->v.len > x->max_len) x->max_len = f->v.len;
        break;
    default: break;
    }
}

/* Returns {"name","type","length"} for a guess: DECIMAL (with "precision"
 * and "scale") for numbers a DOUBLE would round, taking their most
 * fraction digits and the full precision of their size (18 in 8 bytes, 38
 * in 16) so that larger values fit too. */
static cJSON *guess_column(const guess_t *g, int as_time) {
    const char *type;
    long length;
    int numeric = g->seen_int || g->seen_uint || g->seen_float;
    int decimal = g->wide && !g->exponent &&
                  g->int_digits + g->frac_digits <= K2TD_DECIMAL_MAX_PRECISION;
    int precision = g->int_digits + g->frac_digits <= 18 ? 18 : K2TD_DECIMAL_MAX_PRECISION;
    if (as_time) type = "TIMESTAMP", length = 8;
    else if (g->seen_string || (g->seen_bool && numeric) ||
             !(g->seen_bool || numeric)) {
        size_t len = g->max_len < 8 ? 16 : g->max_len * 2;
        type = "VARCHAR", length = (long)(len > 16374 ? 16374 : (len + 15) / 16 * 16);
    } else if (g->seen_bool) type = "BOOL", length = 1;
    else if (decimal) type = "DECIMAL", length = precision > 18 ? 16 : 8;
    else if (g->seen_float || (g->seen_uint && g->seen_int)) type = "DOUBLE", length = 8;
    else if (g->seen_uint) type = "BIGINT UNSIGNED", length = 8;
    else type = "BIGINT", length = 8;
    cJSON *col = cJSON_CreateObject();
    cJSON_AddStringToObject(col, "name", g->name);
    cJSON_AddStringToObject(col, "type", type);
    cJSON_AddNumberToObject(col, "length", (double)length);
    if (strcmp(type, "DECIMAL") == 0) {
        cJSON_AddNumberToObject(col, "precision", precision);
        cJSON_AddNumberToObject(col, "scale", (double)g->frac_digits);
    }
    return col;
}

/* The name of the first (time) column when no field reads as a time. */
#define GUESS_TIME_NAME "ts"

/* Returns the index of the guess that becomes the first (TIMESTAMP)
 * column, or n when none does and the column is GUESS_TIME_NAME: the first
 * integer or string field that reads as a time, else the field named
 * GUESS_TIME_NAME (such as an integer epoch "ts"), so that no two columns
 * are named like the time column. */
static size_t guess_time_col(const guess_t *g, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (g[i].is_time && (g[i].seen_string || g[i].seen_int || g[i].seen_uint)) return i;
    for (size_t i = 0; i < n; i++)
        if (strcasecmp(g[i].name, GUESS_TIME_NAME) == 0) return i;
    return n;
}

void k2td_api_stable_propose(k2td_api_call_t *c) {
    cJSON *body = k2td_api_draft_body(c);
    k2td_task_t task = {0};
    k2td_preview_sample_t *samples = NULL;
    size_t nsamples = 0;
    k2td_runtime_t rt = {0};
    k2td_rowset_t rows, spare;
    k2td_rowset_init(&rows);
    k2td_rowset_init(&spare);
    guess_t *g = NULL;
    size_t ng = 0;
    if (!body || k2td_api_draft_task(c, body, &task) != 0 ||
        k2td_api_draft_samples(c, body, &samples, &nsamples) != 0)
        goto done;
    char err[1024];
    k2td_engine_rc_t rc = k2td_runtime_open_parsing(&rt, &task, err, sizeof(err));
    if (rc != K2TD_ENGINE_OK) {
        k2td_api_runtime_failed(c, rc, err);
        goto done;
    }
    for (size_t i = 0; i < nsamples; i++)
        k2td_runtime_parse(&rt, samples[i].data, samples[i].len, i, &rows, err, sizeof(err));
    k2td_rowset_t *final = &rows, *other = &spare;
    k2td_pipeline_run(rt.pipeline, &final, &other, k2td_clock_wall_ms(),
                      task.options.timezone_offset_s, NULL, NULL);
    for (size_t r = 0; r < final->nrows; r++) {
        const k2td_field_t *f;
        size_t n = k2td_rowset_row(final, r, &f);
        for (size_t i = 0; i < n; i++) guess_add(&g, &ng, &f[i]);
    }
    cJSON *doc = cJSON_CreateObject();
    cJSON_AddStringToObject(doc, "name", "");
    cJSON *cols = cJSON_AddArrayToObject(doc, "columns");
    size_t time_col = guess_time_col(g, ng);
    if (time_col == ng) {
        cJSON *ts = cJSON_CreateObject();
        cJSON_AddStringToObject(ts, "name", GUESS_TIME_NAME);
        cJSON_AddStringToObject(ts, "type", "TIMESTAMP");
        cJSON_AddNumberToObject(ts, "length", 8);
        cJSON_AddItemToArray(cols, ts);
    } else {
        cJSON_AddItemToArray(cols, guess_column(&g[time_col], 1));
    }
    for (size_t i = 0; i < ng; i++)
        if (i != time_col) cJSON_AddItemToArray(cols, guess_column(&g[i], 0));
    cJSON_AddArrayToObject(doc, "tags");
    k2td_api_reply(c, 200, doc);
done:
    free(g);
    k2td_rowset_free(&rows);
    k2td_rowset_free(&spare);
    k2td_runtime_close(&rt);
    free(samples);
    k2td_task_free(&task);
    cJSON_Delete(body);
}

/* Appends "`name` TYPE[(length)]" ("DECIMAL(precision, scale)") for each
 * column of arr (found at path; columns when first_is_time, else tags) to
 * sql. Returns 0, or -1 after answering 400 naming "path[i].key". */
static int target_defs(k2td_api_call_t *c, const cJSON *arr, const char *path, k2td_buf_t *sql,
                       int first_is_time) {
    char field[96], err[256];
    int i = 0;
    if (!cJSON_IsArray(arr) || cJSON_GetArraySize(arr) == 0) {
        snprintf(err, sizeof(err), "`%s` must be a non-empty array of {\"name\", \"type\"}", path);
        k2td_api_bad(c, path, err);
        return -1;
    }
    for (const cJSON *col = arr->child; col; col = col->next, i++) {
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(col, "name");
        const cJSON *type = cJSON_GetObjectItemCaseSensitive(col, "type");
        const cJSON *len = cJSON_GetObjectItemCaseSensitive(col, "length");
        const cJSON *prec = cJSON_GetObjectItemCaseSensitive(col, "precision");
        const cJSON *scale = cJSON_GetObjectItemCaseSensitive(col, "scale");
        k2td_coltype_t t = cJSON_IsString(type) ? k2td_coltype_from_name(type->valuestring)
                                                : K2TD_COL_UNKNOWN;
        int needs_len = t == K2TD_COL_VARCHAR || t == K2TD_COL_NCHAR ||
                        t == K2TD_COL_VARBINARY || t == K2TD_COL_GEOMETRY;
        int p = cJSON_IsNumber(prec) ? prec->valueint : 0;
        int sc = cJSON_IsNumber(scale) ? scale->valueint : 0;
        const char *bad = NULL, *why = NULL;
        if (!cJSON_IsString(name) || !target_ident_ok(name->valuestring))
            bad = "name", why = "1 to 64 letters, digits or '_', not starting with a digit";
        else if (t == K2TD_COL_UNKNOWN || t == K2TD_COL_JSON)
            bad = "type", why = "a TDengine type such as INT, DOUBLE, VARCHAR or TIMESTAMP";
        else if (first_is_time && i == 0 && t != K2TD_COL_TIMESTAMP)
            bad = "type", why = "TIMESTAMP (the first column is the time)";
        else if (!first_is_time && t == K2TD_COL_DECIMAL) /* the tags */
            bad = "type", why = "a type TDengine allows for a tag (it refuses DECIMAL tags)";
        else if (needs_len && !(cJSON_IsNumber(len) && len->valuedouble >= 1 &&
                                len->valuedouble <= 16382))
            bad = "length", why = "an integer from 1 to 16382 for this type";
        else if (t == K2TD_COL_DECIMAL && !(cJSON_IsNumber(prec) && prec->valuedouble == p &&
                                           p >= 1 && p <= K2TD_DECIMAL_MAX_PRECISION))
            bad = "precision", why = "an integer from 1 to 38 for DECIMAL";
        else if (t == K2TD_COL_DECIMAL && scale &&
                 !(cJSON_IsNumber(scale) && scale->valuedouble == sc && sc >= 0 && sc <= p))
            bad = "scale", why = "an integer from 0 to the precision for DECIMAL";
        if (bad) {
            snprintf(field, sizeof(field), "%s[%d].%s", path, i, bad);
            snprintf(err, sizeof(err), "%s must be %s", field, why);
            k2td_api_bad(c, field, err);
            return -1;
        }
        if (i) k2td_buf_puts(sql, ", ");
        k2td_sql_append_ident(sql, name->valuestring, strlen(name->valuestring));
        k2td_buf_printf(sql, " %s", k2td_coltype_name(t));
        if (needs_len) k2td_buf_printf(sql, "(%d)", (int)len->valuedouble);
        if (t == K2TD_COL_DECIMAL) k2td_buf_printf(sql, "(%d, %d)", p, sc);
    }
    return 0;
}

void k2td_api_stable_create(k2td_api_call_t *c) {
    target_t t;
    k2td_buf_t sql = K2TD_BUF_INIT;
    const char *name;
    cJSON *body = target_open(c, &t);
    if (!body || !(name = k2td_api_string(c, body, "name", 1))) goto done;
    if (!target_ident_ok(name)) {
        k2td_api_bad(c, "name", "`name` must be 1 to 64 letters, digits or '_', not starting "
                                "with a digit");
        goto done;
    }
    k2td_buf_puts(&sql, "CREATE STABLE ");
    k2td_sql_append_ident(&sql, t.dsn.db, strlen(t.dsn.db));
    k2td_buf_putc(&sql, '.');
    k2td_sql_append_ident(&sql, name, strlen(name));
    k2td_buf_puts(&sql, " (");
    if (target_defs(c, cJSON_GetObjectItemCaseSensitive(body, "columns"), "columns", &sql, 1))
        goto done;
    k2td_buf_puts(&sql, ") TAGS (");
    if (target_defs(c, cJSON_GetObjectItemCaseSensitive(body, "tags"), "tags", &sql, 0))
        goto done;
    k2td_buf_putc(&sql, ')');
    target_create(c, &t, &sql, name);
done:
    k2td_buf_free(&sql);
    target_close(&t);
    cJSON_Delete(body);
}
