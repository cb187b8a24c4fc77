#include "preview.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/alloc.h"
#include "../model/convert.h"
#include "runtime.h"

typedef struct preview {
    const k2td_task_t *task;
    k2td_runtime_t rt;
    k2td_rowset_t *sets; /* sets[0] parsed rows, sets[k+1] after stage k; owned */
    size_t nsets;
    cJSON *dropped; /* the running stage's "dropped" array (borrowed) */
} preview_t;

/* Opens the runtime a run would use and the rowsets of every stage.
 * Returns OK or the failing part (errstr set). */
static k2td_engine_rc_t preview_open(preview_t *p, char *errstr, size_t errstr_size) {
    k2td_engine_rc_t rc = k2td_runtime_open(&p->rt, p->task, 10000, errstr, errstr_size);
    if (rc != K2TD_ENGINE_OK) return rc;
    p->nsets = k2td_pipeline_stages(p->rt.pipeline) + 1;
    p->sets = k2td_calloc(p->nsets, sizeof(*p->sets));
    for (size_t i = 0; i < p->nsets; i++) k2td_rowset_init(&p->sets[i]);
    return K2TD_ENGINE_OK;
}

static void preview_close(preview_t *p) {
    for (size_t i = 0; i < p->nsets; i++) k2td_rowset_free(&p->sets[i]);
    free(p->sets);
    k2td_runtime_close(&p->rt);
}

/* Returns the length of the valid UTF-8 sequence at s[0..len), or 0. */
static size_t preview_utf8_len(const unsigned char *s, size_t len) {
    size_t n = s[0] >= 0xf0 && s[0] <= 0xf4 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc2 ? 2 : 0;
    if (n == 0 || n > len) return 0;
    for (size_t i = 1; i < n; i++)
        if ((s[i] & 0xc0) != 0x80) return 0;
    return n;
}

/* Returns a JSON string of s[0..len): a NUL byte and bytes that are not
 * UTF-8 are written as \xNN, so the document is always valid JSON. */
static cJSON *preview_text(const char *s, size_t len) {
    k2td_buf_t b = K2TD_BUF_INIT;
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < len;) {
        size_t n = u[i] >= 0x80 ? preview_utf8_len(u + i, len - i) : u[i] != 0;
        if (n)
            k2td_buf_append(&b, s + i, n);
        else
            k2td_buf_printf(&b, "\\x%02x", u[i]);
        i += n ? n : 1;
    }
    cJSON *j = cJSON_CreateString(b.data ? b.data : "");
    k2td_buf_free(&b);
    return j;
}

/* Adds key: s (NUL-terminated) to obj, through preview_text. */
static void preview_add(cJSON *obj, const char *key, const char *s) {
    cJSON_AddItemToObject(obj, key, preview_text(s, strlen(s)));
}

/* Returns {"name", "type", "value"} for one parsed field. */
static cJSON *preview_field(const k2td_field_t *f) {
    static const char *const types[] = {"null", "bool", "int", "uint", "float", "string"};
    cJSON *j = cJSON_CreateObject();
    cJSON_AddItemToObject(j, "name", preview_text(f->name, f->name_len));
    cJSON_AddStringToObject(j, "type", types[f->v.type]);
    char tmp[32];
    size_t len = 0;
    const char *num;
    switch (f->v.type) {
    case K2TD_VAL_NULL: cJSON_AddNullToObject(j, "value"); break;
    case K2TD_VAL_BOOL: cJSON_AddBoolToObject(j, "value", f->v.n.b); break;
    case K2TD_VAL_STRING: cJSON_AddItemToObject(j, "value", preview_text(f->v.str, f->v.len)); break;
    default:
        num = k2td_convert_number_text(&f->v, tmp, &len);
        cJSON_AddItemToObject(j, "value", preview_text(num, len));
    }
    return j;
}

/* Returns {"message", "fields"} for row r of rs. */
static cJSON *preview_row(const k2td_rowset_t *rs, size_t r) {
    cJSON *j = cJSON_CreateObject();
    cJSON_AddNumberToObject(j, "message", (double)rs->row_msg[r]);
    cJSON *fields = cJSON_AddArrayToObject(j, "fields");
    const k2td_field_t *f;
    size_t n = k2td_rowset_row(rs, r, &f);
    for (size_t i = 0; i < n; i++) cJSON_AddItemToArray(fields, preview_field(&f[i]));
    return j;
}

static cJSON *preview_rows(const k2td_rowset_t *rs) {
    cJSON *arr = cJSON_CreateArray();
    for (size_t r = 0; r < rs->nrows; r++) cJSON_AddItemToArray(arr, preview_row(rs, r));
    return arr;
}

/* Parses every sample into sets[0]; returns the "messages" array. */
static cJSON *preview_parse(preview_t *p, const k2td_preview_sample_t *samples, size_t n) {
    cJSON *msgs = cJSON_CreateArray();
    k2td_rowset_t *rs = &p->sets[0];
    for (size_t i = 0; i < n; i++) {
        char err[512];
        int rows = k2td_runtime_parse(&p->rt, samples[i].data, samples[i].len, i, rs, err,
                                      sizeof(err));
        cJSON *m = cJSON_CreateObject();
        cJSON_AddNumberToObject(m, "message", (double)i);
        cJSON_AddItemToObject(m, "payload", preview_text(samples[i].data, samples[i].len));
        if (rows < 0)
            preview_add(m, "error", err);
        else
            cJSON_AddNumberToObject(m, "rows", rows);
        cJSON_AddItemToArray(msgs, m);
    }
    return msgs;
}

/* The drop callback: records the dropped row and the reason. */
static void preview_dropped(void *opaque, k2td_stage_kind_t kind, const k2td_rowset_t *in,
                            size_t row, const char *reason) {
    (void)kind;
    preview_t *p = opaque;
    cJSON *j = preview_row(in, row);
    preview_add(j, "reason", reason);
    cJSON_AddItemToArray(p->dropped, j);
}

/* Runs the mutate stages one at a time, each into a rowset of its own, and
 * returns the "stages" array; *last is set to the final rowset. */
static cJSON *preview_stages(preview_t *p, int64_t now_ms, k2td_rowset_t **last) {
    static const char *const kinds[] = {"extract", "filter", "map"};
    cJSON *stages = cJSON_CreateArray();
    const cJSON *rule = p->task->parser.mutate ? p->task->parser.mutate->child : NULL;
    *last = &p->sets[0];
    for (size_t k = 0; k + 1 < p->nsets; k++, rule = rule ? rule->next : NULL) {
        cJSON *j = cJSON_CreateObject();
        cJSON_AddNumberToObject(j, "stage", (double)k);
        cJSON_AddStringToObject(j, "kind", kinds[k2td_pipeline_stage_kind(p->rt.pipeline, k)]);
        if (rule) cJSON_AddItemToObject(j, "rule", cJSON_Duplicate(rule, 1));
        p->dropped = cJSON_CreateArray();
        k2td_pipeline_run_stage(p->rt.pipeline, k, &p->sets[k], &p->sets[k + 1], now_ms,
                                p->task->options.timezone_offset_s, preview_dropped, p);
        *last = &p->sets[k + 1];
        cJSON_AddItemToObject(j, "rows", preview_rows(*last));
        cJSON_AddItemToObject(j, "dropped", p->dropped);
        cJSON_AddItemToArray(stages, j);
    }
    return stages;
}

/* Appends {"name", "type", "value"} of schema column c for row r. */
static void preview_value(preview_t *p, const k2td_rowset_t *rs, size_t r, size_t c,
                          cJSON *arr) {
    static const k2td_value_t null_value = {.type = K2TD_VAL_NULL};
    const k2td_column_t *col = &p->rt.schema.cols[c];
    size_t hint = 0;
    const k2td_field_t *f = k2td_rowset_find_ci(rs, r, col->name, strlen(col->name), &hint);
    k2td_buf_t lit = K2TD_BUF_INIT, type = K2TD_BUF_INIT;
    char err[256];
    if (k2td_convert_append(f ? &f->v : &null_value, col, k2td_mapper_opts(p->rt.mapper), &lit, err,
                            sizeof(err)) != 0)
        k2td_buf_puts(&lit, err); /* not reached: the mapper accepted the row */
    k2td_buf_puts(&type, k2td_coltype_name(col->type));
    if (col->type >= K2TD_COL_VARCHAR) k2td_buf_printf(&type, "(%d)", (int)col->length);
    cJSON *j = cJSON_CreateObject();
    preview_add(j, "name", col->name);
    cJSON_AddStringToObject(j, "type", type.data);
    preview_add(j, "value", lit.data ? lit.data : "");
    cJSON_AddItemToArray(arr, j);
    k2td_buf_free(&lit);
    k2td_buf_free(&type);
}

/* Adds the values row r maps to, for the columns (tag = 0) or tags the
 * task writes, under key. */
static void preview_values(preview_t *p, const k2td_rowset_t *rs, size_t r, int tag,
                           const char *key, cJSON *obj) {
    const k2td_strlist_t *names = tag ? &p->task->parser.model.tags
                                      : &p->task->parser.model.columns;
    cJSON *arr = cJSON_AddArrayToObject(obj, key);
    if (names->n) {
        for (size_t i = 0; i < names->n; i++) {
            long c = k2td_schema_find(&p->rt.schema, names->items[i], tag);
            if (c >= 0) preview_value(p, rs, r, (size_t)c, arr);
        }
        return;
    }
    for (size_t c = 0; c < p->rt.schema.ncols; c++)
        if (p->rt.schema.cols[c].is_tag == tag) preview_value(p, rs, r, c, arr);
}

/* Maps every row of rs into the batch and fills "mapped", "subtables" and
 * "sql" of doc. */
static void preview_map(preview_t *p, const k2td_rowset_t *rs, cJSON *doc) {
    cJSON *mapped = cJSON_AddArrayToObject(doc, "mapped");
    cJSON **by_row = k2td_calloc(rs->nrows ? rs->nrows : 1, sizeof(*by_row));
    for (size_t r = 0; r < rs->nrows; r++) {
        char err[512];
        cJSON *j = by_row[r] = cJSON_CreateObject();
        cJSON_AddNumberToObject(j, "message", (double)rs->row_msg[r]);
        /* the origin is the row's index, so a sealed row names its entry */
        if (k2td_mapper_map_row(p->rt.mapper, rs, r, r, p->rt.batch, err, sizeof(err)) != 0) {
            preview_add(j, "error", err);
        } else {
            preview_values(p, rs, r, 0, "columns", j);
            preview_values(p, rs, r, 1, "tags", j);
        }
        cJSON_AddItemToArray(mapped, j);
    }
    k2td_insert_batch_seal(p->rt.batch);
    size_t n = k2td_insert_batch_rows(p->rt.batch);
    cJSON *tables = cJSON_AddArrayToObject(doc, "subtables");
    const char *prev = NULL;
    for (size_t i = 0; i < n; i++) {
        const char *t = k2td_insert_batch_table(p->rt.batch, i);
        preview_add(by_row[k2td_insert_batch_origin(p->rt.batch, i)], "subtable", t);
        if (!prev || strcmp(prev, t) != 0) cJSON_AddItemToArray(tables, preview_text(t, strlen(t)));
        prev = t;
    }
    cJSON *sqls = cJSON_AddArrayToObject(doc, "sql");
    k2td_buf_t sql = K2TD_BUF_INIT;
    for (size_t first = 0; first < n;) {
        k2td_buf_reset(&sql);
        first += k2td_insert_batch_render(p->rt.batch, first, n - first, &sql);
        cJSON_AddItemToArray(sqls, preview_text(sql.data, sql.len));
    }
    k2td_buf_free(&sql);
    free(by_row);
}

k2td_engine_rc_t k2td_preview_run(const k2td_task_t *task, const k2td_preview_sample_t *samples,
                                  size_t nsamples, cJSON **out, char *errstr, size_t errstr_size) {
    preview_t p;
    memset(&p, 0, sizeof(p));
    p.task = task;
    *out = NULL;
    k2td_engine_rc_t rc = preview_open(&p, errstr, errstr_size);
    if (rc != K2TD_ENGINE_OK) {
        preview_close(&p);
        return rc;
    }
    cJSON *doc = cJSON_CreateObject();
    preview_add(doc, "task", task->name);
    cJSON *target = cJSON_AddObjectToObject(doc, "target");
    preview_add(target, "db", p.rt.schema.db);
    preview_add(target, "stable", p.rt.schema.stable);
    cJSON_AddStringToObject(target, "precision", k2td_precision_name(p.rt.schema.precision));
    cJSON_AddItemToObject(doc, "messages", preview_parse(&p, samples, nsamples));
    cJSON_AddItemToObject(doc, "parsed", preview_rows(&p.sets[0]));
    k2td_rowset_t *last;
    int64_t now_ms = k2td_runtime_refresh(&p.rt);
    cJSON_AddItemToObject(doc, "stages", preview_stages(&p, now_ms, &last));
    preview_map(&p, last, doc);
    preview_close(&p);
    *out = doc;
    return K2TD_ENGINE_OK;
}
