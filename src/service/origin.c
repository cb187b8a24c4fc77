/*
 * origin.c - the service's own origins (see origin.h).
 */
#include "origin.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "../common/errstr.h"

int k2td_origin_from_url(const char *url, char *out, size_t out_size, char *errstr,
                         size_t errstr_size) {
    const char *host = strncasecmp(url, "https://", 8) == 0  ? url + 8
                       : strncasecmp(url, "http://", 7) == 0 ? url + 7
                                                             : NULL;
    size_t n = host ? (size_t)(host - url) + strcspn(host, "/?#") : 0;
    if (!host || n == (size_t)(host - url) || strchr(host, '@')) {
        k2td_errstr_set(errstr, errstr_size,
                        "`%s` is not an http:// or https:// URL with a host (and no user)", url);
        return -1;
    }
    if (n >= out_size) {
        k2td_errstr_set(errstr, errstr_size, "`%s` is too long", url);
        return -1;
    }
    for (size_t i = 0; i < n; i++) out[i] = (char)tolower((unsigned char)url[i]);
    out[n] = '\0';
    return 0;
}

/* Returns 1 when origin is "<scheme>://<host>:<port>", or "<scheme>://<host>"
 * with the scheme's default port. */
static int origin_is(const char *origin, const char *scheme, const char *host, int port) {
    char want[160];
    int dflt = (port == 443 && strcmp(scheme, "https") == 0) ||
               (port == 80 && strcmp(scheme, "http") == 0);
    snprintf(want, sizeof(want), "%s://%s:%d", scheme, host, port);
    if (strcasecmp(origin, want) == 0) return 1;
    snprintf(want, sizeof(want), "%s://%s", scheme, host);
    return dflt && strcasecmp(origin, want) == 0;
}

int k2td_origin_allowed(const k2td_http_req_t *req, const char *origin,
                        const char *const *public) {
    const char *scheme = req->tls ? "https" : "http";
    char host[80];
    snprintf(host, sizeof(host), strchr(req->local, ':') ? "[%s]" : "%s", req->local);
    if (req->local[0] && origin_is(origin, scheme, host, req->local_port)) return 1;
    if (req->local_loopback && origin_is(origin, scheme, "localhost", req->local_port)) return 1;
    for (; public && *public; public++)
        if (strcasecmp(origin, *public) == 0) return 1;
    return 0;
}
