/*
 * target_set.c - supertables, mappers and batches of a task (target_set.h).
 */
#include "target_set.h"

#include <stdlib.h>
#include <string.h>

#include "../common/alloc.h"
#include "../common/errstr.h"
#include "../model/template.h"
#include "runtime.h"

/* The compiled `using` of one model. */
typedef struct model_slot {
    const k2td_route_conf_t *route_conf;
    size_t route, model;
    k2td_template_t *stable; /* the name, or its template */
} model_slot_t;

struct k2td_target_set {
    const k2td_schema_source_t *src;
    const k2td_write_policy_t *policy;
    char *db;
    k2td_convert_opts_t opts;
    model_slot_t *slots;
    size_t nslots;
    k2td_target_t **targets; /* each allocated once, so pointers stay valid */
    size_t ntargets, cap;
    k2td_buf_t name;         /* a row's supertable name */
};

k2td_target_set_t *k2td_target_set_new(const k2td_schema_source_t *src, const char *db,
                                       const k2td_route_conf_t *routes, size_t n,
                                       const k2td_write_policy_t *policy,
                                       const k2td_convert_opts_t *opts) {
    k2td_target_set_t *ts = k2td_calloc(1, sizeof(*ts));
    ts->src = src;
    ts->policy = policy;
    ts->db = k2td_strdup(db);
    ts->opts = *opts;
    for (size_t r = 0; r < n; r++) ts->nslots += routes[r].nmodels;
    ts->slots = k2td_calloc(ts->nslots ? ts->nslots : 1, sizeof(*ts->slots));
    size_t k = 0;
    for (size_t r = 0; r < n; r++) {
        for (size_t m = 0; m < routes[r].nmodels; m++, k++) {
            ts->slots[k].route_conf = &routes[r];
            ts->slots[k].route = r;
            ts->slots[k].model = m;
        }
    }
    return ts;
}

/* Releases one target. */
static void target_free(k2td_target_t *t) {
    k2td_insert_batch_free(t->batch);
    k2td_mapper_free(t->mapper);
    k2td_stable_schema_clear(&t->schema);
    free(t);
}

void k2td_target_set_free(k2td_target_set_t *ts) {
    if (!ts) return;
    for (size_t i = 0; i < ts->ntargets; i++) target_free(ts->targets[i]);
    for (size_t i = 0; i < ts->nslots; i++) k2td_template_free(ts->slots[i].stable);
    free(ts->targets);
    free(ts->slots);
    free(ts->db);
    k2td_buf_free(&ts->name);
    free(ts);
}

/* Returns the slot of (route, model). */
static model_slot_t *target_slot(k2td_target_set_t *ts, size_t route, size_t model) {
    for (size_t i = 0; i < ts->nslots; i++)
        if (ts->slots[i].route == route && ts->slots[i].model == model) return &ts->slots[i];
    return NULL;
}

/* Prefixes errstr (the mapper's "columns: ...") with the JSON path of
 * slot's model: "task.parser.model.", "task.parser.rules[1].model." or,
 * among several models, "task.parser.model[2].". */
static void target_where(const model_slot_t *s, char *errstr, size_t errstr_size) {
    const char *path = s->route_conf->path;
    size_t len = strlen(path);
    const char *model = len >= 5 && strcmp(path + len - 5, "model") == 0 ? "" : ".model";
    if (s->route_conf->nmodels > 1)
        k2td_errstr_prefix(errstr, errstr_size, "%s%s[%zu].", path, model, s->model);
    else
        k2td_errstr_prefix(errstr, errstr_size, "%s%s.", path, model);
}

/* Reads t's supertable `name` and builds its mapper and batch for slot s.
 * Returns a k2td_schema_rc_t (INVALID when the model does not fit). */
static int target_fill(k2td_target_set_t *ts, const model_slot_t *s, k2td_target_t *t,
                       const char *name, char *errstr, size_t errstr_size) {
    const k2td_model_conf_t *mc = &s->route_conf->models[s->model];
    int rc = k2td_schema_source_load(ts->src, ts->db, mc, name, &t->schema, errstr, errstr_size);
    t->missing = rc == K2TD_SCHEMA_NO_STABLE;
    if (rc != K2TD_SCHEMA_OK) return rc;
    k2td_mapper_spec_t spec = {
        mc->name, mc->columns.n ? (const char *const *)mc->columns.items : NULL, mc->columns.n,
        mc->tags.n ? (const char *const *)mc->tags.items : NULL, mc->tags.n, ts->policy};
    t->mapper = k2td_mapper_new(&t->schema, &spec, &ts->opts, errstr, errstr_size);
    if (!t->mapper) {
        target_where(s, errstr, errstr_size);
        return K2TD_SCHEMA_INVALID;
    }
    t->batch = k2td_mapper_batch_new(t->mapper, K2TD_MAX_SQL_BYTES);
    return K2TD_SCHEMA_OK;
}

/* Loads supertable `name` for slot s into a new target (*out). Returns a
 * k2td_schema_rc_t; the target is kept only for OK and NO_STABLE. */
static int target_load(k2td_target_set_t *ts, model_slot_t *s, const char *name,
                       k2td_target_t **out, char *errstr, size_t errstr_size) {
    k2td_target_t *t = k2td_calloc(1, sizeof(*t));
    t->route = s->route;
    t->model = s->model;
    int rc = target_fill(ts, s, t, name, errstr, errstr_size);
    if (rc != K2TD_SCHEMA_OK && rc != K2TD_SCHEMA_NO_STABLE) {
        target_free(t);
        return rc;
    }
    if (ts->ntargets == ts->cap) {
        ts->cap = ts->cap ? ts->cap * 2 : 4;
        ts->targets = k2td_realloc(ts->targets, ts->cap * sizeof(*ts->targets));
    }
    ts->targets[ts->ntargets++] = t;
    *out = t;
    return rc;
}

int k2td_target_set_reload(k2td_target_set_t *ts, k2td_target_t *t, char *errstr,
                           size_t errstr_size) {
    char *name = k2td_strdup(t->schema.stable);
    k2td_insert_batch_free(t->batch);
    k2td_mapper_free(t->mapper);
    k2td_stable_schema_clear(&t->schema);
    t->batch = NULL;
    t->mapper = NULL;
    int rc = target_fill(ts, target_slot(ts, t->route, t->model), t, name, errstr, errstr_size);
    free(name);
    if (rc != K2TD_SCHEMA_OK) t->missing = 1; /* dropped at the next reset */
    return rc;
}

int k2td_target_set_open(k2td_target_set_t *ts, char *errstr, size_t errstr_size) {
    for (size_t i = 0; i < ts->nslots; i++) {
        model_slot_t *s = &ts->slots[i];
        const char *text = s->route_conf->models[s->model].stable;
        char err[256];
        s->stable = k2td_template_compile(text, err, sizeof(err));
        if (!s->stable) {
            k2td_errstr_set(errstr, errstr_size, "using: %s", err);
            target_where(s, errstr, errstr_size);
            return K2TD_SCHEMA_INVALID;
        }
        if (k2td_template_nvars(s->stable)) continue;
        k2td_target_t *t;
        int rc = target_load(ts, s, text, &t, errstr, errstr_size);
        if (rc != K2TD_SCHEMA_OK) return rc;
    }
    return K2TD_SCHEMA_OK;
}

int k2td_target_set_get(k2td_target_set_t *ts, size_t route, size_t model, const k2td_rowset_t *rs,
                        size_t row, k2td_target_t **out, char *errstr, size_t errstr_size) {
    model_slot_t *s = target_slot(ts, route, model);
    const char *name = s->route_conf->models[model].stable;
    if (k2td_template_nvars(s->stable)) {
        char err[256];
        k2td_buf_reset(&ts->name);
        if (k2td_template_expand(s->stable, rs, row, &ts->name, err, sizeof(err)) != 0 ||
            k2td_table_name_check(ts->name.data, ts->name.len, err, sizeof(err)) != 0) {
            k2td_errstr_set(errstr, errstr_size, "supertable name: %s", err);
            return K2TD_SCHEMA_INVALID;
        }
        name = ts->name.data;
    }
    for (size_t i = 0; i < ts->ntargets; i++) {
        k2td_target_t *t = ts->targets[i];
        if (t->route != route || t->model != model || strcmp(t->schema.stable, name) != 0)
            continue;
        *out = t;
        if (!t->missing) return K2TD_SCHEMA_OK;
        k2td_errstr_set(errstr, errstr_size, "supertable `%s`.`%s` does not exist", ts->db, name);
        return K2TD_SCHEMA_NO_STABLE;
    }
    return target_load(ts, s, name, out, errstr, errstr_size);
}

size_t k2td_target_set_count(const k2td_target_set_t *ts) {
    return ts->ntargets;
}

k2td_target_t *k2td_target_set_at(k2td_target_set_t *ts, size_t i) {
    return ts->targets[i];
}

void k2td_target_set_opts(k2td_target_set_t *ts, const k2td_convert_opts_t *opts) {
    ts->opts = *opts;
    for (size_t i = 0; i < ts->ntargets; i++)
        if (ts->targets[i]->mapper) k2td_mapper_set_opts(ts->targets[i]->mapper, opts);
}

void k2td_target_set_reset(k2td_target_set_t *ts) {
    size_t keep = 0;
    for (size_t i = 0; i < ts->ntargets; i++) {
        k2td_target_t *t = ts->targets[i];
        if (t->missing) {
            target_free(t);
            continue;
        }
        k2td_insert_batch_reset(t->batch);
        ts->targets[keep++] = t;
    }
    ts->ntargets = keep;
}
