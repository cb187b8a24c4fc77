/*
 * preview_lint.c - warnings about names the sample rows never carry (see
 * preview_lint.h). It reads the preview document: each stage's rule and the
 * rows that reach it.
 */
#include "preview_lint.h"

#include <stdlib.h>
#include <string.h>

#include "../common/alloc.h"
#include "../common/buf.h"
#include "../expr/expr.h"
#include "../model/template.h"
#include "../task/config_map.h"

/* The distinct field names of some preview rows (pointing into the
 * document). */
typedef struct lint_names {
    const char **v;
    size_t n, cap;
} lint_names_t;

/* Returns 1 when names holds name. */
static int lint_has(const lint_names_t *names, const char *name) {
    for (size_t i = 0; i < names->n; i++)
        if (strcmp(names->v[i], name) == 0) return 1;
    return 0;
}

/* Sets *names to the field names of the preview rows `rows` (ROW objects). */
static void lint_collect(const cJSON *rows, lint_names_t *names) {
    names->n = 0;
    const cJSON *row;
    cJSON_ArrayForEach(row, rows) {
        const cJSON *f;
        cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(row, "fields")) {
            const cJSON *name = cJSON_GetObjectItemCaseSensitive(f, "name");
            if (!cJSON_IsString(name) || lint_has(names, name->valuestring)) continue;
            if (names->n == names->cap)
                names->v = k2td_realloc(names->v, (names->cap = names->cap * 2 + 16) *
                                                      sizeof(*names->v));
            names->v[names->n++] = name->valuestring;
        }
    }
}

/* Adds to warnings a warning at path for the name `name` that no row in
 * names has; what says what reads it. */
static void lint_warn(cJSON *warnings, const char *path, const char *name,
                      const lint_names_t *names, const char *what) {
    const char *near = k2td_cm_suggest(name, names->v, names->n, sizeof(*names->v));
    k2td_buf_t b = K2TD_BUF_INIT;
    k2td_buf_printf(&b, "%s `%s` is in none of the sample rows that reach it", what, name);
    if (near) k2td_buf_printf(&b, " (did you mean `%s`?)", near);
    cJSON *w = cJSON_CreateObject();
    cJSON_AddStringToObject(w, "path", path);
    cJSON_AddStringToObject(w, "message", b.data);
    cJSON_AddItemToArray(warnings, w);
    k2td_buf_free(&b);
}

/* Warns about the fields the expression text (at path) reads that names
 * lacks. A text that does not compile is the task's error, not a warning. */
static void lint_expr(cJSON *warnings, const char *path, const char *text,
                      const lint_names_t *names) {
    char err[256];
    k2td_expr_t *e = k2td_expr_compile(text, err, sizeof(err));
    if (!e) return;
    for (size_t i = 0; i < k2td_expr_nfields(e); i++)
        if (!lint_has(names, k2td_expr_field(e, i)))
            lint_warn(warnings, path, k2td_expr_field(e, i), names, "field");
    k2td_expr_free(e);
}

/* Warns about the names the stage rule (a mutate entry, at path) reads that
 * the rows reaching it (names) lack: filter expressions, map expressions and
 * mappings. */
static void lint_stage(cJSON *warnings, const char *path, const cJSON *rule,
                       const lint_names_t *names) {
    k2td_buf_t at = K2TD_BUF_INIT;
    const cJSON *filter = cJSON_GetObjectItemCaseSensitive(rule, "filter");
    if (cJSON_IsString(filter)) {
        k2td_buf_printf(&at, "%s.filter", path);
        lint_expr(warnings, at.data, filter->valuestring, names);
    }
    size_t i = 0;
    const cJSON *item, *list = cJSON_IsArray(filter) ? filter : NULL;
    cJSON_ArrayForEach(item, list) {
        k2td_buf_reset(&at);
        k2td_buf_printf(&at, "%s.filter[%zu]", path, i++);
        if (cJSON_IsString(item)) lint_expr(warnings, at.data, item->valuestring, names);
    }
    const cJSON *map = cJSON_GetObjectItemCaseSensitive(rule, "map");
    if (!cJSON_IsObject(map)) map = NULL;
    cJSON_ArrayForEach(item, map) {
        k2td_buf_reset(&at);
        k2td_buf_printf(&at, "%s.map.%s", path, item->string);
        const cJSON *expr = cJSON_GetObjectItemCaseSensitive(item, "expr");
        const cJSON *from = cJSON_GetObjectItemCaseSensitive(item, "mapping");
        if (cJSON_IsString(expr)) lint_expr(warnings, at.data, expr->valuestring, names);
        if (cJSON_IsString(from) && !lint_has(names, from->valuestring))
            lint_warn(warnings, at.data, from->valuestring, names, "field");
    }
    k2td_buf_free(&at);
}

/* Returns route r's JSON path from the parser on ("parser.rules[1]",
 * "parser.model"), without the "task." a task file's paths start with. */
static const char *lint_route_path(const k2td_route_conf_t *r) {
    return strncmp(r->path, "task.", 5) == 0 ? r->path + 5 : r->path;
}

void k2td_preview_model_path(const k2td_route_conf_t *r, size_t m, const char *key,
                             k2td_buf_t *out) {
    /* the top-level model's path ends in "model"; a rule's is the rule */
    const char *route = lint_route_path(r);
    size_t len = strlen(route);
    int at_model = len >= 5 && strcmp(route + len - 5, "model") == 0;
    k2td_buf_reset(out);
    k2td_buf_printf(out, "%s%s", route, at_model ? "" : ".model");
    if (r->nmodels > 1) k2td_buf_printf(out, "[%zu]", m);
    k2td_buf_printf(out, ".%s", key);
}

/* Warns about the placeholders of route r's model templates that the final
 * rows (names) lack. */
static void lint_models(cJSON *warnings, const k2td_route_conf_t *r, const lint_names_t *names) {
    k2td_buf_t at = K2TD_BUF_INIT;
    for (size_t m = 0; m < r->nmodels; m++) {
        const char *texts[] = {r->models[m].name, r->models[m].stable};
        const char *keys[] = {"name", "using"};
        for (int k = 0; k < 2; k++) {
            char err[256];
            k2td_template_t *t = k2td_template_compile(texts[k], err, sizeof(err));
            if (!t) continue;
            k2td_preview_model_path(r, m, keys[k], &at);
            for (size_t v = 0; v < k2td_template_nvars(t); v++)
                if (!lint_has(names, k2td_template_var(t, v)))
                    lint_warn(warnings, at.data, k2td_template_var(t, v), names, "placeholder");
            k2td_template_free(t);
        }
    }
    k2td_buf_free(&at);
}

void k2td_preview_lint(cJSON *doc, const k2td_task_t *task) {
    cJSON *warnings = cJSON_AddArrayToObject(doc, "warnings");
    const k2td_parser_conf_t *pc = &task->parser;
    /* the rows each stage reads: the shared chain, then one per route, all
     * starting from the route stage's rows (rows of any route count) */
    const cJSON **route_rows = k2td_calloc(pc->nroutes + 1, sizeof(*route_rows));
    const cJSON *shared = cJSON_GetObjectItemCaseSensitive(doc, "parsed");
    size_t *route_stage = k2td_calloc(pc->nroutes + 1, sizeof(*route_stage));
    size_t shared_stage = 0;
    lint_names_t names = {0};
    k2td_buf_t path = K2TD_BUF_INIT;
    const cJSON *stage;
    cJSON_ArrayForEach(stage, cJSON_GetObjectItemCaseSensitive(doc, "stages")) {
        const cJSON *route = cJSON_GetObjectItemCaseSensitive(stage, "route");
        const cJSON *kind = cJSON_GetObjectItemCaseSensitive(stage, "kind");
        const cJSON *rows = cJSON_GetObjectItemCaseSensitive(stage, "rows");
        if (cJSON_IsString(kind) && strcmp(kind->valuestring, "route") == 0) {
            for (size_t r = 0; r < pc->nroutes; r++) route_rows[r] = rows;
            continue;
        }
        size_t r = cJSON_IsNumber(route) && route->valueint >= 0 &&
                           (size_t)route->valueint < pc->nroutes
                       ? (size_t)route->valueint
                       : pc->nroutes; /* shared */
        const cJSON **input = r < pc->nroutes ? &route_rows[r] : &shared;
        k2td_buf_reset(&path);
        if (r < pc->nroutes)
            k2td_buf_printf(&path, "%s.mutate[%zu]", lint_route_path(&pc->routes[r]),
                            route_stage[r]++);
        else
            k2td_buf_printf(&path, "parser.mutate[%zu]", shared_stage++);
        if (!*input) *input = shared;
        lint_collect(*input, &names);
        if (names.n)
            lint_stage(warnings, path.data, cJSON_GetObjectItemCaseSensitive(stage, "rule"),
                       &names);
        *input = rows;
    }
    for (size_t r = 0; r < pc->nroutes; r++) {
        lint_collect(route_rows[r] ? route_rows[r] : shared, &names);
        if (names.n) lint_models(warnings, &pc->routes[r], &names);
    }
    k2td_buf_free(&path);
    free(names.v);
    free(route_rows);
    free(route_stage);
}
