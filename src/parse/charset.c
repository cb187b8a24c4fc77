/*
 * charset.c - payload decoding to UTF-8 through iconv (see charset.h).
 */
#include "charset.h"

#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../common/alloc.h"
#include "../common/errstr.h"

struct k2td_charset_decoder {
    k2td_charset_t cs;
    iconv_t cd;      /* (iconv_t)-1 for UTF-8 */
    char *scratch;   /* iconv writes here; the result is then copied to the arena */
    size_t scratch_cap;
};

static const struct {
    const char *key;   /* upper case, without '-' and '_' */
    const char *name;  /* taosX spelling */
    const char *iconv; /* glibc iconv name */
} charsets[] = {
    [K2TD_CHARSET_UTF8] = {"UTF8", "UTF_8", "UTF-8"},
    [K2TD_CHARSET_GBK] = {"GBK", "GBK", "GBK"},
    [K2TD_CHARSET_GB18030] = {"GB18030", "GB18030", "GB18030"},
    [K2TD_CHARSET_BIG5] = {"BIG5", "BIG5", "BIG5"},
};

#define NCHARSETS (sizeof(charsets) / sizeof(charsets[0]))

int k2td_charset_lookup(const char *name, k2td_charset_t *out, char *errstr, size_t errstr_size) {
    if (!name || !*name) {
        *out = K2TD_CHARSET_UTF8;
        return 0;
    }
    char key[16]; /* longer than any key: a longer name cannot match */
    size_t n = 0;
    for (const char *p = name; *p && n < sizeof(key) - 1; p++) {
        if (*p == '-' || *p == '_') continue;
        key[n++] = *p >= 'a' && *p <= 'z' ? (char)(*p - 'a' + 'A') : *p;
    }
    key[n] = '\0';
    for (size_t i = 0; i < NCHARSETS; i++) {
        if (strcmp(key, charsets[i].key) == 0) {
            *out = (k2td_charset_t)i;
            return 0;
        }
    }
    return k2td_errstr_set(
        errstr, errstr_size,
        "char_encoding \"%.40s\" is not supported (use UTF_8, GBK, GB18030 or BIG5)", name);
}

const char *k2td_charset_name(k2td_charset_t cs) {
    return (size_t)cs < NCHARSETS ? charsets[cs].name : "?";
}

k2td_charset_decoder_t *k2td_charset_decoder_new(k2td_charset_t cs, char *errstr,
                                                 size_t errstr_size) {
    if ((size_t)cs >= NCHARSETS) {
        k2td_errstr_set(errstr, errstr_size, "unknown character encoding %d", (int)cs);
        return NULL;
    }
    iconv_t cd = (iconv_t)-1;
    if (cs != K2TD_CHARSET_UTF8) {
        cd = iconv_open("UTF-8", charsets[cs].iconv);
        if (cd == (iconv_t)-1) {
            k2td_errstr_set(errstr, errstr_size, "cannot convert %s to UTF-8: iconv_open: %s",
                            charsets[cs].name, strerror(errno));
            return NULL;
        }
    }
    k2td_charset_decoder_t *d = k2td_calloc(1, sizeof(*d));
    d->cs = cs;
    d->cd = cd;
    return d;
}

void k2td_charset_decoder_free(k2td_charset_decoder_t *d) {
    if (!d) return;
    if (d->cd != (iconv_t)-1) iconv_close(d->cd);
    free(d->scratch);
    free(d);
}

/* Returns 1 when s[0..n) holds a byte >= 0x80, else 0. */
static int has_high_byte(const char *s, size_t n) {
    const uint64_t highs = UINT64_C(0x8080808080808080);
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        if (w & highs) return 1;
    }
    for (; i < n; i++)
        if ((unsigned char)s[i] >= 0x80) return 1;
    return 0;
}

/* Makes the scratch buffer at least cap bytes, keeping its first used bytes. */
static void scratch_grow(k2td_charset_decoder_t *d, size_t cap) {
    if (d->scratch_cap >= cap) return;
    size_t c = d->scratch_cap ? d->scratch_cap : 4096;
    while (c < cap) c *= 2;
    d->scratch = k2td_realloc(d->scratch, c);
    d->scratch_cap = c;
}

int k2td_charset_decode(k2td_charset_decoder_t *d, const char *in, size_t len, k2td_arena_t *arena,
                        const char **out, size_t *out_len, char *errstr, size_t errstr_size) {
    if (errstr && errstr_size) errstr[0] = '\0';
    if (d->cs == K2TD_CHARSET_UTF8 || !has_high_byte(in, len)) {
        *out = in;
        *out_len = len;
        return 0;
    }
    /* two-byte characters (most of them) become three UTF-8 bytes; when that
     * guess is short, the buffer grows and iconv carries on where it was */
    scratch_grow(d, len + len / 2 + 16);
    iconv(d->cd, NULL, NULL, NULL, NULL);
    char *ip = (char *)in;
    size_t ileft = len, used = 0;
    while (ileft > 0) {
        char *op = d->scratch + used;
        size_t oleft = d->scratch_cap - used;
        size_t rc = iconv(d->cd, &ip, &ileft, &op, &oleft);
        used = (size_t)(op - d->scratch);
        if (rc != (size_t)-1) break;
        if (errno == E2BIG) {
            scratch_grow(d, d->scratch_cap * 2);
            continue;
        }
        size_t off = (size_t)(ip - in);
        if (errno == EINVAL)
            return k2td_errstr_set(errstr, errstr_size,
                                   "offset %zu: incomplete %s byte sequence at end of payload",
                                   off, charsets[d->cs].name);
        return k2td_errstr_set(errstr, errstr_size, "offset %zu: invalid %s byte sequence", off,
                               charsets[d->cs].name);
    }
    *out = k2td_arena_strndup(arena, d->scratch, used);
    *out_len = used;
    return 0;
}
