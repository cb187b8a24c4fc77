/*
 * router.h - maps method + path to a handler through a table.
 *
 * A route is one row: method, path pattern, flags and handler, e.g.
 *   {"POST", "/api/tasks/{id}/start", 0, api_task_start}
 * A "{id}" segment matches any one path segment, which the handler gets as
 * text and as a number (-1 when it is not a positive integer). The table
 * ends with a row whose method is NULL.
 */
#ifndef K2TD_SERVICE_ROUTER_H
#define K2TD_SERVICE_ROUTER_H

#include <stddef.h>
#include <stdint.h>

#define K2TD_ROUTE_PUBLIC 0x1u /* no login needed */

typedef struct k2td_route {
    const char *method;
    const char *pattern;
    unsigned flags;
    void (*fn)(void *call); /* the service's handler type, called with its call struct */
} k2td_route_t;

/* What matching found. */
typedef struct k2td_route_match {
    const k2td_route_t *route; /* NULL: none for this method */
    int path_known;            /* some route has this path (so: 405, not 404) */
    char allow[64];            /* the methods of that path, for an Allow header */
    char id_text[64];          /* the {id} segment, "" when none */
    int64_t id;                /* its value, -1 when not a positive integer */
} k2td_route_match_t;

/* Matches method and path against table. Returns 1 when a route was found
 * (m->route set), 0 otherwise. */
int k2td_router_match(const k2td_route_t *table, const char *method, const char *path,
                      k2td_route_match_t *m);

#endif
