/*
 * http_server.c - libmicrohttpd glue: request bodies, limits, responses
 * (see http_server.h).
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

#define HTTP_CONNECTION_TIMEOUT_S 120
#define HTTP_DISCARD_MAX (64u * 1024 * 1024) /* most body bytes read to answer 413 */

struct k2td_http_server {
    struct MHD_Daemon *daemon;
    k2td_http_opts_t opts;
    int port;
};

/* What one request has read so far; owned by libmicrohttpd's con_cls. */
typedef struct http_pending {
    k2td_buf_t body;
    size_t limit;
    size_t received; /* body bytes seen, kept or not */
    int too_big;
    int answered;    /* the 413 went out before the body ended */
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

/* Returns the body limit for url. */
static size_t http_limit(const k2td_http_server_t *s, const char *url) {
    for (const char *const *p = s->opts.upload_prefixes; p && *p; p++)
        if (strncmp(url, *p, strlen(*p)) == 0) return s->opts.upload_limit;
    return s->opts.body_limit;
}

/* Writes the peer's numeric address into out. */
static void http_client(struct MHD_Connection *c, char *out, size_t size) {
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    snprintf(out, size, "?");
    if (!ci || !ci->client_addr) return;
    socklen_t len = ci->client_addr->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6)
                                                          : sizeof(struct sockaddr_in);
    getnameinfo(ci->client_addr, len, out, (socklen_t)size, NULL, 0, NI_NUMERICHOST);
}

/* Every answer's Content-Security-Policy. */
#define HTTP_CSP                                                                        \
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; " \
    "form-action 'self'; frame-ancestors 'none'"

/* Queues resp on c and releases what resp owns. */
static enum MHD_Result http_send(struct MHD_Connection *c, k2td_http_resp_t *resp) {
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

/* Answers 413 for a body over limit. */
static enum MHD_Result http_too_big(struct MHD_Connection *c, size_t limit) {
    k2td_http_resp_t resp = {0};
    k2td_http_error(&resp, 413, NULL, "the request body is larger than %zu MiB",
                    limit / (1024 * 1024));
    return http_send(c, &resp);
}

static enum MHD_Result http_on_request(void *cls, struct MHD_Connection *c, const char *url,
                                       const char *method, const char *version,
                                       const char *upload_data, size_t *upload_data_size,
                                       void **con_cls) {
    k2td_http_server_t *s = cls;
    http_pending_t *p = *con_cls;
    if (!p) {
        p = k2td_calloc(1, sizeof(*p));
        p->limit = http_limit(s, url);
        *con_cls = p;
        const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
        if (cl && strtoull(cl, NULL, 10) > HTTP_DISCARD_MAX) {
            p->too_big = p->answered = 1;
            return http_too_big(c, p->limit);
        }
        return MHD_YES;
    }
    if (*upload_data_size) {
        /* a body over the limit is read and dropped, so the client gets the
         * 413 rather than a broken pipe; past HTTP_DISCARD_MAX the answer
         * goes at once and the connection closes */
        p->received += *upload_data_size;
        if (!p->too_big && p->body.len + *upload_data_size > p->limit) {
            p->too_big = 1;
            k2td_buf_free(&p->body);
        }
        if (!p->too_big) k2td_buf_append(&p->body, upload_data, *upload_data_size);
        *upload_data_size = 0;
        if (p->too_big && p->received > HTTP_DISCARD_MAX && !p->answered) {
            p->answered = 1;
            return http_too_big(c, p->limit);
        }
        return MHD_YES;
    }
    if (p->answered) return MHD_YES;
    if (p->too_big) return http_too_big(c, p->limit);
    k2td_http_req_t req = {.conn = c, .method = method, .path = url,
                           .body = p->body.data ? p->body.data : "", .body_len = p->body.len};
    http_client(c, req.client, sizeof(req.client));
    k2td_http_resp_t resp = {0};
    s->opts.handler(s->opts.ctx, &req, &resp);
    return http_send(c, &resp);
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
    unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
                     MHD_USE_POLL | MHD_USE_ERROR_LOG;
    if (ai->ai_family == AF_INET6) flags |= MHD_USE_IPv6;
    s->daemon = MHD_start_daemon(
        flags, (uint16_t)opts->port, NULL, NULL, http_on_request, s, MHD_OPTION_SOCK_ADDR,
        ai->ai_addr, MHD_OPTION_NOTIFY_COMPLETED, http_on_done, s,
        MHD_OPTION_CONNECTION_LIMIT, opts->connection_limit, MHD_OPTION_CONNECTION_TIMEOUT,
        (unsigned)HTTP_CONNECTION_TIMEOUT_S, MHD_OPTION_EXTERNAL_LOGGER, http_log, s,
        MHD_OPTION_END);
    freeaddrinfo(ai);
    if (!s->daemon) {
        k2td_errstr_set(errstr, errstr_size,
                        "--listen: cannot listen on %s port %d (in use, or not an address "
                        "of this machine)",
                        opts->host, opts->port);
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

void k2td_http_server_stop(k2td_http_server_t *s) {
    if (!s) return;
    MHD_stop_daemon(s->daemon);
    free(s);
}
