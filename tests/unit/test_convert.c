/*
 * test_convert.c - values to SQL literals, per column type.
 *
 * Each case converts one value into one column and states either the exact
 * SQL text or a part of the error message. The expectations follow the
 * coercion and escaping tables of the TDengine SQL behaviour reference.
 */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "common/buf.h"
#include "model/convert.h"
#include "model/timestamp.h"
#include "test.h"

/* ---- value builders (text is the literal as a message would carry it) ---- */

static k2td_value_t v_null(void) {
    k2td_value_t v = {0};
    return v;
}

static k2td_value_t v_bool(int b) {
    k2td_value_t v = {0};
    v.type = K2TD_VAL_BOOL;
    v.n.b = b;
    return v;
}

static k2td_value_t v_int(int64_t i, const char *text) {
    k2td_value_t v = {0};
    v.type = K2TD_VAL_INT;
    v.n.i = i;
    v.str = text;
    v.len = text ? strlen(text) : 0;
    return v;
}

static k2td_value_t v_uint(uint64_t u, const char *text) {
    k2td_value_t v = {0};
    v.type = K2TD_VAL_UINT;
    v.n.u = u;
    v.str = text;
    v.len = strlen(text);
    return v;
}

static k2td_value_t v_float(double f, const char *text) {
    k2td_value_t v = {0};
    v.type = K2TD_VAL_FLOAT;
    v.n.f = f;
    v.str = text;
    v.len = strlen(text);
    return v;
}

static k2td_value_t v_strn(const char *s, size_t n) {
    k2td_value_t v = {0};
    v.type = K2TD_VAL_STRING;
    v.str = s;
    v.len = n;
    return v;
}

static k2td_value_t v_str(const char *s) {
    return v_strn(s, strlen(s));
}

static k2td_value_t with_unit(k2td_value_t v, k2td_ts_unit_t unit) {
    v.ts_unit = unit;
    return v;
}

/* ---- the harness ---- */

typedef struct conv_case {
    k2td_value_t v;
    k2td_coltype_t type;
    int32_t length;
    const char *want; /* SQL text, or NULL when an error is expected */
    const char *err;  /* part of the error message when want is NULL */
} conv_case_t;

static const int64_t now_ms = INT64_C(1795478400000); /* 2026-11-24T00:00:00Z */

static k2td_convert_opts_t opts_for(k2td_precision_t prec, int64_t keep_days) {
    k2td_convert_opts_t o;
    int64_t now = prec == K2TD_PREC_NS ? now_ms * 1000000
                : prec == K2TD_PREC_US ? now_ms * 1000
                                       : now_ms;
    k2td_convert_opts_init(&o, prec, keep_days, now);
    return o;
}

/* Returns the failure code an error message must come with: the row
 * policies tell a value too long and a timestamp out of range from every
 * other failure. */
static int want_rc(const char *err) {
    if (strstr(err, "long, more than")) return K2TD_CONVERT_TOO_LONG;
    if (strstr(err, "time range")) return K2TD_CONVERT_TS_RANGE;
    return -1;
}

/* Runs the cases; on success the text must follow "(1," untouched, on
 * failure the buffer must still be exactly "(1,". */
static void run_cases(const conv_case_t *cases, size_t n, const k2td_convert_opts_t *opts) {
    for (size_t i = 0; i < n; i++) {
        const conv_case_t *c = &cases[i];
        k2td_column_t col = {.name = "c", .type = c->type, .length = c->length};
        k2td_buf_t b = K2TD_BUF_INIT;
        char err[512] = "";
        k2td_buf_puts(&b, "(1,");
        int rc = k2td_convert_append(&c->v, &col, opts, &b, err, sizeof(err));
        int ok = c->want ? rc == 0 && strcmp(b.data + 3, c->want) == 0
                         : rc == want_rc(err) && strcmp(b.data, "(1,") == 0 && strstr(err, c->err);
        if (!ok) {
            fprintf(stderr, "case %zu (%s): rc %d, text \"%s\", error \"%s\"; expected %s \"%s\"\n",
                    i, k2td_coltype_name(c->type), rc, b.data + 3, err,
                    c->want ? "text" : "error with", c->want ? c->want : c->err);
            CHECK(!"conversion case");
        }
        if (!c->want) CHECK(strncmp(err, "column `c` (", 12) == 0);
        k2td_buf_free(&b);
    }
}

#define RUN_CASES(cases, opts) run_cases(cases, sizeof(cases) / sizeof(cases[0]), opts)

/* ---- integer columns ---- */

static void test_integer_limits(void) {
    const conv_case_t cases[] = {
        {v_int(-128, "-128"), K2TD_COL_TINYINT, 1, "-128", NULL},
        {v_int(127, "127"), K2TD_COL_TINYINT, 1, "127", NULL},
        {v_int(128, "128"), K2TD_COL_TINYINT, 1, NULL, "128 is out of range [-128, 127]"},
        {v_int(-129, "-129"), K2TD_COL_TINYINT, 1, NULL, "-129 is out of range [-128, 127]"},
        {v_int(300, "300"), K2TD_COL_TINYINT, 1, NULL, "300 is out of range [-128, 127]"},
        {v_int(-32768, "-32768"), K2TD_COL_SMALLINT, 2, "-32768", NULL},
        {v_int(32767, "32767"), K2TD_COL_SMALLINT, 2, "32767", NULL},
        {v_int(32768, "32768"), K2TD_COL_SMALLINT, 2, NULL, "out of range [-32768, 32767]"},
        {v_int(-32769, "-32769"), K2TD_COL_SMALLINT, 2, NULL, "out of range"},
        {v_int(INT32_MIN, "-2147483648"), K2TD_COL_INT, 4, "-2147483648", NULL},
        {v_int(INT32_MAX, "2147483647"), K2TD_COL_INT, 4, "2147483647", NULL},
        {v_int(INT64_C(2147483648), "2147483648"), K2TD_COL_INT, 4, NULL,
         "2147483648 is out of range [-2147483648, 2147483647]"},
        {v_int(INT64_C(-2147483649), "-2147483649"), K2TD_COL_INT, 4, NULL, "out of range"},
        {v_int(INT64_MIN, "-9223372036854775808"), K2TD_COL_BIGINT, 8, "-9223372036854775808", NULL},
        {v_int(INT64_MAX, "9223372036854775807"), K2TD_COL_BIGINT, 8, "9223372036854775807", NULL},
        {v_uint(UINT64_C(9223372036854775808), "9223372036854775808"), K2TD_COL_BIGINT, 8, NULL,
         "9223372036854775808 is out of range [-9223372036854775808, 9223372036854775807]"},
        {v_int(0, "0"), K2TD_COL_UTINYINT, 1, "0", NULL},
        {v_int(255, "255"), K2TD_COL_UTINYINT, 1, "255", NULL},
        {v_int(256, "256"), K2TD_COL_UTINYINT, 1, NULL, "256 is out of range [0, 255]"},
        {v_int(-1, "-1"), K2TD_COL_UTINYINT, 1, NULL, "-1 is out of range [0, 255]"},
        {v_int(65535, "65535"), K2TD_COL_USMALLINT, 2, "65535", NULL},
        {v_int(65536, "65536"), K2TD_COL_USMALLINT, 2, NULL, "out of range [0, 65535]"},
        {v_int(-1, "-1"), K2TD_COL_USMALLINT, 2, NULL, "out of range"},
        {v_int(UINT32_MAX, "4294967295"), K2TD_COL_UINT, 4, "4294967295", NULL},
        {v_int(INT64_C(4294967296), "4294967296"), K2TD_COL_UINT, 4, NULL,
         "out of range [0, 4294967295]"},
        {v_int(-1, "-1"), K2TD_COL_UINT, 4, NULL, "out of range"},
        {v_int(INT64_MAX, "9223372036854775807"), K2TD_COL_UBIGINT, 8, "9223372036854775807", NULL},
        {v_uint(UINT64_MAX, "18446744073709551615"), K2TD_COL_UBIGINT, 8, "18446744073709551615",
         NULL},
        {v_int(-1, "-1"), K2TD_COL_UBIGINT, 8, NULL, "-1 is out of range [0, 18446744073709551615]"},
        {v_int(INT64_MIN, "-9223372036854775808"), K2TD_COL_UBIGINT, 8, NULL, "out of range"},
        /* the number's own text is not needed */
        {v_int(-5, NULL), K2TD_COL_INT, 4, "-5", NULL},
        {v_int(-500, NULL), K2TD_COL_TINYINT, 1, NULL, "-500 is out of range"},
        /* bools */
        {v_bool(1), K2TD_COL_TINYINT, 1, "1", NULL},
        {v_bool(0), K2TD_COL_UBIGINT, 8, "0", NULL},
    };
    k2td_convert_opts_t o = opts_for(K2TD_PREC_MS, 3650);
    RUN_CASES(cases, &o);
}

static void test_integer_from_float(void) {
    const conv_case_t cases[] = {
        {v_float(12.4, "12.4"), K2TD_COL_INT, 4, "12", NULL},
        {v_float(12.5, "12.5"), K2TD_COL_INT, 4, "13", NULL},
        {v_float(-12.5, "-12.5"), K2TD_COL_INT, 4, "-13", NULL},
        {v_float(12.7, "12.7"), K2TD_COL_INT, 4, "13", NULL},
        {v_float(-0.4, "-0.4"), K2TD_COL_INT, 4, "0", NULL},
        {v_float(-0.4, "-0.4"), K2TD_COL_UTINYINT, 1, "0", NULL},
        {v_float(-0.5, "-0.5"), K2TD_COL_UTINYINT, 1, NULL, "-0.5 is out of range [0, 255]"},
        {v_float(127.4, "127.4"), K2TD_COL_TINYINT, 1, "127", NULL},
        {v_float(127.5, "127.5"), K2TD_COL_TINYINT, 1, NULL, "127.5 is out of range [-128, 127]"},
        {v_float(-128.5, "-128.5"), K2TD_COL_TINYINT, 1, NULL, "out of range"},
        {v_float(1e3, "1e3"), K2TD_COL_INT, 4, "1000", NULL},
        {v_float(1.5e2, "1.5e2"), K2TD_COL_SMALLINT, 2, "150", NULL},
        {v_float(-9223372036854775808.0, "-9.223372036854775808e18"), K2TD_COL_BIGINT, 8,
         "-9223372036854775808", NULL},
        {v_float(9223372036854775808.0, "9.223372036854775808e18"), K2TD_COL_BIGINT, 8, NULL,
         "out of range"},
        {v_float(1.8446744073709550e19, "1.844674407370955e19"), K2TD_COL_UBIGINT, 8,
         "18446744073709549568", NULL},
        {v_float(18446744073709551616.0, "18446744073709551616"), K2TD_COL_UBIGINT, 8, NULL,
         "18446744073709551616 is out of range"},
        {v_float(1e300, "1e300"), K2TD_COL_BIGINT, 8, NULL, "out of range"},
        {v_float(INFINITY, "1e999"), K2TD_COL_INT, 4, NULL, "1e999 is not a finite number"},
        {v_float(NAN, "nan"), K2TD_COL_INT, 4, NULL, "not a finite number"},
        {v_float(2.5, ""), K2TD_COL_INT, 4, "3", NULL}, /* no text: the double is used */
    };
    k2td_convert_opts_t o = opts_for(K2TD_PREC_MS, 3650);
    RUN_CASES(cases, &o);
}

static void test_integer_from_string(void) {
    static const char long_exp[] = /* 1 followed by 199 zeros, times 10^-190 */
        "100000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
        "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
        "00000000000000000000e-190";
    const conv_case_t cases[] = {
        {v_str("123"), K2TD_COL_INT, 4, "123", NULL},
        {v_str("+5"), K2TD_COL_INT, 4, "5", NULL},
        {v_str("-0"), K2TD_COL_UTINYINT, 1, "0", NULL},
        {v_str("007"), K2TD_COL_INT, 4, "7", NULL},
        {v_str("12.5"), K2TD_COL_INT, 4, "13", NULL},
        {v_str("-12.5"), K2TD_COL_INT, 4, "-13", NULL},
        {v_str("12.4999"), K2TD_COL_INT, 4, "12", NULL},
        {v_str(".5"), K2TD_COL_INT, 4, "1", NULL},
        {v_str("5."), K2TD_COL_INT, 4, "5", NULL},
        {v_str("1e3"), K2TD_COL_INT, 4, "1000", NULL},
        {v_str("1.5e2"), K2TD_COL_INT, 4, "150", NULL},
        {v_str("-2.5E0"), K2TD_COL_INT, 4, "-3", NULL},
        {v_str("127.5"), K2TD_COL_TINYINT, 1, NULL, "'127.5' is out of range [-128, 127]"},
        {v_str("9223372036854775807"), K2TD_COL_BIGINT, 8, "9223372036854775807", NULL},
        {v_str("-9223372036854775808"), K2TD_COL_BIGINT, 8, "-9223372036854775808", NULL},
        {v_str("9223372036854775808"), K2TD_COL_BIGINT, 8, NULL, "out of range"},
        {v_str("18446744073709551615"), K2TD_COL_UBIGINT, 8, "18446744073709551615", NULL},
        {v_str("18446744073709551615.5"), K2TD_COL_UBIGINT, 8, NULL, "out of range"},
        {v_str("18446744073709551616"), K2TD_COL_UBIGINT, 8, NULL, "out of range"},
        {v_str("99999999999999999999999"), K2TD_COL_BIGINT, 8, NULL, "out of range"},
        {v_str("1e30"), K2TD_COL_BIGINT, 8, NULL, "out of range"},
        {v_str(long_exp), K2TD_COL_BIGINT, 8, "1000000000", NULL},
        {v_str("abc"), K2TD_COL_INT, 4, NULL, "'abc' is not an integer"},
        {v_str(""), K2TD_COL_INT, 4, NULL, "'' is not an integer"},
        {v_str("  42 "), K2TD_COL_INT, 4, NULL, "not an integer"},
        {v_str("1,000"), K2TD_COL_INT, 4, NULL, "not an integer"},
        {v_str("0x10"), K2TD_COL_INT, 4, NULL, "not an integer"},
        {v_str("NULL"), K2TD_COL_INT, 4, NULL, "not an integer"},
        {v_str("true"), K2TD_COL_INT, 4, NULL, "not an integer"},
        {v_str("nan"), K2TD_COL_INT, 4, NULL, "not an integer"},
        {v_str("inf"), K2TD_COL_INT, 4, NULL, "not an integer"},
        {v_str("1e"), K2TD_COL_INT, 4, NULL, "not an integer"},
        {v_str("-"), K2TD_COL_INT, 4, NULL, "not an integer"},
        {v_str("."), K2TD_COL_INT, 4, NULL, "not an integer"},
        {v_str("1.2.3"), K2TD_COL_INT, 4, NULL, "not an integer"},
        {v_strn("12\0", 3), K2TD_COL_INT, 4, NULL, "'12\\x00' is not an integer"},
    };
    k2td_convert_opts_t o = opts_for(K2TD_PREC_MS, 3650);
    RUN_CASES(cases, &o);
}

/* ---- FLOAT / DOUBLE ---- */

static void test_float_columns(void) {
    static char tiny[420], huge[420];
    memset(tiny, '0', sizeof(tiny) - 1); /* 0.000...0001 = 1e-401 */
    tiny[1] = '.';
    tiny[sizeof(tiny) - 2] = '1';
    memset(huge, '0', sizeof(huge) - 1); /* 1 followed by 418 zeros */
    huge[0] = '1';
    const conv_case_t cases[] = {
        {v_int(220, "220"), K2TD_COL_FLOAT, 4, "220", NULL},
        {v_int(INT64_MIN, "-9223372036854775808"), K2TD_COL_FLOAT, 4, "-9223372036854775808",
         NULL},
        {v_uint(UINT64_MAX, "18446744073709551615"), K2TD_COL_DOUBLE, 8, "18446744073709551615",
         NULL},
        {v_int(7, NULL), K2TD_COL_DOUBLE, 8, "7", NULL},
        {v_float(1.5, "1.5"), K2TD_COL_FLOAT, 4, "1.5", NULL},
        {v_float(0.31, "0.31"), K2TD_COL_DOUBLE, 8, "0.31", NULL},
        {v_float(-1.25e-3, "-1.25E-3"), K2TD_COL_DOUBLE, 8, "-1.25E-3", NULL},
        {v_float(3.4028234663852886e38, "3.4028234663852886e38"), K2TD_COL_FLOAT, 4,
         "3.4028234663852886e38", NULL},
        {v_float(-3.4028234663852886e38, "-3.4028234663852886e38"), K2TD_COL_FLOAT, 4,
         "-3.4028234663852886e38", NULL},
        {v_float(3.4028235e38, "3.4028235e38"), K2TD_COL_FLOAT, 4, NULL,
         "3.4028235e38 is out of range [-3.4028234663852886e38, 3.4028234663852886e38]"},
        {v_float(1e39, "1e39"), K2TD_COL_FLOAT, 4, NULL, "1e39 is out of range"},
        {v_float(1e39, "1e39"), K2TD_COL_DOUBLE, 8, "1e39", NULL},
        {v_float(DBL_MAX, "1.7976931348623157e308"), K2TD_COL_DOUBLE, 8, "1.7976931348623157e308",
         NULL},
        {v_float(INFINITY, "1e309"), K2TD_COL_DOUBLE, 8, NULL, "1e309 overflows DOUBLE"},
        {v_float(INFINITY, "1e309"), K2TD_COL_FLOAT, 4, NULL, "out of range"},
        {v_float(NAN, "nan"), K2TD_COL_DOUBLE, 8, NULL, "is not a number"},
        {v_float(0.0, "0.0"), K2TD_COL_DOUBLE, 8, "0.0", NULL},
        {v_float(-0.0, "-0e10"), K2TD_COL_FLOAT, 4, "-0e10", NULL},
        {v_float(0.0, "1e-400"), K2TD_COL_DOUBLE, 8, NULL, "1e-400 is too small"},
        {v_float(0.0, "1e-400"), K2TD_COL_FLOAT, 4, NULL, "too small"},
        {v_float(5e-324, "5e-324"), K2TD_COL_DOUBLE, 8, NULL, "too small"},
        {v_float(2.2250738585072014e-308, "2.2250738585072014e-308"), K2TD_COL_DOUBLE, 8,
         "2.2250738585072014e-308", NULL},
        {v_float(1e-40, "1e-40"), K2TD_COL_FLOAT, 4, "1e-40", NULL},
        {v_float(2.5, ""), K2TD_COL_DOUBLE, 8, "2.5", NULL}, /* no text: shortest digits */
        {v_float(10.3, ""), K2TD_COL_DOUBLE, 8, "10.3", NULL}, /* not 10.300000000000001 */
        {v_bool(1), K2TD_COL_FLOAT, 4, "1", NULL},
        {v_bool(0), K2TD_COL_DOUBLE, 8, "0", NULL},
        /* strings: checked, then sent quoted (TDengine reads '2.5' as 2.5) */
        {v_str("2.5"), K2TD_COL_FLOAT, 4, "'2.5'", NULL},
        {v_str("-7"), K2TD_COL_DOUBLE, 8, "'-7'", NULL},
        {v_str(".5"), K2TD_COL_DOUBLE, 8, "'.5'", NULL},
        {v_str("+5."), K2TD_COL_DOUBLE, 8, "'+5.'", NULL},
        {v_str("1e39"), K2TD_COL_FLOAT, 4, NULL, "'1e39' is out of range"},
        {v_str("1e39"), K2TD_COL_DOUBLE, 8, "'1e39'", NULL},
        {v_str("3.4028234663852886e38"), K2TD_COL_FLOAT, 4, "'3.4028234663852886e38'", NULL},
        {v_str("340282346638528860000000000000000000000"), K2TD_COL_FLOAT, 4,
         "'340282346638528860000000000000000000000'", NULL},
        {v_str("340282347000000000000000000000000000000"), K2TD_COL_FLOAT, 4, NULL,
         "out of range"},
        {v_str("0.0000034028235e44"), K2TD_COL_FLOAT, 4, NULL, "out of range"},
        {v_str("3.5e38"), K2TD_COL_FLOAT, 4, NULL, "out of range"},
        {v_str("1.7976931348623157e308"), K2TD_COL_DOUBLE, 8, "'1.7976931348623157e308'", NULL},
        {v_str("1.8e308"), K2TD_COL_DOUBLE, 8, NULL, "overflows DOUBLE"},
        {v_str("1e99999999999999999999"), K2TD_COL_DOUBLE, 8, NULL, "overflows DOUBLE"},
        {v_str("1e-400"), K2TD_COL_DOUBLE, 8, NULL, "too small"},
        {v_str("1e-99999999999999999999"), K2TD_COL_FLOAT, 4, NULL, "too small"},
        {v_str("0e99999"), K2TD_COL_DOUBLE, 8, "'0e99999'", NULL},
        {v_str("0.000"), K2TD_COL_FLOAT, 4, "'0.000'", NULL},
        {v_str(tiny), K2TD_COL_DOUBLE, 8, NULL, "too small"},
        {v_str(huge), K2TD_COL_DOUBLE, 8, NULL, "overflows DOUBLE"},
        {v_str("abc"), K2TD_COL_DOUBLE, 8, NULL, "'abc' is not a number"},
        {v_str(""), K2TD_COL_FLOAT, 4, NULL, "not a number"},
        {v_str(" 1"), K2TD_COL_FLOAT, 4, NULL, "not a number"},
        {v_str("1 "), K2TD_COL_FLOAT, 4, NULL, "not a number"},
        {v_str("inf"), K2TD_COL_DOUBLE, 8, NULL, "not a number"},
        {v_str("nan"), K2TD_COL_DOUBLE, 8, NULL, "not a number"},
        {v_str("0x1p3"), K2TD_COL_DOUBLE, 8, NULL, "not a number"},
        {v_str("1e+"), K2TD_COL_DOUBLE, 8, NULL, "not a number"},
        {v_str("1,5"), K2TD_COL_DOUBLE, 8, NULL, "not a number"},
    };
    k2td_convert_opts_t o = opts_for(K2TD_PREC_MS, 3650);
    RUN_CASES(cases, &o);
}

/* ---- BOOL ---- */

static void test_bool_column(void) {
    const conv_case_t cases[] = {
        {v_bool(1), K2TD_COL_BOOL, 1, "true", NULL},
        {v_bool(0), K2TD_COL_BOOL, 1, "false", NULL},
        {v_int(2, "2"), K2TD_COL_BOOL, 1, "true", NULL},
        {v_int(-1, "-1"), K2TD_COL_BOOL, 1, "true", NULL},
        {v_int(0, "0"), K2TD_COL_BOOL, 1, "false", NULL},
        {v_uint(UINT64_MAX, "18446744073709551615"), K2TD_COL_BOOL, 1, "true", NULL},
        {v_float(1.5, "1.5"), K2TD_COL_BOOL, 1, "true", NULL},
        {v_float(0.0, "0.0"), K2TD_COL_BOOL, 1, "false", NULL},
        {v_float(NAN, "nan"), K2TD_COL_BOOL, 1, NULL, "not a finite number"},
        {v_str("true"), K2TD_COL_BOOL, 1, "true", NULL},
        {v_str("FALSE"), K2TD_COL_BOOL, 1, "false", NULL},
        {v_str("Yes"), K2TD_COL_BOOL, 1, "true", NULL},
        {v_str("no"), K2TD_COL_BOOL, 1, "false", NULL},
        {v_str("ON"), K2TD_COL_BOOL, 1, "true", NULL},
        {v_str("off"), K2TD_COL_BOOL, 1, "false", NULL},
        {v_str("1"), K2TD_COL_BOOL, 1, "true", NULL},
        {v_str("0"), K2TD_COL_BOOL, 1, "false", NULL},
        {v_str("t"), K2TD_COL_BOOL, 1, NULL, "'t' is not a bool"},
        {v_str("yes "), K2TD_COL_BOOL, 1, NULL, "not a bool"},
        {v_str("2"), K2TD_COL_BOOL, 1, NULL, "not a bool"},
        {v_str(""), K2TD_COL_BOOL, 1, NULL, "not a bool"},
        {v_str("truex"), K2TD_COL_BOOL, 1, NULL, "not a bool"},
        {v_strn("true\0", 5), K2TD_COL_BOOL, 1, NULL, "not a bool"},
    };
    k2td_convert_opts_t o = opts_for(K2TD_PREC_MS, 3650);
    RUN_CASES(cases, &o);
}

/* ---- text columns ---- */

static void test_text_columns(void) {
    const conv_case_t cases[] = {
        {v_str("n1"), K2TD_COL_VARCHAR, 10, "'n1'", NULL},
        {v_str(""), K2TD_COL_VARCHAR, 10, "''", NULL},
        {v_str("NULL"), K2TD_COL_VARCHAR, 10, "'NULL'", NULL},
        {v_str("it's"), K2TD_COL_VARCHAR, 10, "'it\\'s'", NULL},
        {v_str("a\\b"), K2TD_COL_NCHAR, 10, "'a\\\\b'", NULL},
        {v_str("a`b"), K2TD_COL_VARCHAR, 10, "'a`b'", NULL},
        {v_str("a\nb"), K2TD_COL_VARCHAR, 10, "'a\nb'", NULL},
        /* VARCHAR counts bytes, NCHAR code points */
        {v_str("温度传"), K2TD_COL_VARCHAR, 10, "'温度传'", NULL},
        {v_str("温度传感"), K2TD_COL_VARCHAR, 10, NULL, "'温度传感' is 12 bytes long, more than 10"},
        {v_str("温度传感"), K2TD_COL_NCHAR, 4, "'温度传感'", NULL},
        {v_str("温度传感器"), K2TD_COL_NCHAR, 4, NULL, "is 5 characters long, more than 4"},
        {v_str("😀x"), K2TD_COL_VARCHAR, 5, "'😀x'", NULL},
        {v_str("😀x"), K2TD_COL_VARCHAR, 4, NULL, "5 bytes long"},
        {v_str("😀😀😀😀"), K2TD_COL_NCHAR, 4, "'😀😀😀😀'", NULL},
        {v_str("😀😀😀😀😀"), K2TD_COL_NCHAR, 4, NULL, "5 characters long"},
        {v_str("0123456789abcdef"), K2TD_COL_VARCHAR, 16, "'0123456789abcdef'", NULL},
        {v_str("0123456789abcdefg"), K2TD_COL_VARCHAR, 16, NULL, "17 bytes long, more than 16"},
        /* invalid UTF-8: raw bytes in VARCHAR, refused by NCHAR */
        {v_str("a\xff\xfe" "b"), K2TD_COL_VARCHAR, 10, "'a\xff\xfe" "b'", NULL},
        {v_str("a\xff\xfe" "b"), K2TD_COL_NCHAR, 10, NULL,
         "'a\\xff\\xfeb' is not valid UTF-8 (at byte 1)"},
        {v_str("a\xc3" "b"), K2TD_COL_NCHAR, 10, NULL, "not valid UTF-8 (at byte 1)"},
        {v_str("\xc0\xaf"), K2TD_COL_NCHAR, 10, NULL, "not valid UTF-8 (at byte 0)"},
        {v_str("\xed\xa0\x80"), K2TD_COL_NCHAR, 10, NULL, "not valid UTF-8"},
        {v_str("\xf4\x90\x80\x80"), K2TD_COL_NCHAR, 10, NULL, "not valid UTF-8"},
        {v_str("\xe0\x9f\xbf"), K2TD_COL_NCHAR, 10, NULL, "not valid UTF-8"},
        {v_str("x\xe6\xb8"), K2TD_COL_NCHAR, 10, NULL, "not valid UTF-8 (at byte 1)"},
        {v_str("\xf4\x8f\xbf\xbf\xed\x9f\xbf"), K2TD_COL_NCHAR, 2, "'\xf4\x8f\xbf\xbf\xed\x9f\xbf'",
         NULL},
        /* NUL cannot travel in SQL text */
        {v_strn("a\0b", 3), K2TD_COL_VARCHAR, 10, NULL, "'a\\x00b' contains a NUL byte"},
        {v_strn("a\0b", 3), K2TD_COL_NCHAR, 10, NULL, "NUL byte"},
        /* numbers and bools become their text */
        {v_int(123, "123"), K2TD_COL_VARCHAR, 10, "'123'", NULL},
        {v_int(-5, NULL), K2TD_COL_NCHAR, 10, "'-5'", NULL},
        {v_float(3.14, "3.14"), K2TD_COL_NCHAR, 4, "'3.14'", NULL},
        {v_float(1e3, "1e3"), K2TD_COL_VARCHAR, 10, "'1e3'", NULL},
        {v_uint(UINT64_MAX, "18446744073709551615"), K2TD_COL_VARCHAR, 10, NULL,
         "20 bytes long, more than 10"},
        {v_bool(1), K2TD_COL_VARCHAR, 10, "'true'", NULL},
        {v_bool(0), K2TD_COL_NCHAR, 4, NULL, "false is 5 characters long, more than 4"},
        /* VARBINARY travels as hex, so every byte survives */
        {v_str("ABC"), K2TD_COL_VARBINARY, 16, "'\\x414243'", NULL},
        {v_str("\\x41"), K2TD_COL_VARBINARY, 16, "'\\x5c783431'", NULL},
        {v_strn("a\0b", 3), K2TD_COL_VARBINARY, 16, "'\\x610062'", NULL},
        {v_str(""), K2TD_COL_VARBINARY, 16, "''", NULL},
        {v_str("0123456789abcdefg"), K2TD_COL_VARBINARY, 16, NULL, "17 bytes long"},
        {v_int(42, "42"), K2TD_COL_VARBINARY, 16, "'\\x3432'", NULL},
        /* GEOMETRY and JSON: strings only, TDengine checks the content */
        {v_str("POINT(1 2)"), K2TD_COL_GEOMETRY, 64, "'POINT(1 2)'", NULL},
        {v_str("not a geometry but long enough to pass any length"), K2TD_COL_GEOMETRY, 21,
         "'not a geometry but long enough to pass any length'", NULL},
        {v_int(1, "1"), K2TD_COL_GEOMETRY, 64, NULL, "1 is not a string"},
        {v_str("{\"a\":\"it's\"}"), K2TD_COL_JSON, 4095, "'{\"a\":\"it\\'s\"}'", NULL},
        {v_bool(1), K2TD_COL_JSON, 4095, NULL, "true is not a string"},
        {v_strn("{\"a\":\0}", 7), K2TD_COL_JSON, 4095, NULL, "NUL byte"},
    };
    k2td_convert_opts_t o = opts_for(K2TD_PREC_MS, 3650);
    RUN_CASES(cases, &o);
}

/* ---- TIMESTAMP ---- */

static void test_timestamp_ms(void) {
    k2td_convert_opts_t o = opts_for(K2TD_PREC_MS, 3650);
    const conv_case_t cases[] = {
        {v_int(INT64_C(1764000000000), "1764000000000"), K2TD_COL_TIMESTAMP, 8, "1764000000000",
         NULL},
        {v_int(1764000000, "1764000000"), K2TD_COL_TIMESTAMP, 8, "1764000000000", NULL},
        {v_int(INT64_C(1764000000123456), "1764000000123456"), K2TD_COL_TIMESTAMP, 8,
         "1764000000123", NULL},
        {v_int(INT64_C(1764000000123456789), "1764000000123456789"), K2TD_COL_TIMESTAMP, 8,
         "1764000000123", NULL},
        {with_unit(v_int(INT64_C(1764000000123), "1764000000123"), K2TD_TS_MS), K2TD_COL_TIMESTAMP,
         8, "1764000000123", NULL},
        {with_unit(v_int(1764000000, "1764000000"), K2TD_TS_MS), K2TD_COL_TIMESTAMP, 8, NULL,
         "1764000000 (1970-01-21T10:00:00.000Z) is out of the database's time range "
         "[2016-11-26T00:00:00.000Z, 2970-01-01T00:00:00.000Z]"},
        {v_str("2025-11-25T00:00:02Z"), K2TD_COL_TIMESTAMP, 8, "1764028802000", NULL},
        {v_str("2025-11-25 00:00:00.000"), K2TD_COL_TIMESTAMP, 8, "1764028800000", NULL},
        {v_str("2025-11-25T00:00:05.123456789Z"), K2TD_COL_TIMESTAMP, 8, "1764028805123", NULL},
        {v_str("1764028810000"), K2TD_COL_TIMESTAMP, 8, "1764028810000", NULL},
        {with_unit(v_str("1764028810"), K2TD_TS_S), K2TD_COL_TIMESTAMP, 8, "1764028810000", NULL},
        {v_str("2025/11/25 00:00:09"), K2TD_COL_TIMESTAMP, 8, NULL,
         "'2025/11/25 00:00:09' is not a valid timestamp: unexpected '/' at offset 4"},
        {v_str("abc"), K2TD_COL_TIMESTAMP, 8, NULL, "not a valid timestamp"},
        {v_str(""), K2TD_COL_TIMESTAMP, 8, NULL, "not a valid timestamp: empty"},
        {v_str("2025-13-01"), K2TD_COL_TIMESTAMP, 8, NULL, "month 13"},
        {v_float(1764028811.5, "1764028811.5"), K2TD_COL_TIMESTAMP, 8, NULL,
         "1764028811.5 is not a valid timestamp: an epoch must be an integer"},
        {v_uint(UINT64_C(9223372036854775808), "9223372036854775808"), K2TD_COL_TIMESTAMP, 8, NULL,
         "overflows"},
        {v_bool(1), K2TD_COL_TIMESTAMP, 8, NULL, "true is not a valid timestamp"},
        {with_unit(v_int(INT64_C(9223372036854776), "9223372036854776"), K2TD_TS_S),
         K2TD_COL_TIMESTAMP, 8, NULL, "overflows"},
        /* range (KEEP 3650d at 2026-11-24): the reference's accepted/rejected dates */
        {v_int(0, "0"), K2TD_COL_TIMESTAMP, 8, NULL, "(1970-01-01T00:00:00.000Z) is out of"},
        {v_int(-1000, "-1000"), K2TD_COL_TIMESTAMP, 8, NULL, "out of the database's time range"},
        {v_str("2000-01-01 00:00:00"), K2TD_COL_TIMESTAMP, 8, NULL, "out of"},
        {v_str("2016-11-20 00:00:00"), K2TD_COL_TIMESTAMP, 8, NULL, "out of"},
        {v_str("2016-12-01 00:00:00"), K2TD_COL_TIMESTAMP, 8, "1480550400000", NULL},
        {v_str("2100-01-01"), K2TD_COL_TIMESTAMP, 8, "4102444800000", NULL},
        {v_str("2262-04-11 23:47:16.855"), K2TD_COL_TIMESTAMP, 8, "9223372036855", NULL},
        {v_str("3000-01-01"), K2TD_COL_TIMESTAMP, 8, NULL, "(3000-01-01T00:00:00.000Z) is out of"},
        {v_str("9999-12-31 23:59:59"), K2TD_COL_TIMESTAMP, 8, NULL, "out of"},
        {with_unit(v_int(INT64_C(253402300799000), "253402300799000"), K2TD_TS_MS),
         K2TD_COL_TIMESTAMP, 8, NULL, "out of"},
        /* read as ns by its magnitude: 2262, within the ms range */
        {v_int(INT64_MAX, "9223372036854775807"), K2TD_COL_TIMESTAMP, 8, "9223372036854", NULL},
        /* exact edges */
        {with_unit(v_int(o.ts_min, NULL), K2TD_TS_MS), K2TD_COL_TIMESTAMP, 8, "1480118400000",
         NULL},
        {with_unit(v_int(o.ts_min - 1, NULL), K2TD_TS_MS), K2TD_COL_TIMESTAMP, 8, NULL,
         "(2016-11-25T23:59:59.999Z) is out of"},
        {with_unit(v_int(K2TD_TS_MAX_MS, NULL), K2TD_TS_MS), K2TD_COL_TIMESTAMP, 8,
         "31556995200000", NULL},
        {with_unit(v_int(K2TD_TS_MAX_MS + 1, NULL), K2TD_TS_MS), K2TD_COL_TIMESTAMP, 8, NULL,
         "out of"},
        {v_str("2970-01-01T00:00:00Z"), K2TD_COL_TIMESTAMP, 8, "31556995200000", NULL},
        {v_str("2970-01-01T00:00:00.001Z"), K2TD_COL_TIMESTAMP, 8, NULL, "out of"},
        {v_str("2016-11-26T00:00:00Z"), K2TD_COL_TIMESTAMP, 8, "1480118400000", NULL},
        {v_str("2016-11-25T23:59:59.999Z"), K2TD_COL_TIMESTAMP, 8, NULL, "out of"},
    };
    RUN_CASES(cases, &o);
}

static void test_timestamp_us_ns(void) {
    k2td_convert_opts_t us = opts_for(K2TD_PREC_US, 3650);
    const conv_case_t us_cases[] = {
        {v_int(INT64_C(1764000000000000), "1764000000000000"), K2TD_COL_TIMESTAMP, 8,
         "1764000000000000", NULL},
        /* an ms-sized integer is detected as ms, not read as us ticks */
        {v_int(INT64_C(1764000000000), "1764000000000"), K2TD_COL_TIMESTAMP, 8,
         "1764000000000000", NULL},
        {with_unit(v_int(INT64_C(1764000000000), "1764000000000"), K2TD_TS_US), K2TD_COL_TIMESTAMP,
         8, NULL, "(1970-01-21T10:00:00.000000Z) is out of"},
        {v_str("2025-11-25T00:00:00.123456Z"), K2TD_COL_TIMESTAMP, 8, "1764028800123456", NULL},
        {v_str("2025-11-25T00:00:01.123456789Z"), K2TD_COL_TIMESTAMP, 8, "1764028801123456", NULL},
        {v_str("2025-11-25 00:00:02.1"), K2TD_COL_TIMESTAMP, 8, "1764028802100000", NULL},
        {v_str("2970-01-01"), K2TD_COL_TIMESTAMP, 8, "31556995200000000", NULL},
        {v_str("2970-01-01T00:00:00.000001Z"), K2TD_COL_TIMESTAMP, 8, NULL, "out of"},
    };
    RUN_CASES(us_cases, &us);

    k2td_convert_opts_t ns = opts_for(K2TD_PREC_NS, 3650);
    const conv_case_t ns_cases[] = {
        {v_int(INT64_C(1764000000000000000), "1764000000000000000"), K2TD_COL_TIMESTAMP, 8,
         "1764000000000000000", NULL},
        {v_int(INT64_C(1764000000000), "1764000000000"), K2TD_COL_TIMESTAMP, 8,
         "1764000000000000000", NULL},
        {v_int(1764000000, "1764000000"), K2TD_COL_TIMESTAMP, 8, "1764000000000000000", NULL},
        {v_str("2025-11-25T00:00:00.123456789Z"), K2TD_COL_TIMESTAMP, 8, "1764028800123456789",
         NULL},
        {v_int(INT64_MAX, "9223372036854775807"), K2TD_COL_TIMESTAMP, 8, NULL,
         "(2262-04-11T23:47:16.854775807Z) is out of"},
        {v_str("2262-04-11 00:00:00"), K2TD_COL_TIMESTAMP, 8, NULL, "out of"},
        {v_str("2262-04-12"), K2TD_COL_TIMESTAMP, 8, NULL, "overflows"},
        {v_str("2262-01-01T00:00:00Z"), K2TD_COL_TIMESTAMP, 8, "9214646400000000000", NULL},
        {v_str("2262-01-01T00:00:00.000000001Z"), K2TD_COL_TIMESTAMP, 8, NULL, "out of"},
        {with_unit(v_int(INT64_C(9223372036855), "9223372036855"), K2TD_TS_MS), K2TD_COL_TIMESTAMP,
         8, NULL, "overflows"},
    };
    RUN_CASES(ns_cases, &ns);
}

static void test_timestamp_long_keep_and_zone(void) {
    k2td_convert_opts_t o = opts_for(K2TD_PREC_MS, 365000);
    const conv_case_t cases[] = {
        {v_int(0, "0"), K2TD_COL_TIMESTAMP, 8, "0", NULL},
        {with_unit(v_int(-1, "-1"), K2TD_TS_MS), K2TD_COL_TIMESTAMP, 8, "-1", NULL},
        {v_int(-1000, "-1000"), K2TD_COL_TIMESTAMP, 8, "-1000000", NULL},
        {v_str("1969-12-31 23:59:59.999"), K2TD_COL_TIMESTAMP, 8, "-1", NULL},
        {v_str("1900-01-01 00:00:00"), K2TD_COL_TIMESTAMP, 8, "-2208988800000", NULL},
        {v_str("1900-01-01T00:00:00+08:00"), K2TD_COL_TIMESTAMP, 8, "-2209017600000", NULL},
        {with_unit(v_int(INT64_MIN, NULL), K2TD_TS_MS), K2TD_COL_TIMESTAMP, 8, NULL, "out of"},
    };
    RUN_CASES(cases, &o);

    /* a client in Asia/Shanghai (+08:00) reading a zone-less string */
    o = opts_for(K2TD_PREC_MS, 3650);
    o.default_offset_s = 8 * 3600;
    const conv_case_t zoned[] = {
        {v_str("2025-11-25 00:00:00.000"), K2TD_COL_TIMESTAMP, 8, "1764000000000", NULL},
        {v_str("2025-11-25T00:00:00.000Z"), K2TD_COL_TIMESTAMP, 8, "1764028800000", NULL},
    };
    RUN_CASES(zoned, &o);
}

/* ---- every type ---- */

static void test_null_and_unknown(void) {
    k2td_convert_opts_t o = opts_for(K2TD_PREC_MS, 3650);
    for (int t = K2TD_COL_TIMESTAMP; t <= K2TD_COL_JSON; t++) {
        const conv_case_t c[] = {{v_null(), (k2td_coltype_t)t, 8, "NULL", NULL}};
        RUN_CASES(c, &o);
    }
    const conv_case_t unknown[] = {
        {v_int(1, "1"), K2TD_COL_UNKNOWN, 8, NULL, "unsupported column type"},
    };
    RUN_CASES(unknown, &o);
}

/* The whole message, for a column and for a tag. */
static void test_error_messages(void) {
    k2td_convert_opts_t o = opts_for(K2TD_PREC_MS, 3650);
    k2td_column_t voltage = {.name = "voltage", .type = K2TD_COL_TINYINT, .length = 1};
    k2td_column_t location = {.name = "location", .type = K2TD_COL_VARCHAR, .length = 8,
                              .is_tag = 1};
    k2td_buf_t b = K2TD_BUF_INIT;
    char err[256];
    k2td_value_t v = v_int(300, "300");
    CHECK_INT(k2td_convert_append(&v, &voltage, &o, &b, err, sizeof(err)), -1);
    CHECK_STR(err, "column `voltage` (TINYINT): 300 is out of range [-128, 127]");
    v = v_str("123456789");
    CHECK_INT(k2td_convert_append(&v, &location, &o, &b, err, sizeof(err)), K2TD_CONVERT_TOO_LONG);
    CHECK_STR(err, "tag `location` (VARCHAR): '123456789' is 9 bytes long, more than 8");
    /* a long value is cut in the message, never mid-character */
    char long_text[200];
    for (int i = 0; i < 66; i++) memcpy(long_text + 3 * i, "温", 3);
    long_text[198] = '\0';
    v = v_str(long_text);
    CHECK_INT(k2td_convert_append(&v, &location, &o, &b, err, sizeof(err)), K2TD_CONVERT_TOO_LONG);
    CHECK(strstr(err, "温温'... is 198 bytes long") != NULL);
    /* a tiny or missing errstr is fine */
    char small[8];
    CHECK_INT(k2td_convert_append(&v, &location, &o, &b, small, sizeof(small)),
              K2TD_CONVERT_TOO_LONG);
    CHECK_STR(small, "tag `lo");
    CHECK_INT(k2td_convert_append(&v, &location, &o, &b, NULL, 0), K2TD_CONVERT_TOO_LONG);
    CHECK_INT(b.len, 0);
    k2td_buf_free(&b);
}

/* Several values appended back to back form one VALUES tuple. */
static void test_row(void) {
    k2td_convert_opts_t o = opts_for(K2TD_PREC_MS, 3650);
    k2td_column_t cols[] = {
        {.name = "ts", .type = K2TD_COL_TIMESTAMP, .length = 8},
        {.name = "current", .type = K2TD_COL_FLOAT, .length = 4},
        {.name = "voltage", .type = K2TD_COL_INT, .length = 4},
        {.name = "phase", .type = K2TD_COL_FLOAT, .length = 4},
        {.name = "note", .type = K2TD_COL_VARCHAR, .length = 10},
        {.name = "cn", .type = K2TD_COL_NCHAR, .length = 4},
    };
    k2td_value_t vals[] = {
        v_int(INT64_C(1764000000000), "1764000000000"), v_float(1.5, "1.5"), v_str("220"),
        v_null(), v_str("it's"), v_str("温度"),
    };
    k2td_buf_t b = K2TD_BUF_INIT;
    char err[256];
    k2td_buf_putc(&b, '(');
    for (size_t i = 0; i < 6; i++) {
        if (i) k2td_buf_putc(&b, ',');
        CHECK_INT(k2td_convert_append(&vals[i], &cols[i], &o, &b, err, sizeof(err)), 0);
    }
    k2td_buf_putc(&b, ')');
    CHECK_STR(b.data, "(1764000000000,1.5,220,NULL,'it\\'s','温度')");
    k2td_buf_free(&b);
}

/* fit_length cuts text to a column's length without splitting a character. */
static void test_fit_length(void) {
    static const struct {
        k2td_coltype_t type;
        int32_t length;
        const char *in, *want;
    } cases[] = {
        {K2TD_COL_VARCHAR, 4, "abcdef", "abcd"},
        {K2TD_COL_VARCHAR, 4, "ab", "ab"},
        {K2TD_COL_VARCHAR, 4, "a\xe6\xb8\xa9\xe5\xba\xa6", "a\xe6\xb8\xa9"}, /* 1 + 3 bytes */
        {K2TD_COL_VARCHAR, 5, "a\xe6\xb8\xa9\xe5\xba\xa6", "a\xe6\xb8\xa9"}, /* no half char */
        {K2TD_COL_NCHAR, 2, "\xe6\xb8\xa9\xe5\xba\xa6\xe4\xbc\xa0", "\xe6\xb8\xa9\xe5\xba\xa6"},
        {K2TD_COL_VARBINARY, 3, "\xff\xfe\xfd\xfc", "\xff\xfe\xfd"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        k2td_column_t col = {.name = "c", .type = cases[i].type, .length = cases[i].length};
        k2td_value_t v = {.type = K2TD_VAL_STRING, .str = cases[i].in, .len = strlen(cases[i].in)};
        k2td_value_t out;
        char tmp[32];
        k2td_convert_fit_length(&v, &col, tmp, &out);
        CHECK(out.type == K2TD_VAL_STRING && out.len == strlen(cases[i].want) &&
              memcmp(out.str, cases[i].want, out.len) == 0);
        k2td_buf_t b = K2TD_BUF_INIT;
        CHECK_INT(k2td_convert_append(&out, &col, &(k2td_convert_opts_t){0}, &b, NULL, 0), 0);
        k2td_buf_free(&b);
    }
    k2td_column_t col = {.name = "c", .type = K2TD_COL_VARCHAR, .length = 3};
    k2td_value_t num = {.type = K2TD_VAL_INT, .n.i = 123456}, out;
    char tmp[32];
    k2td_convert_fit_length(&num, &col, tmp, &out);
    CHECK(out.type == K2TD_VAL_STRING && out.len == 3 && memcmp(out.str, "123", 3) == 0);
}

int main(void) {
    RUN(test_integer_limits);
    RUN(test_integer_from_float);
    RUN(test_integer_from_string);
    RUN(test_float_columns);
    RUN(test_bool_column);
    RUN(test_text_columns);
    RUN(test_timestamp_ms);
    RUN(test_timestamp_us_ns);
    RUN(test_timestamp_long_keep_and_zone);
    RUN(test_null_and_unknown);
    RUN(test_error_messages);
    RUN(test_row);
    RUN(test_fit_length);
    return test_finish();
}
