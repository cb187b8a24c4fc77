/*
 * convert.c - one value to the SQL literal of one column's type.
 */
#include "convert.h"

#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../common/alloc.h"
#include "../common/num_text.h"
#include "../common/utf8.h"
#include "../sink/sql_text.h"
#include "decimal.h"
#include "num_parts.h"
#include "timestamp.h"

/* ---- error messages (never on the success path) ---- */

/* Room for a value shown in a message: 60 bytes of it plus quotes, escapes
 * and an ellipsis. */
#define VALUE_TEXT_MAX 320


/* Writes a short human-readable form of v into out: strings quoted, cut
 * after about 60 bytes, with control bytes and invalid UTF-8 as \xNN. */
static void describe_value(const k2td_value_t *v, char *out, size_t out_size) {
    char tmp[32];
    size_t len, o = 0;
    const char *s;
    switch (v->type) {
    case K2TD_VAL_NULL: snprintf(out, out_size, "NULL"); return;
    case K2TD_VAL_BOOL: snprintf(out, out_size, "%s", v->n.b ? "true" : "false"); return;
    case K2TD_VAL_STRING: break;
    default:
        s = k2td_convert_number_text(v, tmp, &len);
        snprintf(out, out_size, "%.*s%s", (int)(len > 60 ? 60 : len), s, len > 60 ? "..." : "");
        return;
    }
    const unsigned char *p = (const unsigned char *)v->str;
    size_t i = 0;
    out[o++] = '\'';
    while (i < v->len && i < 60 && o + 8 < out_size) {
        size_t k = k2td_utf8_seq_len(p + i, v->len - i);
        if (k == 1 && p[i] >= 0x20 && p[i] != 0x7f) {
            out[o++] = (char)p[i];
        } else if (k > 1) {
            memcpy(out + o, p + i, k);
            o += k;
        } else {
            o += (size_t)snprintf(out + o, out_size - o, "\\x%02x", p[i]);
            k = 1;
        }
        i += k;
    }
    snprintf(out + o, out_size - o, "'%s", i < v->len ? "..." : "");
}

static int fail(const k2td_column_t *col, char *errstr, size_t errstr_size, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Writes "column `name` (TYPE): <reason>" into errstr; returns -1. */
static int fail(const k2td_column_t *col, char *errstr, size_t errstr_size, const char *fmt, ...) {
    if (!errstr || !errstr_size) return -1;
    char type[K2TD_COLTYPE_TEXT_MAX];
    int n = snprintf(errstr, errstr_size, "%s `%s` (%s): ", col->is_tag ? "tag" : "column",
                     col->name ? col->name : "",
                     col->type == K2TD_COL_DECIMAL ? k2td_column_type_text(col, type)
                                                   : k2td_coltype_name(col->type));
    if (n >= 0 && (size_t)n < errstr_size) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(errstr + n, errstr_size - (size_t)n, fmt, ap);
        va_end(ap);
    }
    return -1;
}

static int fail_value(const k2td_value_t *v, const k2td_column_t *col, char *errstr,
                      size_t errstr_size, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* fail() with the value shown before the reason: "... : 300 is out of ...". */
static int fail_value(const k2td_value_t *v, const k2td_column_t *col, char *errstr,
                      size_t errstr_size, const char *fmt, ...) {
    char shown[VALUE_TEXT_MAX], reason[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof(reason), fmt, ap);
    va_end(ap);
    describe_value(v, shown, sizeof(shown));
    return fail(col, errstr, errstr_size, "%s %s", shown, reason);
}

/* Every converter below names its value v, its column col and the caller's
 * errstr/errstr_size; FAILV(fmt, ...) is fail_value() on those. */
#define FAILV(...) fail_value(v, col, errstr, errstr_size, __VA_ARGS__)

/* ---- number text ---- */

const char *k2td_convert_number_text(const k2td_value_t *v, char tmp[32], size_t *len) {
    if (v->str && v->len) {
        *len = v->len;
        return v->str;
    }
    if (v->type == K2TD_VAL_INT)
        *len = k2td_num_text_i64(v->n.i, tmp);
    else if (v->type == K2TD_VAL_UINT)
        *len = k2td_num_text_u64(v->n.u, tmp);
    else
        *len = k2td_num_text_double(v->n.f, tmp);
    return tmp;
}

/* Returns strtod() of the number text s[0..n) (already checked by
 * k2td_num_parts_scan()), or NAN should strtod not take all of it. k2td
 * never calls setlocale(), so strtod reads '.' as the decimal point. */
static double text_to_double(const char *s, size_t n) {
    char stack[128];
    char *buf = n < sizeof(stack) ? stack : k2td_malloc(n + 1);
    memcpy(buf, s, n);
    buf[n] = '\0';
    char *end;
    double d = strtod(buf, &end);
    if (end != buf + n) d = NAN;
    if (buf != stack) free(buf);
    return d;
}

/* ---- integer columns ---- */

/* Sets the range of an integer column: -(*neg_max) .. *pos_max. */
static void int_limits(k2td_coltype_t t, uint64_t *neg_max, uint64_t *pos_max) {
    switch (t) {
    case K2TD_COL_TINYINT: *neg_max = 128, *pos_max = INT8_MAX; break;
    case K2TD_COL_SMALLINT: *neg_max = 32768, *pos_max = INT16_MAX; break;
    case K2TD_COL_INT: *neg_max = UINT64_C(2147483648), *pos_max = INT32_MAX; break;
    case K2TD_COL_BIGINT: *neg_max = (uint64_t)INT64_MAX + 1, *pos_max = INT64_MAX; break;
    case K2TD_COL_UTINYINT: *neg_max = 0, *pos_max = UINT8_MAX; break;
    case K2TD_COL_USMALLINT: *neg_max = 0, *pos_max = UINT16_MAX; break;
    case K2TD_COL_UINT: *neg_max = 0, *pos_max = UINT32_MAX; break;
    default: *neg_max = 0, *pos_max = UINT64_MAX; break;
    }
}

/* Sets neg/mag to d rounded half away from zero. Returns -1 if |d| >= 2^64
 * or d is not finite. */
static int round_double(double d, int *neg, uint64_t *mag) {
    if (!isfinite(d)) return -1;
    double r = round(d);
    if (fabs(r) >= 18446744073709551616.0) return -1;
    *neg = r < 0;
    *mag = (uint64_t)fabs(r);
    return 0;
}

/* Parses integer or decimal text into neg/mag, rounding a fraction half away
 * from zero (exactly, on the digits). Returns 0, -1 when s is not a number,
 * -2 when its magnitude is 2^64 or more. */
static int text_to_int(const char *s, size_t n, int *neg, uint64_t *mag) {
    k2td_num_parts_t t;
    if (k2td_num_parts_scan(s, n, &t) != 0) return -1;
    if (t.has_exp) return round_double(text_to_double(s, n), neg, mag) ? -2 : 0;
    uint64_t m = 0;
    for (size_t k = 0; k < t.ilen; k++) {
        unsigned d = (unsigned)(t.ip[k] - '0');
        if (m > (UINT64_MAX - d) / 10) return -2;
        m = m * 10 + d;
    }
    if (t.flen && t.fp[0] >= '5') {
        if (m == UINT64_MAX) return -2;
        m++;
    }
    *neg = t.neg;
    *mag = m;
    return 0;
}

static int append_integer(const k2td_value_t *v, const k2td_column_t *col, k2td_buf_t *out,
                          char *errstr, size_t errstr_size) {
    int neg = 0, big = 0;
    uint64_t mag = 0;
    switch (v->type) {
    case K2TD_VAL_INT:
        neg = v->n.i < 0;
        mag = neg ? (uint64_t)0 - (uint64_t)v->n.i : (uint64_t)v->n.i;
        break;
    case K2TD_VAL_UINT: mag = v->n.u; break;
    case K2TD_VAL_BOOL: mag = v->n.b != 0; break;
    case K2TD_VAL_FLOAT:
        if (!isfinite(v->n.f)) return FAILV("is not a finite number");
        big = round_double(v->n.f, &neg, &mag) != 0;
        break;
    default: {
        int rc = text_to_int(v->str, v->len, &neg, &mag);
        if (rc == -1) return FAILV("is not an integer");
        big = rc == -2;
        break;
    }
    }
    uint64_t neg_max, pos_max;
    int_limits(col->type, &neg_max, &pos_max);
    if (big || (neg ? mag > neg_max : mag > pos_max)) {
        if (neg_max)
            return FAILV("is out of range [-%" PRIu64 ", %" PRIu64 "]", neg_max, pos_max);
        return FAILV("is out of range [0, %" PRIu64 "]", pos_max);
    }
    if (neg && mag) k2td_buf_putc(out, '-');
    k2td_buf_put_u64(out, mag);
    return 0;
}

/* ---- FLOAT / DOUBLE ---- */

/* Returns non-zero when the mantissa of the number text has a digit 1-9. */
static int mantissa_nonzero(const char *s, size_t n) {
    for (size_t i = 0; i < n && s[i] != 'e' && s[i] != 'E'; i++)
        if (s[i] >= '1' && s[i] <= '9') return 1;
    return 0;
}

/* Checks d (whose text is non-zero when nonzero_text) against the column:
 * returns NULL or the reason it does not fit. TDengine refuses overflow and
 * also underflow (strtod's ERANGE) with "illegal float data". */
static const char *float_problem(double d, int nonzero_text, k2td_coltype_t type) {
    if (isnan(d)) return "is not a number";
    if (type == K2TD_COL_FLOAT && !(fabs(d) <= K2TD_FLOAT_MAX))
        return "is out of range [-3.4028234663852886e38, 3.4028234663852886e38]";
    if (isinf(d)) return "overflows DOUBLE";
    if ((d == 0 && nonzero_text) || (d != 0 && fabs(d) < DBL_MIN))
        return "is too small for a double (underflows)";
    return NULL;
}

static int append_float(const k2td_value_t *v, const k2td_column_t *col, k2td_buf_t *out,
                        char *errstr, size_t errstr_size) {
    char tmp[32];
    size_t len;
    const char *text, *why;
    switch (v->type) {
    case K2TD_VAL_BOOL: k2td_buf_putc(out, v->n.b ? '1' : '0'); return 0;
    case K2TD_VAL_INT:
    case K2TD_VAL_UINT: /* every 64-bit integer is within FLOAT's range */
        text = k2td_convert_number_text(v, tmp, &len);
        k2td_buf_append(out, text, len);
        return 0;
    case K2TD_VAL_FLOAT: {
        double d = v->n.f;
        text = k2td_convert_number_text(v, tmp, &len);
        int zero_suspect = d == 0 || fabs(d) < DBL_MIN;
        why = float_problem(d, zero_suspect && mantissa_nonzero(text, len), col->type);
        if (why) return FAILV("%s", why);
        k2td_buf_append(out, text, len);
        return 0;
    }
    default: {
        k2td_num_parts_t t;
        int64_t e10;
        if (k2td_num_parts_scan(v->str, v->len, &t) != 0) return FAILV("is not a number");
        /* Only a value near the type's limits needs strtod: below 10^38 a
         * FLOAT and below 10^308 a DOUBLE cannot overflow, and from 10^-307
         * up nothing underflows. */
        int64_t safe_max = col->type == K2TD_COL_FLOAT ? 37 : 307;
        if (k2td_num_parts_exponent(&t, &e10) == 0 && (e10 < -307 || e10 > safe_max)) {
            why = float_problem(text_to_double(v->str, v->len), 1, col->type);
            if (why) return FAILV("%s", why);
        }
        /* Quoted, TDengine reads it with strtod, which takes every form
         * k2td_num_parts_scan() lets through (".5", "5.", "+5"). */
        k2td_sql_append_string(out, v->str, v->len);
        return 0;
    }
    }
}

/* ---- DECIMAL ---- */

static int append_decimal(const k2td_value_t *v, const k2td_column_t *col, k2td_buf_t *out,
                          char *errstr, size_t errstr_size) {
    char tmp[32], fitted[K2TD_DECIMAL_TEXT_MAX];
    const char *text;
    size_t len;
    if (v->type == K2TD_VAL_BOOL) {
        text = v->n.b ? "1" : "0";
        len = 1;
    } else if (v->type == K2TD_VAL_STRING) {
        text = v->str;
        len = v->len;
    } else {
        if (v->type == K2TD_VAL_FLOAT && !isfinite(v->n.f) && !(v->str && v->len))
            return FAILV("is not a finite number");
        text = k2td_convert_number_text(v, tmp, &len); /* a number's own text when it has one */
    }
    int n = k2td_decimal_fit(text, len, col->dec_precision, col->dec_scale, fitted);
    if (n == K2TD_DECIMAL_NOT_A_NUMBER) return FAILV("is not a decimal number");
    if (n == K2TD_DECIMAL_OVERFLOW) {
        int before = col->dec_precision - col->dec_scale;
        if (col->dec_scale == 0)
            return FAILV("is out of range: at most %d digits (after rounding to an integer)",
                         before);
        return FAILV("is out of range: at most %d digit%s before the point (after rounding to %d "
                     "decimal place%s)",
                     before, before == 1 ? "" : "s", col->dec_scale, col->dec_scale == 1 ? "" : "s");
    }
    k2td_buf_append(out, fitted, (size_t)n);
    return 0;
}

/* ---- BOOL ---- */

static int append_bool(const k2td_value_t *v, const k2td_column_t *col, k2td_buf_t *out,
                       char *errstr, size_t errstr_size) {
    static const char *const truthy[] = {"true", "yes", "on", "1"};
    static const char *const falsy[] = {"false", "no", "off", "0"};
    int b = -1;
    switch (v->type) {
    case K2TD_VAL_BOOL: b = v->n.b != 0; break;
    case K2TD_VAL_INT: b = v->n.i != 0; break;
    case K2TD_VAL_UINT: b = 1; break;
    case K2TD_VAL_FLOAT:
        if (!isfinite(v->n.f)) return FAILV("is not a finite number");
        b = v->n.f != 0;
        break;
    default:
        for (size_t k = 0; k < 4 && b < 0; k++) {
            if (v->len == strlen(truthy[k]) && strncasecmp(v->str, truthy[k], v->len) == 0) b = 1;
            if (v->len == strlen(falsy[k]) && strncasecmp(v->str, falsy[k], v->len) == 0) b = 0;
        }
        if (b < 0) return FAILV("is not a bool (true/yes/on/1 or false/no/off/0)");
        break;
    }
    if (b)
        k2td_buf_append(out, "true", 4);
    else
        k2td_buf_append(out, "false", 5);
    return 0;
}

/* ---- VARCHAR / NCHAR / VARBINARY / GEOMETRY / JSON ---- */

/* Counts the code points of s[0..n). Returns 0, or -1 with *bad set to the
 * offset of the first byte that is not valid UTF-8. */
static int utf8_count(const char *s, size_t n, size_t *count, size_t *bad) {
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, c = 0;
    while (i < n) {
        size_t k = p[i] < 0x80 ? 1 : k2td_utf8_seq_len(p + i, n - i);
        if (!k) {
            *bad = i;
            return -1;
        }
        i += k;
        c++;
    }
    *count = c;
    return 0;
}

static int append_text(const k2td_value_t *v, const k2td_column_t *col, k2td_buf_t *out,
                       char *errstr, size_t errstr_size) {
    char tmp[32];
    const char *s;
    size_t n, units;
    if (v->type == K2TD_VAL_STRING) {
        s = v->str;
        n = v->len;
    } else if (col->type == K2TD_COL_GEOMETRY || col->type == K2TD_COL_JSON) {
        return FAILV("is not a string");
    } else if (v->type == K2TD_VAL_BOOL) {
        s = v->n.b ? "true" : "false";
        n = strlen(s);
    } else {
        s = k2td_convert_number_text(v, tmp, &n);
    }
    units = n;
    if (col->type == K2TD_COL_NCHAR) {
        size_t bad;
        if (utf8_count(s, n, &units, &bad) != 0)
            return FAILV("is not valid UTF-8 (at byte %zu)", bad);
    }
    int limited = col->type != K2TD_COL_GEOMETRY && col->type != K2TD_COL_JSON;
    if (limited && col->length > 0 && units > (size_t)col->length) {
        FAILV("is %zu %s long, more than %" PRId32, units,
              col->type == K2TD_COL_NCHAR ? "characters" : "bytes", col->length);
        return K2TD_CONVERT_TOO_LONG;
    }
    if (col->type == K2TD_COL_VARBINARY) {
        k2td_sql_append_hex(out, s, n);
        return 0;
    }
    if (k2td_sql_append_string(out, s, n) != 0)
        return FAILV("contains a NUL byte, which SQL text cannot carry");
    return 0;
}

/* ---- TIMESTAMP ---- */

static int append_timestamp(const k2td_value_t *v, const k2td_column_t *col,
                            const k2td_convert_opts_t *opts, k2td_buf_t *out, char *errstr,
                            size_t errstr_size) {
    char why[160];
    int64_t ts;
    switch (v->type) {
    case K2TD_VAL_INT:
        if (k2td_ts_from_epoch(v->n.i, v->ts_unit, opts->precision, &ts, why, sizeof(why)))
            return FAILV("is not a valid timestamp: %s", why);
        break;
    case K2TD_VAL_STRING:
        if (k2td_ts_parse(v->str, v->len, v->ts_unit, opts->precision, opts->default_offset_s,
                          &ts, why, sizeof(why)))
            return FAILV("is not a valid timestamp: %s", why);
        break;
    case K2TD_VAL_UINT: return FAILV("is not a valid timestamp: epoch overflows 64 bits");
    case K2TD_VAL_FLOAT: return FAILV("is not a valid timestamp: an epoch must be an integer");
    default: return FAILV("is not a valid timestamp");
    }
    if (ts < opts->ts_min || ts > opts->ts_max) {
        char t[K2TD_TS_TEXT_MAX], lo[K2TD_TS_TEXT_MAX], hi[K2TD_TS_TEXT_MAX];
        k2td_ts_format(ts, opts->precision, t, sizeof(t));
        k2td_ts_format(opts->ts_min, opts->precision, lo, sizeof(lo));
        k2td_ts_format(opts->ts_max, opts->precision, hi, sizeof(hi));
        FAILV("(%s) is out of the database's time range [%s, %s]", t, lo, hi);
        return K2TD_CONVERT_TS_RANGE;
    }
    k2td_buf_put_i64(out, ts);
    return 0;
}

void k2td_convert_fit_length(const k2td_value_t *v, const k2td_column_t *col, char tmp[32],
                             k2td_value_t *out) {
    size_t n = 0;
    const char *s;
    if (v->type == K2TD_VAL_STRING) {
        s = v->str;
        n = v->len;
    } else if (v->type == K2TD_VAL_BOOL) {
        s = v->n.b ? "true" : "false";
        n = strlen(s);
    } else {
        s = k2td_convert_number_text(v, tmp, &n);
    }
    size_t keep = 0, units = 0, limit = col->length > 0 ? (size_t)col->length : n;
    while (keep < n && units < limit) {
        size_t step = 1;
        if (col->type != K2TD_COL_VARBINARY)
            while (keep + step < n && ((unsigned char)s[keep + step] & 0xc0) == 0x80) step++;
        if (col->type != K2TD_COL_NCHAR && keep + step > limit) break;
        keep += step;
        units += col->type == K2TD_COL_NCHAR ? 1 : step;
    }
    *out = *v;
    out->type = K2TD_VAL_STRING;
    out->str = s;
    out->len = keep;
}

/* ---- entry points ---- */

void k2td_convert_opts_init(k2td_convert_opts_t *opts, k2td_precision_t prec, int64_t keep_days,
                            int64_t now) {
    opts->precision = prec;
    opts->default_offset_s = 0;
    opts->now = now;
    k2td_ts_range(prec, now, keep_days, &opts->ts_min, &opts->ts_max);
}

int k2td_convert_append(const k2td_value_t *v, const k2td_column_t *col,
                        const k2td_convert_opts_t *opts, k2td_buf_t *out, char *errstr,
                        size_t errstr_size) {
    size_t mark = out->len;
    int rc;
    if (v->type == K2TD_VAL_NULL) {
        k2td_buf_append(out, "NULL", 4);
        return 0;
    }
    switch (col->type) {
    case K2TD_COL_TIMESTAMP:
        rc = append_timestamp(v, col, opts, out, errstr, errstr_size);
        break;
    case K2TD_COL_BOOL: rc = append_bool(v, col, out, errstr, errstr_size); break;
    case K2TD_COL_TINYINT:
    case K2TD_COL_SMALLINT:
    case K2TD_COL_INT:
    case K2TD_COL_BIGINT:
    case K2TD_COL_UTINYINT:
    case K2TD_COL_USMALLINT:
    case K2TD_COL_UINT:
    case K2TD_COL_UBIGINT: rc = append_integer(v, col, out, errstr, errstr_size); break;
    case K2TD_COL_FLOAT:
    case K2TD_COL_DOUBLE: rc = append_float(v, col, out, errstr, errstr_size); break;
    case K2TD_COL_DECIMAL: rc = append_decimal(v, col, out, errstr, errstr_size); break;
    case K2TD_COL_VARCHAR:
    case K2TD_COL_NCHAR:
    case K2TD_COL_VARBINARY:
    case K2TD_COL_GEOMETRY:
    case K2TD_COL_JSON: rc = append_text(v, col, out, errstr, errstr_size); break;
    default: rc = fail(col, errstr, errstr_size, "unsupported column type"); break;
    }
    if (rc != 0) k2td_buf_truncate(out, mark);
    return rc;
}
