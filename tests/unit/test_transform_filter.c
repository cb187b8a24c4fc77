/*
 * test_transform_filter.c - the `filter` stage: ANDed expressions, drop
 * reasons, row_msg kept and compile errors.
 */
#include "test_transform_fixture.h"
#include "transform/filter.h"

static void test_seed_example(void) {
    k2td_rowset_t in, out;
    k2td_rowset_init(&in);
    k2td_rowset_init(&out);
    drops_t d;
    k2td_transform_ctx_t ctx;
    fixture_ctx(&ctx, &d);
    const char *msgs[] = {"{\"id\":0}", "{\"id\":1}", "{\"id\":2,\"x\":\"a\"}", "[{\"id\":1},{\"id\":3}]"};
    load_json(&in, msgs, 4, 20);
    char err[256] = "";
    const char *exprs[] = {"id != 1"};
    k2td_filter_t *f = k2td_filter_compile(exprs, 1, err, sizeof(err));
    CHECK(f != NULL);
    CHECK_INT(k2td_filter_run(f, &in, &out, &ctx), 2);
    CHECK_INT(out.nrows, 3);
    CHECK_FIELD_INT(&out, 0, "id", 0);
    CHECK_FIELD_INT(&out, 1, "id", 2);
    CHECK_FIELD_STR(&out, 1, "x", "a");
    CHECK_FIELD_INT(&out, 2, "id", 3);
    CHECK_INT(out.row_msg[0], 20);
    CHECK_INT(out.row_msg[1], 22);
    CHECK_INT(out.row_msg[2], 23);
    CHECK_INT(d.n, 2);
    CHECK_INT(d.rows[0], 1);
    CHECK_INT(d.msgs[0], 21);
    CHECK_STR(d.reasons[0], "filter `id != 1` is not true");
    CHECK_INT(d.filtered[0], 1);
    CHECK_INT(d.rows[1], 3);
    CHECK_INT(d.msgs[1], 23);
    k2td_filter_free(f);
    k2td_rowset_free(&in);
    k2td_rowset_free(&out);
}

static void test_and_null_and_errors(void) {
    static const struct {
        const char *msg;
        const char *reason; /* NULL: kept */
    } cases[] = {
        {"{\"a\":5,\"b\":2,\"loc\":\"beijing.x\"}", NULL},
        {"{\"a\":1,\"b\":2,\"loc\":\"beijing.x\"}", "filter `a > b` is not true"},
        {"{\"a\":5,\"b\":2,\"loc\":\"shanghai\"}", "filter `loc.starts_with(\"beijing\")` is not true"},
        {"{\"b\":2,\"loc\":\"beijing\"}", "filter `a > b` is not true"},           /* null */
        {"{\"a\":5,\"b\":0,\"loc\":\"beijing\"}", "filter `a / b >= 1`: offset 2: division by zero"},
        {"{\"a\":\"x\",\"b\":1,\"loc\":\"beijing\"}", "filter `a > b` is not true"}, /* kinds differ */
    };
    const char *exprs[] = {"a > b", "loc.starts_with(\"beijing\")", "a / b >= 1"};
    char err[256] = "";
    k2td_filter_t *f = k2td_filter_compile(exprs, 3, err, sizeof(err));
    CHECK(f != NULL);
    k2td_rowset_t in, out;
    k2td_rowset_init(&in);
    k2td_rowset_init(&out);
    drops_t d;
    k2td_transform_ctx_t ctx;
    fixture_ctx(&ctx, &d);
    for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
        k2td_rowset_reset(&in);
        k2td_rowset_reset(&out);
        d.n = 0;
        load_json(&in, &cases[c].msg, 1, c);
        size_t dropped = k2td_filter_run(f, &in, &out, &ctx);
        CHECK_INT(dropped, cases[c].reason ? 1 : 0);
        CHECK_INT(out.nrows, cases[c].reason ? 0 : 1);
        if (cases[c].reason) {
            CHECK_INT(d.n, 1);
            CHECK_STR(d.reasons[0], cases[c].reason);
            CHECK_INT(d.msgs[0], c);
            /* a filter that cannot be evaluated fails the row; false or null filters it */
            CHECK_INT(d.filtered[0], strstr(cases[c].reason, "is not true") != NULL);
        }
    }
    k2td_filter_free(f);
    k2td_rowset_free(&in);
    k2td_rowset_free(&out);
}

static void test_compile_errors(void) {
    char err[256];
    const char *not_bool[] = {"id != 1", "id + 1"};
    CHECK(k2td_filter_compile(not_bool, 2, err, sizeof(err)) == NULL);
    CHECK(strncmp(err, "filter 2 `id + 1`: the expression gives", 39) == 0);
    const char *syntax[] = {"id !="};
    CHECK(k2td_filter_compile(syntax, 1, err, sizeof(err)) == NULL);
    CHECK(strncmp(err, "filter 1 `id !=`: offset ", 25) == 0);
    const char *unknown[] = {"sqr(id) > 1"};
    CHECK(k2td_filter_compile(unknown, 1, err, sizeof(err)) == NULL);
    CHECK_STR(err, "filter 1 `sqr(id) > 1`: offset 0: unknown function 'sqr'");
    CHECK(k2td_filter_compile(unknown, 0, err, sizeof(err)) == NULL);
    CHECK_STR(err, "filter has no expression");
}

int main(void) {
    RUN(test_seed_example);
    RUN(test_and_null_and_errors);
    RUN(test_compile_errors);
    return test_finish();
}
