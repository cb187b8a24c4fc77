/*
 * http_server.h - the HTTP(S) listener of `k2td serve` (libmicrohttpd).
 *
 * Threads: one per connection, bounded in all and per client address, with
 * a short idle timeout before a session is shown (why: http_server.c).
 *
 * Requests. Before any body byte is read, the admit callback looks at the
 * request line and headers: it may answer at once (401 without a session,
 * 403 for a foreign Origin), or let the body in under the limit of the
 * request's kind: small for requests without a session (the login), larger
 * with one (larger still for upload paths). A larger body gets 413 without
 * reaching the handler. The handler fills a response struct; this file
 * turns it into the HTTP answer. With a certificate and key the server
 * speaks only HTTPS and every answer carries Strict-Transport-Security.
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
    char local[64];              /* the address it reached, numeric; "" when unknown */
    int local_port;              /* the port it reached */
    int local_loopback;          /* 1 when local is a loopback address */
    int tls;                     /* 1 over HTTPS */
    int session;                 /* 1 when admit said K2TD_HTTP_SESSION */
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

/* What admit decides for a request, from its headers only. */
#define K2TD_HTTP_ANSWERED (-1) /* resp is the answer; the body is not read */
#define K2TD_HTTP_PUBLIC 0      /* no session: the small body limit, the short timeout */
#define K2TD_HTTP_SESSION 1     /* a live session: the full limits and timeout */

/* Looks at a request before its body (req->body is ""). Returns one of
 * the above; fills resp only for K2TD_HTTP_ANSWERED. */
typedef int (*k2td_http_admit_fn)(void *ctx, const k2td_http_req_t *req,
                                  k2td_http_resp_t *resp);

typedef struct k2td_http_opts {
    const char *host;             /* numeric address or name to bind */
    int port;                     /* 0 = any free port */
    size_t public_body_limit;     /* bytes, for requests without a session */
    size_t body_limit;            /* bytes, with a session */
    size_t upload_limit;          /* bytes, with a session, for paths starting with an
                                     upload prefix */
    const char *const *upload_prefixes; /* NULL-terminated */
    unsigned connection_limit;    /* connections at a time, in all */
    unsigned per_address_limit;   /* connections at a time from one client address */
    unsigned public_timeout_s;    /* idle seconds before a connection without a session
                                     is closed (also: sending the request headers) */
    unsigned session_timeout_s;   /* idle seconds once it made a request with one */
    const char *tls_cert_pem;     /* PEM text; with tls_key_pem: HTTPS only */
    const char *tls_key_pem;      /* PEM text; NULL (both): plain HTTP */
    k2td_http_admit_fn admit;
    k2td_http_handler_fn handler;
    void *ctx;
} k2td_http_opts_t;

typedef struct k2td_http_server k2td_http_server_t;

/* Binds and starts serving. Returns the server, or NULL with errstr saying
 * why (address does not resolve, port in use, TLS not available or the
 * certificate or key refused). */
k2td_http_server_t *k2td_http_server_start(const k2td_http_opts_t *opts, char *errstr,
                                           size_t errstr_size);

/* Returns the port actually bound (useful with port 0). */
int k2td_http_server_port(const k2td_http_server_t *s);

/* Returns 1 when the bound address is a loopback address (127.0.0.0/8,
 * ::1), 0 when other machines may reach it (0.0.0.0, ::, an interface). */
int k2td_http_server_loopback(const k2td_http_server_t *s);

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
