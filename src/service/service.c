/*
 * service.c - request dispatch: the route table, the login and origin
 * checks made from the headers before a body is read, and the embedded web
 * page (see service.h).
 */
#include "service.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "api.h"
#include "origin.h"
#include "web_assets.h"

#define R(fn) ((void (*)(void *))(fn))

static const k2td_route_t service_routes[] = {
    {"GET", "/api/health", K2TD_ROUTE_PUBLIC, R(k2td_api_health)},
    {"POST", "/api/login", K2TD_ROUTE_PUBLIC, R(k2td_api_login)},
    {"POST", "/api/logout", 0, R(k2td_api_logout)},
    {"GET", "/api/session", 0, R(k2td_api_session)},
    {"GET", "/api/config", 0, R(k2td_api_config)},
    {"GET", "/api/tasks", 0, R(k2td_api_tasks_list)},
    {"POST", "/api/tasks", 0, R(k2td_api_task_create)},
    {"GET", "/api/tasks/{id}", 0, R(k2td_api_task_get)},
    {"PUT", "/api/tasks/{id}", 0, R(k2td_api_task_update)},
    {"DELETE", "/api/tasks/{id}", 0, R(k2td_api_task_delete)},
    {"POST", "/api/tasks/{id}/start", 0, R(k2td_api_task_start)},
    {"POST", "/api/tasks/{id}/stop", 0, R(k2td_api_task_stop)},
    {"POST", "/api/tasks/{id}/copy", 0, R(k2td_api_task_copy)},
    {"GET", "/api/tasks/{id}/status", 0, R(k2td_api_task_status)},
    {"GET", "/metrics", 0, R(k2td_api_metrics)},
    {"POST", "/api/check", 0, R(k2td_api_check)},
    {"POST", "/api/samples", 0, R(k2td_api_samples)},
    {"POST", "/api/samples/upload", 0, R(k2td_api_samples_upload)},
    {"POST", "/api/preview", 0, R(k2td_api_preview)},
    {"POST", "/api/target/databases", 0, R(k2td_api_databases)},
    {"POST", "/api/target/databases/create", 0, R(k2td_api_database_create)},
    {"POST", "/api/target/stables", 0, R(k2td_api_stables)},
    {"POST", "/api/target/stables/propose", 0, R(k2td_api_stable_propose)},
    {"POST", "/api/target/stables/create", 0, R(k2td_api_stable_create)},
    {"POST", "/api/uploads", 0, R(k2td_api_upload_create)},
    {"GET", "/api/uploads", 0, R(k2td_api_uploads_list)},
    {"DELETE", "/api/uploads/{id}", 0, R(k2td_api_upload_delete)},
    {NULL, NULL, 0, NULL},
};

/* Serves a file of the web page, or 404/405. */
static void service_static(const k2td_http_req_t *req, k2td_http_resp_t *resp) {
    if (strcmp(req->method, "GET") != 0 && strcmp(req->method, "HEAD") != 0) {
        resp->allow = "GET, HEAD";
        k2td_http_error(resp, 405, NULL, "method %s is not allowed here", req->method);
        return;
    }
    const k2td_web_file_t *f = k2td_web_asset_find(req->path);
    if (!f) {
        k2td_http_error(resp, 404, NULL, "no such page");
        return;
    }
    resp->status = 200;
    resp->content_type = f->content_type;
    resp->static_data = f->data;
    resp->static_len = f->len;
    resp->cacheable = 1;
}

/* Returns the session token of the request (bearer first, then cookie),
 * setting *by_cookie; NULL when there is none. */
static const char *service_token(const k2td_http_req_t *req, int *by_cookie) {
    const char *h = k2td_http_header(req, "Authorization");
    *by_cookie = 0;
    if (h && strncasecmp(h, "Bearer ", 7) == 0) return h + 7;
    const char *cookie = k2td_http_cookie(req, "k2td_session");
    if (cookie) *by_cookie = 1;
    return cookie;
}

/* Returns 1 when a cookie-authenticated request that changes something
 * comes from this service's own page: its Origin (when sent) is one of the
 * service's (see origin.h). */
static int service_same_origin(const k2td_service_t *svc, const k2td_http_req_t *req) {
    if (strcmp(req->method, "GET") == 0 || strcmp(req->method, "HEAD") == 0) return 1;
    const char *origin = k2td_http_header(req, "Origin");
    return !origin ||
           k2td_origin_allowed(req, origin, (const char *const *)svc->public_origins);
}

/* Returns 1 when req is for the API (or /metrics), 0 for the web page. */
static int service_is_api(const k2td_http_req_t *req) {
    return strncmp(req->path, "/api/", 5) == 0 || strcmp(req->path, "/api") == 0 ||
           strcmp(req->path, "/metrics") == 0;
}

int k2td_service_admit(void *ctx, const k2td_http_req_t *req, k2td_http_resp_t *resp) {
    k2td_service_t *svc = ctx;
    k2td_route_match_t m;
    if (!service_is_api(req) || !k2td_router_match(service_routes, req->method, req->path, &m) ||
        (m.route->flags & K2TD_ROUTE_PUBLIC))
        return K2TD_HTTP_PUBLIC;
    int by_cookie;
    const char *token = service_token(req, &by_cookie);
    char user[128];
    if (!token || !k2td_auth_check(svc->auth, token, user, sizeof(user))) {
        k2td_http_error(resp, 401, NULL, "not logged in");
        return K2TD_HTTP_ANSWERED;
    }
    if (by_cookie && !service_same_origin(svc, req)) {
        k2td_http_error(resp, 403, NULL,
                        "the request's Origin is not this service; use the page or a "
                        "bearer token");
        return K2TD_HTTP_ANSWERED;
    }
    return K2TD_HTTP_SESSION;
}

void k2td_service_handle(void *ctx, const k2td_http_req_t *req, k2td_http_resp_t *resp) {
    k2td_service_t *svc = ctx;
    if (!service_is_api(req)) {
        service_static(req, resp);
        return;
    }
    k2td_route_match_t m;
    if (!k2td_router_match(service_routes, req->method, req->path, &m)) {
        if (m.path_known) {
            static _Thread_local char allow[64];
            memcpy(allow, m.allow, sizeof(allow));
            resp->allow = allow;
            k2td_http_error(resp, 405, NULL, "method %s is not allowed on %s (allowed: %s)",
                            req->method, req->path, m.allow);
        } else {
            k2td_http_error(resp, 404, NULL, "no such route: %s %s", req->method, req->path);
        }
        return;
    }
    k2td_api_call_t call = {svc, req, resp, &m, NULL};
    if (!(m.route->flags & K2TD_ROUTE_PUBLIC)) {
        /* k2td_service_admit checked the session before the body was read */
        int by_cookie;
        if (!req->session) {
            k2td_http_error(resp, 401, NULL, "not logged in");
            return;
        }
        call.token = service_token(req, &by_cookie);
    }
    m.route->fn(&call);
}
