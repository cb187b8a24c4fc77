/*
 * http_server.h - the HTTP listener of `k2td serve` (libmicrohttpd).
 *
 * Each connection is served on its own thread (libmicrohttpd's
 * thread-per-connection mode, bounded by a connection limit), because some
 * handlers block on remote systems: a connectivity check waits for Kafka
 * and TDengine, stopping a task waits for its last batch. A request body is
 * read whole into memory up to a limit (larger for upload paths); a larger
 * body gets 413 without reaching the handler. The handler fills a response
 * struct; this file turns it into the HTTP answer.
 */
#ifndef K2TD_HTTP_SERVER_H
#define K2TD_HTTP_SERVER_H

#include <stddef.h>

#include "../common/buf.h"

struct MHD_Connection;

typedef struct k2td_http_req {
    struct MHD_Connection *conn; /* for header and query look-ups */
    const char *method;          /* "GET", "POST", ... */
    const char *path;            /* URL path, without the query */
    const char *body;            /* body_len bytes plus a NUL; "" when none */
    size_t body_len;
    char client[64];             /* the peer's numeric address */
} k2td_http_req_t;

typedef struct k2td_http_resp {
    int status;                        /* 0 until set: the server answers 500 */
    const char *content_type;          /* static text; NULL = application/json */
    k2td_buf_t body;                   /* owned by the server once returned */
    const unsigned char *static_data;  /* when set, served instead of body (not copied) */
    size_t static_len;
    char *set_cookie;                  /* owned; a Set-Cookie header when not NULL */
    int retry_after;                   /* seconds; a Retry-After header when > 0 */
    const char *allow;                 /* an Allow header (405) when not NULL */
    int cacheable;                     /* 0: Cache-Control: no-store */
} k2td_http_resp_t;

/* Serves one request: reads req, fills resp. Called on the connection's
 * thread, so several run at the same time. */
typedef void (*k2td_http_handler_fn)(void *ctx, const k2td_http_req_t *req,
                                     k2td_http_resp_t *resp);

typedef struct k2td_http_opts {
    const char *host;             /* numeric address or name to bind */
    int port;                     /* 0 = any free port */
    size_t body_limit;            /* bytes */
    size_t upload_limit;          /* bytes, for paths starting with an upload prefix */
    const char *const *upload_prefixes; /* NULL-terminated */
    unsigned connection_limit;
    k2td_http_handler_fn handler;
    void *ctx;
} k2td_http_opts_t;

typedef struct k2td_http_server k2td_http_server_t;

/* Binds and starts serving. Returns the server, or NULL with errstr saying
 * why (address does not resolve, port in use). */
k2td_http_server_t *k2td_http_server_start(const k2td_http_opts_t *opts, char *errstr,
                                           size_t errstr_size);

/* Returns the port actually bound (useful with port 0). */
int k2td_http_server_port(const k2td_http_server_t *s);

/* Stops accepting, waits for the requests being served, frees s. NULL is
 * fine. */
void k2td_http_server_stop(k2td_http_server_t *s);

/* Returns the value of request header name (case-insensitive), or NULL. */
const char *k2td_http_header(const k2td_http_req_t *req, const char *name);

/* Returns the value of cookie name, or NULL. */
const char *k2td_http_cookie(const k2td_http_req_t *req, const char *name);

/* Returns the decoded value of query argument name, or NULL. */
const char *k2td_http_query(const k2td_http_req_t *req, const char *name);

/* Sets resp to status with the JSON error {"error": message, "field": field
 * or null}. */
void k2td_http_error(k2td_http_resp_t *resp, int status, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
