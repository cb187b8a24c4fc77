/*
 * test_num_text.c - numbers as text: known doubles (zero, -0, tenths,
 * thirds, powers of two whose interval is lopsided, limits, subnormals,
 * NaN and infinities), 64-bit integers, and randomized round trips checked
 * against the digits that printf("%.*e") finds the slow way.
 */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "common/num_text.h"
#include "test.h"

/* The first %.15g / %.16g / %.17g text that reads back as v, into out. */
static void g_text(double v, char out[K2TD_NUM_TEXT_MAX]) {
    for (int p = 15; p <= 17; p++) {
        snprintf(out, K2TD_NUM_TEXT_MAX, "%.*g", p, v);
        if (strtod(out, NULL) == v) return;
    }
}

/* A decimal as its significant digits (no leading or trailing zero) and
 * the exponent of the first one. */
typedef struct digits {
    char d[24];
    int x;
} digits_t;

/* Reads the digits of a number text (any layout strtod takes, no sign). */
static digits_t text_digits(const char *s) {
    digits_t r = {{0}, 0};
    int n = 0, point = -1, lead = 1, seen = 0;
    for (; *s && *s != 'e'; s++) {
        if (*s == '.') {
            point = seen;
            continue;
        }
        seen++;
        if (lead && *s == '0') continue;
        if (lead) r.x = seen; /* position of the first significant digit */
        lead = 0;
        if (n < 23) r.d[n++] = *s;
    }
    if (point < 0) point = seen;
    r.x = point - r.x + (*s == 'e' ? atoi(s + 1) : 0);
    while (n > 1 && r.d[n - 1] == '0') r.d[--n] = '\0';
    return r;
}

/* The shortest digits of a (> 0, not a power of two) the slow way: the
 * fewest p for which printf("%.*e", p - 1) reads back (that property only
 * grows with p, so a binary search finds it). */
static digits_t reference_digits(double a) {
    char t[K2TD_NUM_TEXT_MAX];
    int lo = 1, hi = 17;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        snprintf(t, sizeof(t), "%.*e", mid - 1, a);
        if (strtod(t, NULL) == a)
            hi = mid;
        else
            lo = mid + 1;
    }
    snprintf(t, sizeof(t), "%.*e", hi - 1, a);
    return text_digits(t);
}

/* Checks the text of v: reads back exactly (sign of zero included), has the
 * reference digits (a power of two: no more of them), and is no longer than
 * the first %.15g..%.17g that reads back, except that an integer below 10^17
 * is written in full where %g switches to an exponent. Returns the number of
 * failed checks. */
static int check_value(double v) {
    char out[K2TD_NUM_TEXT_MAX], g[K2TD_NUM_TEXT_MAX];
    int failed = 0;
    size_t len = k2td_num_text_double(v, out);
    if (len != strlen(out)) failed++;
    if (strtod(out, NULL) != v || signbit(strtod(out, NULL)) != signbit(v)) failed++;
    g_text(v, g);
    if (strchr(g, 'e') && !strchr(out, 'e')) {
        if (strchr(out, '.') || !(fabs(v) < 1e17)) failed++;
    } else if (len > strlen(g)) {
        failed++;
    }
    if (v != 0) {
        digits_t ours = text_digits(out + (v < 0)), ref = reference_digits(fabs(v));
        int exp2;
        if (fabs(frexp(v, &exp2)) == 0.5) {
            /* a power of two may have a shorter text than the nearest one */
            if (strlen(ours.d) > strlen(ref.d)) failed++;
        } else if (strcmp(ours.d, ref.d) != 0 || ours.x != ref.x) {
            failed++;
        }
    }
    if (failed) fprintf(stderr, "  %a: wrote \"%s\", %%g \"%s\"\n", v, out, g);
    return failed;
}

static void test_known_values(void) {
    static const struct {
        double v;
        const char *want;
    } cases[] = {
        {0.0, "0"},
        {-0.0, "-0"},
        {1.0, "1"},
        {-1.0, "-1"},
        {2.5, "2.5"},
        {0.1, "0.1"},
        {0.3, "0.3"},
        {-71.78, "-71.78"},
        {123.456, "123.456"},
        {0.0001, "0.0001"},
        {0.00001, "1e-05"},
        {1e-7, "1e-07"},
        {1e-15, "1e-15"},
        {1e-16, "1e-16"},
        {1.5e-5, "1.5e-05"},
        {3e-10, "3e-10"},
        {1e15, "1000000000000000"},
        {1e16, "10000000000000000"},
        {1e17, "1e+17"},
        {1e21, "1e+21"},
        {1e23, "1e+23"},
        {-1e300, "-1e+300"},
        {5e-324, "5e-324"},
        {-5e-324, "-5e-324"},
        {DBL_MAX, "1.7976931348623157e+308"},
        {DBL_MIN, "2.2250738585072014e-308"},
        {DBL_EPSILON, "2.220446049250313e-16"},
        {123456789012345678.0, "1.2345678901234568e+17"},
        {9007199254740992.0, "9007199254740992"}, /* 2^53 */
        {9007199254740994.0, "9007199254740994"},
        {-9007199254740991.0, "-9007199254740991"},
        {18446744073709551616.0, "1.8446744073709552e+19"}, /* 2^64 */
        {4294967295.0, "4294967295"},
        /* powers of two: the nearest decimal of the shortest length lies just
         * below, outside the narrower lower half of the interval */
        {5.9604644775390625e-08, "5.960464477539063e-08"},   /* 2^-24 */
        {5.6843418860808015e-14, "5.684341886080802e-14"},   /* 2^-44 */
        {6.0708402882054033e+82, "6.070840288205404e+82"},   /* 2^275 */
        {7.1202363472230444e-307, "7.120236347223045e-307"}, /* 2^-1017 */
        {9.5367431640625e-07, "9.5367431640625e-07"},        /* 2^-20 */
        {1099511627776.0, "1099511627776"},                  /* 2^40 */
    };
    char out[K2TD_NUM_TEXT_MAX];
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        size_t n = k2td_num_text_double(cases[i].v, out);
        CHECK_STR(out, cases[i].want);
        CHECK_INT(n, strlen(cases[i].want));
        CHECK_INT(check_value(cases[i].v), 0);
    }
}

/* Values as computations produce them, checked against printf's shortest. */
static void test_computed_values(void) {
    volatile double t = 22.1, third = 1.0, tenth = 0.1;
    char out[K2TD_NUM_TEXT_MAX];
    k2td_num_text_double(t * 1.8 + 32, out);
    CHECK_STR(out, "71.78");
    k2td_num_text_double(third / 3, out);
    CHECK_STR(out, "0.3333333333333333");
    k2td_num_text_double(-2 * third / 3, out);
    CHECK_STR(out, "-0.6666666666666666");
    k2td_num_text_double(tenth + 0.2, out);
    CHECK_STR(out, "0.30000000000000004");
    k2td_num_text_double(tenth * 3, out);
    CHECK_STR(out, "0.30000000000000004");
    k2td_num_text_double(1.1 * 1.1, out);
    CHECK_STR(out, "1.2100000000000002");
    k2td_num_text_double(t * 1.0 + 0, out);
    CHECK_STR(out, "22.1");
}

static void test_not_finite(void) {
    char out[K2TD_NUM_TEXT_MAX];
    CHECK_INT(k2td_num_text_double(INFINITY, out), 3);
    CHECK_STR(out, "inf");
    CHECK_INT(k2td_num_text_double(-INFINITY, out), 4);
    CHECK_STR(out, "-inf");
    CHECK_INT(k2td_num_text_double(NAN, out), 3);
    CHECK_STR(out, "nan");
    CHECK_INT(k2td_num_text_double(-NAN, out), 4);
    CHECK_STR(out, "-nan");
}

static void test_integers(void) {
    static const int64_t cases[] = {0,
                                    1,
                                    -1,
                                    9,
                                    10,
                                    -10,
                                    99,
                                    100,
                                    12345,
                                    -1000000,
                                    INT32_MAX,
                                    INT32_MIN,
                                    9999999999,
                                    1000000000000000,
                                    -100000000000000000,
                                    INT64_MAX,
                                    INT64_MIN};
    char out[K2TD_NUM_TEXT_MAX], want[K2TD_NUM_TEXT_MAX];
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        snprintf(want, sizeof(want), "%" PRId64, cases[i]);
        CHECK_INT(k2td_num_text_i64(cases[i], out), strlen(want));
        CHECK_STR(out, want);
    }
    CHECK_INT(k2td_num_text_u64(UINT64_MAX, out), 20);
    CHECK_STR(out, "18446744073709551615");
    CHECK_INT(k2td_num_text_u64(10000000000000000000ULL, out), 20);
    CHECK_STR(out, "10000000000000000000");
    /* every power of ten and its neighbours */
    uint64_t p = 1;
    for (int k = 0; k < 20; k++, p *= 10)
        for (uint64_t u = p - 1; u <= p + 1; u++) {
            snprintf(want, sizeof(want), "%" PRIu64, u);
            k2td_num_text_u64(u, out);
            CHECK_STR(out, want);
        }
}

/* splitmix64: a fixed sequence, so a failure repeats. */
static uint64_t next_random(uint64_t *state) {
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* Random bit patterns: every exponent is as likely as any other, so most
 * values are far outside everyday magnitudes and take the fallback. The
 * count keeps the test within seconds (each check costs a dozen printf and
 * strtod calls); the fuzz target goes on where it stops. */
static void test_random_bits(void) {
    uint64_t state = 20250101;
    int failed = 0;
    for (int i = 0; i < 200000 && failed < 10; i++) {
        uint64_t bits = next_random(&state);
        double v;
        memcpy(&v, &bits, sizeof(v));
        if (isfinite(v)) failed += check_value(v) != 0;
    }
    CHECK_INT(failed, 0);
}

/* Values of everyday size: decimals with up to 17 digits scaled by 10^-16
 * .. 10^18, sums and products of two-decimal readings, and doubles next to
 * those. */
static void test_random_everyday(void) {
    uint64_t state = 42;
    int failed = 0;
    for (int i = 0; i < 60000 && failed < 10; i++) {
        uint64_t r = next_random(&state);
        int digits = 1 + (int)(r % 17), scale = (int)((r >> 8) % 35) - 16;
        double mant = (double)(next_random(&state) % (uint64_t)pow(10, digits));
        double v = mant * pow(10, scale);
        double w = (double)(r % 100000) / 100 * 1.8 + 32;
        double u = nextafter(v, r & 1 ? INFINITY : 0);
        failed += (check_value(v) != 0) + (check_value(-w) != 0) + (check_value(u) != 0);
    }
    CHECK_INT(failed, 0);
}

int main(void) {
    RUN(test_known_values);
    RUN(test_computed_values);
    RUN(test_not_finite);
    RUN(test_integers);
    RUN(test_random_bits);
    RUN(test_random_everyday);
    return test_finish();
}
