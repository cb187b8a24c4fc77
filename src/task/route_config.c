/*
 * route_config.c - reading `model` and `rules` (see route_config.h).
 */
#include "route_config.h"

#include <stdlib.h>
#include <string.h>

#include "../common/alloc.h"
#include "../common/errstr.h"
#include "../expr/expr.h"
#include "../model/template.h"
#include "../transform/pipeline.h"
#include "json_doc.h"

static const char *const model_keys[] = {"name", "using", "tags", "columns", NULL};
static const char *const rule_keys[] = {"matches", "mutate", "model", NULL};
static const char *const matches_keys[] = {"expr", NULL};

static void model_conf_free(k2td_model_conf_t *m) {
    free(m->name);
    free(m->stable);
    k2td_strlist_free(&m->tags);
    k2td_strlist_free(&m->columns);
}

/* Releases what one route owns. */
static void route_clear(k2td_route_conf_t *r) {
    for (size_t i = 0; i < r->nmodels; i++) model_conf_free(&r->models[i]);
    free(r->models);
    free(r->match);
    free(r->path);
    cJSON_Delete(r->mutate);
    memset(r, 0, sizeof(*r));
}

void k2td_route_conf_free(k2td_route_conf_t *routes, size_t n) {
    for (size_t i = 0; i < n; i++) route_clear(&routes[i]);
    free(routes);
}

/* Reads the required template <key> of the model at path: non-empty, no
 * '.', its placeholders well formed (k2td_template_compile). Returns 0 with
 * *out a new copy, or -1. */
static int read_model_name(const cJSON *model, const char *path, const char *key, char **out,
                           char *errstr, size_t errstr_size) {
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(model, key);
    char q[K2TD_CM_QUOTE_MAX];
    if (!item)
        return k2td_errstr_set(errstr, errstr_size, "%s: key `%s` is required", path, key);
    if (!cJSON_IsString(item))
        return k2td_errstr_set(errstr, errstr_size, "%s.%s: must be a string, not %s", path, key,
                               k2td_json_kind(item));
    if (!*item->valuestring)
        return k2td_errstr_set(errstr, errstr_size, "%s.%s: must not be empty", path, key);
    if (strchr(item->valuestring, '.'))
        return k2td_errstr_set(errstr, errstr_size, "%s.%s: `%s` must not contain `.`", path,
                               key, k2td_cm_quote(item->valuestring, q));
    char why[256];
    k2td_template_t *t = k2td_template_compile(item->valuestring, why, sizeof(why));
    if (!t)
        return k2td_errstr_set(errstr, errstr_size, "%s.%s: `%s` is not a valid template: %s",
                               path, key, k2td_cm_quote(item->valuestring, q), why);
    k2td_template_free(t);
    *out = k2td_strdup(item->valuestring);
    return 0;
}

/* Checks a model name list read from path: non-empty, without repeats and,
 * when tags is given, without any of its names. Returns 0 or -1. */
static int check_model_list(const k2td_strlist_t *list, const char *path, const char *if_absent,
                            const k2td_strlist_t *tags, char *errstr, size_t errstr_size) {
    char q[K2TD_CM_QUOTE_MAX];
    if (list->n == 0)
        return k2td_errstr_set(errstr, errstr_size, "%s: must not be empty (leave it out %s)",
                               path, if_absent);
    for (size_t i = 0; i < list->n; i++) {
        const char *name = list->items[i];
        const char *why = k2td_strlist_find(list, name) != (long)i     ? "is listed twice"
                          : tags && k2td_strlist_find(tags, name) >= 0 ? "is also listed in tags"
                                                                      : NULL;
        if (why)
            return k2td_errstr_set(errstr, errstr_size, "%s[%zu]: `%s` %s", path, i,
                                   k2td_cm_quote(name, q), why);
    }
    return 0;
}

/* Reads the optional name list <key> of the model at path (see
 * check_model_list). Returns 0 or -1. */
static int read_model_list(const cJSON *model, k2td_buf_t *path, const char *key,
                           const char *if_absent, const k2td_strlist_t *tags, k2td_strlist_t *out,
                           char *errstr, size_t errstr_size) {
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(model, key);
    if (!item) return 0;
    size_t mark = k2td_json_path_push(path, key);
    int rc = k2td_json_strlist(item, path->data, out, errstr, errstr_size);
    if (rc == 0) rc = check_model_list(out, path->data, if_absent, tags, errstr, errstr_size);
    k2td_buf_truncate(path, mark);
    return rc;
}

/* Reads one model object at path into *out. Returns 0, or -1 (*out then
 * holds what was read; the caller frees it). */
static int read_one_model(const cJSON *model, k2td_buf_t *path, k2td_model_conf_t *out,
                          char *errstr, size_t errstr_size) {
    if (k2td_json_need_object(model, path->data, errstr, errstr_size) != 0 ||
        k2td_json_check_keys(model, path->data, model_keys, NULL, errstr, errstr_size) != 0 ||
        read_model_name(model, path->data, "name", &out->name, errstr, errstr_size) != 0 ||
        read_model_name(model, path->data, "using", &out->stable, errstr, errstr_size) != 0 ||
        read_model_list(model, path, "tags", "to use the supertable's tags", NULL, &out->tags,
                        errstr, errstr_size) != 0 ||
        read_model_list(model, path, "columns", "to take every field that is not a tag",
                        &out->tags, &out->columns, errstr, errstr_size) != 0)
        return -1;
    return 0;
}

/* Reads `model` (object or list) at path into r's models. Returns 0 or -1. */
static int read_models(const cJSON *model, k2td_buf_t *path, k2td_route_conf_t *r, char *errstr,
                       size_t errstr_size) {
    if (!cJSON_IsArray(model)) {
        r->models = k2td_calloc(1, sizeof(*r->models));
        r->nmodels = 1;
        return read_one_model(model, path, &r->models[0], errstr, errstr_size);
    }
    size_t n = (size_t)cJSON_GetArraySize(model);
    if (n == 0)
        return k2td_errstr_set(errstr, errstr_size, "%s: must not be an empty list", path->data);
    r->models = k2td_calloc(n, sizeof(*r->models));
    r->nmodels = n;
    size_t i = 0;
    for (const cJSON *m = model->child; m; m = m->next, i++) {
        size_t mark = k2td_json_path_index(path, i);
        int rc = read_one_model(m, path, &r->models[i], errstr, errstr_size);
        k2td_buf_truncate(path, mark);
        if (rc != 0) return -1;
    }
    return 0;
}

/* Appends a zeroed route for path to *routes and returns it. */
static k2td_route_conf_t *route_append(k2td_route_conf_t **routes, size_t *n, const char *path) {
    *routes = k2td_realloc(*routes, (*n + 1) * sizeof(**routes));
    k2td_route_conf_t *r = &(*routes)[(*n)++];
    memset(r, 0, sizeof(*r));
    r->path = k2td_strdup(path);
    return r;
}

/* Drops the last route of *routes (after a failed read). Returns -1. */
static int route_drop_last(k2td_route_conf_t *routes, size_t *n) {
    route_clear(&routes[--*n]);
    return -1;
}

int k2td_route_conf_read_model(const cJSON *model, k2td_buf_t *path, k2td_route_conf_t **routes,
                               size_t *n, char *errstr, size_t errstr_size) {
    k2td_route_conf_t *r = route_append(routes, n, path->data);
    if (read_models(model, path, r, errstr, errstr_size) != 0) return route_drop_last(*routes, n);
    return 0;
}

/* Reads rule.matches.expr at path into r->match, checking that it compiles.
 * Returns 0 or -1. */
static int read_match(const cJSON *rule, k2td_buf_t *path, k2td_route_conf_t *r, char *errstr,
                      size_t errstr_size) {
    const cJSON *matches = cJSON_GetObjectItemCaseSensitive(rule, "matches");
    if (!matches)
        return k2td_errstr_set(errstr, errstr_size, "%s: key `matches` is required", path->data);
    size_t mark = k2td_json_path_push(path, "matches");
    int rc = -1;
    const cJSON *expr = cJSON_GetObjectItemCaseSensitive(matches, "expr");
    char err[256];
    if (k2td_json_need_object(matches, path->data, errstr, errstr_size) != 0 ||
        k2td_json_check_keys(matches, path->data, matches_keys, NULL, errstr, errstr_size) != 0)
        goto out;
    if (!cJSON_IsString(expr) || !*expr->valuestring) {
        k2td_errstr_set(errstr, errstr_size, "%s.expr: must be a non-empty string", path->data);
        goto out;
    }
    k2td_expr_t *check = k2td_expr_compile(expr->valuestring, err, sizeof(err));
    if (!check) {
        k2td_errstr_set(errstr, errstr_size, "%s.expr: %s", path->data, err);
        goto out;
    }
    rc = k2td_expr_check_bool(check, err, sizeof(err));
    k2td_expr_free(check);
    if (rc != 0) {
        k2td_errstr_set(errstr, errstr_size, "%s.expr: %s", path->data, err);
        goto out;
    }
    r->match = k2td_strdup(expr->valuestring);
    rc = 0;
out:
    k2td_buf_truncate(path, mark);
    return rc;
}

int k2td_mutate_conf_read(const cJSON *mutate, const char *path, cJSON **out, char *errstr,
                          size_t errstr_size) {
    k2td_pipeline_t *check = k2td_pipeline_compile(mutate, path, errstr, errstr_size);
    if (!check) return -1;
    k2td_pipeline_free(check);
    *out = cJSON_Duplicate(mutate, 1);
    return 0;
}

/* Reads the optional rule.mutate at path into r->mutate. Returns 0 or -1. */
static int read_rule_mutate(const cJSON *rule, k2td_buf_t *path, k2td_route_conf_t *r,
                            char *errstr, size_t errstr_size) {
    const cJSON *mutate = cJSON_GetObjectItemCaseSensitive(rule, "mutate");
    if (!mutate) return 0;
    size_t mark = k2td_json_path_push(path, "mutate");
    int rc = k2td_mutate_conf_read(mutate, path->data, &r->mutate, errstr, errstr_size);
    k2td_buf_truncate(path, mark);
    return rc;
}

/* Reads one rule at path into a new route of *routes. Returns 0 or -1. */
static int read_rule(const cJSON *rule, k2td_buf_t *path, k2td_route_conf_t **routes, size_t *n,
                     char *errstr, size_t errstr_size) {
    if (k2td_json_need_object(rule, path->data, errstr, errstr_size) != 0 ||
        k2td_json_check_keys(rule, path->data, rule_keys, NULL, errstr, errstr_size) != 0)
        return -1;
    const cJSON *model = cJSON_GetObjectItemCaseSensitive(rule, "model");
    if (!model)
        return k2td_errstr_set(errstr, errstr_size, "%s: key `model` is required", path->data);
    k2td_route_conf_t *r = route_append(routes, n, path->data);
    if (read_match(rule, path, r, errstr, errstr_size) != 0 ||
        read_rule_mutate(rule, path, r, errstr, errstr_size) != 0)
        return route_drop_last(*routes, n);
    size_t mark = k2td_json_path_push(path, "model");
    int rc = read_models(model, path, r, errstr, errstr_size);
    k2td_buf_truncate(path, mark);
    return rc == 0 ? 0 : route_drop_last(*routes, n);
}

int k2td_route_conf_read_rules(const cJSON *rules, k2td_buf_t *path, k2td_route_conf_t **routes,
                               size_t *n, char *errstr, size_t errstr_size) {
    if (!cJSON_IsArray(rules) || cJSON_GetArraySize(rules) == 0)
        return k2td_errstr_set(errstr, errstr_size, "%s: must be a non-empty list of rules",
                               path->data);
    size_t first = *n, i = 0;
    for (const cJSON *rule = rules->child; rule; rule = rule->next, i++) {
        size_t mark = k2td_json_path_index(path, i);
        int rc = read_rule(rule, path, routes, n, errstr, errstr_size);
        k2td_buf_truncate(path, mark);
        if (rc != 0) {
            while (*n > first) route_drop_last(*routes, n);
            return -1;
        }
    }
    return 0;
}
