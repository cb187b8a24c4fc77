/*
 * kv.c - an example parser plugin: "key=value" pairs to JSON, one row per line.
 *
 * Plugin "kv" turns a message such as
 *     a=1,b=x,c=-2.5e3
 *     a=2,b=y
 * into [{"a":1,"b":"x","c":-2.5e3},{"a":2,"b":"y"}] (a root array gives a row
 * per element). A value that is a JSON number stays a number; anything else
 * is a string. Empty lines are skipped; a pair without a separator or with
 * an empty key is an error naming its line and pair.
 * Configuration (ctx): empty for ',' between pairs and '=' inside them, or
 * two characters, the pair separator then the key/value separator (";:"
 * reads "a:1;b:x"). Anything else makes parser_new fail.
 *
 * It uses the parser plugin C ABI of taosX that k2td loads (see
 * src/parse/plugin.h): build it as a shared library named lib<name>.so in
 * the "parsers" directory of the plugin home, e.g.
 *     cc -O2 -shared -fPIC -fvisibility=hidden -o parsers/libkv.so kv.c
 * Memory: the output and error texts belong to the parser, are reused by
 * every call and stay valid until the next call or parser_free. A plugin
 * runs inside the host process, so it returns errors (even on a failed
 * allocation) instead of aborting.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KV_EXPORT __attribute__((visibility("default")))

typedef struct parser_resp {
    int e;   /* 0 = success */
    void *p; /* the parser */
} parser_resp_t;

typedef struct kv_parser {
    char pair_sep, kv_sep;
    char *out; /* the JSON being built */
    size_t len, cap;
    int oom; /* an allocation failed while building out */
    char err[128];
} kv_parser_t;

/* Appends s[0..n) to the output (on allocation failure, sets oom). */
static void kv_put(kv_parser_t *kv, const char *s, size_t n) {
    if (kv->oom) return;
    if (kv->len + n > kv->cap) {
        size_t cap = kv->cap ? kv->cap : 256;
        while (cap < kv->len + n) cap *= 2;
        char *p = realloc(kv->out, cap);
        if (!p) {
            kv->oom = 1;
            return;
        }
        kv->out = p;
        kv->cap = cap;
    }
    memcpy(kv->out + kv->len, s, n);
    kv->len += n;
}

/* Appends s[0..n) as a JSON string. */
static void kv_put_string(kv_parser_t *kv, const char *s, size_t n) {
    kv_put(kv, "\"", 1);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            char esc[2] = {'\\', (char)c};
            kv_put(kv, esc, 2);
        } else if (c < 0x20) {
            char esc[8];
            snprintf(esc, sizeof(esc), "\\u%04x", c);
            kv_put(kv, esc, 6);
        } else {
            kv_put(kv, s + i, 1);
        }
    }
    kv_put(kv, "\"", 1);
}

/* Moves *i past the digits of s[*i..n); returns how many there were. */
static size_t kv_digits(const char *s, size_t n, size_t *i) {
    size_t start = *i;
    while (*i < n && s[*i] >= '0' && s[*i] <= '9') (*i)++;
    return *i - start;
}

/* Returns 1 when s[0..n) is a JSON number. */
static int kv_is_number(const char *s, size_t n) {
    size_t i = 0;
    if (i < n && s[i] == '-') i++;
    if (i < n && s[i] == '0') i++;
    else if (i == n || s[i] < '1' || s[i] > '9' || !kv_digits(s, n, &i)) return 0;
    if (i < n && s[i] == '.') {
        i++;
        if (!kv_digits(s, n, &i)) return 0;
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-')) i++;
        if (!kv_digits(s, n, &i)) return 0;
    }
    return i == n;
}

/* Appends line number `line`, s[0..n), as one JSON object. Returns NULL or
 * the error message (in kv->err). */
static const char *kv_line(kv_parser_t *kv, const char *s, size_t n, unsigned line) {
    kv_put(kv, "{", 1);
    unsigned pair = 0;
    for (size_t i = 0; i <= n;) {
        const char *p = s + i;
        const char *sep = memchr(p, kv->pair_sep, n - i);
        size_t plen = sep ? (size_t)(sep - p) : n - i;
        const char *eq = memchr(p, kv->kv_sep, plen);
        pair++;
        if (!eq || eq == p) {
            snprintf(kv->err, sizeof(kv->err), "line %u, pair %u: expected key%cvalue", line, pair,
                     kv->kv_sep);
            return kv->err;
        }
        if (pair > 1) kv_put(kv, ",", 1);
        kv_put_string(kv, p, (size_t)(eq - p));
        kv_put(kv, ":", 1);
        const char *v = eq + 1;
        size_t vlen = plen - (size_t)(v - p);
        if (kv_is_number(v, vlen)) kv_put(kv, v, vlen);
        else kv_put_string(kv, v, vlen);
        i += plen + 1;
    }
    kv_put(kv, "}", 1);
    return NULL;
}

KV_EXPORT const char *parser_name(void) { return "kv"; }

KV_EXPORT const char *parser_version(void) { return "1.0.0"; }

KV_EXPORT parser_resp_t parser_new(char *ctx, uint32_t len) {
    parser_resp_t r = {0, NULL};
    char pair_sep = ',', kv_sep = '=';
    if (len == 2 && ctx[0] != ctx[1] && ctx[0] != '\n' && ctx[1] != '\n') {
        pair_sep = ctx[0];
        kv_sep = ctx[1];
    } else if (len != 0) {
        r.e = 1; /* not a configuration of this plugin */
        return r;
    }
    kv_parser_t *kv = calloc(1, sizeof(*kv));
    if (!kv) {
        r.e = 2;
        return r;
    }
    kv->pair_sep = pair_sep;
    kv->kv_sep = kv_sep;
    r.p = kv;
    return r;
}

KV_EXPORT const char *parser_mutate(void *parser, const uint8_t *in, uint32_t in_len,
                                    const uint8_t **out, uint32_t *out_len) {
    kv_parser_t *kv = parser;
    const char *s = (const char *)in, *end = s + in_len;
    kv->len = 0;
    kv->oom = 0;
    kv_put(kv, "[", 1);
    unsigned line = 0, rows = 0;
    while (s < end) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        size_t n = (size_t)((nl ? nl : end) - s);
        line++;
        if (n && s[n - 1] == '\r') n--;
        if (n) {
            if (rows++) kv_put(kv, ",", 1);
            const char *err = kv_line(kv, s, n, line);
            if (err) return err;
        }
        s = nl ? nl + 1 : end;
    }
    kv_put(kv, "]", 1);
    if (kv->oom) return "out of memory";
    if (kv->len > UINT32_MAX) return "output longer than 4 GiB";
    *out = (const uint8_t *)kv->out;
    *out_len = (uint32_t)kv->len;
    return NULL;
}

KV_EXPORT void parser_free(void *parser) {
    kv_parser_t *kv = parser;
    free(kv->out);
    free(kv);
}
