#include "pipeline.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/alloc.h"
#include "../common/arena.h"
#include "../common/buf.h"
#include "../common/errstr.h"
#include "../model/schema.h"
#include "../parse/json_flat.h"
#include "../task/json_doc.h"
#include "extract.h"
#include "filter.h"
#include "map.h"

typedef struct pipeline_stage {
    k2td_stage_kind_t kind;
    void *impl; /* k2td_extract_t, k2td_filter_t or k2td_map_t */
} pipeline_stage_t;

struct k2td_pipeline {
    cJSON *doc;        /* our copy of mutate: rule strings point into it */
    k2td_arena_t arena; /* number texts, rule arrays */
    pipeline_stage_t *stages;
    size_t n;
};

static const char *const stage_keys[] = {"extract", "filter", "map", NULL};
static const char *const extract_kinds[] = {"split", "regex", "convert", "json", NULL};
static const char *const split_keys[] = {"separator", "count", NULL};
static const char *const map_keys[] = {"cast", "default", "as", "value", "generator", "format",
                                       "join", "with", "sum", "expr", NULL};

/* Returns the single key of obj that is in kinds, or NULL with errstr set. */
static const cJSON *one_of(const cJSON *obj, const char *path, const char *const *kinds,
                           char *errstr, size_t errstr_size) {
    const cJSON *found = NULL;
    for (const cJSON *c = obj->child; c; c = c->next) {
        for (size_t k = 0; kinds[k]; k++) {
            if (strcmp(c->string, kinds[k]) != 0) continue;
            if (found) {
                k2td_errstr_set(errstr, errstr_size, "%s: `%s` and `%s` cannot go together",
                                path, found->string, c->string);
                return NULL;
            }
            found = c;
        }
    }
    if (!found) {
        k2td_buf_t list = K2TD_BUF_INIT;
        for (size_t k = 0; kinds[k]; k++) k2td_buf_printf(&list, "%s%s", k ? ", " : "", kinds[k]);
        k2td_errstr_set(errstr, errstr_size, "%s: expected one of %s", path, list.data);
        k2td_buf_free(&list);
    }
    return found;
}

/* Fills v from a JSON scalar (numbers keep their literal text). Returns 0 or
 * -1 with errstr set. */
static int pipeline_value(k2td_pipeline_t *p, const cJSON *item, const char *path,
                          k2td_value_t *v, char *errstr, size_t errstr_size) {
    memset(v, 0, sizeof(*v));
    if (cJSON_IsNull(item)) return 0;
    if (cJSON_IsBool(item)) {
        v->type = K2TD_VAL_BOOL;
        v->n.b = cJSON_IsTrue(item);
        return 0;
    }
    if (cJSON_IsString(item)) {
        v->type = K2TD_VAL_STRING;
        v->str = item->valuestring;
        v->len = strlen(item->valuestring);
        return 0;
    }
    if (cJSON_IsNumber(item)) {
        char *text = cJSON_PrintUnformatted(item);
        char *copy = k2td_arena_strndup(&p->arena, text, strlen(text));
        free(text);
        if (k2td_json_parse_number(copy, strlen(copy), v) == 0) return 0;
    }
    return k2td_errstr_set(errstr, errstr_size, "%s: must be a string, number, bool or null, not %s",
                           path, k2td_json_kind(item));
}

/* Returns the JSON string item's text, or NULL with errstr set. */
static const char *need_string(const cJSON *item, const char *path, int non_empty, char *errstr,
                               size_t errstr_size) {
    if (cJSON_IsString(item) && (!non_empty || *item->valuestring)) return item->valuestring;
    k2td_errstr_set(errstr, errstr_size, "%s: must be a %sstring, not %s", path,
                    non_empty ? "non-empty " : "",
                    cJSON_IsString(item) ? "an empty string" : k2td_json_kind(item));
    return NULL;
}

/* Fills rule from one "<field>": {<kind>: ...} entry of an extract object. */
static int pipeline_extract_rule(k2td_pipeline_t *p, const cJSON *entry, k2td_buf_t *path,
                                 k2td_extract_rule_t *rule, char *errstr, size_t errstr_size) {
    if (!cJSON_IsObject(entry))
        return k2td_errstr_set(errstr, errstr_size, "%s: must be an object", path->data);
    const cJSON *kind = one_of(entry, path->data, extract_kinds, errstr, errstr_size);
    if (!kind || k2td_json_check_keys(entry, path->data, extract_kinds, NULL, errstr,
                                      errstr_size) != 0)
        return -1;
    rule->field = entry->string;
    k2td_buf_printf(path, ".%s", kind->string);
    if (strcmp(kind->string, "json") == 0) {
        rule->kind = K2TD_EXTRACT_JSON;
    } else if (strcmp(kind->string, "regex") == 0) {
        rule->kind = K2TD_EXTRACT_REGEX;
        rule->pattern = need_string(kind, path->data, 1, errstr, errstr_size);
        if (!rule->pattern) return -1;
    } else if (strcmp(kind->string, "split") == 0) {
        rule->kind = K2TD_EXTRACT_SPLIT;
        if (!cJSON_IsObject(kind) || k2td_json_check_keys(kind, path->data, split_keys, NULL,
                                                          errstr, errstr_size) != 0)
            return cJSON_IsObject(kind) ? -1
                                        : k2td_errstr_set(errstr, errstr_size,
                                                          "%s: must be an object", path->data);
        const cJSON *sep = cJSON_GetObjectItemCaseSensitive(kind, "separator");
        const cJSON *count = cJSON_GetObjectItemCaseSensitive(kind, "count");
        rule->separator = need_string(sep, path->data, 1, errstr, errstr_size);
        if (!rule->separator) return -1;
        if (!cJSON_IsNumber(count) || count->valuedouble < 1 || count->valuedouble > 4096 ||
            count->valuedouble != (double)(int)count->valuedouble)
            return k2td_errstr_set(errstr, errstr_size,
                                   "%s.count: must be a whole number from 1 to 4096", path->data);
        rule->count = (size_t)count->valueint;
    } else {
        rule->kind = K2TD_EXTRACT_CONVERT;
        if (!cJSON_IsObject(kind) || !kind->child)
            return k2td_errstr_set(errstr, errstr_size,
                                   "%s: must be a non-empty object of value: replacement",
                                   path->data);
        size_t n = (size_t)cJSON_GetArraySize(kind);
        k2td_extract_pair_t *pairs = k2td_arena_alloc(&p->arena, n * sizeof(*pairs));
        size_t i = 0;
        for (const cJSON *c = kind->child; c; c = c->next, i++) {
            pairs[i].from = c->string;
            size_t mark = path->len;
            k2td_buf_printf(path, ".%s", c->string);
            if (pipeline_value(p, c, path->data, &pairs[i].to, errstr, errstr_size) != 0)
                return -1;
            k2td_buf_truncate(path, mark);
        }
        rule->pairs = pairs;
        rule->npairs = n;
    }
    return 0;
}

static void *pipeline_extract(k2td_pipeline_t *p, const cJSON *obj, k2td_buf_t *path,
                              char *errstr, size_t errstr_size) {
    if (!cJSON_IsObject(obj) || !obj->child) {
        k2td_errstr_set(errstr, errstr_size,
                        "%s: must be a non-empty object of field: rule", path->data);
        return NULL;
    }
    size_t n = (size_t)cJSON_GetArraySize(obj);
    k2td_extract_rule_t *rules = k2td_arena_alloc(&p->arena, n * sizeof(*rules));
    memset(rules, 0, n * sizeof(*rules));
    size_t i = 0, mark = path->len;
    for (const cJSON *c = obj->child; c; c = c->next, i++) {
        k2td_buf_printf(path, ".%s", c->string);
        if (pipeline_extract_rule(p, c, path, &rules[i], errstr, errstr_size) != 0) return NULL;
        k2td_buf_truncate(path, mark);
    }
    char err[512];
    k2td_extract_t *x = k2td_extract_compile(rules, n, err, sizeof(err));
    if (!x) k2td_errstr_set(errstr, errstr_size, "%s: %s", path->data, err);
    return x;
}

static void *pipeline_filter(const cJSON *arr, k2td_buf_t *path, char *errstr,
                             size_t errstr_size) {
    k2td_strlist_t exprs = {0};
    if (cJSON_IsString(arr)) {
        k2td_strlist_push(&exprs, arr->valuestring, strlen(arr->valuestring));
    } else if (!cJSON_IsArray(arr) || !arr->child ||
               k2td_json_strlist(arr, path->data, &exprs, errstr, errstr_size) != 0) {
        if (!cJSON_IsArray(arr) || !arr->child)
            k2td_errstr_set(errstr, errstr_size,
                            "%s: must be an expression or a non-empty array of them", path->data);
        k2td_strlist_free(&exprs);
        return NULL;
    }
    char err[512];
    k2td_filter_t *f = k2td_filter_compile((const char *const *)exprs.items, exprs.n, err,
                                           sizeof(err));
    if (!f) k2td_errstr_set(errstr, errstr_size, "%s: %s", path->data, err);
    k2td_strlist_free(&exprs);
    return f;
}

/* Reads the string array at key `key` of rule into a NULL-free list in the
 * arena. Returns 0 or -1. */
static int pipeline_fields(k2td_pipeline_t *p, const cJSON *list, const char *path,
                           k2td_map_rule_t *rule, char *errstr, size_t errstr_size) {
    if (!cJSON_IsArray(list) || !list->child)
        return k2td_errstr_set(errstr, errstr_size, "%s: must be a non-empty array of field names",
                               path);
    size_t n = (size_t)cJSON_GetArraySize(list), i = 0;
    const char **fields = k2td_arena_alloc(&p->arena, n * sizeof(*fields));
    for (const cJSON *c = list->child; c; c = c->next, i++)
        if (!(fields[i] = need_string(c, path, 1, errstr, errstr_size))) return -1;
    rule->fields = fields;
    rule->nfields = n;
    return 0;
}

/* Fills rule from one "<target>": {...} entry of a map object. */
static int pipeline_map_rule(k2td_pipeline_t *p, const cJSON *entry, k2td_buf_t *path,
                             k2td_map_rule_t *rule, char *errstr, size_t errstr_size) {
    static const char *const kinds[] = {"cast", "value", "generator", "format", "join", "sum",
                                        "expr", NULL};
    if (!cJSON_IsObject(entry))
        return k2td_errstr_set(errstr, errstr_size, "%s: must be an object", path->data);
    const cJSON *kind = one_of(entry, path->data, kinds, errstr, errstr_size);
    if (!kind ||
        k2td_json_check_keys(entry, path->data, map_keys, NULL, errstr, errstr_size) != 0)
        return -1;
    rule->target = entry->string;
    const cJSON *as = cJSON_GetObjectItemCaseSensitive(entry, "as");
    if (as) {
        char type[64] = "";
        const char *t = need_string(as, path->data, 1, errstr, errstr_size);
        if (!t) return -1;
        snprintf(type, sizeof(type), "%.*s", (int)strcspn(t, "("), t);
        if (k2td_coltype_from_name(type) == K2TD_COL_UNKNOWN)
            return k2td_errstr_set(errstr, errstr_size, "%s.as: `%s` is not a TDengine type",
                                   path->data, t);
    }
    const cJSON *def = cJSON_GetObjectItemCaseSensitive(entry, "default");
    const cJSON *with = cJSON_GetObjectItemCaseSensitive(entry, "with");
    if ((def && strcmp(kind->string, "cast") != 0) || (with && strcmp(kind->string, "join") != 0))
        return k2td_errstr_set(errstr, errstr_size, "%s: `%s` does not go with `%s`", path->data,
                               def && strcmp(kind->string, "cast") != 0 ? "default" : "with",
                               kind->string);
    k2td_buf_printf(path, ".%s", kind->string);
    const char *k = kind->string;
    if (strcmp(k, "cast") == 0) {
        rule->kind = K2TD_MAP_MAPPING;
        if (!(rule->source = need_string(kind, path->data, 1, errstr, errstr_size))) return -1;
        if (def && pipeline_value(p, def, path->data, &rule->value, errstr, errstr_size) != 0)
            return -1;
    } else if (strcmp(k, "value") == 0) {
        rule->kind = K2TD_MAP_VALUE;
        return pipeline_value(p, kind, path->data, &rule->value, errstr, errstr_size);
    } else if (strcmp(k, "generator") == 0) {
        rule->kind = K2TD_MAP_NOW;
        if (!cJSON_IsString(kind) || strcmp(kind->valuestring, "now") != 0)
            return k2td_errstr_set(errstr, errstr_size, "%s: the only generator is \"now\"",
                                   path->data);
    } else if (strcmp(k, "join") == 0 || strcmp(k, "sum") == 0) {
        rule->kind = k[0] == 'j' ? K2TD_MAP_JOIN : K2TD_MAP_SUM;
        if (pipeline_fields(p, kind, path->data, rule, errstr, errstr_size) != 0) return -1;
        if (with && !(rule->separator = need_string(with, path->data, 0, errstr, errstr_size)))
            return -1;
    } else {
        rule->kind = k[0] == 'f' ? K2TD_MAP_FORMAT : K2TD_MAP_EXPR;
        if (!(rule->text = need_string(kind, path->data, 1, errstr, errstr_size))) return -1;
    }
    return 0;
}

static void *pipeline_map(k2td_pipeline_t *p, const cJSON *obj, k2td_buf_t *path, char *errstr,
                          size_t errstr_size) {
    if (!cJSON_IsObject(obj) || !obj->child) {
        k2td_errstr_set(errstr, errstr_size, "%s: must be a non-empty object of target: rule",
                        path->data);
        return NULL;
    }
    size_t n = (size_t)cJSON_GetArraySize(obj), i = 0, mark = path->len;
    k2td_map_rule_t *rules = k2td_arena_alloc(&p->arena, n * sizeof(*rules));
    memset(rules, 0, n * sizeof(*rules));
    for (const cJSON *c = obj->child; c; c = c->next, i++) {
        k2td_buf_printf(path, ".%s", c->string);
        if (pipeline_map_rule(p, c, path, &rules[i], errstr, errstr_size) != 0) return NULL;
        k2td_buf_truncate(path, mark);
    }
    char err[512];
    k2td_map_t *m = k2td_map_compile(rules, n, err, sizeof(err));
    if (!m) k2td_errstr_set(errstr, errstr_size, "%s: %s", path->data, err);
    return m;
}

k2td_pipeline_t *k2td_pipeline_compile(const cJSON *mutate, const char *path, char *errstr,
                                       size_t errstr_size) {
    k2td_pipeline_t *p = k2td_calloc(1, sizeof(*p));
    k2td_arena_init(&p->arena, 4096);
    if (!mutate) return p;
    if (!cJSON_IsArray(mutate)) {
        k2td_errstr_set(errstr, errstr_size, "%s: must be an array of stages, not %s", path,
                        k2td_json_kind(mutate));
        goto fail;
    }
    p->doc = cJSON_Duplicate(mutate, 1);
    p->stages = k2td_calloc((size_t)cJSON_GetArraySize(p->doc) + 1, sizeof(*p->stages));
    k2td_buf_t where = K2TD_BUF_INIT;
    for (const cJSON *item = p->doc->child; item; item = item->next) {
        k2td_buf_reset(&where);
        k2td_buf_printf(&where, "%s[%zu]", path, p->n);
        const cJSON *stage = cJSON_IsObject(item)
                                 ? one_of(item, where.data, stage_keys, errstr, errstr_size)
                                 : NULL;
        if (!cJSON_IsObject(item))
            k2td_errstr_set(errstr, errstr_size, "%s: must be an object", where.data);
        if (!stage || k2td_json_check_keys(item, where.data, stage_keys, NULL, errstr,
                                           errstr_size) != 0) {
            k2td_buf_free(&where);
            goto fail;
        }
        k2td_buf_printf(&where, ".%s", stage->string);
        pipeline_stage_t *s = &p->stages[p->n];
        if (strcmp(stage->string, "extract") == 0) {
            s->kind = K2TD_STAGE_EXTRACT;
            s->impl = pipeline_extract(p, stage, &where, errstr, errstr_size);
        } else if (strcmp(stage->string, "filter") == 0) {
            s->kind = K2TD_STAGE_FILTER;
            s->impl = pipeline_filter(stage, &where, errstr, errstr_size);
        } else {
            s->kind = K2TD_STAGE_MAP;
            s->impl = pipeline_map(p, stage, &where, errstr, errstr_size);
        }
        if (!s->impl) {
            k2td_buf_free(&where);
            goto fail;
        }
        p->n++;
    }
    k2td_buf_free(&where);
    return p;
fail:
    k2td_pipeline_free(p);
    return NULL;
}

size_t k2td_pipeline_stages(const k2td_pipeline_t *p) {
    return p->n;
}

typedef struct pipeline_drop {
    k2td_pipeline_drop_fn fn;
    void *opaque;
    k2td_stage_kind_t kind;
} pipeline_drop_t;

static void pipeline_on_drop(void *opaque, const k2td_rowset_t *in, size_t row, int filtered,
                             const char *reason) {
    pipeline_drop_t *d = opaque;
    if (d->fn) d->fn(d->opaque, d->kind, in, row, filtered, reason);
}

k2td_stage_kind_t k2td_pipeline_stage_kind(const k2td_pipeline_t *p, size_t i) {
    return p->stages[i].kind;
}

/* Applies stage s to the last row of rows (a k2td_transform_apply_fn). */
static int pipeline_apply(void *stage, k2td_rowset_t *rows, k2td_expr_ctx_t *ectx,
                          char *reason, size_t reason_size) {
    pipeline_stage_t *s = stage;
    switch (s->kind) {
    case K2TD_STAGE_EXTRACT: return k2td_extract_apply(s->impl, rows, reason, reason_size);
    case K2TD_STAGE_FILTER: return k2td_filter_apply(s->impl, rows, ectx, reason, reason_size);
    default: return k2td_map_apply(s->impl, rows, ectx, reason, reason_size);
    }
}

/* k2td_pipeline_run_stage()'s context for one stage. */
static void pipeline_ctx(k2td_transform_ctx_t *ctx, pipeline_drop_t *drop, int64_t now_ms,
                         int32_t default_offset_s) {
    k2td_transform_ctx_init(ctx, now_ms);
    ctx->default_offset_s = default_offset_s;
    ctx->on_drop = pipeline_on_drop;
    ctx->opaque = drop;
}

size_t k2td_pipeline_run_stage(k2td_pipeline_t *p, size_t i, const k2td_rowset_t *in,
                               k2td_rowset_t *out, int64_t now_ms, int32_t default_offset_s,
                               k2td_pipeline_drop_fn on_drop, void *opaque) {
    pipeline_stage_t *s = &p->stages[i];
    pipeline_drop_t drop = {on_drop, opaque, s->kind};
    k2td_transform_ctx_t ctx;
    pipeline_ctx(&ctx, &drop, now_ms, default_offset_s);
    return k2td_transform_run(s, pipeline_apply, in, out, &ctx);
}

/* Every stage of a pipeline as one k2td_transform_apply_fn; the stage that
 * drops a row is noted in drop.kind for the drop callback. */
typedef struct pipeline_all {
    k2td_pipeline_t *p;
    pipeline_drop_t drop;
} pipeline_all_t;

static int pipeline_apply_all(void *arg, k2td_rowset_t *rows, k2td_expr_ctx_t *ectx,
                              char *reason, size_t reason_size) {
    pipeline_all_t *all = arg;
    for (size_t i = 0; i < all->p->n; i++) {
        pipeline_stage_t *s = &all->p->stages[i];
        int verdict = pipeline_apply(s, rows, ectx, reason, reason_size);
        if (verdict == K2TD_TRANSFORM_KEEP) continue;
        all->drop.kind = s->kind;
        return verdict;
    }
    return K2TD_TRANSFORM_KEEP;
}

size_t k2td_pipeline_run(k2td_pipeline_t *p, k2td_rowset_t **rows, k2td_rowset_t **spare,
                         int64_t now_ms, int32_t default_offset_s, k2td_pipeline_drop_fn on_drop,
                         void *opaque) {
    if (p->n == 0) return 0;
    /* one copy of each row, which every stage then changes in place: the
     * copies between stages cost more than some stages (bench/README.md) */
    pipeline_all_t all = {p, {on_drop, opaque, K2TD_STAGE_EXTRACT}};
    k2td_transform_ctx_t ctx;
    pipeline_ctx(&ctx, &all.drop, now_ms, default_offset_s);
    k2td_rowset_truncate(*spare, 0);
    size_t dropped = k2td_transform_run(&all, pipeline_apply_all, *rows, *spare, &ctx);
    k2td_rowset_t *t = *rows;
    *rows = *spare;
    *spare = t;
    return dropped;
}

void k2td_pipeline_free(k2td_pipeline_t *p) {
    if (!p) return;
    for (size_t i = 0; i < p->n; i++) {
        if (p->stages[i].kind == K2TD_STAGE_EXTRACT)
            k2td_extract_free(p->stages[i].impl);
        else if (p->stages[i].kind == K2TD_STAGE_FILTER)
            k2td_filter_free(p->stages[i].impl);
        else
            k2td_map_free(p->stages[i].impl);
    }
    free(p->stages);
    cJSON_Delete(p->doc);
    k2td_arena_free(&p->arena);
    free(p);
}
