/*
 * test_transform_map.c - the `map` stage: every rule kind, pass-through,
 * overwrites, drops and compile errors; and the format templates.
 */
#include <math.h>

#include "test_transform_fixture.h"
#include "transform/format.h"
#include "transform/map.h"

static k2td_map_t *last_stage; /* out's rows point into it until the next run */

/* Compiles rules and runs them on one JSON message (msg index 5) into out. */
static size_t run_map(const k2td_map_rule_t *rules, size_t n, const char *msg, k2td_rowset_t *in,
                      k2td_rowset_t *out, drops_t *d) {
    char err[256] = "";
    k2td_transform_ctx_t ctx;
    fixture_ctx(&ctx, d);
    k2td_rowset_reset(in);
    k2td_rowset_reset(out);
    load_json(in, &msg, 1, 5);
    k2td_map_free(last_stage);
    last_stage = k2td_map_compile(rules, n, err, sizeof(err));
    CHECK_STR(err, "");
    return last_stage ? k2td_map_run(last_stage, in, out, &ctx) : (size_t)-1;
}

static void test_every_kind(void) {
    static const char *const join_fields[] = {"a", "missing", "b", "flag"};
    static const char *const sum_fields[] = {"n", "s", "missing", "nul"};
    k2td_value_t dflt = {.type = K2TD_VAL_STRING, .str = "unknown", .len = 7};
    k2td_value_t c42 = {.type = K2TD_VAL_INT, .n.i = 42, .str = "42", .len = 2};
    k2td_map_rule_t rules[] = {
        {.kind = K2TD_MAP_MAPPING, .target = "loc", .source = "location", .value = dflt},
        {.kind = K2TD_MAP_MAPPING, .target = "loc2", .source = "nul", .value = dflt},
        {.kind = K2TD_MAP_MAPPING, .target = "loc3", .source = "missing"},
        {.kind = K2TD_MAP_MAPPING, .target = "v", .source = "a"},
        {.kind = K2TD_MAP_VALUE, .target = "k", .value = c42},
        {.kind = K2TD_MAP_NOW, .target = "ts"},
        {.kind = K2TD_MAP_JOIN, .target = "j", .fields = join_fields, .nfields = 4, .separator = "_"},
        {.kind = K2TD_MAP_SUM, .target = "total", .fields = sum_fields, .nfields = 4},
        {.kind = K2TD_MAP_FORMAT, .target = "date", .text = "${year}-${month.pad(2, \"0\")}!"},
        {.kind = K2TD_MAP_EXPR, .target = "f", .text = "n * 1.8 + 32"},
        {.kind = K2TD_MAP_EXPR, .target = "n", .text = "n + 1"}, /* overwrites in place */
    };
    const char *msg = "{\"n\":10,\"a\":\"x\",\"b\":2.5,\"flag\":true,\"s\":\"5\",\"nul\":null,"
                      "\"year\":2024,\"month\":\"1\",\"location\":\"bj\"}";
    k2td_rowset_t in, out;
    k2td_rowset_init(&in);
    k2td_rowset_init(&out);
    drops_t d;
    CHECK_INT(run_map(rules, sizeof(rules) / sizeof(rules[0]), msg, &in, &out, &d), 0);
    CHECK_INT(out.nrows, 1);
    CHECK_INT(out.row_msg[0], 5);
    CHECK_FIELD_STR(&out, 0, "loc", "bj");
    CHECK_FIELD_STR(&out, 0, "loc2", "unknown");
    CHECK_FIELD_NULL(&out, 0, "loc3");
    CHECK_FIELD_STR(&out, 0, "v", "x");
    CHECK_FIELD_INT(&out, 0, "k", 42);
    CHECK_FIELD_INT(&out, 0, "ts", 1700000000123LL);
    CHECK_INT(field_of(&out, 0, "ts")->v.ts_unit, K2TD_TS_MS);
    CHECK_FIELD_STR(&out, 0, "j", "x_2.5_true");
    CHECK_FIELD_INT(&out, 0, "total", 15);
    CHECK_FIELD_STR(&out, 0, "date", "2024-10!");
    const k2td_field_t *f = field_of(&out, 0, "f");
    CHECK(f && f->v.type == K2TD_VAL_FLOAT && fabs(f->v.n.f - 50.0) < 1e-9);
    CHECK_STR(out.fields[out.row_start[0]].name, "n");
    CHECK_FIELD_INT(&out, 0, "n", 11);
    /* pass-through: the 9 source fields + 10 new targets (n was overwritten) */
    CHECK_INT(nfields_of(&out, 0), 19);
    CHECK_FIELD_STR(&out, 0, "location", "bj");
    k2td_rowset_free(&in);
    k2td_rowset_free(&out);
}

static void test_later_rule_wins(void) {
    k2td_value_t one = {.type = K2TD_VAL_INT, .n.i = 1}, two = {.type = K2TD_VAL_INT, .n.i = 2};
    k2td_map_rule_t rules[] = {
        {.kind = K2TD_MAP_VALUE, .target = "t", .value = one},
        {.kind = K2TD_MAP_VALUE, .target = "t", .value = two},
    };
    k2td_rowset_t in, out;
    k2td_rowset_init(&in);
    k2td_rowset_init(&out);
    drops_t d;
    CHECK_INT(run_map(rules, 2, "{\"x\":0}", &in, &out, &d), 0);
    CHECK_INT(nfields_of(&out, 0), 2);
    CHECK_FIELD_INT(&out, 0, "t", 2);
    k2td_rowset_free(&in);
    k2td_rowset_free(&out);
}

static void test_sum_cases(void) {
    static const char *const ab[] = {"a", "b"};
    static const struct {
        const char *msg;
        int type; /* expected type, or -1 for a drop */
        double value;
        const char *reason;
    } cases[] = {
        {"{\"a\":1,\"b\":2}", K2TD_VAL_INT, 3, NULL},
        {"{\"a\":1,\"b\":0.5}", K2TD_VAL_FLOAT, 1.5, NULL},
        {"{\"a\":\"1.5\",\"b\":\"2\"}", K2TD_VAL_FLOAT, 3.5, NULL},
        {"{\"a\":9223372036854775807,\"b\":1}", K2TD_VAL_FLOAT, 9223372036854775808.0, NULL},
        {"{\"a\":18446744073709551615,\"b\":1}", K2TD_VAL_FLOAT, 18446744073709551616.0, NULL},
        {"{\"c\":1}", K2TD_VAL_NULL, 0, NULL},
        {"{\"a\":\"abc\",\"b\":1}", -1, 0,
         "map rule 1 (`t`, sum): field `a` is not a number: \"abc\""},
        {"{\"a\":true,\"b\":1}", -1, 0, "map rule 1 (`t`, sum): field `a` is a bool, not a number"},
        {"{\"a\":1e308,\"b\":1e308}", -1, 0, "map rule 1 (`t`, sum): the sum is not a finite number"},
    };
    k2td_map_rule_t rule = {.kind = K2TD_MAP_SUM, .target = "t", .fields = ab, .nfields = 2};
    k2td_rowset_t in, out;
    k2td_rowset_init(&in);
    k2td_rowset_init(&out);
    drops_t d;
    for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
        size_t dropped = run_map(&rule, 1, cases[c].msg, &in, &out, &d);
        if (cases[c].type < 0) {
            CHECK_INT(dropped, 1);
            CHECK_INT(out.nrows, 0);
            CHECK_INT(d.n, 1);
            CHECK_STR(d.reasons[0], cases[c].reason);
            CHECK_INT(d.msgs[0], 5);
            continue;
        }
        const k2td_field_t *f = field_of(&out, 0, "t");
        CHECK(f && (int)f->v.type == cases[c].type);
        if (!f) continue;
        if (f->v.type == K2TD_VAL_INT) CHECK(f->v.n.i == (int64_t)cases[c].value);
        if (f->v.type == K2TD_VAL_FLOAT) CHECK(f->v.n.f == cases[c].value);
    }
    k2td_rowset_free(&in);
    k2td_rowset_free(&out);
}

static void test_join_all_missing_is_null(void) {
    static const char *const xy[] = {"x", "y"};
    k2td_map_rule_t rule = {.kind = K2TD_MAP_JOIN, .target = "j", .fields = xy, .nfields = 2};
    k2td_rowset_t in, out;
    k2td_rowset_init(&in);
    k2td_rowset_init(&out);
    drops_t d;
    CHECK_INT(run_map(&rule, 1, "{\"y\":null}", &in, &out, &d), 0);
    CHECK_FIELD_NULL(&out, 0, "j");
    CHECK_INT(run_map(&rule, 1, "{\"x\":\"a\",\"y\":\"b\"}", &in, &out, &d), 0);
    CHECK_FIELD_STR(&out, 0, "j", "ab"); /* no separator given: "" */
    k2td_rowset_free(&in);
    k2td_rowset_free(&out);
}

static void test_expr_error_drops(void) {
    k2td_map_rule_t rules[] = {
        {.kind = K2TD_MAP_EXPR, .target = "f", .text = "a / b"},
        {.kind = K2TD_MAP_FORMAT, .target = "g", .text = "x${a % b}"},
    };
    k2td_rowset_t in, out;
    k2td_rowset_init(&in);
    k2td_rowset_init(&out);
    drops_t d;
    CHECK_INT(run_map(rules, 2, "{\"a\":1,\"b\":0}", &in, &out, &d), 1);
    CHECK_INT(out.nrows, 0);
    CHECK_STR(d.reasons[0], "map rule 1 (`f`, expr): offset 2: division by zero");
    CHECK_INT(run_map(rules + 1, 1, "{\"a\":1,\"b\":0}", &in, &out, &d), 1);
    CHECK_STR(d.reasons[0], "map rule 1 (`g`, format): placeholder `${a % b}`: offset 2: "
                            "modulo by zero");
    k2td_rowset_free(&in);
    k2td_rowset_free(&out);
}

static void test_format_templates(void) {
    static const struct {
        const char *text, *expected;
    } cases[] = {
        {"plain", "plain"},
        {"", ""},
        {"${a}", "1.2"},
        {"${a.pad(5, \"0\")}", "1.200"},
        {"<${s.sub_string(-3)}>", "<xyz>"},
        {"${missing}|${nul}|", "||"},
        {"$a ${b}$", "$a true$"},
        {"${\"}\" + s}", "}wxyz"},
        {"${if b { \"y\" } else { \"n\" }}", "y"},
        {"${`s`.len}", "4"},
    };
    k2td_rowset_t rs;
    k2td_rowset_init(&rs);
    const char *msg = "{\"a\":\"1.2\",\"b\":true,\"s\":\"wxyz\",\"nul\":null}";
    load_json(&rs, &msg, 1, 0);
    k2td_arena_t arena;
    k2td_arena_init(&arena, 0);
    k2td_expr_ctx_t ectx;
    k2td_expr_ctx_init(&ectx, &arena, 0);
    k2td_buf_t buf = K2TD_BUF_INIT;
    for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
        char err[256] = "";
        k2td_format_t *f = k2td_format_compile(cases[c].text, err, sizeof(err));
        CHECK_STR(err, "");
        if (!f) continue;
        k2td_buf_reset(&buf);
        CHECK_INT(k2td_format_expand(f, &rs, 0, &ectx, &buf, err, sizeof(err)), 0);
        CHECK_MEM(buf.data ? buf.data : "", buf.len, cases[c].expected);
        k2td_format_free(f);
    }
    k2td_buf_free(&buf);
    k2td_arena_free(&arena);
    k2td_rowset_free(&rs);
}

static void test_compile_errors(void) {
    static const char *const none[] = {NULL};
    static const char *const empty[] = {""};
    static const struct {
        k2td_map_rule_t rule;
        const char *expected;
    } cases[] = {
        {{.kind = K2TD_MAP_VALUE, .target = ""}, "map rule 1 (``, value): target is empty"},
        {{.kind = K2TD_MAP_MAPPING, .target = "t"}, "map rule 1 (`t`, mapping): source field 1 is empty"},
        {{.kind = K2TD_MAP_JOIN, .target = "t"}, "map rule 1 (`t`, join): no source field"},
        {{.kind = K2TD_MAP_SUM, .target = "t", .fields = none, .nfields = 1},
         "map rule 1 (`t`, sum): source field 1 is empty"},
        {{.kind = K2TD_MAP_SUM, .target = "t", .fields = empty, .nfields = 1},
         "map rule 1 (`t`, sum): source field 1 is empty"},
        {{.kind = K2TD_MAP_FORMAT, .target = "t"}, "map rule 1 (`t`, format): template is empty"},
        {{.kind = K2TD_MAP_FORMAT, .target = "t", .text = "t_${id"},
         "map rule 1 (`t`, format): offset 2: placeholder `${id` is not closed"},
        {{.kind = K2TD_MAP_FORMAT, .target = "t", .text = "${\"}"},
         "map rule 1 (`t`, format): offset 0: placeholder `${\"}` is not closed"},
        {{.kind = K2TD_MAP_FORMAT, .target = "t", .text = "a${}"},
         "map rule 1 (`t`, format): offset 1: placeholder `${}` is empty"},
        {{.kind = K2TD_MAP_FORMAT, .target = "t", .text = "ab${sqr(x)}"},
         "map rule 1 (`t`, format): offset 2: placeholder `${sqr(x)}`: offset 0: unknown function 'sqr'"},
        {{.kind = K2TD_MAP_EXPR, .target = "t", .text = ""}, "map rule 1 (`t`, expr): expression is empty"},
        {{.kind = K2TD_MAP_EXPR, .target = "t", .text = "\"a\" * 2"},
         "map rule 1 (`t`, expr): offset 4: '*' needs numbers, found a string"},
    };
    char err[256];
    for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
        err[0] = 0;
        CHECK(k2td_map_compile(&cases[c].rule, 1, err, sizeof(err)) == NULL);
        CHECK_STR(err, cases[c].expected);
    }
    CHECK(k2td_map_compile(&cases[0].rule, 0, err, sizeof(err)) == NULL);
    CHECK_STR(err, "map has no rule");
}

int main(void) {
    RUN(test_every_kind);
    RUN(test_later_rule_wins);
    RUN(test_sum_cases);
    RUN(test_join_all_missing_is_null);
    RUN(test_expr_error_drops);
    RUN(test_format_templates);
    RUN(test_compile_errors);
    k2td_map_free(last_stage);
    return test_finish();
}
