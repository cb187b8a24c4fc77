/*
 * test_decimal.c - numbers as the values of DECIMAL(p, s) columns: the
 * rounding and range of decimal.h, the converter's messages, and reading
 * the type from DESCRIBE's text.
 *
 * The expectations are what TDengine 3.3.7.5 stores for the same literal
 * (tests/tdengine/test_decimal.py reads them back from a real server), except
 * where the server is lax: text that is not a number, which it stores as 0.
 */
#include <math.h>
#include <string.h>

#include "common/buf.h"
#include "model/convert.h"
#include "model/decimal.h"
#include "model/schema.h"
#include "test.h"

typedef struct fit_case {
    const char *in;
    int precision, scale;
    const char *want; /* NULL: out of range; "" : not a number */
} fit_case_t;

static void check_fits(const fit_case_t *cases, size_t n) {
    for (size_t i = 0; i < n; i++) {
        const fit_case_t *c = &cases[i];
        char out[K2TD_DECIMAL_TEXT_MAX];
        int rc = k2td_decimal_fit(c->in, strlen(c->in), c->precision, c->scale, out);
        int want_rc = !c->want ? K2TD_DECIMAL_OVERFLOW
                      : !*c->want ? K2TD_DECIMAL_NOT_A_NUMBER
                                  : (int)strlen(c->want);
        if (rc != want_rc || (rc >= 0 && strcmp(out, c->want) != 0)) {
            fprintf(stderr, "case %zu: fit(\"%s\", %d, %d) = %d \"%s\", expected %d \"%s\"\n", i,
                    c->in, c->precision, c->scale, rc, rc >= 0 ? out : "", want_rc,
                    c->want ? c->want : "(overflow)");
            test_checks_failed++;
        }
    }
}

/* Fraction digits beyond the scale round half away from zero, on the
 * digits (1.2349999 stays 1.23); missing ones are zeros. */
static void test_rounding(void) {
    static const fit_case_t cases[] = {
        {"1.234", 10, 2, "1.23"},      {"1.235", 10, 2, "1.24"},
        {"1.2350", 10, 2, "1.24"},     {"1.2349999", 10, 2, "1.23"},
        {"-1.235", 10, 2, "-1.24"},    {"-1.245", 10, 2, "-1.25"},
        {"1.245", 10, 2, "1.25"},      {"5", 10, 2, "5.00"},
        {".5", 10, 2, "0.50"},         {"5.", 10, 2, "5.00"},
        {"+5", 10, 2, "5.00"},         {"0.005", 10, 2, "0.01"},
        {"0.0049", 10, 2, "0.00"},     {"-0.001", 10, 2, "0.00"},
        {"-0", 10, 2, "0.00"},         {"0", 5, 0, "0"},
        {"0.5", 5, 0, "1"},            {"-0.5", 5, 0, "-1"},
        {"0.4", 5, 0, "0"},            {"00000000000000000001.5", 10, 2, "1.50"},
        {"1.00000000000000000000000000000000000000000001", 10, 2, "1.00"},
        {"0.00000000005", 38, 10, "0.0000000001"},
        {"0.00000000004", 38, 10, "0.0000000000"},
    };
    check_fits(cases, sizeof(cases) / sizeof(cases[0]));
}

/* Exponents move the point; the result never has one. */
static void test_exponents(void) {
    static const fit_case_t cases[] = {
        {"1e3", 10, 2, "1000.00"},       {"1.5E-1", 10, 2, "0.15"},
        {"1E+18", 19, 0, "1000000000000000000"},
        {"1e27", 38, 10, "1000000000000000000000000000.0000000000"},
        {"1e28", 38, 10, NULL},          {"1e-400", 19, 0, "0"},
        {"1e400", 19, 0, NULL},          {"-12.5e-1", 4, 1, "-1.3"},
        {"0e999999", 5, 2, "0.00"},      {"1e8", 10, 2, NULL},
    };
    check_fits(cases, sizeof(cases) / sizeof(cases[0]));
}

/* The largest values of DECIMAL64 (p <= 18) and DECIMAL128 (p <= 38), and
 * one digit more, also when rounding adds the digit. */
static void test_limits(void) {
    static const fit_case_t cases[] = {
        {"99999999999999.9999", 18, 4, "99999999999999.9999"},
        {"-99999999999999.9999", 18, 4, "-99999999999999.9999"},
        {"99999999999999.99995", 18, 4, NULL},
        {"100000000000000", 18, 4, NULL},
        {"0.999999999999999999", 18, 18, "0.999999999999999999"},
        {"0.9999999999999999995", 18, 18, NULL},
        {"1", 18, 18, NULL},
        {"9999999999999999999999999999.9999999999", 38, 10,
         "9999999999999999999999999999.9999999999"},
        {"-9999999999999999999999999999.99999999994", 38, 10,
         "-9999999999999999999999999999.9999999999"},
        {"9999999999999999999999999999.99999999995", 38, 10, NULL},
        {"99999999999999999999999999999999999999", 38, 0,
         "99999999999999999999999999999999999999"},
        {"-99999999999999999999999999999999999999", 38, 0,
         "-99999999999999999999999999999999999999"},
        {"100000000000000000000000000000000000000", 38, 0, NULL},
        {"99999999999999999999999999999999999999.5", 38, 0, NULL},
        {"0.99999999999999999999999999999999999999", 38, 38,
         "0.99999999999999999999999999999999999999"},
        {"-0.99999999999999999999999999999999999999", 38, 38,
         "-0.99999999999999999999999999999999999999"},
        {"9999999999999999999", 19, 0, "9999999999999999999"},
        {"10000000000000000000", 19, 0, NULL},
        {"0.9", 1, 1, "0.9"},            {"0.95", 1, 1, NULL},
        {"99999999.99", 10, 2, "99999999.99"},
        {"99999999.994", 10, 2, "99999999.99"},
        {"99999999.995", 10, 2, NULL},
    };
    check_fits(cases, sizeof(cases) / sizeof(cases[0]));
}

/* What TDengine would store as 0 or cut short is not a number here. */
static void test_not_numbers(void) {
    static const fit_case_t cases[] = {
        {"abc", 10, 2, ""}, {"", 10, 2, ""},    {" 5", 10, 2, ""},  {"5 ", 10, 2, ""},
        {"0x10", 10, 2, ""}, {"12abc", 10, 2, ""}, {"1.2.3", 10, 2, ""}, {"--1", 10, 2, ""},
        {"1e+", 10, 2, ""},  {"1.5e", 10, 2, ""},  {"inf", 10, 2, ""},   {"nan", 10, 2, ""},
        {".", 10, 2, ""},    {"-", 10, 2, ""},     {"e5", 10, 2, ""},
    };
    check_fits(cases, sizeof(cases) / sizeof(cases[0]));
}

/* A million-digit exponent or text costs no more than a scan. */
static void test_huge_text(void) {
    static char big[200001];
    memset(big, '9', sizeof(big) - 1);
    char out[K2TD_DECIMAL_TEXT_MAX];
    CHECK_INT(k2td_decimal_fit(big, sizeof(big) - 1, 38, 0, out), K2TD_DECIMAL_OVERFLOW);
    big[0] = '0';
    big[1] = '.';
    CHECK_INT(k2td_decimal_fit(big, sizeof(big) - 1, 38, 2, out), 4);
    CHECK_STR(out, "1.00");
    CHECK_INT(k2td_decimal_fit("1e-999999999", 12, 38, 38, out), 40);
    CHECK_STR(out, "0.00000000000000000000000000000000000000");
}

static k2td_column_t decimal_col(int p, int s) {
    k2td_column_t col = {.name = "d", .type = K2TD_COL_DECIMAL, .length = p > 18 ? 16 : 8,
                         .dec_precision = p, .dec_scale = s};
    return col;
}

/* Converts v into col; returns the literal or the error message. */
static const char *convert(const k2td_value_t *v, const k2td_column_t *col, char *err,
                           size_t err_size, k2td_buf_t *b) {
    k2td_convert_opts_t o;
    k2td_convert_opts_init(&o, K2TD_PREC_MS, 3650, 0);
    k2td_buf_reset(b);
    err[0] = '\0';
    if (k2td_convert_append(v, col, &o, b, err, err_size) != 0) return err;
    k2td_buf_putc(b, '\0');
    return b->data;
}

/* JSON numbers keep their own text (more digits than a double holds);
 * strings and bools convert too; failures name the column and its type. */
static void test_convert(void) {
    k2td_column_t d38 = decimal_col(38, 10), d10 = decimal_col(10, 2), d5 = decimal_col(5, 0);
    k2td_buf_t b = K2TD_BUF_INIT;
    char err[256];
    const char *big = "1234567890123456789012345678.0123456789";
    k2td_value_t v = {.type = K2TD_VAL_FLOAT, .n.f = 1.2345678901234568e27, .str = big,
                      .len = strlen(big)};
    CHECK_STR(convert(&v, &d38, err, sizeof(err), &b), big);
    v = (k2td_value_t){.type = K2TD_VAL_INT, .n.i = -42, .str = "-42", .len = 3};
    CHECK_STR(convert(&v, &d10, err, sizeof(err), &b), "-42.00");
    v = (k2td_value_t){.type = K2TD_VAL_INT, .n.i = 7}; /* a computed value has no text */
    CHECK_STR(convert(&v, &d10, err, sizeof(err), &b), "7.00");
    v = (k2td_value_t){.type = K2TD_VAL_UINT, .n.u = UINT64_MAX};
    CHECK_STR(convert(&v, &d38, err, sizeof(err), &b), "18446744073709551615.0000000000");
    v = (k2td_value_t){.type = K2TD_VAL_FLOAT, .n.f = 0.125};
    CHECK_STR(convert(&v, &d10, err, sizeof(err), &b), "0.13");
    v = (k2td_value_t){.type = K2TD_VAL_STRING, .str = "-12345678.994", .len = 13};
    CHECK_STR(convert(&v, &d10, err, sizeof(err), &b), "-12345678.99");
    v = (k2td_value_t){.type = K2TD_VAL_BOOL, .n.b = 1};
    CHECK_STR(convert(&v, &d10, err, sizeof(err), &b), "1.00");
    v = (k2td_value_t){.type = K2TD_VAL_NULL};
    CHECK_STR(convert(&v, &d10, err, sizeof(err), &b), "NULL");

    v = (k2td_value_t){.type = K2TD_VAL_STRING, .str = "12abc", .len = 5};
    CHECK_STR(convert(&v, &d10, err, sizeof(err), &b),
              "column `d` (DECIMAL(10, 2)): '12abc' is not a decimal number");
    v = (k2td_value_t){.type = K2TD_VAL_STRING, .str = "99999999.995", .len = 12};
    CHECK_STR(convert(&v, &d10, err, sizeof(err), &b),
              "column `d` (DECIMAL(10, 2)): '99999999.995' is out of range: at most 8 digits "
              "before the point (after rounding to 2 decimal places)");
    v = (k2td_value_t){.type = K2TD_VAL_INT, .n.i = 123456, .str = "123456", .len = 6};
    CHECK_STR(convert(&v, &d5, err, sizeof(err), &b),
              "column `d` (DECIMAL(5, 0)): 123456 is out of range: at most 5 digits (after "
              "rounding to an integer)");
    v = (k2td_value_t){.type = K2TD_VAL_FLOAT, .n.f = INFINITY};
    CHECK_STR(convert(&v, &d10, err, sizeof(err), &b),
              "column `d` (DECIMAL(10, 2)): inf is not a finite number");
    k2td_buf_free(&b);
}

/* DESCRIBE writes "DECIMAL(18, 4)"; k2td reads precision and scale and
 * writes the type back the same way. */
static void test_type_text(void) {
    k2td_column_t col = {.name = "d"};
    char text[K2TD_COLTYPE_TEXT_MAX];
    CHECK_INT(k2td_column_set_type(&col, "DECIMAL(18, 4)"), 0);
    CHECK_INT(col.type, K2TD_COL_DECIMAL);
    CHECK_INT(col.dec_precision, 18);
    CHECK_INT(col.dec_scale, 4);
    CHECK_STR(k2td_column_type_text(&col, text), "DECIMAL(18, 4)");
    CHECK_INT(k2td_column_set_type(&col, "decimal(38,38)"), 0);
    CHECK_STR(k2td_column_type_text(&col, text), "DECIMAL(38, 38)");
    CHECK_INT(k2td_column_set_type(&col, "DECIMAL(10)"), 0);
    CHECK_STR(k2td_column_type_text(&col, text), "DECIMAL(10, 0)");
    static const char *const bad[] = {"DECIMAL",          "DECIMAL()",      "DECIMAL(39, 2)",
                                      "DECIMAL(0, 0)",    "DECIMAL(10, 11)", "DECIMAL(10, -1)",
                                      "DECIMAL(10, 2) x", "DECIMAL(a, b)",  "DECIMALS(10, 2)"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (k2td_column_set_type(&col, bad[i]) != -1) {
            fprintf(stderr, "k2td_column_set_type accepted \"%s\"\n", bad[i]);
            test_checks_failed++;
        }
    CHECK_INT(k2td_column_set_type(&col, "VARCHAR(16)"), 0);
    col.length = 16;
    CHECK_STR(k2td_column_type_text(&col, text), "VARCHAR(16)");
    CHECK_INT(k2td_column_set_type(&col, "TINYINT UNSIGNED"), 0);
    CHECK_STR(k2td_column_type_text(&col, text), "TINYINT UNSIGNED");
}

int main(void) {
    RUN(test_rounding);
    RUN(test_exponents);
    RUN(test_limits);
    RUN(test_not_numbers);
    RUN(test_huge_text);
    RUN(test_convert);
    RUN(test_type_text);
    return test_finish();
}
