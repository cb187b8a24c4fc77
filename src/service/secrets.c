/*
 * secrets.c - masking and restoring DSN secrets (see secrets.h).
 */
#include "secrets.h"

#include <stdlib.h>
#include <string.h>

#include "../common/alloc.h"
#include "../common/buf.h"
#include "../common/percent.h"
#include "../task/kafka_dsn.h"

/* Returns the query key k[0..n) percent-decoded, as the DSN parser reads it
 * (kafka_dsn.h); a malformed escape gives NULL. The caller frees it. */
static char *query_key(const char *k, size_t n) {
    return k2td_percent_decode(k, n);
}

/* Returns 1 when the query key k[0..n) holds a secret, judged on the key
 * as the parser decodes it: in a source DSN ("sasl%2Epassword" is
 * sasl.password; see k2td_kafka_dsn_key_hides), in a target DSN (target
 * non-zero) the token. A key that does not decode is hidden. */
static int secret_key(const char *k, size_t n, int target) {
    char *key = query_key(k, n);
    int secret = !key || (target ? strcmp(key, "token") == 0 : k2td_kafka_dsn_key_hides(key));
    free(key);
    return secret;
}

/* Returns the '?' that starts dsn's query, or NULL: the first one, or in a
 * target DSN (target non-zero), whose password may hold a '?', the first
 * after its last '@' (as the target DSN's parser reads it). */
static const char *query_start(const char *dsn, int target) {
    if (!dsn) return NULL;
    const char *at = target ? strrchr(dsn, '@') : NULL;
    return strchr(at ? at : dsn, '?');
}

/* Returns 1 when the query keys a[0..an) and b[0..bn) decode the same. */
static int same_key(const char *a, size_t an, const char *b, size_t bn) {
    char *da = query_key(a, an), *db = query_key(b, bn);
    int same = da && db && strcmp(da, db) == 0;
    free(da);
    free(db);
    return same;
}

/* Finds the value of the nth occurrence of key k[0..kn) in dsn's query
 * (of a target DSN when target); sets *v and *vn. Returns 1 when found. */
static int query_value(const char *dsn, int target, const char *k, size_t kn, int nth,
                       const char **v, size_t *vn) {
    const char *q = query_start(dsn, target);
    for (const char *p = q ? q + 1 : NULL; p && *p;) {
        size_t len = strcspn(p, "&");
        const char *eq = memchr(p, '=', len);
        size_t klen = eq ? (size_t)(eq - p) : len;
        if (same_key(p, klen, k, kn) && nth-- == 0) {
            *v = eq ? eq + 1 : p + len;
            *vn = eq ? len - klen - 1 : 0;
            return 1;
        }
        p += len + (p[len] == '&');
    }
    return 0;
}

/* Copies the query of from (a target DSN when target), masking secret
 * values (old NULL), or putting old's values where from has the mask (old
 * given). */
static char *secret_walk(const char *from, const char *old, int target) {
    const char *q = query_start(from, target);
    if (!q) return k2td_strdup(from);
    k2td_buf_t b = K2TD_BUF_INIT;
    k2td_buf_append(&b, from, (size_t)(q - from) + 1);
    for (const char *p = q + 1; *p;) {
        size_t len = strcspn(p, "&");
        const char *eq = memchr(p, '=', len);
        size_t klen = eq ? (size_t)(eq - p) : len;
        size_t vlen = eq ? len - klen - 1 : 0;
        int is_mask = eq && vlen == strlen(K2TD_SECRET_MASK) &&
                      memcmp(eq + 1, K2TD_SECRET_MASK, vlen) == 0;
        const char *ov;
        size_t ovn;
        if (!eq || !secret_key(p, klen, target)) {
            k2td_buf_append(&b, p, len);
        } else if (!old) {
            k2td_buf_append(&b, p, klen + 1);
            k2td_buf_puts(&b, K2TD_SECRET_MASK);
        } else if (is_mask && query_value(old, target, p, klen, 0, &ov, &ovn)) {
            /* the nth occurrence of this key in fresh takes the nth in old */
            int nth = 0;
            for (const char *r = q + 1; r < p;) {
                size_t l2 = strcspn(r, "&");
                const char *req = memchr(r, '=', l2);
                if (req && same_key(r, (size_t)(req - r), p, klen)) nth++;
                r += l2 + (r[l2] == '&');
            }
            if (!query_value(old, target, p, klen, nth, &ov, &ovn))
                query_value(old, target, p, klen, 0, &ov, &ovn);
            k2td_buf_append(&b, p, klen + 1);
            k2td_buf_append(&b, ov, ovn);
        } else {
            k2td_buf_append(&b, p, len);
        }
        p += len;
        if (*p == '&') {
            k2td_buf_putc(&b, '&');
            p++;
        }
    }
    return k2td_buf_detach(&b);
}

char *k2td_secret_redact_from(const char *from) {
    return secret_walk(from, NULL, 0);
}

char *k2td_secret_restore_from(const char *fresh, const char *old) {
    return secret_walk(fresh, old ? old : "", 0);
}

/* Finds the password of a target DSN: sets *pw and *n (the encoded text
 * between the user's ':' and the last '@'). Returns 1 when there is one. */
static int to_password(const char *to, const char **pw, size_t *n) {
    const char *sep = to ? strstr(to, "://") : NULL;
    if (!sep) return 0;
    const char *auth = sep + 3, *at = strrchr(auth, '@');
    if (!at) return 0;
    const char *colon = memchr(auth, ':', (size_t)(at - auth));
    if (!colon) return 0;
    *pw = colon + 1;
    *n = (size_t)(at - colon - 1);
    return 1;
}

/* Returns to with its password text replaced by with[0..wn). */
static char *to_replace(const char *to, const char *with, size_t wn) {
    const char *pw;
    size_t n;
    if (!to_password(to, &pw, &n)) return k2td_strdup(to);
    k2td_buf_t b = K2TD_BUF_INIT;
    k2td_buf_append(&b, to, (size_t)(pw - to));
    k2td_buf_append(&b, with, wn);
    k2td_buf_puts(&b, pw + n);
    return k2td_buf_detach(&b);
}

char *k2td_secret_redact_to(const char *to) {
    char *masked = to_replace(to, K2TD_SECRET_MASK, strlen(K2TD_SECRET_MASK));
    char *out = secret_walk(masked, NULL, 1);
    k2td_free_secret(masked); /* still holds the token */
    return out;
}

/* Returns a copy of fresh whose masked password is old's password. */
static char *restore_password(const char *fresh, const char *old) {
    const char *pw, *opw;
    size_t n, on;
    if (!to_password(fresh, &pw, &n) || n != strlen(K2TD_SECRET_MASK) ||
        memcmp(pw, K2TD_SECRET_MASK, n) != 0 || !to_password(old, &opw, &on))
        return k2td_strdup(fresh);
    return to_replace(fresh, opw, on);
}

char *k2td_secret_restore_to(const char *fresh, const char *old) {
    char *with_password = restore_password(fresh, old);
    char *out = secret_walk(with_password, old ? old : "", 1);
    k2td_free_secret(with_password);
    return out;
}
