/*
 * test_timestamp.c - timestamp strings, integer epochs, ranges, formatting.
 *
 * Expected values come from the TDengine SQL behaviour reference (measured
 * on a UTC server) and from independent date arithmetic.
 */
#include <stdint.h>
#include <string.h>

#include "model/timestamp.h"
#include "test.h"

#define MS K2TD_PREC_MS
#define US K2TD_PREC_US
#define NS K2TD_PREC_NS

typedef struct parse_case {
    const char *text;
    k2td_precision_t prec;
    int32_t offset; /* default zone, seconds east of UTC */
    int64_t want;
} parse_case_t;

static void test_parse_accepted(void) {
    static const parse_case_t cases[] = {
        /* section 2 of the reference, ms database, UTC */
        {"2025-11-25 00:00:00.000", MS, 0, INT64_C(1764028800000)},
        {"2025-11-25 00:00:01", MS, 0, INT64_C(1764028801000)},
        {"2025-11-25", MS, 0, INT64_C(1764028800000)},
        {"2025-11-25T00:00:02Z", MS, 0, INT64_C(1764028802000)},
        {"2025-11-25T08:00:03+08:00", MS, 0, INT64_C(1764028803000)},
        {"2025-11-25 00:00:08+0800", MS, 0, INT64_C(1764000008000)},
        {"2025-11-25T00:00:06+08", MS, 0, INT64_C(1764000006000)},
        {"2025-11-25T00:00:07-05:30", MS, 0, INT64_C(1764048607000)},
        {"2025-11-25T00:00:05.123456789Z", MS, 0, INT64_C(1764028805123)},
        {"2025-11-25 00:00:06.1234", MS, 0, INT64_C(1764028806123)},
        {"2025-11-25T00:00:07", MS, 0, INT64_C(1764028807000)},
        {"2025-11-25 00:00:04.000Z", MS, 0, INT64_C(1764028804000)},
        {" 2025-11-25 00:00:04.000Z", MS, 0, INT64_C(1764028804000)},
        {"2025-11-25t00:00:02z", MS, 0, INT64_C(1764028802000)},
        {"2025-11-25 00:00:02 +01:00", MS, 0, INT64_C(1764025202000)},
        {"2025-11-25T00:00:00.9999Z", MS, 0, INT64_C(1764028800999)}, /* never rounded */
        {"2025-11-25T00:00:00.1Z", MS, 0, INT64_C(1764028800100)},
        {"1764028810000", MS, 0, INT64_C(1764028810000)},
        /* us and ns databases */
        {"2025-11-25T00:00:00.123456Z", US, 0, INT64_C(1764028800123456)},
        {"2025-11-25T00:00:01.123456789Z", US, 0, INT64_C(1764028801123456)},
        {"2025-11-25 00:00:02.1", US, 0, INT64_C(1764028802100000)},
        {"2025-11-25T00:00:00.123456789Z", NS, 0, INT64_C(1764028800123456789)},
        {"2025-11-25T00:00:00.1234567891234Z", NS, 0, INT64_C(1764028800123456789)},
        {"2025-11-25", NS, 0, INT64_C(1764028800000000000)},
        {"2262-04-11T23:47:16.854775807Z", NS, 0, INT64_MAX},
        /* before 1970 (KEEP 365000 database) */
        {"1970-01-01T00:00:00Z", MS, 0, 0},
        {"1969-12-31 23:59:59.999", MS, 0, -1},
        {"1900-01-01 00:00:00", MS, 0, INT64_C(-2208988800000)},
        {"1900-01-01T00:00:00+08:00", MS, 0, INT64_C(-2209017600000)},
        /* leap years */
        {"2024-02-29", MS, 0, INT64_C(1709164800000)},
        {"2000-02-29", MS, 0, INT64_C(951782400000)},
        {"2970-01-01", MS, 0, K2TD_TS_MAX_MS},
        {"2262-01-01", NS, 0, K2TD_TS_MAX_NS},
        /* the default zone applies only without an explicit zone */
        {"2025-11-25 00:00:00.000", MS, 8 * 3600, INT64_C(1764000000000)},
        {"2025-11-25", MS, -3600, INT64_C(1764032400000)},
        {"2025-11-25T00:00:00Z", MS, 8 * 3600, INT64_C(1764028800000)},
        {"2025-11-25T00:00:00-00:00", MS, 8 * 3600, INT64_C(1764028800000)},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int64_t got = 0;
        char err[128] = "";
        const parse_case_t *c = &cases[i];
        int rc = k2td_ts_parse(c->text, strlen(c->text), K2TD_TS_AUTO, c->prec, c->offset, &got,
                               err, sizeof(err));
        if (rc != 0 || got != c->want)
            fprintf(stderr, "case %zu '%s': rc %d err '%s' got %" PRId64 "\n", i, c->text, rc, err,
                    got);
        CHECK_INT(rc, 0);
        CHECK_INT(got, c->want);
    }
}

static void test_parse_rejected(void) {
    static const struct {
        const char *text;
        k2td_precision_t prec;
        const char *why; /* a part of the message */
    } cases[] = {
        {"2025/11/25 00:00:09", MS, "unexpected '/' at offset 4"},
        {"2025-13-01", MS, "month 13"},
        {"2025-00-01", MS, "month 0"},
        {"2025-02-30", MS, "day 30 does not exist in 2025-02"},
        {"2025-02-29", MS, "day 29"},
        {"1900-02-29", MS, "day 29"},
        {"2025-11-00", MS, "day 0"},
        {"2025-11-31", MS, "day 31"},
        {"2025-11-25 25:00:00", MS, "time 25:00:00"},
        {"2025-11-25 23:60:00", MS, "out of range"},
        {"2025-11-25 23:59:60", MS, "out of range"},
        {"abc", MS, "offset 0"},
        {"", MS, "empty"},
        {"   ", MS, "empty"},
        {"2025-1-25", MS, "offset 6"},
        {"25-11-25", MS, "offset 2"},
        {"2025-11-25 00:00", MS, "text ends at offset 16"},
        {"2025-11-25T", MS, "offset 11"},
        {"2025-11-25 00:00:00.", MS, "fraction"},
        {"2025-11-25 00:00:00 ", MS, "zone"},
        {"2025-11-25 00:00:00Zjunk", MS, "zone"},
        {"2025-11-25 00:00:00+8", MS, "zone"},
        {"2025-11-25 00:00:00+24:00", MS, "zone"},
        {"2025-11-25 00:00:00+08:60", MS, "zone"},
        {"2025-11-25 00:00:00+08:0", MS, "zone"},
        {"2025-11-25 00:00:00  Z", MS, "zone"},
        {"2025-11-25Z", MS, "offset 10"},
        {"2025-11-25 00:00:00\x01", MS, "byte 0x01"},
        {"now", MS, "offset 0"},
        {"1764028811.5", MS, "offset 4"},
        {"-", MS, "offset 0"},
        {"2262-04-12", NS, "overflows"},
        {"2262-04-11T23:47:16.854775808Z", NS, "overflows"},
        {"9223372036854775808", MS, "overflows"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int64_t got = 42;
        char err[128] = "";
        int rc = k2td_ts_parse(cases[i].text, strlen(cases[i].text), K2TD_TS_AUTO, cases[i].prec,
                               0, &got, err, sizeof(err));
        if (rc != -1 || !strstr(err, cases[i].why))
            fprintf(stderr, "case %zu '%s': rc %d err '%s'\n", i, cases[i].text, rc, err);
        CHECK_INT(rc, -1);
        CHECK_INT(got, 42);
        CHECK(strstr(err, cases[i].why) != NULL);
    }
}

static void test_parse_epoch_text(void) {
    int64_t got = 0;
    char err[128];
    CHECK_INT(k2td_ts_parse("1764028810", 10, K2TD_TS_AUTO, MS, 0, &got, err, sizeof(err)), 0);
    CHECK_INT(got, INT64_C(1764028810000));
    CHECK_INT(k2td_ts_parse("1764028810", 10, K2TD_TS_MS, MS, 0, &got, err, sizeof(err)), 0);
    CHECK_INT(got, INT64_C(1764028810));
    CHECK_INT(k2td_ts_parse("-1000", 5, K2TD_TS_AUTO, MS, 0, &got, err, sizeof(err)), 0);
    CHECK_INT(got, INT64_C(-1000000));
    CHECK_INT(k2td_ts_parse("-9223372036854775808", 20, K2TD_TS_AUTO, MS, 0, &got, err,
                            sizeof(err)),
              0);
    CHECK_INT(got, INT64_C(-9223372036855)); /* ns floored to ms */
    CHECK_INT(k2td_ts_parse("-9223372036854775809", 20, K2TD_TS_AUTO, MS, 0, &got, err,
                            sizeof(err)),
              -1);
    CHECK_INT(k2td_ts_parse("1764028810000", 13, K2TD_TS_AUTO, NS, 0, &got, err, sizeof(err)), 0);
    CHECK_INT(got, INT64_C(1764028810000000000));
    /* only the declared length is read */
    CHECK_INT(k2td_ts_parse("17640288100009", 13, K2TD_TS_AUTO, MS, 0, &got, err, sizeof(err)),
              0);
    CHECK_INT(got, INT64_C(1764028810000));
}

static void test_detect_unit(void) {
    static const struct {
        int64_t v;
        k2td_ts_unit_t want;
    } cases[] = {
        {0, K2TD_TS_S},
        {1764000000, K2TD_TS_S},
        {INT64_C(31536000000), K2TD_TS_S},  /* 1e3*86400*365: not above */
        {INT64_C(31536000001), K2TD_TS_MS},
        {INT64_C(-31536000001), K2TD_TS_MS},
        {INT64_C(1764000000000), K2TD_TS_MS},
        {INT64_C(31536000000000), K2TD_TS_MS},
        {INT64_C(31536000000001), K2TD_TS_US},
        {INT64_C(1764000000000000), K2TD_TS_US},
        {INT64_C(31536000000000000), K2TD_TS_US},
        {INT64_C(31536000000000001), K2TD_TS_NS},
        {INT64_C(1764000000000000000), K2TD_TS_NS},
        {INT64_MAX, K2TD_TS_NS},
        {INT64_MIN, K2TD_TS_NS},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        CHECK_INT(k2td_ts_detect_unit(cases[i].v), cases[i].want);
}

static void test_from_epoch(void) {
    static const struct {
        int64_t v;
        k2td_ts_unit_t unit;
        k2td_precision_t prec;
        int rc;
        int64_t want;
    } cases[] = {
        {1764028800, K2TD_TS_AUTO, MS, 0, INT64_C(1764028800000)},
        {1764028800, K2TD_TS_AUTO, US, 0, INT64_C(1764028800000000)},
        {1764028800, K2TD_TS_AUTO, NS, 0, INT64_C(1764028800000000000)},
        {INT64_C(1764028800123), K2TD_TS_AUTO, MS, 0, INT64_C(1764028800123)},
        {INT64_C(1764028800123), K2TD_TS_AUTO, US, 0, INT64_C(1764028800123000)},
        {INT64_C(1764028800123), K2TD_TS_AUTO, NS, 0, INT64_C(1764028800123000000)},
        {INT64_C(1764028800123456), K2TD_TS_AUTO, MS, 0, INT64_C(1764028800123)},
        {INT64_C(1764028800123456), K2TD_TS_AUTO, US, 0, INT64_C(1764028800123456)},
        {INT64_C(1764028800123456), K2TD_TS_AUTO, NS, 0, INT64_C(1764028800123456000)},
        {INT64_C(1764028800123456789), K2TD_TS_AUTO, MS, 0, INT64_C(1764028800123)},
        {INT64_C(1764028800123456789), K2TD_TS_AUTO, US, 0, INT64_C(1764028800123456)},
        {INT64_C(1764028800123456789), K2TD_TS_AUTO, NS, 0, INT64_C(1764028800123456789)},
        /* a stated unit wins over the magnitude */
        {INT64_C(1764000000000), K2TD_TS_MS, US, 0, INT64_C(1764000000000000)},
        {INT64_C(1764000000000), K2TD_TS_US, MS, 0, INT64_C(1764000000)},
        {5, K2TD_TS_NS, MS, 0, 0},
        {-1, K2TD_TS_NS, MS, 0, -1}, /* floor, not towards zero */
        {-1000001, K2TD_TS_NS, MS, 0, -2},
        {-1, K2TD_TS_S, NS, 0, INT64_C(-1000000000)},
        /* overflow is an error, never a wrap */
        {INT64_C(9223372036854775), K2TD_TS_S, MS, 0, INT64_C(9223372036854775000)},
        {INT64_C(9223372036854776), K2TD_TS_S, MS, -1, 0},
        {INT64_C(-9223372036854775), K2TD_TS_S, MS, 0, INT64_C(-9223372036854775000)},
        {INT64_C(-9223372036854776), K2TD_TS_S, MS, -1, 0},
        {INT64_MAX, K2TD_TS_MS, NS, -1, 0},
        {INT64_C(9223372036855), K2TD_TS_MS, NS, -1, 0},
        {INT64_C(9223372036854), K2TD_TS_MS, NS, 0, INT64_C(9223372036854000000)},
        {INT64_C(31536000000), K2TD_TS_AUTO, MS, 0, INT64_C(31536000000000)},
        {INT64_C(31536000000), K2TD_TS_AUTO, NS, -1, 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int64_t got = 0;
        char err[128] = "";
        int rc = k2td_ts_from_epoch(cases[i].v, cases[i].unit, cases[i].prec, &got, err,
                                    sizeof(err));
        if (rc != cases[i].rc || (rc == 0 && got != cases[i].want))
            fprintf(stderr, "case %zu: rc %d got %" PRId64 " err '%s'\n", i, rc, got, err);
        CHECK_INT(rc, cases[i].rc);
        if (rc == 0) CHECK_INT(got, cases[i].want);
        if (rc != 0) CHECK(strstr(err, "overflows") != NULL);
    }
}

static void test_zone(void) {
    static const struct {
        const char *text;
        int rc;
        int32_t want;
    } cases[] = {
        {"Z", 0, 0},           {"z", 0, 0},          {"+08:00", 0, 28800},
        {"+0800", 0, 28800},   {"+08", 0, 28800},    {"-05:30", 0, -19800},
        {"-0530", 0, -19800},  {"+23:59", 0, 86340}, {"-00:00", 0, 0},
        {"", -1, 0},           {"+8", -1, 0},        {"08:00", -1, 0},
        {"+24:00", -1, 0},     {"+08:60", -1, 0},    {"+08-00", -1, 0},
        {"+08:00:00", -1, 0},  {"UTC", -1, 0},       {"+080", -1, 0},
        {"ZZ", -1, 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int32_t got = 99;
        int rc = k2td_ts_parse_zone(cases[i].text, strlen(cases[i].text), &got);
        CHECK_INT(rc, cases[i].rc);
        CHECK_INT(got, rc == 0 ? cases[i].want : 99);
    }
}

static void test_range(void) {
    const int64_t now = INT64_C(1795478400000); /* 2026-11-24T00:00:00Z, the reference's clock */
    int64_t lo, hi;
    k2td_ts_range(MS, now, 3650, &lo, &hi);
    CHECK_INT(lo, INT64_C(1480118400000)); /* 2016-11-26 */
    CHECK_INT(hi, INT64_C(31556995200000));
    k2td_ts_range(US, now * 1000, 3650, &lo, &hi);
    CHECK_INT(lo, INT64_C(1480118400000000));
    CHECK_INT(hi, INT64_C(31556995200000000));
    k2td_ts_range(NS, now * 1000000, 3650, &lo, &hi);
    CHECK_INT(lo, INT64_C(1480118400000000000));
    CHECK_INT(hi, INT64_C(9214646400000000000));
    k2td_ts_range(MS, now, 365000, &lo, &hi);
    CHECK_INT(lo, now - INT64_C(365000) * 86400000);
    k2td_ts_range(NS, now * 1000000, 365000, &lo, &hi); /* span beyond int64: saturates */
    CHECK_INT(lo, INT64_MIN);
    k2td_ts_range(MS, INT64_MIN + 5, 1, &lo, &hi);
    CHECK_INT(lo, INT64_MIN);
    k2td_ts_range(MS, now, 0, &lo, &hi);
    CHECK_INT(lo, now);
}

static void test_format(void) {
    static const struct {
        int64_t ts;
        k2td_precision_t prec;
        const char *want;
    } cases[] = {
        {0, MS, "1970-01-01T00:00:00.000Z"},
        {-1, MS, "1969-12-31T23:59:59.999Z"},
        {INT64_C(1764028805123), MS, "2025-11-25T00:00:05.123Z"},
        {INT64_C(1764028801123456), US, "2025-11-25T00:00:01.123456Z"},
        {INT64_C(1764028800123456789), NS, "2025-11-25T00:00:00.123456789Z"},
        {INT64_C(951782400000), MS, "2000-02-29T00:00:00.000Z"},
        {INT64_C(-2208988800000), MS, "1900-01-01T00:00:00.000Z"},
        {K2TD_TS_MAX_MS, MS, "2970-01-01T00:00:00.000Z"},
        {K2TD_TS_MAX_US, US, "2970-01-01T00:00:00.000000Z"},
        {K2TD_TS_MAX_NS, NS, "2262-01-01T00:00:00.000000000Z"},
        {INT64_MAX, NS, "2262-04-11T23:47:16.854775807Z"},
        {INT64_MIN, NS, "1677-09-21T00:12:43.145224192Z"},
        {INT64_MAX, MS, "292278994-08-17T07:12:55.807Z"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char out[K2TD_TS_TEXT_MAX];
        int n = k2td_ts_format(cases[i].ts, cases[i].prec, out, sizeof(out));
        CHECK_STR(out, cases[i].want);
        CHECK_INT(n, strlen(cases[i].want));
    }
    char out[K2TD_TS_TEXT_MAX];
    CHECK(k2td_ts_format(INT64_MIN, MS, out, sizeof(out)) < (int)sizeof(out));
}

/* format then parse gives the tick back, across centuries and all precisions */
static void test_format_parse_round_trip(void) {
    uint64_t seed = 7;
    for (int iter = 0; iter < 200000; iter++) {
        seed = seed * UINT64_C(6364136223846793005) + UINT64_C(1442695040888963407);
        k2td_precision_t prec = (k2td_precision_t)(iter % 3);
        /* ticks between 1600 and 2200 */
        int64_t span = prec == NS ? INT64_C(7000000000000000000)
                     : prec == US ? INT64_C(18900000000000000)
                                  : INT64_C(18900000000000);
        int64_t ts = (int64_t)(seed >> 1) % span;
        if (iter & 1) ts = prec == NS ? ts / 3 - INT64_C(2000000000000000000) : -ts / 2;
        char out[K2TD_TS_TEXT_MAX], err[128];
        int64_t back = 0;
        int n = k2td_ts_format(ts, prec, out, sizeof(out));
        if (k2td_ts_parse(out, (size_t)n, K2TD_TS_AUTO, prec, 3600, &back, err, sizeof(err)) != 0 ||
            back != ts) {
            fprintf(stderr, "%" PRId64 " -> %s -> %" PRId64 " (%s)\n", ts, out, back, err);
            CHECK(!"round trip");
            break;
        }
    }
}

int main(void) {
    RUN(test_parse_accepted);
    RUN(test_parse_rejected);
    RUN(test_parse_epoch_text);
    RUN(test_detect_unit);
    RUN(test_from_epoch);
    RUN(test_zone);
    RUN(test_range);
    RUN(test_format);
    RUN(test_format_parse_round_trip);
    return test_finish();
}
