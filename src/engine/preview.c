#include "preview.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/alloc.h"
#include "../common/clock.h"
#include "../common/utf8.h"
#include "../model/convert.h"
#include "preview_existing.h"
#include "preview_lint.h"
#include "row_policy.h"
#include "runtime.h"

typedef struct preview {
    const k2td_task_t *task;
    k2td_runtime_t rt;
    k2td_rowset_t **sets; /* the parsed rows, then one rowset per stage run; owned */
    size_t nsets;
    cJSON *dropped; /* the running stage's "dropped" array (borrowed) */
    char unreachable[512]; /* why TDengine was not read, when the mapping stood in */
} preview_t;

/* Returns a new empty rowset that lives until preview_close. */
static k2td_rowset_t *preview_new_set(preview_t *p) {
    p->sets = k2td_realloc(p->sets, (p->nsets + 1) * sizeof(*p->sets));
    k2td_rowset_t *rs = p->sets[p->nsets++] = k2td_calloc(1, sizeof(*rs));
    k2td_rowset_init(rs);
    return rs;
}

static void preview_close(preview_t *p) {
    for (size_t i = 0; i < p->nsets; i++) {
        k2td_rowset_free(p->sets[i]);
        free(p->sets[i]);
    }
    free(p->sets);
    k2td_runtime_close(&p->rt);
}

/* Returns a JSON string of s[0..len): a NUL byte and bytes that are not
 * UTF-8 are written as \xNN, so the document is always valid JSON. */
static cJSON *preview_text(const char *s, size_t len) {
    k2td_buf_t b = K2TD_BUF_INIT;
    k2td_utf8_escape(&b, s, len);
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

/* Parses every sample into rs; returns the "messages" array. */
static cJSON *preview_parse(preview_t *p, const k2td_preview_sample_t *samples, size_t n,
                            k2td_rowset_t *rs) {
    cJSON *msgs = cJSON_CreateArray();
    for (size_t i = 0; i < n; i++) {
        char err[512];
        int rows = k2td_runtime_parse(&p->rt, samples[i].data, samples[i].len, i, rs, err,
                                      sizeof(err));
        cJSON *m = cJSON_CreateObject();
        cJSON_AddNumberToObject(m, "message", (double)i);
        cJSON_AddItemToObject(m, "payload", preview_text(samples[i].data, samples[i].len));
        if (samples[i].topic) {
            preview_add(m, "topic", samples[i].topic);
            cJSON_AddNumberToObject(m, "partition", samples[i].partition);
            cJSON_AddNumberToObject(m, "offset", (double)samples[i].offset);
        }
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
                            size_t row, int filtered, const char *reason) {
    (void)kind;
    (void)filtered;
    preview_t *p = opaque;
    cJSON *j = preview_row(in, row);
    preview_add(j, "reason", reason);
    cJSON_AddItemToArray(p->dropped, j);
}

/* Returns a new "stages" entry for stage number k of the given kind, with
 * its rule (may be NULL) and route (-1: shared), and opens its "dropped". */
static cJSON *preview_stage_begin(preview_t *p, size_t k, k2td_stage_kind_t kind,
                                  const cJSON *rule, long route) {
    static const char *const kinds[] = {"extract", "filter", "map", "route"};
    cJSON *j = cJSON_CreateObject();
    cJSON_AddNumberToObject(j, "stage", (double)k);
    cJSON_AddStringToObject(j, "kind", kinds[kind]);
    if (route >= 0) cJSON_AddNumberToObject(j, "route", (double)route);
    if (rule) cJSON_AddItemToObject(j, "rule", cJSON_Duplicate(rule, 1));
    p->dropped = cJSON_CreateArray();
    return j;
}

/* Closes stage entry j with its output rows and adds it to stages. */
static void preview_stage_end(preview_t *p, cJSON *j, const k2td_rowset_t *out, cJSON *stages) {
    cJSON_AddItemToObject(j, "rows", preview_rows(out));
    cJSON_AddItemToObject(j, "dropped", p->dropped);
    cJSON_AddItemToArray(stages, j);
}

/* Runs the stages of pl (rules in mutate, route -1 when shared) one at a
 * time from *rows, each into a rowset of its own, appending their entries to
 * stages; *rows ends as the final rowset. */
static void preview_pipeline(preview_t *p, k2td_pipeline_t *pl, const cJSON *mutate, long route,
                             int64_t now_ms, const k2td_rowset_t **rows, cJSON *stages) {
    const cJSON *rule = mutate ? mutate->child : NULL;
    for (size_t k = 0; k < k2td_pipeline_stages(pl); k++, rule = rule ? rule->next : NULL) {
        cJSON *j = preview_stage_begin(p, (size_t)cJSON_GetArraySize(stages),
                                       k2td_pipeline_stage_kind(pl, k), rule, route);
        k2td_rowset_t *out = preview_new_set(p);
        k2td_pipeline_run_stage(pl, k, *rows, out, now_ms, p->task->options.timezone_offset_s,
                                preview_dropped, p);
        *rows = out;
        preview_stage_end(p, j, out, stages);
    }
}

/* Splits rows among the rules when there are any (a "route" stage whose
 * rows carry the index of the rule that took them), then runs each rule's
 * own stages one at a time; final[i] is set to route i's final rows. */
static void preview_routes(preview_t *p, const k2td_rowset_t *rows, int64_t now_ms, cJSON *stages,
                           const k2td_rowset_t **final) {
    k2td_router_t *router = p->rt.router;
    size_t n = k2td_router_count(router);
    const k2td_route_conf_t *routes = p->task->parser.routes;
    int routed = n > 1 || routes[0].match;
    cJSON *j = routed ? preview_stage_begin(p, (size_t)cJSON_GetArraySize(stages),
                                            K2TD_STAGE_ROUTE, NULL, -1)
                      : NULL;
    k2td_router_split(router, rows, now_ms, p->task->options.timezone_offset_s,
                      routed ? preview_dropped : NULL, p);
    if (j) {
        cJSON *arr = cJSON_CreateArray();
        for (size_t i = 0; i < n; i++) {
            const k2td_rowset_t *rs = k2td_router_rows(router, i);
            for (size_t r = 0; r < rs->nrows; r++) {
                cJSON *row = preview_row(rs, r);
                cJSON_AddNumberToObject(row, "route", (double)i);
                cJSON_AddItemToArray(arr, row);
            }
        }
        cJSON_AddItemToObject(j, "rows", arr);
        cJSON_AddItemToObject(j, "dropped", p->dropped);
        cJSON_AddItemToArray(stages, j);
    }
    for (size_t i = 0; i < n; i++) {
        final[i] = k2td_router_rows(router, i);
        preview_pipeline(p, k2td_router_pipeline(router, i), routes[i].mutate,
                         routed ? (long)i : -1, now_ms, &final[i], stages);
    }
}

/* Appends {"name", "type", "value"} of target column c for row r. */
static void preview_value(const k2td_target_t *t, const k2td_rowset_t *rs, size_t r, size_t c,
                          cJSON *arr) {
    static const k2td_value_t null_value = {.type = K2TD_VAL_NULL};
    const k2td_column_t *col = &t->schema.cols[c];
    size_t hint = 0;
    const k2td_field_t *f = k2td_rowset_find_ci(rs, r, col->name, strlen(col->name), &hint);
    k2td_buf_t lit = K2TD_BUF_INIT;
    char err[256], type[K2TD_COLTYPE_TEXT_MAX];
    if (k2td_convert_append(f ? &f->v : &null_value, col, k2td_mapper_opts(t->mapper), &lit, err,
                            sizeof(err)) != 0)
        k2td_buf_puts(&lit, err); /* not reached: the mapper accepted the row */
    cJSON *j = cJSON_CreateObject();
    preview_add(j, "name", col->name);
    cJSON_AddStringToObject(j, "type", k2td_column_type_text(col, type));
    preview_add(j, "value", lit.data ? lit.data : "");
    cJSON_AddItemToArray(arr, j);
    k2td_buf_free(&lit);
}

/* Adds the values row r maps to on target t, for the columns (tag = 0) or
 * tags its model writes, under key. */
static void preview_values(const preview_t *p, const k2td_target_t *t, const k2td_rowset_t *rs,
                           size_t r, int tag, const char *key, cJSON *obj) {
    const k2td_model_conf_t *mc = &p->task->parser.routes[t->route].models[t->model];
    const k2td_strlist_t *names = tag ? &mc->tags : &mc->columns;
    cJSON *arr = cJSON_AddArrayToObject(obj, key);
    if (names->n) {
        for (size_t i = 0; i < names->n; i++) {
            long c = k2td_schema_find(&t->schema, names->items[i], tag);
            if (c >= 0) preview_value(t, rs, r, (size_t)c, arr);
        }
        return;
    }
    for (size_t c = 0; c < t->schema.ncols; c++)
        if (t->schema.cols[c].is_tag == tag) preview_value(t, rs, r, c, arr);
}

/* Returns the "mapped" entry of row r of route ro's rows rs on model m;
 * origin (the entry's index) tags the row in its target's batch. */
static cJSON *preview_map_row(preview_t *p, size_t ro, size_t m, const k2td_rowset_t *rs,
                              size_t r, size_t origin, int routed) {
    char err[512];
    cJSON *j = cJSON_CreateObject();
    cJSON_AddNumberToObject(j, "message", (double)rs->row_msg[r]);
    if (routed) cJSON_AddNumberToObject(j, "route", (double)ro);
    if (k2td_runtime_models(&p->rt, ro) > 1) cJSON_AddNumberToObject(j, "model", (double)m);
    k2td_target_t *t;
    k2td_map_outcome_t o;
    k2td_map_rc_t rc = k2td_runtime_map(&p->rt, ro, m, rs, r, origin, &t, &o, err, sizeof(err));
    if (t) preview_add(j, "stable", t->schema.stable);
    if (rc != K2TD_MAP_OK) {
        preview_add(j, "error", err);
        k2td_row_policy_describe(&p->task->parser.policy, &o, err, sizeof(err));
        preview_add(j, "policy", err);
    } else {
        if (o.repairs) cJSON_AddNumberToObject(j, "repairs", o.repairs);
        preview_values(p, t, rs, r, 0, "columns", j);
        preview_values(p, t, rs, r, 1, "tags", j);
    }
    return j;
}

/* Fills "subtables" and "sql" of doc from every target's batch, and gives
 * each entry its subtable name. */
static void preview_batches(preview_t *p, cJSON **entries, cJSON *doc) {
    cJSON *tables = cJSON_AddArrayToObject(doc, "subtables");
    cJSON *sqls = cJSON_AddArrayToObject(doc, "sql");
    k2td_buf_t sql = K2TD_BUF_INIT;
    for (size_t ti = 0; ti < k2td_target_set_count(p->rt.targets); ti++) {
        k2td_insert_batch_t *b = k2td_target_set_at(p->rt.targets, ti)->batch;
        if (!b) continue;
        k2td_insert_batch_seal(b);
        size_t n = k2td_insert_batch_rows(b);
        const char *prev = NULL;
        for (size_t i = 0; i < n; i++) {
            const char *t = k2td_insert_batch_table(b, i);
            preview_add(entries[k2td_insert_batch_origin(b, i)], "subtable", t);
            if (!prev || strcmp(prev, t) != 0)
                cJSON_AddItemToArray(tables, preview_text(t, strlen(t)));
            prev = t;
        }
        for (size_t first = 0; first < n;) {
            k2td_buf_reset(&sql);
            first += k2td_insert_batch_render(b, first, n - first, &sql);
            cJSON_AddItemToArray(sqls, preview_text(sql.data, sql.len));
        }
    }
    k2td_buf_free(&sql);
}

/* Maps the final rows of every route into the batches and fills "mapped",
 * "subtables" and "sql" of doc. */
static void preview_map(preview_t *p, const k2td_rowset_t **final, cJSON *doc) {
    cJSON *mapped = cJSON_AddArrayToObject(doc, "mapped");
    size_t nroutes = k2td_router_count(p->rt.router), total = 0;
    int routed = nroutes > 1 || p->task->parser.routes[0].match;
    for (size_t ro = 0; ro < nroutes; ro++)
        total += final[ro]->nrows * k2td_runtime_models(&p->rt, ro);
    cJSON **entries = k2td_calloc(total ? total : 1, sizeof(*entries));
    size_t k = 0;
    for (size_t ro = 0; ro < nroutes; ro++) {
        for (size_t r = 0; r < final[ro]->nrows; r++) {
            for (size_t m = 0; m < k2td_runtime_models(&p->rt, ro); m++, k++) {
                entries[k] = preview_map_row(p, ro, m, final[ro], r, k, routed);
                cJSON_AddItemToArray(mapped, entries[k]);
            }
        }
    }
    preview_batches(p, entries, doc);
    free(entries);
}

/* Adds the "target" of doc: the database, supertable and precision, or
 * null when the parser has no model (TDengine was not read). */
static void preview_target(const preview_t *p, int modeled, cJSON *doc) {
    if (!modeled) {
        cJSON_AddNullToObject(doc, "target");
        return;
    }
    cJSON *target = cJSON_AddObjectToObject(doc, "target");
    preview_add(target, "db", p->rt.db.db);
    preview_add(target, "stable", p->task->parser.routes[0].models[0].stable);
    cJSON_AddStringToObject(target, "precision", k2td_precision_name(p->rt.db.precision));
    cJSON_AddStringToObject(target, "schema_from", k2td_schema_from_name(p->rt.schemas.from));
    if (p->rt.schemas.file) preview_add(target, "schema_file", p->rt.schemas.file->path);
    if (p->unreachable[0]) preview_add(target, "unreachable", p->unreachable);
}

/* Opens p's runtime for a task with a model: with the schema file of opts,
 * else from TDengine, else (TDengine unreachable and opts allowing it) from
 * the mapping, keeping why TDengine was not read. Returns as
 * k2td_runtime_open; the runtime must be closed either way. */
static k2td_engine_rc_t preview_open(preview_t *p, const k2td_preview_opts_t *opts,
                                     char *errstr, size_t errstr_size) {
    if (opts && opts->schema)
        return k2td_runtime_open_offline(&p->rt, p->task, opts->schema, errstr, errstr_size);
    const k2td_rest_opts_t ro = {.timeout_ms = 10000};
    k2td_engine_rc_t rc = k2td_runtime_open(&p->rt, p->task, &ro, errstr, errstr_size);
    if (rc != K2TD_ENGINE_TD_DOWN || !opts || !opts->mapping_fallback) return rc;
    snprintf(p->unreachable, sizeof(p->unreachable), "%s", errstr);
    k2td_runtime_close(&p->rt);
    char err[1024];
    rc = k2td_runtime_open_offline(&p->rt, p->task, NULL, err, sizeof(err));
    if (rc != K2TD_ENGINE_OK)
        snprintf(errstr, errstr_size, "%s; the schema cannot come from the mapping either: %s",
                 p->unreachable, err);
    return rc;
}

/* Builds the preview document of task on samples into *out (opts as
 * k2td_preview_run's); with map = 0 the task's model is not mapped
 * (TDengine is not contacted): the document has parsing, the stages, the
 * routes and the warnings. Returns K2TD_ENGINE_OK, or the runtime's failure
 * with *out NULL and errstr set. */
static k2td_engine_rc_t preview_build(const k2td_task_t *task, const k2td_preview_sample_t *samples,
                                      size_t nsamples, const k2td_preview_opts_t *opts, int map,
                                      cJSON **out, char *errstr, size_t errstr_size) {
    preview_t p;
    memset(&p, 0, sizeof(p));
    p.task = task;
    *out = NULL;
    /* a draft parser without a model shows parsing and mutate only */
    int routed = task->parser.nroutes > 0, modeled = map && routed;
    k2td_engine_rc_t rc = modeled ? preview_open(&p, opts, errstr, errstr_size)
                                  : k2td_runtime_open_parsing(&p.rt, task, errstr, errstr_size);
    if (rc != K2TD_ENGINE_OK) {
        preview_close(&p);
        return rc;
    }
    cJSON *doc = cJSON_CreateObject();
    preview_add(doc, "task", task->name);
    preview_target(&p, modeled, doc);
    k2td_rowset_t *parsed = preview_new_set(&p);
    cJSON_AddItemToObject(doc, "messages", preview_parse(&p, samples, nsamples, parsed));
    cJSON_AddItemToObject(doc, "parsed", preview_rows(parsed));
    int64_t now_ms = modeled ? k2td_runtime_refresh(&p.rt) : k2td_clock_wall_ms();
    cJSON *stages = cJSON_AddArrayToObject(doc, "stages");
    const k2td_rowset_t *shared = parsed;
    preview_pipeline(&p, p.rt.pipeline, task->parser.mutate, -1, now_ms, &shared, stages);
    const k2td_rowset_t **final = NULL;
    if (routed) {
        final = k2td_calloc(k2td_router_count(p.rt.router), sizeof(*final));
        preview_routes(&p, shared, now_ms, stages, final);
    }
    if (modeled) {
        preview_map(&p, final, doc);
    } else {
        cJSON_AddArrayToObject(doc, "mapped");
        cJSON_AddArrayToObject(doc, "subtables");
        cJSON_AddArrayToObject(doc, "sql");
    }
    free(final);
    k2td_preview_lint(doc, task);
    if (modeled) k2td_preview_existing(doc, task, p.rt.rest, p.rt.db.db);
    preview_close(&p);
    *out = doc;
    return K2TD_ENGINE_OK;
}

k2td_engine_rc_t k2td_preview_run(const k2td_task_t *task, const k2td_preview_sample_t *samples,
                                  size_t nsamples, const k2td_preview_opts_t *opts, cJSON **out,
                                  char *errstr, size_t errstr_size) {
    return preview_build(task, samples, nsamples, opts, 1, out, errstr, errstr_size);
}

cJSON *k2td_preview_warnings(const k2td_task_t *task, const k2td_preview_sample_t *samples,
                             size_t nsamples, char *errstr, size_t errstr_size) {
    cJSON *doc;
    if (preview_build(task, samples, nsamples, NULL, 0, &doc, errstr, errstr_size) !=
        K2TD_ENGINE_OK)
        return NULL;
    cJSON *warnings = cJSON_DetachItemFromObjectCaseSensitive(doc, "warnings");
    cJSON_Delete(doc);
    return warnings;
}
