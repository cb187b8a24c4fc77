/*
 * test_transform_extract.c - the `extract` stage: split, regex, convert and
 * json rules, drops and compile errors.
 */
#include <stdlib.h>

#include "test_transform_fixture.h"
#include "transform/extract.h"

#define NONE "\x01" /* marks an expected absent (NULL) split part */

/* The stage of the last run_rules(): out's rows point into it (names,
 * converted values), so it lives until the next run. */
static k2td_extract_t *last_stage;

/* Runs rules on the messages into out (reset first); returns rows dropped. */
static size_t run_rules(const k2td_extract_rule_t *rules, size_t nrules, const char *const *msgs,
                        size_t nmsgs, k2td_rowset_t *in, k2td_rowset_t *out, drops_t *d) {
    char err[256] = "";
    k2td_transform_ctx_t ctx;
    fixture_ctx(&ctx, d);
    k2td_rowset_reset(in);
    k2td_rowset_reset(out);
    load_json(in, msgs, nmsgs, 10);
    k2td_extract_free(last_stage);
    last_stage = k2td_extract_compile(rules, nrules, err, sizeof(err));
    CHECK_STR(err, "");
    return last_stage ? k2td_extract_run(last_stage, in, out, &ctx) : (size_t)-1;
}

static void test_split_seed_example(void) {
    k2td_rowset_t in, out;
    k2td_rowset_init(&in);
    k2td_rowset_init(&out);
    drops_t d;
    k2td_extract_rule_t rule = {.kind = K2TD_EXTRACT_SPLIT, .field = "message", .separator = "-",
                                .count = 2};
    const char *msgs[] = {"{\"id\":1,\"message\":\"hello-word\"}"};
    CHECK_INT(run_rules(&rule, 1, msgs, 1, &in, &out, &d), 0);
    CHECK_INT(out.nrows, 1);
    CHECK_INT(out.row_msg[0], 10);
    CHECK_INT(nfields_of(&out, 0), 4);
    CHECK_FIELD_STR(&out, 0, "message", "hello-word");
    CHECK_FIELD_STR(&out, 0, "message_0", "hello");
    CHECK_FIELD_STR(&out, 0, "message_1", "word");
    CHECK_FIELD_INT(&out, 0, "id", 1);
    k2td_rowset_free(&in);
    k2td_rowset_free(&out);
}

static void test_split_cases(void) {
    static const struct {
        const char *msg, *sep;
        size_t count;
        const char *parts[3];
    } cases[] = {
        {"{\"s\":\"a-b-c\"}", "-", 2, {"a", "b-c"}},       /* the last part keeps the rest */
        {"{\"s\":\"a-b-c\"}", "-", 3, {"a", "b", "c"}},
        {"{\"s\":\"a\"}", "-", 3, {"a", NONE, NONE}},      /* fewer parts: NULL */
        {"{\"s\":\"a--b\"}", "--", 2, {"a", "b"}},          /* multi-byte separator */
        {"{\"s\":\"a-\"}", "-", 2, {"a", ""}},
        {"{\"s\":\"\"}", "-", 2, {"", NONE}},
        {"{\"s\":\"abc\"}", "-", 1, {"abc"}},
        {"{\"s\":\"x--y\"}", "-", 3, {"x", "", "y"}},
        {"{\"s\":12.5}", ".", 2, {"12", "5"}},              /* numbers split as text */
        {"{\"s\":true}", "u", 2, {"tr", "e"}},
        {"{\"s\":\"北京-上海\"}", "-", 2, {"北京", "上海"}},
    };
    k2td_rowset_t in, out;
    k2td_rowset_init(&in);
    k2td_rowset_init(&out);
    drops_t d;
    for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
        k2td_extract_rule_t rule = {.kind = K2TD_EXTRACT_SPLIT, .field = "s",
                                    .separator = cases[c].sep, .count = cases[c].count};
        CHECK_INT(run_rules(&rule, 1, &cases[c].msg, 1, &in, &out, &d), 0);
        CHECK_INT(nfields_of(&out, 0), 1 + cases[c].count);
        for (size_t i = 0; i < cases[c].count; i++) {
            char name[8];
            snprintf(name, sizeof(name), "s_%zu", i);
            if (strcmp(cases[c].parts[i], NONE) == 0)
                CHECK_FIELD_NULL(&out, 0, name);
            else
                CHECK_FIELD_STR(&out, 0, name, cases[c].parts[i]);
        }
    }
    k2td_rowset_free(&in);
    k2td_rowset_free(&out);
}

static void test_missing_or_null_source_leaves_row(void) {
    k2td_rowset_t in, out;
    k2td_rowset_init(&in);
    k2td_rowset_init(&out);
    drops_t d;
    k2td_extract_rule_t rules[] = {
        {.kind = K2TD_EXTRACT_SPLIT, .field = "s", .separator = "-", .count = 2},
        {.kind = K2TD_EXTRACT_JSON, .field = "s"},
        {.kind = K2TD_EXTRACT_REGEX, .field = "s", .pattern = "(?<x>.)"},
    };
    const char *msgs[] = {"{\"a\":1}", "{\"a\":2,\"s\":null}"};
    CHECK_INT(run_rules(rules, 3, msgs, 2, &in, &out, &d), 0);
    CHECK_INT(out.nrows, 2);
    CHECK_INT(nfields_of(&out, 0), 1);
    CHECK_INT(nfields_of(&out, 1), 2);
    CHECK_INT(out.row_msg[1], 11);
    k2td_rowset_free(&in);
    k2td_rowset_free(&out);
}

static void test_regex(void) {
    k2td_rowset_t in, out;
    k2td_rowset_init(&in);
    k2td_rowset_init(&out);
    drops_t d;
    k2td_extract_rule_t rule = {.kind = K2TD_EXTRACT_REGEX, .field = "v",
                                .pattern = "^(?<voltage>[0-9]+)(?<voltage_unit>[a-zA-Z]+)$"};
    const char *msgs[] = {"{\"v\":\"220V\"}", "{\"v\":\"abc\"}", "{\"v\":\"1kV\",\"voltage\":0}"};
    CHECK_INT(run_rules(&rule, 1, msgs, 3, &in, &out, &d), 0);
    CHECK_INT(out.nrows, 3);
    CHECK_FIELD_STR(&out, 0, "voltage", "220");
    CHECK_FIELD_STR(&out, 0, "voltage_unit", "V");
    CHECK_INT(nfields_of(&out, 1), 1); /* no match: unchanged */
    CHECK(field_of(&out, 1, "voltage") == NULL);
    CHECK_INT(nfields_of(&out, 2), 3); /* voltage replaced in place */
    CHECK_STR(out.fields[out.row_start[2] + 1].name, "voltage");
    CHECK_FIELD_STR(&out, 2, "voltage", "1");
    CHECK_FIELD_STR(&out, 2, "voltage_unit", "kV");
    k2td_rowset_free(&in);
    k2td_rowset_free(&out);
}

static void test_regex_bad_utf8_drops(void) {
    k2td_rowset_t in, out;
    k2td_rowset_init(&in);
    k2td_rowset_init(&out);
    drops_t d;
    k2td_transform_ctx_t ctx;
    fixture_ctx(&ctx, &d);
    k2td_rowset_begin_row(&in, 7);
    k2td_field_t *f = k2td_rowset_add_field(&in, "v", 1);
    f->v.type = K2TD_VAL_STRING;
    f->v.str = "a\xff";
    f->v.len = 2;
    char err[256] = "";
    k2td_extract_rule_t rule = {.kind = K2TD_EXTRACT_REGEX, .field = "v", .pattern = "(?<c>a)"};
    k2td_extract_t *x = k2td_extract_compile(&rule, 1, err, sizeof(err));
    CHECK(x != NULL);
    if (x) CHECK_INT(k2td_extract_run(x, &in, &out, &ctx), 1);
    CHECK_INT(out.nrows, 0);
    CHECK_INT(d.n, 1);
    CHECK_INT(d.msgs[0], 7);
    CHECK(strncmp(d.reasons[0], "extract rule 1 (regex on `v`): ", 31) == 0);
    CHECK(strstr(d.reasons[0], "UTF-8") != NULL);
    k2td_extract_free(x);
    k2td_rowset_free(&in);
    k2td_rowset_free(&out);
}

static void test_convert(void) {
    k2td_rowset_t in, out;
    k2td_rowset_init(&in);
    k2td_rowset_init(&out);
    drops_t d;
    k2td_value_t long_name = {.type = K2TD_VAL_STRING, .str = "beijing.chaoyang.datunludong",
                              .len = 28};
    k2td_value_t one = {.type = K2TD_VAL_STRING, .str = "one", .len = 3};
    k2td_value_t hundred = {.type = K2TD_VAL_INT, .n.i = 100, .str = "100", .len = 3};
    k2td_extract_pair_t pairs[] = {
        {"beijing.chaoyang.datun", long_name}, {"1", one}, {"true", hundred}, {"1", hundred}};
    k2td_extract_rule_t rule = {.kind = K2TD_EXTRACT_CONVERT, .field = "loc", .pairs = pairs,
                                .npairs = 4};
    const char *msgs[] = {"{\"loc\":\"beijing.chaoyang.datun\"}", "{\"loc\":1}",
                          "{\"loc\":\"elsewhere\"}", "{\"loc\":true}", "{\"loc\":\"1\"}"};
    CHECK_INT(run_rules(&rule, 1, msgs, 5, &in, &out, &d), 0);
    CHECK_INT(out.nrows, 5);
    CHECK_FIELD_STR(&out, 0, "loc", "beijing.chaoyang.datunludong");
    CHECK_FIELD_STR(&out, 1, "loc", "one"); /* the first matching key wins */
    CHECK_FIELD_STR(&out, 2, "loc", "elsewhere");
    CHECK_FIELD_INT(&out, 3, "loc", 100);
    CHECK_FIELD_STR(&out, 4, "loc", "one");
    CHECK_INT(nfields_of(&out, 0), 1);
    k2td_rowset_free(&in);
    k2td_rowset_free(&out);
}

static void test_json(void) {
    k2td_rowset_t in, out;
    k2td_rowset_init(&in);
    k2td_rowset_init(&out);
    drops_t d;
    k2td_extract_rule_t rule = {.kind = K2TD_EXTRACT_JSON, .field = "payload"};
    const char *msgs[] = {
        "{\"payload\":\"{\\\"a\\\":1,\\\"b\\\":{\\\"c\\\":\\\"x\\\"}}\",\"z\":2}",
        "{\"a\":0,\"payload\":\"{\\\"a\\\":5}\"}",
        "{\"payload\":\"[{\\\"a\\\":1},{\\\"a\\\":2}]\"}",
        "{\"payload\":\"not json\"}",
        "{\"payload\":\"[]\"}",
        "{\"payload\":\"{\\\"k\\\":\\\"v\\\"}\"}",
    };
    CHECK_INT(run_rules(&rule, 1, msgs, 6, &in, &out, &d), 3);
    CHECK_INT(out.nrows, 3);
    CHECK_INT(nfields_of(&out, 0), 4);
    CHECK_FIELD_INT(&out, 0, "a", 1);
    CHECK_FIELD_STR(&out, 0, "b_c", "x");
    CHECK_FIELD_INT(&out, 0, "z", 2);
    CHECK(field_of(&out, 0, "payload") != NULL);
    CHECK_INT(nfields_of(&out, 1), 2); /* a overwritten in place */
    CHECK_STR(out.fields[out.row_start[1]].name, "a");
    CHECK_FIELD_INT(&out, 1, "a", 5);
    CHECK_FIELD_STR(&out, 2, "k", "v");
    CHECK_INT(out.row_msg[0], 10);
    CHECK_INT(out.row_msg[1], 11);
    CHECK_INT(out.row_msg[2], 15);
    CHECK_INT(d.n, 3);
    CHECK_INT(d.rows[0], 2);
    CHECK_INT(d.msgs[0], 12);
    CHECK_STR(d.reasons[0], "extract rule 1 (json on `payload`): the JSON gives 2 rows, not one");
    CHECK_INT(d.rows[1], 3);
    CHECK(strncmp(d.reasons[1], "extract rule 1 (json on `payload`): offset 0", 44) == 0);
    CHECK_STR(d.reasons[2], "extract rule 1 (json on `payload`): the JSON gives 0 rows, not one");
    k2td_rowset_free(&in);
    k2td_rowset_free(&out);
}

static void test_rules_in_order(void) {
    k2td_rowset_t in, out;
    k2td_rowset_init(&in);
    k2td_rowset_init(&out);
    drops_t d;
    k2td_value_t hi = {.type = K2TD_VAL_STRING, .str = "hi", .len = 2};
    k2td_extract_pair_t pairs[] = {{"hello", hi}};
    k2td_extract_rule_t rules[] = {
        {.kind = K2TD_EXTRACT_SPLIT, .field = "message", .separator = "-", .count = 2},
        {.kind = K2TD_EXTRACT_CONVERT, .field = "message_0", .pairs = pairs, .npairs = 1},
        {.kind = K2TD_EXTRACT_REGEX, .field = "message_1", .pattern = "^(?<first>.)"},
    };
    const char *msgs[] = {"{\"message\":\"hello-word\"}"};
    CHECK_INT(run_rules(rules, 3, msgs, 1, &in, &out, &d), 0);
    CHECK_FIELD_STR(&out, 0, "message_0", "hi");
    CHECK_FIELD_STR(&out, 0, "message_1", "word");
    CHECK_FIELD_STR(&out, 0, "first", "w");
    k2td_rowset_free(&in);
    k2td_rowset_free(&out);
}

static void test_compile_errors(void) {
    k2td_value_t v = {.type = K2TD_VAL_NULL};
    k2td_extract_pair_t nokey[] = {{NULL, v}};
    static const char *const expected[] = {
        "extract rule 1 (split on `m`): separator is empty",
        "extract rule 1 (split on `m`): number of parts must be at least 1",
        "extract rule 1 (split on ``): source field is empty",
        "extract rule 1 (regex on `m`): pattern is empty",
        "extract rule 1 (regex on `m`): pattern has no named group (write (?<name>...))",
        "extract rule 1 (convert on `m`): conversion table is empty",
        "extract rule 1 (convert on `m`): conversion 1 has no key",
    };
    k2td_extract_rule_t cases[] = {
        {.kind = K2TD_EXTRACT_SPLIT, .field = "m", .separator = "", .count = 2},
        {.kind = K2TD_EXTRACT_SPLIT, .field = "m", .separator = "-", .count = 0},
        {.kind = K2TD_EXTRACT_SPLIT, .field = "", .separator = "-", .count = 2},
        {.kind = K2TD_EXTRACT_REGEX, .field = "m", .pattern = ""},
        {.kind = K2TD_EXTRACT_REGEX, .field = "m", .pattern = "(a)"},
        {.kind = K2TD_EXTRACT_CONVERT, .field = "m"},
        {.kind = K2TD_EXTRACT_CONVERT, .field = "m", .pairs = nokey, .npairs = 1},
    };
    char err[256];
    for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
        err[0] = 0;
        CHECK(k2td_extract_compile(&cases[c], 1, err, sizeof(err)) == NULL);
        CHECK_STR(err, expected[c]);
    }
    /* the failing rule is named by its position; earlier rules are released */
    k2td_extract_rule_t two[] = {
        {.kind = K2TD_EXTRACT_REGEX, .field = "a", .pattern = "(?<x>a)"},
        {.kind = K2TD_EXTRACT_REGEX, .field = "b", .pattern = "(?<x>a"},
    };
    CHECK(k2td_extract_compile(two, 2, err, sizeof(err)) == NULL);
    CHECK(strncmp(err, "extract rule 2 (regex on `b`): pattern offset", 45) == 0);
    CHECK(k2td_extract_compile(two, 0, err, sizeof(err)) == NULL);
    CHECK_STR(err, "extract has no rule");
}

int main(void) {
    RUN(test_split_seed_example);
    RUN(test_split_cases);
    RUN(test_missing_or_null_source_leaves_row);
    RUN(test_regex);
    RUN(test_regex_bad_utf8_drops);
    RUN(test_convert);
    RUN(test_json);
    RUN(test_rules_in_order);
    RUN(test_compile_errors);
    k2td_extract_free(last_stage);
    return test_finish();
}
