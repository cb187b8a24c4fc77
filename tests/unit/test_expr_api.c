/*
 * test_expr_api.c - the expression API around evaluation: the fields an
 * expression reads, filters (eval_bool, check_bool), the context (now,
 * zone), field lookups across rows of different layouts, where result
 * strings live, and error buffers.
 *
 * Rows: expr_fixture.h.
 */
#include "test.h"
#include "expr_fixture.h"

static k2td_expr_t *compile(const char *text) {
    char err[256] = "";
    k2td_expr_t *e = k2td_expr_compile(text, err, sizeof(err));
    if (!e) fprintf(stderr, "  `%s`: %s\n", text, err);
    return e;
}

static void test_fields_listed(void) {
    static const struct {
        const char *text;
        const char *fields[4];
    } cases[] = {
        {"1 + 2", {NULL}},
        {"voltage", {"voltage"}},
        {"voltage > 200 && location.starts_with(\"x\") || voltage < 0 && `data.temp` > 1",
         {"voltage", "location", "data.temp"}},
        {"if inuse { a } else { b.len + a }", {"inuse", "a", "b"}},
        {"`a``b` == 温度", {"a`b", "温度"}},
        {"between_time_range(ts, -1, 0) && \"ts\" == \"x\"", {"ts"}},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        k2td_expr_t *e = compile(cases[i].text);
        CHECK(e != NULL);
        if (!e) continue;
        size_t want = 0;
        while (want < 4 && cases[i].fields[want]) want++;
        CHECK_INT(k2td_expr_nfields(e), want);
        for (size_t k = 0; k < want && k < k2td_expr_nfields(e); k++)
            CHECK_STR(k2td_expr_field(e, k), cases[i].fields[k]);
        k2td_expr_free(e);
    }
}

static void test_eval_bool(void) {
    static const struct {
        const char *text;
        size_t row;
        int want;
        const char *err;
    } cases[] = {
        {"voltage > 200", 0, 1, ""},
        {"voltage > 300", 0, 0, ""},
        {"voltage > 200", 1, 0, ""},                 /* a string: unordered */
        {"location.starts_with(\"C\")", 1, 0, ""},   /* missing field: null */
        {"nothing", 0, 0, ""},
        {"!nothing", 0, 0, ""},
        {"inuse", 0, 1, ""},
        {"voltage", 0, -1, "the expression gives an integer, not a bool"},
        {"location", 0, -1, "the expression gives a string, not a bool"},
        {"voltage / zero > 1", 0, -1, "offset 8: division by zero"},
    };
    k2td_rowset_t rs;
    k2td_arena_t arena;
    k2td_expr_ctx_t ctx;
    expr_rows(&rs);
    k2td_arena_init(&arena, 0);
    k2td_expr_ctx_init(&ctx, &arena, EXPR_NOW_US);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        k2td_expr_t *e = compile(cases[i].text);
        CHECK(e != NULL);
        if (!e) continue;
        char err[256] = "";
        int rc = k2td_expr_eval_bool(e, &rs, cases[i].row, &ctx, err, sizeof(err));
        if (rc != cases[i].want) fprintf(stderr, "  `%s`: %d (%s)\n", cases[i].text, rc, err);
        CHECK_INT(rc, cases[i].want);
        CHECK_STR(err, cases[i].err);
        k2td_expr_free(e);
    }
    k2td_arena_free(&arena);
    k2td_rowset_free(&rs);
}

static void test_check_bool(void) {
    static const struct {
        const char *text;
        const char *err; /* "" when it can give a bool */
    } cases[] = {
        {"voltage", ""},
        {"x.len > 1", ""},
        {"null", ""},
        {"if x { true } else { 1 }", ""},
        {"parse_int(x) == 5", ""},
        {"1 + 2", "the expression gives an integer, never a bool"},
        {"x + 1", "the expression gives an integer or a float or a string, never a bool"},
        {"x * 1.5", "the expression gives a float, never a bool"},
        {"x * 2", "the expression gives an integer or a float, never a bool"},
        {"x.trim()", "the expression gives a string, never a bool"},
        {"x.len", "the expression gives an integer, never a bool"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        k2td_expr_t *e = compile(cases[i].text);
        CHECK(e != NULL);
        if (!e) continue;
        char err[256] = "";
        int rc = k2td_expr_check_bool(e, err, sizeof(err));
        CHECK_INT(rc, cases[i].err[0] ? -1 : 0);
        CHECK_STR(err, cases[i].err);
        k2td_expr_free(e);
    }
}

/* between_time_range reads ctx at every evaluation, even with constant
 * arguments, and zone-less strings follow ctx->default_offset_s. */
static void test_context(void) {
    k2td_rowset_t rs;
    k2td_arena_t arena;
    k2td_expr_ctx_t ctx;
    expr_rows(&rs);
    k2td_arena_init(&arena, 0);
    k2td_expr_ctx_init(&ctx, &arena, EXPR_NOW_US);
    CHECK_INT(ctx.default_offset_s, 0);
    CHECK(ctx.arena == &arena);
    k2td_expr_t *e = compile("between_time_range(\"2025-11-25T00:00:00Z\", 0, 0)");
    CHECK_INT(k2td_expr_eval_bool(e, &rs, 0, &ctx, NULL, 0), 1);
    ctx.now_us = EXPR_NOW_US + 1;
    CHECK_INT(k2td_expr_eval_bool(e, &rs, 0, &ctx, NULL, 0), 0);
    ctx.now_us = EXPR_NOW_US - 1;
    CHECK_INT(k2td_expr_eval_bool(e, &rs, 0, &ctx, NULL, 0), 0);
    k2td_expr_free(e);

    e = compile("between_time_range(\"2025-11-25 08:00:00\", 0, 0)");
    ctx.now_us = EXPR_NOW_US;
    CHECK_INT(k2td_expr_eval_bool(e, &rs, 0, &ctx, NULL, 0), 0);
    ctx.default_offset_s = 8 * 3600;
    CHECK_INT(k2td_expr_eval_bool(e, &rs, 0, &ctx, NULL, 0), 1);
    k2td_expr_free(e);
    k2td_arena_free(&arena);
    k2td_rowset_free(&rs);
}

/* One compiled expression over rows whose fields move around, appear and
 * disappear: the cached positions never give a wrong field. */
static void test_rows_of_other_layouts(void) {
    k2td_rowset_t rs;
    k2td_arena_t arena;
    k2td_expr_ctx_t ctx;
    expr_rows(&rs);
    k2td_arena_init(&arena, 0);
    k2td_expr_ctx_init(&ctx, &arena, EXPR_NOW_US);
    k2td_expr_t *e = compile("\"\" + voltage + \"/\" + id");
    static const size_t order[] = {0, 1, 2, 0, 2, 1, 1, 0, 0};
    static const char *const want[] = {"s:220/1", "s:220/2", "null"}; /* row 2 has no id */
    for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
        k2td_value_t v;
        char err[128], got[128];
        CHECK_INT(k2td_expr_eval(e, &rs, order[i], &ctx, &v, err, sizeof(err)), 0);
        if (!expr_matches(&v, want[order[i]]))
            fprintf(stderr, "  row %zu: %s\n", order[i], expr_outcome(&v, got, sizeof(got)));
        CHECK(expr_matches(&v, want[order[i]]));
    }
    k2td_expr_free(e);
    /* without a rowset every field is null */
    e = compile("voltage == null && \"v\" + 1 == \"v1\"");
    CHECK_INT(k2td_expr_eval_bool(e, NULL, 0, &ctx, NULL, 0), 1);
    k2td_expr_free(e);
    k2td_arena_free(&arena);
    k2td_rowset_free(&rs);
}

/* Results that are pieces of a field point into the row; only built
 * strings take arena memory, and an evaluation that builds none leaves
 * the arena untouched. */
static void test_result_memory(void) {
    k2td_rowset_t rs;
    k2td_arena_t arena;
    k2td_expr_ctx_t ctx;
    expr_rows(&rs);
    k2td_arena_init(&arena, 0);
    k2td_expr_ctx_init(&ctx, &arena, EXPR_NOW_US);
    const k2td_field_t *loc = &rs.fields[6];
    CHECK_STR(loc->name, "location");
    k2td_value_t v;
    char err[128];

    k2td_expr_t *e = compile("voltage > 200 && location.starts_with(\"California\") && "
                             "location.sub_string(-3).len == 3 && current * 1.8 + 32 > 0");
    CHECK_INT(k2td_expr_eval(e, &rs, 0, &ctx, &v, err, sizeof(err)), 0);
    CHECK(v.type == K2TD_VAL_BOOL && v.n.b);
    CHECK(arena.head == NULL);
    k2td_expr_free(e);

    e = compile("location.trim().sub_string(11)");
    CHECK_INT(k2td_expr_eval(e, &rs, 0, &ctx, &v, err, sizeof(err)), 0);
    CHECK_MEM(v.str, v.len, "SanFrancisco");
    CHECK(v.str == loc->v.str + 11);
    CHECK(arena.head == NULL);
    k2td_expr_free(e);

    e = compile("location + \"!\"");
    CHECK_INT(k2td_expr_eval(e, &rs, 0, &ctx, &v, err, sizeof(err)), 0);
    CHECK_MEM(v.str, v.len, "California.SanFrancisco!");
    CHECK(arena.head != NULL);
    k2td_expr_free(e);
    /* the result outlives the expression: it is in the caller's arena */
    CHECK_MEM(v.str, v.len, "California.SanFrancisco!");

    /* a constant string lives in the expression */
    e = compile("\"1.2\".pad(5, \"0\") + \"x\"");
    k2td_arena_reset(&arena);
    CHECK_INT(k2td_expr_eval(e, &rs, 0, &ctx, &v, err, sizeof(err)), 0);
    CHECK_MEM(v.str, v.len, "1.200x");
    k2td_expr_free(e);
    k2td_arena_free(&arena);
    k2td_rowset_free(&rs);
}

/* Errors go into any buffer, truncated, or nowhere. */
static void test_error_buffers(void) {
    k2td_rowset_t rs;
    k2td_arena_t arena;
    k2td_expr_ctx_t ctx;
    expr_rows(&rs);
    k2td_arena_init(&arena, 0);
    k2td_expr_ctx_init(&ctx, &arena, EXPR_NOW_US);
    char small[12];
    CHECK(k2td_expr_compile("sqr(2)", small, sizeof(small)) == NULL);
    CHECK_STR(small, "offset 0: u");
    CHECK(k2td_expr_compile("sqr(2)", NULL, 0) == NULL);
    CHECK(k2td_expr_compile("(", small, 1) == NULL);
    CHECK_STR(small, "");
    k2td_expr_t *e = compile("voltage / zero");
    k2td_value_t v;
    CHECK_INT(k2td_expr_eval(e, &rs, 0, &ctx, &v, NULL, 0), -1);
    CHECK_INT(k2td_expr_eval_bool(e, &rs, 0, &ctx, NULL, 0), -1);
    CHECK_INT(k2td_expr_eval(e, &rs, 0, &ctx, &v, small, 5), -1);
    CHECK_STR(small, "offs");
    k2td_expr_free(e);
    e = compile("location");
    CHECK_INT(k2td_expr_eval_bool(e, &rs, 0, &ctx, NULL, 0), -1);
    k2td_expr_free(e);
    k2td_expr_free(NULL);
    k2td_arena_free(&arena);
    k2td_rowset_free(&rs);
}

int main(void) {
    RUN(test_fields_listed);
    RUN(test_eval_bool);
    RUN(test_check_bool);
    RUN(test_context);
    RUN(test_rows_of_other_layouts);
    RUN(test_result_memory);
    RUN(test_error_buffers);
    return test_finish();
}
