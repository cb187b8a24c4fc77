/*
 * origin.h - which Origin header names this service, for the cross-site
 * check of cookie sessions.
 *
 * The service's own origins are those a browser shows for the address a
 * connection reached: "<scheme>://<local address>:<local port>" (the port
 * left out when it is the scheme's default; "localhost" too when the
 * address is a loopback one), with scheme https over TLS, else http. Names
 * the service cannot know (a DNS name, a reverse proxy's address) come from
 * the operator as public URLs. The request's Host header is never used: the
 * client writes it.
 */
#ifndef K2TD_SERVICE_ORIGIN_H
#define K2TD_SERVICE_ORIGIN_H

#include <stddef.h>

#include "http_server.h"

/* Reduces the URL url ("https://k2td.example.com:8443/k2td/") to its
 * origin ("https://k2td.example.com:8443", lower case) in out. Returns 0,
 * or -1 with errstr saying why (not http or https, no host, too long). */
int k2td_origin_from_url(const char *url, char *out, size_t out_size, char *errstr,
                         size_t errstr_size);

/* Returns 1 when origin (an Origin header's value) is one of the service's
 * own for req, or one of public (NULL-terminated origins from
 * k2td_origin_from_url; may be NULL), else 0. */
int k2td_origin_allowed(const k2td_http_req_t *req, const char *origin,
                        const char *const *public);

#endif
