/*
 * json_flat.c - single-pass JSON parser that emits flattened rows.
 *
 * The parser walks the payload once, recursing into containers (depth is
 * bounded, so the C stack is too) and appending a field for every scalar.
 * The name of a nested value is its parent's name, '_', then its key or
 * array index; names are built in the rowset's arena right where they are
 * needed, so a container's name is the prefix its children copy.
 */
#include "json_flat.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/alloc.h"

/* Rows with more fields than this find duplicates through a hash index
 * instead of a linear scan, so a huge object costs O(n), not O(n^2). */
#define FLAT_LINEAR_FIELDS 24

typedef struct flat_parser {
    const char *buf; /* start of the payload: error offsets count from here */
    const char *p;   /* next unread byte */
    const char *end;
    k2td_rowset_t *rs;
    size_t msg_index;
    size_t row_first; /* rs->fields index of the current row's first field */
    size_t *index;    /* open-addressing slots holding field offset + 1, or NULL */
    size_t index_cap; /* number of slots, a power of two */
    char *errstr;
    size_t errstr_size;
} flat_parser_t;

/* Bytes that end the fast scan of a string: '"', '\\' and controls. */
static const unsigned char str_special[256] = {
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    ['"'] = 1, ['\\'] = 1,
};

static const double pow10_exact[23] = {
    1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

/* Writes "offset N: <reason>" to errstr. Always returns -1. */
static int flat_fail(flat_parser_t *fp, const char *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int flat_fail(flat_parser_t *fp, const char *at, const char *fmt, ...) {
    if (!fp->errstr || fp->errstr_size == 0) return -1;
    int n = snprintf(fp->errstr, fp->errstr_size, "offset %zu: ", (size_t)(at - fp->buf));
    if (n >= 0 && (size_t)n < fp->errstr_size) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(fp->errstr + n, fp->errstr_size - (size_t)n, fmt, ap);
        va_end(ap);
    }
    return -1;
}

/* Reports that `what` was expected at the current position. Returns -1. */
static int flat_expected(flat_parser_t *fp, const char *what) {
    if (fp->p >= fp->end) return flat_fail(fp, fp->p, "expected %s, found end of input", what);
    return flat_fail(fp, fp->p, "expected %s", what);
}

static inline void flat_skip_ws(flat_parser_t *fp) {
    const char *p = fp->p, *end = fp->end;
    while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')) p++;
    fp->p = p;
}

/* ---- numbers ---------------------------------------------------------- */

/* Converts the number text s[0..len) with strtod (which needs a terminated,
 * locale-neutral copy; k2td never changes LC_NUMERIC from "C"). */
static double number_strtod(const char *s, size_t len) {
    char small[128];
    char *copy = len < sizeof(small) ? small : k2td_malloc(len + 1);
    memcpy(copy, s, len);
    copy[len] = '\0';
    double d = strtod(copy, NULL);
    if (copy != small) free(copy);
    return d;
}

/* Returns the value of the 20-digit integer text s, or sets *overflow when
 * it exceeds UINT64_MAX. */
static uint64_t number_u64_20(const char *s, int *overflow) {
    uint64_t m = 0;
    for (int i = 0; i < 20; i++) {
        unsigned d = (unsigned)(s[i] - '0');
        if (m > (UINT64_MAX - d) / 10) {
            *overflow = 1;
            return 0;
        }
        m = m * 10 + d;
    }
    return m;
}

static inline int is_digit(const char *p, const char *end) {
    return p < end && (unsigned)(*p - '0') <= 9;
}

/*
 * Scans a JSON number starting at s (before end) and fills v.
 * Returns 0 with *stop just past the number, or -1 with *stop at the
 * offending byte and *why saying what is wrong.
 */
static int number_scan(const char *s, const char *end, k2td_value_t *v, const char **stop,
                       const char **why) {
    const char *p = s;
    int neg = p < end && *p == '-';
    p += neg;
    if (!is_digit(p, end)) {
        *stop = p;
        *why = "expected a digit in number";
        return -1;
    }
    /* m takes every digit; it is exact while there are at most 19 of them */
    uint64_t m = 0;
    const char *int_start = p;
    if (*p == '0') {
        p++;
        if (is_digit(p, end)) {
            *stop = p;
            *why = "leading zero in number";
            return -1;
        }
    } else {
        for (; is_digit(p, end); p++) m = m * 10 + (unsigned)(*p - '0');
    }
    size_t ndigits = (size_t)(p - int_start);
    int64_t exp10 = 0;
    int is_float = 0;
    if (p < end && *p == '.') {
        is_float = 1;
        p++;
        if (!is_digit(p, end)) {
            *stop = p;
            *why = "expected a digit after '.' in number";
            return -1;
        }
        const char *frac_start = p;
        for (; is_digit(p, end); p++) m = m * 10 + (unsigned)(*p - '0');
        exp10 = -(int64_t)(p - frac_start);
        ndigits += (size_t)(p - frac_start);
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        is_float = 1;
        p++;
        int eneg = 0;
        if (p < end && (*p == '+' || *p == '-')) eneg = *p++ == '-';
        if (!is_digit(p, end)) {
            *stop = p;
            *why = "expected a digit in exponent";
            return -1;
        }
        int64_t e = 0;
        for (; is_digit(p, end); p++)
            if (e < 1000000) e = e * 10 + (*p - '0');
        exp10 += eneg ? -e : e;
    }
    *stop = p;
    v->str = s;
    v->len = (size_t)(p - s);
    int overflow = ndigits > 20;
    if (!is_float && ndigits == 20) m = number_u64_20(int_start, &overflow);
    if (!is_float && !overflow) {
        if (!neg && m <= (uint64_t)INT64_MAX) {
            v->type = K2TD_VAL_INT;
            v->n.i = (int64_t)m;
            return 0;
        }
        if (!neg) {
            v->type = K2TD_VAL_UINT;
            v->n.u = m;
            return 0;
        }
        if (m <= (uint64_t)INT64_MAX + 1) {
            v->type = K2TD_VAL_INT;
            v->n.i = m == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)m;
            return 0;
        }
    }
    v->type = K2TD_VAL_FLOAT;
    /* With at most 19 digits m is exact; when it and 10^|exp10| are exact
     * doubles, one IEEE operation gives the correctly rounded result.
     * Anything else goes through strtod. */
    if (ndigits <= 19 && m <= (UINT64_C(1) << 53) && exp10 >= -22 && exp10 <= 22) {
        double d = (double)m;
        d = exp10 < 0 ? d / pow10_exact[-exp10] : d * pow10_exact[exp10];
        v->n.f = neg ? -d : d;
    } else {
        v->n.f = number_strtod(s, v->len);
    }
    return 0;
}

int k2td_json_parse_number(const char *s, size_t len, k2td_value_t *v) {
    k2td_value_t tmp = *v;
    const char *stop, *why;
    if (len == 0 || number_scan(s, s + len, &tmp, &stop, &why) != 0 || stop != s + len) return -1;
    *v = tmp;
    return 0;
}

/* ---- strings ---------------------------------------------------------- */

/* Returns the first byte in [p, end) that is '"', '\\' or a control
 * character, or end. On little-endian machines eight bytes at a time: the
 * classic "has a zero byte / a byte below n" word tricks flag such bytes,
 * and the lowest flagged byte is always a real one (a false flag can only
 * come from a borrow out of a real one below it). */
static inline const char *skip_plain(const char *p, const char *end) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    const uint64_t ones = UINT64_C(0x0101010101010101), highs = ones * 0x80;
    while (end - p >= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        uint64_t q = w ^ (ones * '"'), b = w ^ (ones * '\\');
        uint64_t hit = (((q - ones) & ~q) | ((b - ones) & ~b) | ((w - ones * 0x20) & ~w)) & highs;
        if (hit) return p + (__builtin_ctzll(hit) >> 3);
        p += 8;
    }
#endif
    while (p < end && !str_special[(unsigned char)*p]) p++;
    return p;
}

/* Finds the end of the string whose opening quote is at fp->p. Returns its
 * closing quote, with *escaped set when the string holds a backslash, or
 * NULL (unterminated string or a raw control character). */
static inline const char *flat_scan_string(flat_parser_t *fp, int *escaped) {
    const char *p = fp->p + 1, *end = fp->end;
    *escaped = 0;
    for (;;) {
        p = skip_plain(p, end);
        if (p >= end) {
            flat_fail(fp, fp->p, "unterminated string");
            return NULL;
        }
        if (*p == '"') return p;
        if (*p != '\\') {
            flat_fail(fp, p, "control character 0x%02x in string", (unsigned)*p);
            return NULL;
        }
        *escaped = 1;
        p += 2;
    }
}

/* Reads 4 hex digits at s (s+4 <= end checked by the caller). Returns the
 * value, or -1 when one is not a hex digit. */
static long hex4(const char *s) {
    long v = 0;
    for (int i = 0; i < 4; i++) {
        char c = s[i];
        int d = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
        if (d < 0) return -1;
        v = v * 16 + d;
    }
    return v;
}

/* Decodes the escaped string body s[0..e) into out (room for e - s bytes
 * suffices: no escape grows). Returns the decoded length, or -1 on a bad
 * escape or a lone surrogate. */
static long flat_unescape(flat_parser_t *fp, const char *s, const char *e, char *out) {
    char *o = out;
    while (s < e) {
        if (*s != '\\') {
            *o++ = *s++;
            continue;
        }
        const char *esc = s;
        char c = s[1];
        s += 2;
        switch (c) {
        case '"': *o++ = '"'; continue;
        case '\\': *o++ = '\\'; continue;
        case '/': *o++ = '/'; continue;
        case 'b': *o++ = '\b'; continue;
        case 'f': *o++ = '\f'; continue;
        case 'n': *o++ = '\n'; continue;
        case 'r': *o++ = '\r'; continue;
        case 't': *o++ = '\t'; continue;
        case 'u': break;
        default: return flat_fail(fp, esc, "invalid escape in string");
        }
        long cp = e - s >= 4 ? hex4(s) : -1;
        if (cp < 0) return flat_fail(fp, esc, "invalid \\u escape in string");
        s += 4;
        if (cp >= 0xDC00 && cp <= 0xDFFF) return flat_fail(fp, esc, "lone low surrogate in string");
        if (cp >= 0xD800 && cp <= 0xDBFF) {
            long lo = e - s >= 6 && s[0] == '\\' && s[1] == 'u' ? hex4(s + 2) : -1;
            if (lo < 0xDC00 || lo > 0xDFFF)
                return flat_fail(fp, esc,
                                 "high surrogate not followed by a low surrogate in string");
            s += 6;
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        }
        if (cp < 0x80) {
            *o++ = (char)cp;
        } else if (cp < 0x800) {
            *o++ = (char)(0xC0 | (cp >> 6));
            *o++ = (char)(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            *o++ = (char)(0xE0 | (cp >> 12));
            *o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
            *o++ = (char)(0x80 | (cp & 0x3F));
        } else {
            *o++ = (char)(0xF0 | (cp >> 18));
            *o++ = (char)(0x80 | ((cp >> 12) & 0x3F));
            *o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
            *o++ = (char)(0x80 | (cp & 0x3F));
        }
    }
    return o - out;
}

/* ---- fields of the current row ---------------------------------------- */

static inline size_t name_hash(const char *s, size_t n) {
    uint64_t h = 0xcbf29ce484222325u;
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 0x100000001b3u;
    return (size_t)(h ^ (h >> 29));
}

/* Puts row field `off` into the index (which has a free slot). */
static void index_put(flat_parser_t *fp, size_t off) {
    const k2td_field_t *f = &fp->rs->fields[fp->row_first + off];
    size_t mask = fp->index_cap - 1, i = name_hash(f->name, f->name_len) & mask;
    while (fp->index[i]) i = (i + 1) & mask;
    fp->index[i] = off + 1;
}

/* Rebuilds the index with room for the row's fields to double. */
static void index_rebuild(flat_parser_t *fp, size_t nfields) {
    size_t cap = 64;
    while (cap < nfields * 4) cap *= 2;
    fp->index = k2td_arena_alloc(&fp->rs->arena, cap * sizeof(size_t));
    memset(fp->index, 0, cap * sizeof(size_t));
    fp->index_cap = cap;
    for (size_t off = 0; off < nfields; off++) index_put(fp, off);
}

/* The duplicate check of flat_field() for a row past FLAT_LINEAR_FIELDS
 * fields: through the hash index, which it builds and grows. Returns the
 * existing field or NULL (the new field's offset is then already indexed). */
static k2td_field_t *flat_field_indexed(flat_parser_t *fp, const char *name, size_t len, size_t n) {
    if (!fp->index || n * 2 > fp->index_cap) index_rebuild(fp, n);
    size_t mask = fp->index_cap - 1, i = name_hash(name, len) & mask;
    for (; fp->index[i]; i = (i + 1) & mask) {
        k2td_field_t *f = &fp->rs->fields[fp->row_first + fp->index[i] - 1];
        if (f->name_len == len && memcmp(f->name, name, len) == 0) return f;
    }
    fp->index[i] = n + 1;
    return NULL;
}

/*
 * Returns the field of the current row named name[0..len): the existing one
 * (value cleared, so the later value wins) or a new one appended to the row.
 * name must live in the arena (NUL-terminated).
 */
static inline k2td_field_t *flat_field(flat_parser_t *fp, const char *name, size_t len) {
    k2td_rowset_t *rs = fp->rs;
    size_t n = rs->nfields - fp->row_first;
    k2td_field_t *f = NULL;
    if (n <= FLAT_LINEAR_FIELDS) {
        for (size_t i = 0; i < n && !f; i++) {
            k2td_field_t *g = &rs->fields[fp->row_first + i];
            if (g->name_len == len && g->name[0] == name[0] && memcmp(g->name, name, len) == 0)
                f = g;
        }
    } else {
        f = flat_field_indexed(fp, name, len, n);
    }
    if (!f) return k2td_rowset_add_field(rs, name, len);
    memset(&f->v, 0, sizeof(f->v));
    return f;
}

/* After an object member or array element: skips a ',' and returns 1
 * (another follows), or skips `close` and returns 0 (the container ends);
 * anything else is an error (-1) saying what was expected. */
static int flat_next(flat_parser_t *fp, char close, const char *what) {
    flat_skip_ws(fp);
    if (fp->p < fp->end && *fp->p == ',') {
        fp->p++;
        flat_skip_ws(fp);
        return 1;
    }
    if (fp->p < fp->end && *fp->p == close) {
        fp->p++;
        return 0;
    }
    return flat_expected(fp, what);
}

/* ---- values ----------------------------------------------------------- */

static int flat_object(flat_parser_t *fp, const char *prefix, size_t plen, int depth);
static int flat_array(flat_parser_t *fp, const char *prefix, size_t plen, int depth);

/* Matches the literal word at fp->p. Returns 0 (fp->p past it) or -1. */
static int flat_literal(flat_parser_t *fp, const char *word, size_t wlen) {
    if ((size_t)(fp->end - fp->p) < wlen || memcmp(fp->p, word, wlen) != 0)
        return flat_fail(fp, fp->p, "invalid literal (expected %s)", word);
    fp->p += wlen;
    return 0;
}

/*
 * Parses the value at fp->p, which is named name[0..nlen) (arena memory);
 * depth is the nesting level of the container holding it.
 * Returns 0 or -1.
 */
static inline int flat_value(flat_parser_t *fp, const char *name, size_t nlen, int depth) {
    if (fp->p >= fp->end) return flat_expected(fp, "a value");
    k2td_field_t *f;
    switch (*fp->p) {
    case '{':
    case '[':
        if (depth >= K2TD_JSON_MAX_DEPTH)
            return flat_fail(fp, fp->p, "nesting deeper than %d levels", K2TD_JSON_MAX_DEPTH);
        return *fp->p == '{' ? flat_object(fp, name, nlen, depth + 1)
                             : flat_array(fp, name, nlen, depth + 1);
    case '"': {
        int escaped;
        const char *close = flat_scan_string(fp, &escaped);
        if (!close) return -1;
        const char *s = fp->p + 1;
        size_t slen = (size_t)(close - s);
        if (escaped) {
            char *out = k2td_arena_alloc(&fp->rs->arena, slen);
            long n = flat_unescape(fp, s, close, out);
            if (n < 0) return -1;
            s = out;
            slen = (size_t)n;
        }
        f = flat_field(fp, name, nlen);
        f->v.type = K2TD_VAL_STRING;
        f->v.str = s;
        f->v.len = slen;
        fp->p = close + 1;
        return 0;
    }
    case 't':
    case 'f': {
        int is_true = *fp->p == 't';
        if (flat_literal(fp, is_true ? "true" : "false", is_true ? 4 : 5) != 0) return -1;
        f = flat_field(fp, name, nlen);
        f->v.type = K2TD_VAL_BOOL;
        f->v.n.b = is_true;
        return 0;
    }
    case 'n':
        if (flat_literal(fp, "null", 4) != 0) return -1;
        flat_field(fp, name, nlen); /* a cleared value is NULL */
        return 0;
    default: {
        if (*fp->p != '-' && (unsigned)(*fp->p - '0') > 9) return flat_expected(fp, "a value");
        /* scanned straight into the field: on error the row is dropped anyway */
        const char *stop, *why;
        f = flat_field(fp, name, nlen);
        if (number_scan(fp->p, fp->end, &f->v, &stop, &why) != 0)
            return flat_fail(fp, stop, "%s", why);
        fp->p = stop;
        return 0;
    }
    }
}

/*
 * Builds the name of a child: prefix + '_' + the key whose opening quote is
 * at fp->p, or just the key when prefix is NULL (a row's own member; an
 * empty key still makes an empty prefix). Leaves fp->p past the closing
 * quote. Returns 0 with *name and *nlen set (arena, NUL-terminated), or -1.
 */
static inline int flat_key_name(flat_parser_t *fp, const char *prefix, size_t plen,
                                const char **name, size_t *nlen) {
    int escaped;
    const char *close = flat_scan_string(fp, &escaped);
    if (!close) return -1;
    const char *ks = fp->p + 1;
    size_t klen = (size_t)(close - ks);
    size_t sep = prefix ? 1 : 0;
    /* room for the NUL, rounded up to whole 8-byte words */
    size_t cap = (plen + sep + klen + 8) & ~(size_t)7;
    char *out = k2td_arena_alloc(&fp->rs->arena, cap);
    if (prefix) {
        memcpy(out, prefix, plen);
        out[plen] = '_';
    }
    char *kout = out + plen + sep;
    if (escaped) {
        long n = flat_unescape(fp, ks, close, kout);
        if (n < 0) return -1;
        klen = (size_t)n;
    } else if (!prefix && cap <= 16 && fp->end - ks >= 16) {
        /* a short top-level key: copy whole words (fixed-size memcpy
         * compiles to plain loads and stores, no call) */
        memcpy(out, ks, 8);
        if (cap > 8) memcpy(out + 8, ks + 8, 8);
    } else {
        memcpy(kout, ks, klen);
    }
    out[plen + sep + klen] = '\0';
    *name = out;
    *nlen = plen + sep + klen;
    fp->p = close + 1;
    return 0;
}

/* Parses the object at fp->p ('{'); its members are named prefix_key, or
 * key when prefix is NULL (the row's object). Returns 0 or -1. */
static int flat_object(flat_parser_t *fp, const char *prefix, size_t plen, int depth) {
    fp->p++;
    flat_skip_ws(fp);
    if (fp->p < fp->end && *fp->p == '}') {
        fp->p++;
        return 0;
    }
    for (;;) {
        if (fp->p >= fp->end || *fp->p != '"')
            return flat_expected(fp, "'\"' to start an object key");
        const char *name;
        size_t nlen;
        if (flat_key_name(fp, prefix, plen, &name, &nlen) != 0) return -1;
        flat_skip_ws(fp);
        if (fp->p >= fp->end || *fp->p != ':') return flat_expected(fp, "':' after object key");
        fp->p++;
        flat_skip_ws(fp);
        if (flat_value(fp, name, nlen, depth) != 0) return -1;
        int more = flat_next(fp, '}', "',' or '}' after object member");
        if (more <= 0) return more;
    }
}

/* Parses the array at fp->p ('['); element i is named prefix_i.
 * Returns 0 or -1. */
static int flat_array(flat_parser_t *fp, const char *prefix, size_t plen, int depth) {
    fp->p++;
    flat_skip_ws(fp);
    if (fp->p < fp->end && *fp->p == ']') {
        fp->p++;
        return 0;
    }
    for (size_t i = 0;; i++) {
        char digits[24], *d = digits + sizeof(digits);
        size_t v = i;
        do *--d = (char)('0' + v % 10);
        while (v /= 10);
        size_t dlen = (size_t)(digits + sizeof(digits) - d);
        char *name = k2td_arena_alloc(&fp->rs->arena, plen + 1 + dlen + 1);
        memcpy(name, prefix, plen);
        name[plen] = '_';
        memcpy(name + plen + 1, d, dlen);
        name[plen + 1 + dlen] = '\0';
        if (flat_value(fp, name, plen + 1 + dlen, depth) != 0) return -1;
        int more = flat_next(fp, ']', "',' or ']' after array element");
        if (more <= 0) return more;
    }
}

/* Parses one object at fp->p as a new row. Returns 0 or -1. */
static int flat_row(flat_parser_t *fp) {
    k2td_rowset_begin_row(fp->rs, fp->msg_index);
    fp->row_first = fp->rs->nfields;
    fp->index = NULL;
    fp->index_cap = 0;
    return flat_object(fp, NULL, 0, 1);
}

/* Parses the top-level array at fp->p. Returns 0 or -1. */
static int flat_top_array(flat_parser_t *fp) {
    fp->p++;
    flat_skip_ws(fp);
    if (fp->p < fp->end && *fp->p == ']') {
        fp->p++;
        return 0;
    }
    for (size_t i = 0;; i++) {
        if (fp->p >= fp->end || *fp->p != '{') {
            if (fp->p >= fp->end) return flat_expected(fp, "an object as array element");
            return flat_fail(fp, fp->p, "element %zu of the top-level array is not an object", i);
        }
        if (flat_row(fp) != 0) return -1;
        int more = flat_next(fp, ']', "',' or ']' after array element");
        if (more <= 0) return more;
    }
}

/* Parses the whole payload. Returns 0 or -1. */
static int flat_payload(flat_parser_t *fp) {
    if (fp->end - fp->p >= 3 && memcmp(fp->p, "\xEF\xBB\xBF", 3) == 0) fp->p += 3;
    flat_skip_ws(fp);
    if (fp->p >= fp->end) return flat_fail(fp, fp->p, "empty payload");
    if (*fp->p == '[') {
        if (flat_top_array(fp) != 0) return -1;
        flat_skip_ws(fp);
        if (fp->p < fp->end)
            return flat_fail(fp, fp->p, "unexpected data after the top-level array");
        return 0;
    }
    if (*fp->p != '{')
        return flat_fail(fp, fp->p, "top-level value must be an object or an array of objects");
    while (fp->p < fp->end) {
        if (*fp->p != '{')
            return flat_fail(fp, fp->p,
                             "unexpected data after an object (expected another object)");
        if (flat_row(fp) != 0) return -1;
        flat_skip_ws(fp);
    }
    return 0;
}

int k2td_json_flat_parse(const char *buf, size_t len, size_t msg_index, k2td_rowset_t *out,
                         char *errstr, size_t errstr_size) {
    flat_parser_t fp = {
        .buf = buf,
        .p = buf,
        .end = buf + len,
        .rs = out,
        .msg_index = msg_index,
        .errstr = errstr,
        .errstr_size = errstr_size,
    };
    size_t nrows_before = out->nrows;
    if (errstr && errstr_size) errstr[0] = '\0';
    if (flat_payload(&fp) != 0) {
        k2td_rowset_truncate(out, nrows_before);
        return -1;
    }
    return (int)(out->nrows - nrows_before);
}
