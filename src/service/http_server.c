/*
 * http_server.c - libmicrohttpd glue: admission before the body, request
 * bodies, limits, timeouts, TLS, responses (see http_server.h).
 *
 * Threads. Each connection is served on its own thread (libmicrohttpd's
 * thread-per-connection mode), because handlers block on remote systems: a
 * connectivity check waits for Kafka and TDengine, stopping a task waits
 * for its last batch. With internal polling and a thread pool instead, one
 * blocked handler would stall every connection its pool thread polls. The
 * cost of an idle connection (a thread, mostly unused stack) is bounded by
 * a total connection limit, a lower limit per client address, and a short
 * idle timeout until the connection has made a request with a live
 * session: an address cannot hold more than its share of the threads, and
 * unauthenticated sockets are dropped after a few seconds of silence.
 */
#include "http_server.h"

#include <arpa/inet.h>
#include <cJSON.h>
#include <microhttpd.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "../common/alloc.h"
#include "../common/errstr.h"
#include "../common/log.h"

#define HTTP_DISCARD_MAX (64u * 1024 * 1024) /* most body bytes read to answer 413 */
#define HTTP_HSTS "max-age=31536000"

struct k2td_http_server {
    struct MHD_Daemon *daemon;
    k2td_http_opts_t opts;
    int port;
    int loopback;
};

/* What one request has read so far; owned by libmicrohttpd's con_cls. */
typedef struct http_pending {
    k2td_buf_t body;
    size_t limit;
    size_t discard_max; /* body bytes read and dropped at most to answer 413 */
    size_t received;    /* body bytes seen, kept or not */
    int session;        /* admit said K2TD_HTTP_SESSION */
    int too_big;
    int answered;       /* the answer went out before the body ended */
} http_pending_t;

void k2td_http_error(k2td_http_resp_t *resp, int status, const char *field, const char *fmt,
                     ...) {
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "error", msg);
    if (field)
        cJSON_AddStringToObject(j, "field", field);
    else
        cJSON_AddNullToObject(j, "field");
    char *text = cJSON_PrintUnformatted(j);
    cJSON_Delete(j);
    k2td_buf_reset(&resp->body);
    k2td_buf_puts(&resp->body, text);
    free(text);
    resp->status = status;
    resp->content_type = NULL;
    resp->static_data = NULL;
}

const char *k2td_http_header(const k2td_http_req_t *req, const char *name) {
    return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

const char *k2td_http_cookie(const k2td_http_req_t *req, const char *name) {
    return MHD_lookup_connection_value(req->conn, MHD_COOKIE_KIND, name);
}

const char *k2td_http_query(const k2td_http_req_t *req, const char *name) {
    return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, name);
}

/* Returns the body limit of a request for url, with a session or not. */
static size_t http_limit(const k2td_http_server_t *s, const char *url, int session) {
    if (!session) return s->opts.public_body_limit;
    for (const char *const *p = s->opts.upload_prefixes; p && *p; p++)
        if (strncmp(url, *p, strlen(*p)) == 0) return s->opts.upload_limit;
    return s->opts.body_limit;
}

/* Writes the numeric form of addr into out ("?" when there is none). */
static void http_numeric(const struct sockaddr *addr, char *out, size_t size) {
    snprintf(out, size, "?");
    if (!addr) return;
    socklen_t len = addr->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6)
                                                 : sizeof(struct sockaddr_in);
    getnameinfo(addr, len, out, (socklen_t)size, NULL, 0, NI_NUMERICHOST);
}

/* Returns 1 when addr is 127.0.0.0/8, ::1 or ::ffff:127.0.0.0/104. */
static int http_is_loopback(const struct sockaddr *addr) {
    if (addr->sa_family == AF_INET)
        return (ntohl(((const struct sockaddr_in *)addr)->sin_addr.s_addr) >> 24) == 127;
    if (addr->sa_family != AF_INET6) return 0;
    const struct in6_addr *a6 = &((const struct sockaddr_in6 *)addr)->sin6_addr;
    return IN6_IS_ADDR_LOOPBACK(a6) || (IN6_IS_ADDR_V4MAPPED(a6) && a6->s6_addr[12] == 127);
}

/* Fills req's client, local address and port from connection c. */
static void http_addresses(struct MHD_Connection *c, k2td_http_req_t *req) {
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    http_numeric(ci ? ci->client_addr : NULL, req->client, sizeof(req->client));
    ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
    struct sockaddr_storage local;
    socklen_t len = sizeof(local);
    if (!ci || getsockname(ci->connect_fd, (struct sockaddr *)&local, &len) != 0) return;
    const struct sockaddr *la = (const struct sockaddr *)&local;
    http_numeric(la, req->local, sizeof(req->local));
    req->local_loopback = http_is_loopback(la);
    req->local_port = ntohs(la->sa_family == AF_INET6
                                ? ((const struct sockaddr_in6 *)la)->sin6_port
                                : ((const struct sockaddr_in *)la)->sin_port);
}

/* Every answer's Content-Security-Policy. */
#define HTTP_CSP                                                                        \
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; " \
    "form-action 'self'; frame-ancestors 'none'"

/* Queues resp on c and releases what resp owns. Returns MHD_YES, or MHD_NO
 * when libmicrohttpd could not queue it (the connection is closed). */
static enum MHD_Result http_send(const k2td_http_server_t *s, struct MHD_Connection *c,
                                 k2td_http_resp_t *resp) {
    if (resp->status == 0) k2td_http_error(resp, 500, NULL, "the request was not answered");
    struct MHD_Response *r =
        resp->static_data
            ? MHD_create_response_from_buffer(resp->static_len, (void *)resp->static_data,
                                              MHD_RESPMEM_PERSISTENT)
            : MHD_create_response_from_buffer(resp->body.len,
                                              resp->body.data ? resp->body.data : "",
                                              MHD_RESPMEM_MUST_COPY);
    enum MHD_Result rc = MHD_NO;
    if (r) {
        MHD_add_response_header(r, "Content-Type",
                                resp->content_type ? resp->content_type : "application/json");
        MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
        /* the page loads only its own files (the icon is a data: URL) and is
         * never framed: an injected script or a clickjacking frame cannot run */
        MHD_add_response_header(r, "Content-Security-Policy", HTTP_CSP);
        MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
        if (s->opts.tls_cert_pem)
            MHD_add_response_header(r, "Strict-Transport-Security", HTTP_HSTS);
        MHD_add_response_header(r, "Cache-Control", resp->cacheable ? "no-cache" : "no-store");
        if (resp->set_cookie) MHD_add_response_header(r, "Set-Cookie", resp->set_cookie);
        if (resp->allow) MHD_add_response_header(r, "Allow", resp->allow);
        if (resp->retry_after > 0) {
            char secs[24];
            snprintf(secs, sizeof(secs), "%d", resp->retry_after);
            MHD_add_response_header(r, "Retry-After", secs);
        }
        rc = MHD_queue_response(c, (unsigned)resp->status, r);
        MHD_destroy_response(r);
    }
    k2td_buf_free(&resp->body);
    free(resp->set_cookie);
    return rc;
}

/* Answers 413 for a body over limit; returns as http_send. */
static enum MHD_Result http_too_big(const k2td_http_server_t *s, struct MHD_Connection *c,
                                    size_t limit) {
    k2td_http_resp_t resp = {0};
    if (limit >= 1024 * 1024)
        k2td_http_error(&resp, 413, NULL, "the request body is larger than %zu MiB",
                        limit / (1024 * 1024));
    else
        k2td_http_error(&resp, 413, NULL, "the request body is larger than %zu KiB",
                        limit / 1024);
    return http_send(s, c, &resp);
}

/* The first call for a request: admits it from its headers, before any
 * body byte is read. Returns MHD_YES to read on, or as http_send once
 * answered. */
static enum MHD_Result http_admit(k2td_http_server_t *s, struct MHD_Connection *c,
                                  const char *url, const char *method, http_pending_t *p) {
    k2td_http_req_t req = {.conn = c, .method = method, .path = url, .body = "",
                           .tls = s->opts.tls_cert_pem != NULL};
    http_addresses(c, &req);
    k2td_http_resp_t resp = {0};
    int kind = s->opts.admit(s->opts.ctx, &req, &resp);
    if (kind == K2TD_HTTP_ANSWERED) {
        p->answered = 1;
        return http_send(s, c, &resp);
    }
    p->session = kind == K2TD_HTTP_SESSION;
    p->limit = http_limit(s, url, p->session);
    p->discard_max = p->session ? HTTP_DISCARD_MAX : p->limit;
    /* a connection that shows a live session may idle longer; this stays
     * for its later requests */
    if (p->session)
        MHD_set_connection_option(c, MHD_CONNECTION_OPTION_TIMEOUT, s->opts.session_timeout_s);
    const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
    if (cl && strtoull(cl, NULL, 10) > p->discard_max) {
        p->too_big = p->answered = 1;
        return http_too_big(s, c, p->limit);
    }
    return MHD_YES;
}

static enum MHD_Result http_on_request(void *cls, struct MHD_Connection *c, const char *url,
                                       const char *method, const char *version,
                                       const char *upload_data, size_t *upload_data_size,
                                       void **con_cls) {
    k2td_http_server_t *s = cls;
    http_pending_t *p = *con_cls;
    if (!p) {
        *con_cls = p = k2td_calloc(1, sizeof(*p));
        return http_admit(s, c, url, method, p);
    }
    if (*upload_data_size) {
        /* a body over the limit is read and dropped, so the client gets the
         * 413 rather than a broken pipe; past discard_max (the limit itself
         * without a session) the answer goes at once and the connection
         * closes */
        p->received += *upload_data_size;
        if (!p->too_big && p->body.len + *upload_data_size > p->limit) {
            p->too_big = 1;
            k2td_buf_free(&p->body);
        }
        if (!p->too_big) k2td_buf_append(&p->body, upload_data, *upload_data_size);
        *upload_data_size = 0;
        if (p->too_big && p->received > p->discard_max && !p->answered) {
            p->answered = 1;
            return http_too_big(s, c, p->limit);
        }
        return MHD_YES;
    }
    if (p->answered) return MHD_YES;
    if (p->too_big) return http_too_big(s, c, p->limit);
    k2td_http_req_t req = {.conn = c, .method = method, .path = url,
                           .body = p->body.data ? p->body.data : "", .body_len = p->body.len,
                           .tls = s->opts.tls_cert_pem != NULL, .session = p->session};
    http_addresses(c, &req);
    k2td_http_resp_t resp = {0};
    s->opts.handler(s->opts.ctx, &req, &resp);
    /* the path only: libmicrohttpd gives the query string apart */
    k2td_log_debug("http: %s %s: %d", method, url, resp.status);
    return http_send(s, c, &resp);
}

static void http_on_done(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe) {
    http_pending_t *p = *con_cls;
    if (!p) return;
    k2td_buf_free(&p->body);
    free(p);
    *con_cls = NULL;
}

static void http_log(void *cls, const char *fmt, va_list ap) {
    char line[512];
    vsnprintf(line, sizeof(line), fmt, ap);
    line[strcspn(line, "\n")] = '\0';
    k2td_log_debug("http: %s", line);
}

k2td_http_server_t *k2td_http_server_start(const k2td_http_opts_t *opts, char *errstr,
                                           size_t errstr_size) {
    char port_text[16];
    snprintf(port_text, sizeof(port_text), "%d", opts->port);
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
                             .ai_flags = AI_PASSIVE | AI_NUMERICSERV};
    struct addrinfo *ai = NULL;
    int gai = getaddrinfo(opts->host, port_text, &hints, &ai);
    if (gai != 0 || !ai) {
        k2td_errstr_set(errstr, errstr_size, "--listen: cannot resolve `%s`: %s", opts->host,
                        gai_strerror(gai));
        return NULL;
    }
    k2td_http_server_t *s = k2td_calloc(1, sizeof(*s));
    s->opts = *opts;
    s->loopback = http_is_loopback(ai->ai_addr);
    unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
                     MHD_USE_POLL | MHD_USE_ERROR_LOG;
    if (ai->ai_family == AF_INET6) flags |= MHD_USE_IPv6;
    if (opts->tls_cert_pem) {
        if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
            k2td_errstr_set(errstr, errstr_size,
                            "--tls-cert: this libmicrohttpd was built without TLS");
            freeaddrinfo(ai);
            free(s);
            return NULL;
        }
        flags |= MHD_USE_TLS;
    }
    /* the TLS options come last: without TLS, MHD_OPTION_END ends the list
     * before them */
    s->daemon = MHD_start_daemon(
        flags, (uint16_t)opts->port, NULL, NULL, http_on_request, s, MHD_OPTION_SOCK_ADDR,
        ai->ai_addr, MHD_OPTION_NOTIFY_COMPLETED, http_on_done, s,
        MHD_OPTION_CONNECTION_LIMIT, opts->connection_limit,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, opts->per_address_limit,
        MHD_OPTION_CONNECTION_TIMEOUT, opts->public_timeout_s, MHD_OPTION_EXTERNAL_LOGGER,
        http_log, s, opts->tls_cert_pem ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END,
        opts->tls_cert_pem, MHD_OPTION_HTTPS_MEM_KEY, opts->tls_key_pem, MHD_OPTION_END);
    freeaddrinfo(ai);
    if (!s->daemon) {
        k2td_errstr_set(errstr, errstr_size,
                        "--listen: cannot listen on %s port %d (in use, or not an address "
                        "of this machine)%s",
                        opts->host, opts->port,
                        opts->tls_cert_pem ? ", or the TLS certificate and key were refused "
                                             "(PEM, matching each other, key unencrypted)"
                                           : "");
        free(s);
        return NULL;
    }
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
    s->port = di ? di->port : opts->port;
    return s;
}

int k2td_http_server_port(const k2td_http_server_t *s) {
    return s->port;
}

int k2td_http_server_loopback(const k2td_http_server_t *s) {
    return s->loopback;
}

void k2td_http_server_stop(k2td_http_server_t *s) {
    if (!s) return;
    MHD_stop_daemon(s->daemon);
    free(s);
}
