/*
 * timestamp.c - turning message timestamps into TDengine ticks.
 *
 * Calendar arithmetic is done by hand on the proleptic Gregorian calendar
 * (no mktime/timegm/strptime: those read the TZ and locale of the process).
 */
#include "../common/errstr.h"
#include "timestamp.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>

static const int64_t pow10_tab[] = {
    INT64_C(1),      INT64_C(10),        INT64_C(100),        INT64_C(1000),      INT64_C(10000),
    INT64_C(100000), INT64_C(1000000),   INT64_C(10000000),   INT64_C(100000000),
    INT64_C(1000000000),
};

/* Returns the number of decimal digits of a second the unit resolves. */
static int unit_digits(k2td_ts_unit_t u) {
    switch (u) {
    case K2TD_TS_MS: return 3;
    case K2TD_TS_US: return 6;
    case K2TD_TS_NS: return 9;
    default: return 0;
    }
}

static int prec_digits(k2td_precision_t p) {
    return p == K2TD_PREC_NS ? 9 : p == K2TD_PREC_US ? 6 : 3;
}

static const char *unit_name(k2td_ts_unit_t u) {
    switch (u) {
    case K2TD_TS_MS: return "ms";
    case K2TD_TS_US: return "us";
    case K2TD_TS_NS: return "ns";
    default: return "s";
    }
}

/* Returns a / b rounded towards minus infinity (b > 0). */
static int64_t floor_div(int64_t a, int64_t b) {
    int64_t q = a / b;
    return (a % b < 0) ? q - 1 : q;
}

/* Sets *out to v scaled from 10^-from to 10^-to seconds. Returns -1 when the
 * result does not fit in int64. */
static int scale_ticks(int64_t v, int from, int to, int64_t *out) {
    if (to < from) {
        *out = floor_div(v, pow10_tab[from - to]);
        return 0;
    }
    int64_t f = pow10_tab[to - from];
    if (v > INT64_MAX / f || v < INT64_MIN / f) return -1;
    *out = v * f;
    return 0;
}

k2td_ts_unit_t k2td_ts_detect_unit(int64_t v) {
    const uint64_t year_s = UINT64_C(86400) * 365;
    uint64_t m = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    if (m > UINT64_C(1000000000) * year_s) return K2TD_TS_NS;
    if (m > UINT64_C(1000000) * year_s) return K2TD_TS_US;
    if (m > UINT64_C(1000) * year_s) return K2TD_TS_MS;
    return K2TD_TS_S;
}

int k2td_ts_from_epoch(int64_t v, k2td_ts_unit_t unit, k2td_precision_t prec, int64_t *out,
                       char *errstr, size_t errstr_size) {
    if (unit == K2TD_TS_AUTO) unit = k2td_ts_detect_unit(v);
    if (scale_ticks(v, unit_digits(unit), prec_digits(prec), out) != 0) {
        k2td_errstr_set(errstr, errstr_size, "epoch %" PRId64 " %s overflows 64-bit %s ticks", v,
                unit_name(unit), k2td_precision_name(prec));
        return -1;
    }
    return 0;
}

static int is_leap(int64_t y) {
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int64_t y, int m) {
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : mdays[m - 1];
}

/* Returns the number of days from 1970-01-01 to January 1st of year y. */
static int64_t days_before_year(int64_t y) {
    int64_t p = y - 1; /* leap days counted over the years before y */
    int64_t leaps = floor_div(p, 4) - floor_div(p, 100) + floor_div(p, 400);
    const int64_t leaps_1970 = 1969 / 4 - 1969 / 100 + 1969 / 400;
    return 365 * (y - 1970) + leaps - leaps_1970;
}

/* Returns the number of days from 1970-01-01 to y-m-d (a valid date). */
static int64_t days_from_civil(int64_t y, int m, int d) {
    static const int before_month[12] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
    return days_before_year(y) + before_month[m - 1] + (m > 2 && is_leap(y)) + d - 1;
}

/* Sets y-m-d to the date days after 1970-01-01 (any int64 day count that
 * comes from an int64 tick count). */
static void civil_from_days(int64_t days, int64_t *y, int *m, int *d) {
    int64_t yr = 1970 + floor_div(days * 400, 146097); /* 146097 days per 400 years */
    while (days_before_year(yr) > days) yr--;
    while (days_before_year(yr + 1) <= days) yr++;
    int64_t left = days - days_before_year(yr);
    int mo = 1;
    while (left >= days_in_month(yr, mo)) left -= days_in_month(yr, mo++);
    *y = yr;
    *m = mo;
    *d = (int)left + 1;
}

/* Reads exactly count digits at s[*i] into *val. Returns 0, or -1 with *i
 * at the byte that is not a digit; *i is advanced either way. */
static int read_digits(const char *s, size_t n, size_t *i, int count, int *val) {
    int v = 0;
    for (int k = 0; k < count; k++, (*i)++) {
        if (*i >= n || s[*i] < '0' || s[*i] > '9') return -1;
        v = v * 10 + (s[*i] - '0');
    }
    *val = v;
    return 0;
}

/* Reads the literal byte c at s[*i]; returns 0 and advances, or -1. */
static int read_char(const char *s, size_t n, size_t *i, char c) {
    if (*i >= n || s[*i] != c) return -1;
    (*i)++;
    return 0;
}

/* Describes what stands at offset i for an error message. */
static void err_at(char *errstr, size_t errstr_size, const char *s, size_t n, size_t i,
                   const char *expected) {
    if (i >= n)
        k2td_errstr_set(errstr, errstr_size, "text ends at offset %zu, expected %s", i, expected);
    else if ((unsigned char)s[i] >= 0x20 && (unsigned char)s[i] < 0x7f)
        k2td_errstr_set(errstr, errstr_size, "unexpected '%c' at offset %zu, expected %s", s[i], i,
                expected);
    else
        k2td_errstr_set(errstr, errstr_size, "unexpected byte 0x%02x at offset %zu, expected %s",
                (unsigned char)s[i], i, expected);
}

/* Returns 1 when s[0..n) is an optional '-' followed by digits only. */
static int is_integer_text(const char *s, size_t n) {
    size_t i = (n && s[0] == '-') ? 1 : 0;
    if (i == n) return 0;
    for (; i < n; i++)
        if (s[i] < '0' || s[i] > '9') return 0;
    return 1;
}

/* Parses an integer epoch text (see is_integer_text) into ticks. */
static int parse_epoch_text(const char *s, size_t n, k2td_ts_unit_t unit, k2td_precision_t prec,
                            int64_t *out, char *errstr, size_t errstr_size) {
    int neg = s[0] == '-';
    uint64_t mag = 0;
    const uint64_t limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    for (size_t i = (size_t)neg; i < n; i++) {
        unsigned d = (unsigned)(s[i] - '0');
        if (mag > (limit - d) / 10) {
            k2td_errstr_set(errstr, errstr_size, "epoch overflows 64 bits");
            return -1;
        }
        mag = mag * 10 + d;
    }
    int64_t v = neg ? (int64_t)((uint64_t)0 - mag) : (int64_t)mag;
    return k2td_ts_from_epoch(v, unit, prec, out, errstr, errstr_size);
}

int k2td_ts_parse_zone(const char *s, size_t n, int32_t *offset_s) {
    if (n == 1 && (s[0] == 'Z' || s[0] == 'z')) {
        *offset_s = 0;
        return 0;
    }
    if (n < 3 || (s[0] != '+' && s[0] != '-')) return -1;
    size_t i = 1;
    int hh, mm = 0;
    if (read_digits(s, n, &i, 2, &hh) != 0) return -1;
    if (i < n) {
        if (n == 6) read_char(s, n, &i, ':');
        if (read_digits(s, n, &i, 2, &mm) != 0 || i != n) return -1;
    }
    if (hh > 23 || mm > 59) return -1;
    int32_t off = hh * 3600 + mm * 60;
    *offset_s = s[0] == '-' ? -off : off;
    return 0;
}

int k2td_ts_parse(const char *s, size_t n, k2td_ts_unit_t unit, k2td_precision_t prec,
                  int32_t default_offset_s, int64_t *out, char *errstr, size_t errstr_size) {
    size_t i = 0;
    while (i < n && s[i] == ' ') i++;
    if (i == n) {
        k2td_errstr_set(errstr, errstr_size, "empty timestamp");
        return -1;
    }
    if (is_integer_text(s + i, n - i))
        return parse_epoch_text(s + i, n - i, unit, prec, out, errstr, errstr_size);

    int y, mo, d, hh = 0, mi = 0, ss = 0;
    int p = prec_digits(prec);
    int64_t frac = 0;
    int32_t off = default_offset_s;
    if (read_digits(s, n, &i, 4, &y) || read_char(s, n, &i, '-') ||
        read_digits(s, n, &i, 2, &mo) || read_char(s, n, &i, '-') ||
        read_digits(s, n, &i, 2, &d)) {
        err_at(errstr, errstr_size, s, n, i, "a date YYYY-MM-DD");
        return -1;
    }
    if (mo < 1 || mo > 12) {
        k2td_errstr_set(errstr, errstr_size, "month %d is out of range", mo);
        return -1;
    }
    if (d < 1 || d > days_in_month(y, mo)) {
        k2td_errstr_set(errstr, errstr_size, "day %d does not exist in %04d-%02d", d, y, mo);
        return -1;
    }
    if (i < n) {
        if (s[i] != 'T' && s[i] != 't' && s[i] != ' ') {
            err_at(errstr, errstr_size, s, n, i, "'T' or a space before the time");
            return -1;
        }
        i++;
        if (read_digits(s, n, &i, 2, &hh) || read_char(s, n, &i, ':') ||
            read_digits(s, n, &i, 2, &mi) || read_char(s, n, &i, ':') ||
            read_digits(s, n, &i, 2, &ss)) {
            err_at(errstr, errstr_size, s, n, i, "a time hh:mm:ss");
            return -1;
        }
        if (hh > 23 || mi > 59 || ss > 59) {
            k2td_errstr_set(errstr, errstr_size, "time %02d:%02d:%02d is out of range", hh, mi, ss);
            return -1;
        }
        if (i < n && s[i] == '.') {
            size_t start = ++i;
            while (i < n && s[i] >= '0' && s[i] <= '9') {
                if (i - start < (size_t)p) frac = frac * 10 + (s[i] - '0');
                i++;
            }
            if (i == start) {
                err_at(errstr, errstr_size, s, n, i, "fraction digits");
                return -1;
            }
            if (i - start < (size_t)p) frac *= pow10_tab[(size_t)p - (i - start)];
        }
        if (i < n) {
            if (s[i] == ' ') i++;
            if (k2td_ts_parse_zone(s + i, n - i, &off) != 0) {
                err_at(errstr, errstr_size, s, n, i, "a zone Z or +hh:mm");
                return -1;
            }
        }
    }
    /* Years have four digits, so the second count is far from overflowing;
     * only scaling it to ticks can overflow (ns beyond 2262). */
    int64_t secs = days_from_civil(y, mo, d) * 86400 + hh * 3600 + mi * 60 + ss - off;
    int64_t ticks;
    if (scale_ticks(secs, 0, p, &ticks) != 0 || ticks > INT64_MAX - frac) {
        k2td_errstr_set(errstr, errstr_size, "the time overflows 64-bit %s ticks",
                k2td_precision_name(prec));
        return -1;
    }
    *out = ticks + frac;
    return 0;
}

void k2td_ts_range(k2td_precision_t prec, int64_t now, int64_t keep_days, int64_t *min,
                   int64_t *max) {
    int64_t per_day = INT64_C(86400) * pow10_tab[prec_digits(prec)];
    if (keep_days < 0) keep_days = 0;
    if (keep_days > INT64_MAX / per_day || now < INT64_MIN + keep_days * per_day)
        *min = INT64_MIN;
    else
        *min = now - keep_days * per_day;
    *max = prec == K2TD_PREC_NS ? K2TD_TS_MAX_NS
         : prec == K2TD_PREC_US ? K2TD_TS_MAX_US
                                : K2TD_TS_MAX_MS;
}

int k2td_ts_format(int64_t ts, k2td_precision_t prec, char *out, size_t out_size) {
    int p = prec_digits(prec);
    int64_t tps = pow10_tab[p];
    int64_t frac = ts % tps;
    if (frac < 0) frac += tps;
    int64_t secs = floor_div(ts, tps);
    int64_t days = floor_div(secs, 86400);
    int64_t sod = secs - days * 86400;
    int64_t y;
    int m, d;
    civil_from_days(days, &y, &m, &d);
    return snprintf(out, out_size, "%04" PRId64 "-%02d-%02dT%02d:%02d:%02d.%0*" PRId64 "Z", y, m,
                    d, (int)(sod / 3600), (int)(sod / 60 % 60), (int)(sod % 60), p, frac);
}
