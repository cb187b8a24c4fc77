/*
 * service.h - `k2td serve`: the pieces of the running service and the
 * request dispatch that ties the HTTP server, the route table, login, the
 * store and the task manager together.
 */
#ifndef K2TD_SERVICE_H
#define K2TD_SERVICE_H

#include <stdint.h>

#include "auth.h"
#include "http_server.h"
#include "router.h"
#include "task_manager.h"
#include "../task/dsn_policy.h"
#include "task_store.h"

typedef struct k2td_service {
    char *data_dir;
    char *uploads_dir;
    k2td_dsn_policy_t policy; /* what a client's DSN may ask for (the operator's config) */
    char *kinit_cmd;          /* the operator's kinit command (policy.kinit_cmd), or NULL */
    char *target_ca;          /* the operator's CA file for https targets, or NULL */
    k2td_task_store_t *store;
    k2td_auth_t *auth;
    k2td_task_manager_t *tasks;
    k2td_http_server_t *http;
    char **public_origins; /* NULL-terminated origins of --public-url; NULL = none */
} k2td_service_t;

/* One request on its way through a handler. */
typedef struct k2td_api_call {
    k2td_service_t *svc;
    const k2td_http_req_t *req;
    k2td_http_resp_t *resp;
    const k2td_route_match_t *match; /* match->id: the {id} segment, -1 when bad */
    const char *token;               /* the session token, NULL for public routes */
} k2td_api_call_t;

/* The admit callback given to the HTTP server (ctx is the service): a
 * route that needs a login is answered 401 without a live session (bearer
 * token or cookie) and 403 for a cookie sent from a foreign Origin, before
 * its body is read. Returns K2TD_HTTP_ANSWERED, K2TD_HTTP_SESSION, or
 * K2TD_HTTP_PUBLIC (public routes, the web page, unknown paths). */
int k2td_service_admit(void *ctx, const k2td_http_req_t *req, k2td_http_resp_t *resp);

/* The request handler given to the HTTP server (ctx is the service). */
void k2td_service_handle(void *ctx, const k2td_http_req_t *req, k2td_http_resp_t *resp);

#endif
