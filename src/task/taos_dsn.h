/*
 * taos_dsn.h - the target DSN: where TDengine's REST endpoint is and who we are.
 *
 * Accepted forms (scheme case-insensitive):
 *
 *     taos+http://user:pass@host:6041/db      plain HTTP to taosAdapter
 *     taos+https://user:pass@host:6041/db     HTTPS
 *     http://...  https://...                 the same two, without "taos+"
 *
 *     https://host/db?token=XXXX              TDengine Cloud: the token instead
 *                                             of user and password
 *
 * The port defaults to 6041; with a token, to the scheme's own (443 for
 * https, 80 for http), as the cloud's URLs carry none. The only query
 * parameter is token (percent-decoded); it goes to taosAdapter as the
 * `token` parameter of /rest/sql. Without user:pass@ beside it no Basic
 * credentials are sent. The user and password are percent-decoded; the
 * credentials run up to the last '@', so a password may hold '/', '?' or '@'
 * unescaped, but a literal '%' must be written "%25". Without credentials the
 * user is "root" with password "taosdata" (TDengine's defaults); "user@host"
 * means an empty password. The database is required and must be a plain
 * identifier (letters, digits, '_', not starting with a digit, <= 64 bytes);
 * it is used as written, so it must match the case TDengine stored.
 * taos:// (native) and taos+ws:// / taos+wss:// (WebSocket) are rejected.
 *
 * The password and the token may be ${env:NAME} or ${file:PATH}
 * (secret_source.h): the secret is read from there, on the operator's
 * command line and task file; an API client's DSN (k2td_taos_dsn_parse_as
 * with the service's policy) may not use them.
 *
 * No error message ever contains the password or the token; log only
 * k2td_taos_dsn_redacted().
 */
#ifndef K2TD_TAOS_DSN_H
#define K2TD_TAOS_DSN_H

#include <stddef.h>

#include "dsn_policy.h"

typedef struct k2td_taos_dsn {
    char *base_url; /* "http://host:port" or "https://host:port" (IPv6 hosts bracketed) */
    char *host;     /* without brackets */
    char *user;     /* decoded; NULL (with password) for a token without credentials */
    char *password; /* decoded; never print it */
    char *token;    /* decoded; NULL when none; never print it */
    char *db;
    int port;
    int tls;        /* 1 for https */
} k2td_taos_dsn_t;

/* Parses text into *out, whose strings the caller then owns (release with
 * k2td_taos_dsn_clear). Returns 0, or -1 with *out zeroed and errstr naming
 * the part that is wrong and why (never quoting the credentials). */
int k2td_taos_dsn_parse(const char *text, k2td_taos_dsn_t *out, char *errstr,
                        size_t errstr_size);

/* As k2td_taos_dsn_parse, for a DSN an API client sent when policy is
 * non-NULL: a password that is a ${env:...} or ${file:...} reference is
 * an error. NULL policy is the operator's DSN. */
int k2td_taos_dsn_parse_as(const char *text, const k2td_dsn_policy_t *policy,
                           k2td_taos_dsn_t *out, char *errstr, size_t errstr_size);

/* Releases the strings and zeroes *d; safe on a zeroed struct. */
void k2td_taos_dsn_clear(k2td_taos_dsn_t *d);

/* Returns the DSN in canonical form with the password and token shown as
 * "***" ("taos+http://root:***@host:6041/db", "taos+https://host:443/db?token=***");
 * the caller frees it. */
char *k2td_taos_dsn_redacted(const k2td_taos_dsn_t *d);

#endif
