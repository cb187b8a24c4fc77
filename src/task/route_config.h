/*
 * route_config.h - where the rows go: taosX's `model` and `rules`.
 *
 *     "model": {"name": "t_{id}", "using": "meters",
 *               "tags": ["groupid"], "columns": ["ts", "current"]}
 *     "model": [ {...}, {...} ]          every row is written to each model
 *     "rules": [ {"matches": {"expr": "kind == \"air\""},
 *                 "mutate": [ ...stages for these rows only... ],
 *                 "model": {...} | [...]}, ... ]
 *
 * Each becomes a route: a row takes the first rule whose expression is true
 * for it (k2td's choice where taosX's is not published: first match, so a
 * row is never written twice by accident), then the rule's own stages run on
 * it and it is written to each of the rule's models. The top-level `model`,
 * when given beside `rules`, is the last route and takes the rows no rule
 * matched; without it such rows are dropped and counted as filtered.
 * `using` may itself be a template ("{metric}"), one supertable per value.
 */
#ifndef K2TD_ROUTE_CONFIG_H
#define K2TD_ROUTE_CONFIG_H

#include <stddef.h>

#include <cJSON.h>

#include "../common/buf.h"
#include "config_map.h"

/* One target table per row. */
typedef struct k2td_model_conf {
    char *name;             /* child-table name template ("t_{id}", "d${id}"); no '.' */
    char *stable;           /* `using`: the supertable or its template; no '.' */
    k2td_strlist_t tags;    /* tag columns to fill; empty = the supertable's tags */
    k2td_strlist_t columns; /* data columns; empty = every field that is not a tag */
} k2td_model_conf_t;

/* A rule, or the top-level model. */
typedef struct k2td_route_conf {
    char *match;              /* rules[i].matches.expr; NULL: every row */
    cJSON *mutate;            /* the rule's own stages (NULL: none), owned */
    k2td_model_conf_t *models;
    size_t nmodels;           /* >= 1 */
    char *path;               /* JSON path for messages: "parser.rules[1]" */
} k2td_route_conf_t;

/* Reads `model` (an object or a non-empty list of them) at path into a new
 * route appended to *routes (n updated). Returns 0, or -1 with errstr naming
 * the JSON path; *routes then keeps what it had. */
int k2td_route_conf_read_model(const cJSON *model, k2td_buf_t *path, k2td_route_conf_t **routes,
                               size_t *n, char *errstr, size_t errstr_size);

/* Reads `rules` (a non-empty list) at path, one route per rule appended to
 * *routes. Expressions and stages are compiled once here to report errors
 * now. Returns 0 or -1 as above. */
int k2td_route_conf_read_rules(const cJSON *rules, k2td_buf_t *path, k2td_route_conf_t **routes,
                               size_t *n, char *errstr, size_t errstr_size);

/* Checks the `mutate` stages at path by compiling them once, and sets *out
 * to a copy the caller owns (the engine compiles its own from it). Returns
 * 0, or -1 with errstr naming the JSON path of the bad stage. */
int k2td_mutate_conf_read(const cJSON *mutate, const char *path, cJSON **out, char *errstr,
                          size_t errstr_size);

/* Releases routes[0..n) and the array. */
void k2td_route_conf_free(k2td_route_conf_t *routes, size_t n);

#endif
