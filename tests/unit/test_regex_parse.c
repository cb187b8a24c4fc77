/*
 * test_regex_parse.c - the named-group regex parser: taosX's example,
 * unset and unnamed groups, field order, first vs every match, empty
 * matches, Unicode, BOM, compile and match errors, rollback.
 */
#include <stdlib.h>

#include "common/buf.h"
#include "parse/regex_parse.h"
#include "rows_text_fixture.h"
#include "test.h"

typedef struct match_case {
    const char *pattern;
    unsigned flags;
    const char *in;
    size_t len; /* 0: strlen(in) */
    int rows;   /* -1: an error, out is then the message */
    const char *out;
} match_case_t;

#define TAOSX_VOLTAGE "^(?<voltage>[0-9]+)(?<voltage_unit>[a-zA-Z]+)$"
#define EVERY K2TD_REGEX_EVERY_MATCH

static const match_case_t match_cases[] = {
    /* taosX's extract example */
    {TAOSX_VOLTAGE, 0, "220V", 0, 1, "voltage=220 voltage_unit=V"},
    {TAOSX_VOLTAGE, 0, "12kV", 0, 1, "voltage=12 voltage_unit=kV"},
    {TAOSX_VOLTAGE, 0, "220", 0, -1, "pattern did not match"},
    {TAOSX_VOLTAGE, 0, "220V\n", 0, -1, "pattern did not match"}, /* $ is the very end */
    {"^(?<v>\\d+)\\n?$", 0, "220\n", 0, 1, "v=220"},
    {TAOSX_VOLTAGE, 0, "220V x", 0, -1, "pattern did not match"},
    {TAOSX_VOLTAGE, 0, "\xEF\xBB\xBF" "220V", 0, 1, "voltage=220 voltage_unit=V"},
    {TAOSX_VOLTAGE, 0, "", 0, -1, "pattern did not match"},
    /* a log line */
    {"^(?<ts>\\S+) (?<level>[A-Z]+) \\[(?<thread>[^\\]]*)\\] (?<msg>.*)$", 0,
     "2024-01-01T00:00:17.123Z WARN [main] disk 91% full", 0, 1,
     "ts=2024-01-01T00:00:17.123Z level=WARN thread=main msg=disk 91% full"},
    /* an optional group that did not take part gives no field */
    {"^(?<a>\\d+)(?:-(?<b>\\d+))?$", 0, "12", 0, 1, "a=12"},
    {"^(?<a>\\d+)(?:-(?<b>\\d+))?$", 0, "12-3", 0, 1, "a=12 b=3"},
    {"^(?<a>x)|(?<b>y)$", 0, "y", 0, 1, "b=y"},
    /* a group that matched nothing is an empty string, not absent */
    {"^(?<a>x*)(?<b>y*)$", 0, "yy", 0, 1, "a= b=yy"},
    /* fields in the order the groups open, not by name */
    {"(?<z>\\w)(?<a>\\w)(?<m>\\w)", 0, "xyz", 0, 1, "z=x a=y m=z"},
    {"(?<outer>a(?<inner>b)c)", 0, "abc", 0, 1, "outer=abc inner=b"},
    /* unnamed groups only group; (?P<name>) is a name too */
    {"(\\d+)-(?P<n>\\d+)-(\\d+)", 0, "1-2-3", 0, 1, "n=2"},
    /* the first match anywhere, or every match */
    {"(?<n>\\d+)", 0, "ab 12 cd 34", 0, 1, "n=12"},
    {"(?<n>\\d+)", EVERY, "ab 12 cd 34", 0, 2, "n=12 | n=34"},
    {"(?<n>\\d+)", EVERY, "no digits", 0, -1, "pattern did not match"},
    {"(?m)^(?<level>[A-Z]+) (?<msg>.*)$", EVERY, "INFO started\nWARN low disk\n\nERROR x", 0, 3,
     "level=INFO msg=started | level=WARN msg=low disk | level=ERROR msg=x"},
    {"(?<k>\\w+)=(?<v>[^;]*);?", EVERY, "a=1;b=;c=3", 0, 3, "k=a v=1 | k=b v= | k=c v=3"},
    /* empty matches: the scan moves on, one empty match per position */
    {"(?<d>\\d*)", EVERY, "1a", 0, 3, "d=1 | d= | d="},
    {"(?<d>\\d*)", EVERY, "", 0, 1, "d="},
    {"(?<e>)", EVERY, "\xE6\xB8\xA9x", 0, 3, "e= | e= | e="}, /* never inside a character */
    /* UTF-8: . is one character; \w and \d are Unicode-aware */
    {"^(?<c>.)", 0, "\xE6\xB8\xA9x", 0, 1, "c=\\xe6\\xb8\\xa9"},
    {"^(?<w>\\w+) (?<d>\\d+)$", 0, "\xE6\xB8\xA9\xE5\xBA\xA6 \xD9\xA3", 0, 1,
     "w=\\xe6\\xb8\\xa9\\xe5\\xba\\xa6 d=\\xd9\\xa3"},
    {"(?i)^(?<v>volt)$", 0, "VOLT", 0, 1, "v=VOLT"},
    /* a NUL byte is ordinary data */
    {"^(?<all>.*)$", 0, "a\0b", 3, 1, "all=a\\x00b"},
    /* not UTF-8: the offset of the bad byte */
    {TAOSX_VOLTAGE, 0, "22\xFFV", 0, -1,
     "offset 2: UTF-8 error: illegal byte (0xfe or 0xff)"},
    {"(?<n>\\d+)", EVERY, "1 \xC3", 0, -1, "offset 2: UTF-8 error: 1 byte missing at end"},
    {"(?<n>\\d+)", 0, "\xEF\xBB\xBF" "1\x80", 0, -1,
     "offset 4: UTF-8 error: isolated byte with 0x80 bit set"},
    /* a pattern that backtracks without end is stopped */
    {"^(?<a>(a+)+)$", 0, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!", 0, -1,
     "pattern matching failed at offset 0: match limit exceeded"},
};

static void test_match_cases(void) {
    k2td_rowset_t rs;
    k2td_rowset_init(&rs);
    for (size_t i = 0; i < sizeof(match_cases) / sizeof(match_cases[0]); i++) {
        const match_case_t *c = &match_cases[i];
        char err[256];
        k2td_regex_t *re = k2td_regex_compile(c->pattern, c->flags, err, sizeof(err));
        if (!re) {
            fprintf(stderr, "case %zu: compile: %s\n", i, err);
            CHECK(re != NULL);
            continue;
        }
        size_t len = c->len ? c->len : strlen(c->in);
        k2td_rowset_reset(&rs);
        strcpy(err, "stale");
        int n = k2td_regex_parse(re, c->in, len, 7, &rs, err, sizeof(err));
        if (n != c->rows) fprintf(stderr, "case %zu (%s): %d rows, err \"%s\"\n", i, c->in, n, err);
        CHECK_INT(n, c->rows);
        if (c->rows < 0) {
            CHECK_STR(err, c->out);
            CHECK_INT(rs.nrows, 0);
            CHECK_INT(rs.nfields, 0);
        } else {
            char *got = rows_text(&rs, 0, c->in, len);
            if (strcmp(got, c->out) != 0) fprintf(stderr, "case %zu:\n", i);
            CHECK_STR(got, c->out);
            free(got);
            CHECK_STR(err, "");
            for (size_t r = 0; r < rs.nrows; r++) CHECK_INT(rs.row_msg[r], 7);
        }
        k2td_regex_free(re);
    }
    k2td_rowset_free(&rs);
}

typedef struct compile_case {
    const char *pattern;
    const char *err;
} compile_case_t;

static const compile_case_t compile_cases[] = {
    {"(?<a>x", "pattern offset 6: missing closing parenthesis"},
    {"(?<a>[z-a])", "pattern offset 8: range out of order in character class"},
    {"(?<a>x)(?<a>y)",
     "pattern offset 12: two named subpatterns have the same name (PCRE2_DUPNAMES not set)"},
    {"(?J)(?<a>x)|(?<a>y)", "pattern names two groups 'a'"},
    {"abc", "pattern has no named group (write (?<name>...))"},
    {"(abc)", "pattern has no named group (write (?<name>...))"},
    {"", "pattern has no named group (write (?<name>...))"},
    {"(?<a>\xFF)", "pattern offset 5: UTF-8 error: illegal byte (0xfe or 0xff)"},
};

static void test_compile_errors(void) {
    for (size_t i = 0; i < sizeof(compile_cases) / sizeof(compile_cases[0]); i++) {
        char err[256] = "";
        k2td_regex_t *re = k2td_regex_compile(compile_cases[i].pattern, 0, err, sizeof(err));
        CHECK(re == NULL);
        if (strcmp(err, compile_cases[i].err) != 0) fprintf(stderr, "compile case %zu\n", i);
        CHECK_STR(err, compile_cases[i].err);
        k2td_regex_free(re);
    }
}

/* A failing message leaves the rows parsed before it as they were; the
 * compiled pattern serves message after message. */
static void test_rollback_and_reuse(void) {
    k2td_rowset_t rs;
    k2td_rowset_init(&rs);
    char err[256];
    k2td_regex_t *re = k2td_regex_compile("(?<k>\\w+)=(?<v>\\d+)", EVERY, err, sizeof(err));
    CHECK(re != NULL);
    if (!re) return;
    const char *m0 = "a=1 b=2", *m1 = "nothing", *m2 = "c=3 \xFF", *m3 = "d=4";
    CHECK_INT(k2td_regex_parse(re, m0, strlen(m0), 0, &rs, err, sizeof(err)), 2);
    CHECK_INT(k2td_regex_parse(re, m1, strlen(m1), 1, &rs, err, sizeof(err)), -1);
    CHECK_STR(err, "pattern did not match");
    CHECK_INT(k2td_regex_parse(re, m2, strlen(m2), 2, &rs, err, sizeof(err)), -1);
    CHECK_INT(rs.nrows, 2);
    CHECK_INT(rs.nfields, 4);
    CHECK_INT(k2td_regex_parse(re, m3, strlen(m3), 3, &rs, err, sizeof(err)), 1);
    CHECK_INT(rs.nrows, 3);
    CHECK_INT(rs.row_msg[2], 3);
    char *got = rows_text(&rs, 2, m3, strlen(m3));
    CHECK_STR(got, "k=d v=4");
    free(got);
    const k2td_field_t *f;
    CHECK_INT(k2td_rowset_row(&rs, 1, &f), 2);
    CHECK_MEM(f[1].v.str, f[1].v.len, "2");
    size_t hint = 0;
    const k2td_field_t *v = k2td_rowset_find(&rs, 0, "v", 1, &hint);
    CHECK(v && v->v.str == m0 + 2);
    k2td_regex_free(re);
    k2td_rowset_free(&rs);
}

/* A long payload with many matches: every row is there and zero-copy. */
static void test_many_matches(void) {
    k2td_rowset_t rs;
    k2td_rowset_init(&rs);
    k2td_buf_t in = K2TD_BUF_INIT;
    for (int i = 0; i < 5000; i++) k2td_buf_printf(&in, "m%d=%d;", i, i * 3);
    char err[256];
    k2td_regex_t *re = k2td_regex_compile("(?<k>m\\d+)=(?<v>\\d+);", EVERY, err, sizeof(err));
    CHECK_INT(k2td_regex_parse(re, in.data, in.len, 0, &rs, err, sizeof(err)), 5000);
    int ok = rs.nrows == 5000;
    for (size_t r = 0; ok && r < rs.nrows; r++) {
        const k2td_field_t *f;
        char want[32];
        ok = k2td_rowset_row(&rs, r, &f) == 2;
        snprintf(want, sizeof(want), "%zu", r * 3);
        ok = ok && f[1].v.len == strlen(want) && memcmp(f[1].v.str, want, f[1].v.len) == 0 &&
             f[1].v.str > in.data && f[1].v.str < in.data + in.len;
    }
    CHECK(ok);
    k2td_regex_free(re);
    k2td_buf_free(&in);
    k2td_rowset_free(&rs);
}

int main(void) {
    RUN(test_match_cases);
    RUN(test_compile_errors);
    RUN(test_rollback_and_reuse);
    RUN(test_many_matches);
    return test_finish();
}
