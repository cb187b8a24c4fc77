/*
 * taos_dsn.c - parses and prints the target DSN (see taos_dsn.h).
 */
#include "taos_dsn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../common/alloc.h"
#include "../common/errstr.h"
#include "../common/percent.h"
#include "../common/secret_source.h"
#include "../common/buf.h"

#define DSN_DEFAULT_PORT 6041
#define DSN_KEY_SHOWN_MAX 32 /* a longer query key is not quoted */
#define DSN_DB_MAX 64
#define DSN_HOST_MAX 253
#define DSN_FORM "taos+http://user:pass@host:6041/db"

/* Returns 1 for an ASCII letter or digit (locale-independent). */
static int is_alnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* Returns 1 when the scheme s[0..n) names plain or TLS HTTP (setting *tls),
 * 0 otherwise with errstr saying why it is refused. */
static int check_scheme(const char *s, size_t n, int *tls, char *errstr, size_t errstr_size) {
    static const struct {
        const char *name;
        int tls;
    } ok[] = {{"taos+http", 0}, {"http", 0}, {"taos+https", 1}, {"https", 1}};
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        if (strlen(ok[i].name) == n && strncasecmp(s, ok[i].name, n) == 0) {
            *tls = ok[i].tls;
            return 1;
        }
    }
    /* Quote the scheme only when it looks like one, so that a malformed DSN
     * never has its credentials echoed. */
    int printable = n > 0 && n <= 16;
    for (size_t i = 0; printable && i < n; i++)
        printable = is_alnum(s[i]) || s[i] == '+' || s[i] == '-' || s[i] == '.';
    if (!printable) {
        snprintf(errstr, errstr_size, "DSN scheme is invalid; expected %s", DSN_FORM);
    } else if ((n == 7 && strncasecmp(s, "taos+ws", n) == 0) ||
               (n == 8 && strncasecmp(s, "taos+wss", n) == 0) ||
               (n == 2 && strncasecmp(s, "ws", n) == 0) || (n == 3 && strncasecmp(s, "wss", n) == 0)) {
        snprintf(errstr, errstr_size,
                 "DSN scheme '%.*s' (WebSocket) is not supported, use taos+http:// or taos+https://",
                 (int)n, s);
    } else if (n == 4 && strncasecmp(s, "taos", n) == 0) {
        snprintf(errstr, errstr_size,
                 "DSN scheme 'taos' (native connection) is not supported, use taos+http:// or taos+https://");
    } else {
        snprintf(errstr, errstr_size, "DSN scheme '%.*s' is not supported, use taos+http:// or taos+https://",
                 (int)n, s);
    }
    return 0;
}

/* Splits "user[:password]" (still encoded) into decoded strings. Returns 0 or
 * -1 with errstr set; the message never quotes either part. */
static int parse_userinfo(const char *s, size_t n, k2td_taos_dsn_t *out, char *errstr,
                          size_t errstr_size) {
    const char *colon = memchr(s, ':', n);
    size_t ulen = colon ? (size_t)(colon - s) : n;
    if (ulen == 0) {
        snprintf(errstr, errstr_size, "DSN user name is empty (before the ':' of user:pass@)");
        return -1;
    }
    out->user = k2td_percent_decode(s, ulen);
    if (!out->user) {
        snprintf(errstr, errstr_size, "DSN user name has a bad percent-escape (write '%%' as %%25)");
        return -1;
    }
    if (strchr(out->user, ':')) {
        snprintf(errstr, errstr_size, "DSN user name must not contain ':'");
        return -1;
    }
    out->password = colon ? k2td_percent_decode(colon + 1, n - ulen - 1) : k2td_strdup("");
    if (!out->password) {
        snprintf(errstr, errstr_size, "DSN password has a bad percent-escape (write '%%' as %%25)");
        return -1;
    }
    return 0;
}

/* Returns 1 when c may appear in a host name, or in an IPv6 address when bracketed. */
static int host_char_ok(char c, int bracketed) {
    if (bracketed) return k2td_hex_value(c) >= 0 || c == ':' || c == '.';
    return is_alnum(c) || c == '-' || c == '.' || c == '_';
}

/* Parses "host[:port]" or "[v6]:port" from s[0..n). Returns 0 or -1. */
static int parse_hostport(const char *s, size_t n, k2td_taos_dsn_t *out, char *errstr,
                          size_t errstr_size) {
    const char *host = s, *rest;
    size_t hlen;
    int bracketed = n > 0 && s[0] == '[';
    if (bracketed) {
        const char *close = memchr(s, ']', n);
        if (!close) {
            snprintf(errstr, errstr_size, "DSN host: '[' without a closing ']'");
            return -1;
        }
        host = s + 1;
        hlen = (size_t)(close - host);
        rest = close + 1;
        if (rest < s + n && *rest != ':') {
            snprintf(errstr, errstr_size, "DSN host: expected ':port' after ']'");
            return -1;
        }
    } else {
        const char *colon = memchr(s, ':', n);
        hlen = colon ? (size_t)(colon - s) : n;
        rest = s + hlen;
    }
    if (hlen == 0) {
        snprintf(errstr, errstr_size, "DSN host is missing; expected %s", DSN_FORM);
        return -1;
    }
    if (hlen > DSN_HOST_MAX) {
        snprintf(errstr, errstr_size, "DSN host is longer than %d bytes", DSN_HOST_MAX);
        return -1;
    }
    for (size_t i = 0; i < hlen; i++) {
        if (!host_char_ok(host[i], bracketed)) {
            snprintf(errstr, errstr_size, "DSN host has an invalid character at position %zu", i + 1);
            return -1;
        }
    }
    out->host = k2td_strndup(host, hlen);
    out->port = 0; /* not given: the caller picks the default */
    if (rest < s + n) { /* *rest == ':' */
        const char *p = rest + 1, *end = s + n;
        long port = 0;
        if (p == end || end - p > 5) port = -1;
        for (; port >= 0 && p < end; p++)
            port = (*p >= '0' && *p <= '9') ? port * 10 + (*p - '0') : -1;
        if (port < 1 || port > 65535) {
            snprintf(errstr, errstr_size, "DSN port must be a number from 1 to 65535");
            return -1;
        }
        out->port = (int)port;
    }
    return 0;
}

/* Checks and copies the path "/db" or "/db/" from s[0..n). Returns 0 or -1. */
static int parse_db(const char *s, size_t n, k2td_taos_dsn_t *out, char *errstr, size_t errstr_size) {
    if (n > 0 && s[0] == '/') s++, n--;
    if (n > 0 && s[n - 1] == '/') n--;
    if (n == 0) {
        snprintf(errstr, errstr_size, "DSN database is missing; expected %s", DSN_FORM);
        return -1;
    }
    if (n > DSN_DB_MAX) {
        snprintf(errstr, errstr_size, "DSN database name is longer than %d bytes", DSN_DB_MAX);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        if (!is_alnum(s[i]) && s[i] != '_') {
            snprintf(errstr, errstr_size,
                     "DSN database name may hold only letters, digits and '_' (bad character at "
                     "position %zu of the path)",
                     i + 1);
            return -1;
        }
    }
    if (s[0] >= '0' && s[0] <= '9') {
        snprintf(errstr, errstr_size, "DSN database name must not start with a digit");
        return -1;
    }
    out->db = k2td_strndup(s, n);
    return 0;
}

/* Returns 1 when the query key k[0..n) may be quoted in a message: short
 * and made of letters, digits, '_', '.' and '-' (a mistyped key, never a
 * value). */
static int key_printable(const char *k, size_t n) {
    if (n == 0 || n > DSN_KEY_SHOWN_MAX) return 0;
    for (size_t i = 0; i < n; i++)
        if (!is_alnum(k[i]) && !strchr("_.-", k[i])) return 0;
    return 1;
}

/* Reads the query q[0..n) (after the '?'): "token=<value>", percent-decoded
 * into out->token. Returns 0, or -1 with errstr naming the key that is
 * wrong (never quoting a value). */
static int parse_query(const char *q, size_t n, k2td_taos_dsn_t *out, char *errstr,
                       size_t errstr_size) {
    const char *end = q + n;
    for (const char *p = q; p < end;) {
        const char *amp = memchr(p, '&', (size_t)(end - p));
        size_t len = amp ? (size_t)(amp - p) : (size_t)(end - p);
        const char *eq = memchr(p, '=', len);
        size_t klen = eq ? (size_t)(eq - p) : len;
        if (klen != 5 || memcmp(p, "token", 5) != 0) {
            if (key_printable(p, klen))
                return k2td_errstr_set(errstr, errstr_size,
                                       "DSN query parameter `%.*s` is not known; the target "
                                       "takes only token=<token>",
                                       (int)klen, p);
            return k2td_errstr_set(errstr, errstr_size,
                                   "DSN has a query parameter k2td does not know; the target "
                                   "takes only token=<token>");
        }
        if (out->token)
            return k2td_errstr_set(errstr, errstr_size, "DSN gives token more than once");
        if (!eq || eq + 1 == p + len)
            return k2td_errstr_set(errstr, errstr_size, "DSN token is empty");
        out->token = k2td_percent_decode(eq + 1, len - klen - 1);
        if (!out->token)
            return k2td_errstr_set(errstr, errstr_size,
                                   "DSN token has a bad percent-escape (write '%%' as %%25)");
        p += len + (amp != NULL);
    }
    return 0;
}

/* Appends "host:port", bracketing an IPv6 host. */
static void put_host(k2td_buf_t *b, const k2td_taos_dsn_t *d) {
    if (strchr(d->host, ':'))
        k2td_buf_printf(b, "[%s]:%d", d->host, d->port);
    else
        k2td_buf_printf(b, "%s:%d", d->host, d->port);
}

/* Replaces the secret *value (the DSN's `what`: password or token) when it
 * is a reference (${env:NAME}, ${file:PATH}) by what it refers to, for the
 * operator (policy NULL); refuses it for an API client. Returns 0 or -1
 * with errstr. */
static int resolve_secret(char **value, const char *what, const k2td_dsn_policy_t *policy,
                          char *errstr, size_t errstr_size) {
    if (!*value || !k2td_secret_source_is_ref(*value)) return 0;
    if (policy)
        return k2td_errstr_set(errstr, errstr_size,
                               "DSN %s: ${env:...} and ${file:...} are for the operator's "
                               "command line and config; send the %s itself",
                               what, what);
    char *secret, why[512];
    if (k2td_secret_source_read(*value, &secret, why, sizeof(why)) < 0)
        return k2td_errstr_set(errstr, errstr_size, "DSN %s: %s", what, why);
    k2td_free_secret(*value);
    *value = secret;
    return 0;
}

int k2td_taos_dsn_parse(const char *text, k2td_taos_dsn_t *out, char *errstr, size_t errstr_size) {
    return k2td_taos_dsn_parse_as(text, NULL, out, errstr, errstr_size);
}

int k2td_taos_dsn_parse_as(const char *text, const k2td_dsn_policy_t *policy,
                           k2td_taos_dsn_t *out, char *errstr, size_t errstr_size) {
    memset(out, 0, sizeof(*out));
    const char *sep = text ? strstr(text, "://") : NULL;
    if (!text || !*text) {
        snprintf(errstr, errstr_size, "DSN is empty; expected %s", DSN_FORM);
        return -1;
    }
    if (!sep) {
        snprintf(errstr, errstr_size, "DSN has no scheme; expected %s", DSN_FORM);
        return -1;
    }
    if (!check_scheme(text, (size_t)(sep - text), &out->tls, errstr, errstr_size)) return -1;

    const char *auth = sep + 3;
    const char *at = strrchr(auth, '@');
    const char *hostpart = at ? at + 1 : auth;
    size_t hplen = strcspn(hostpart, "/?#");
    const char *path = hostpart + hplen;
    size_t pathlen = strcspn(path, "?#");
    const char *query = path[pathlen] == '?' ? path + pathlen + 1 : NULL;
    if (strchr(path, '#')) {
        snprintf(errstr, errstr_size, "DSN must not have a fragment ('#')");
        goto fail;
    }
    if ((at && parse_userinfo(auth, (size_t)(at - auth), out, errstr, errstr_size) != 0) ||
        parse_hostport(hostpart, hplen, out, errstr, errstr_size) != 0 ||
        parse_db(path, pathlen, out, errstr, errstr_size) != 0 ||
        (query && parse_query(query, strlen(query), out, errstr, errstr_size) != 0))
        goto fail;
    if (!at && !out->token) {
        out->user = k2td_strdup("root");
        out->password = k2td_strdup("taosdata");
    }
    if (!out->port) out->port = !out->token ? DSN_DEFAULT_PORT : out->tls ? 443 : 80;
    if (resolve_secret(&out->password, "password", policy, errstr, errstr_size) != 0 ||
        resolve_secret(&out->token, "token", policy, errstr, errstr_size) != 0)
        goto fail;
    k2td_buf_t b = K2TD_BUF_INIT;
    k2td_buf_puts(&b, out->tls ? "https://" : "http://");
    put_host(&b, out);
    out->base_url = k2td_buf_detach(&b);
    return 0;

fail:
    k2td_taos_dsn_clear(out);
    return -1;
}

void k2td_taos_dsn_clear(k2td_taos_dsn_t *d) {
    free(d->base_url);
    free(d->host);
    free(d->user);
    k2td_free_secret(d->password);
    k2td_free_secret(d->token);
    free(d->db);
    memset(d, 0, sizeof(*d));
}

char *k2td_taos_dsn_redacted(const k2td_taos_dsn_t *d) {
    k2td_buf_t b = K2TD_BUF_INIT;
    k2td_buf_puts(&b, d->tls ? "taos+https://" : "taos+http://");
    if (d->user) {
        k2td_percent_encode(&b, d->user, "");
        k2td_buf_puts(&b, ":***@");
    }
    if (d->host) put_host(&b, d);
    k2td_buf_printf(&b, "/%s", d->db ? d->db : "");
    if (d->token) k2td_buf_puts(&b, "?token=***");
    return k2td_buf_detach(&b);
}
