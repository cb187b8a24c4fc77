/*
 * test_transform_chain.c - extract -> filter -> map chained the way the
 * engine runs them: two rowsets swapped between stages.
 */
#include "test_transform_fixture.h"
#include "transform/extract.h"
#include "transform/filter.h"
#include "transform/map.h"

static void test_extract_filter_map(void) {
    char err[256] = "";
    k2td_extract_rule_t xrules[] = {
        {.kind = K2TD_EXTRACT_SPLIT, .field = "message", .separator = "-", .count = 2},
        {.kind = K2TD_EXTRACT_JSON, .field = "payload"},
    };
    const char *fexprs[] = {"id != 1", "message_1 != \"skip\""};
    static const char *const join[] = {"message_0", "message_1"};
    k2td_map_rule_t mrules[] = {
        {.kind = K2TD_MAP_FORMAT, .target = "tbname", .text = "t_${id}"},
        {.kind = K2TD_MAP_JOIN, .target = "words", .fields = join, .nfields = 2, .separator = "+"},
        {.kind = K2TD_MAP_EXPR, .target = "v2", .text = "v * 2"},
        {.kind = K2TD_MAP_NOW, .target = "ts"},
    };
    k2td_extract_t *x = k2td_extract_compile(xrules, 2, err, sizeof(err));
    k2td_filter_t *f = k2td_filter_compile(fexprs, 2, err, sizeof(err));
    k2td_map_t *m = k2td_map_compile(mrules, 4, err, sizeof(err));
    CHECK_STR(err, "");
    CHECK(x && f && m);
    if (!x || !f || !m) return;

    /* two batches through the same stages and rowsets */
    k2td_rowset_t sets[2];
    for (int i = 0; i < 2; i++) k2td_rowset_init(&sets[i]);
    for (int batch = 0; batch < 2; batch++) {
        k2td_rowset_t *cur = &sets[batch], *next = &sets[1 - batch];
        const char *msgs[] = {
            "{\"id\":1,\"message\":\"a-b\",\"payload\":\"{\\\"v\\\":1}\"}",    /* filtered */
            "{\"id\":2,\"message\":\"hello-word\",\"payload\":\"{\\\"v\\\":21}\"}",
            "{\"id\":3,\"message\":\"x-y\",\"payload\":\"oops\"}",               /* extract error */
            "{\"id\":4,\"message\":\"c-skip\",\"payload\":\"{}\"}",             /* filtered */
            "{\"id\":5,\"message\":\"solo\",\"payload\":\"{\\\"v\\\":\\\"q\\\"}\"}", /* map error */
            "{\"id\":6,\"message\":\"m-n\",\"payload\":\"{\\\"v\\\":1.5}\"}",
        };
        load_json(cur, msgs, 6, 100);
        drops_t d;
        k2td_transform_ctx_t ctx;
        fixture_ctx(&ctx, &d);

        /* the parser's output is the first input; the payloads (msgs) and
         * both arenas stay alive until the batch is done */
        CHECK_INT(k2td_extract_run(x, cur, next, &ctx), 1);
        k2td_transform_swap(&cur, &next);
        CHECK_INT(next->nrows, 0);
        CHECK_INT(k2td_filter_run(f, cur, next, &ctx), 2);
        k2td_transform_swap(&cur, &next);
        CHECK_INT(k2td_map_run(m, cur, next, &ctx), 1);
        k2td_transform_swap(&cur, &next);

        CHECK_INT(cur->nrows, 2);
        CHECK_INT(cur->row_msg[0], 101);
        CHECK_INT(cur->row_msg[1], 105);
        CHECK_FIELD_STR(cur, 0, "tbname", "t_2");
        CHECK_FIELD_STR(cur, 0, "words", "hello+word");
        CHECK_FIELD_INT(cur, 0, "v2", 42);
        CHECK_FIELD_INT(cur, 0, "ts", 1700000000123LL);
        CHECK_FIELD_STR(cur, 0, "payload", "{\"v\":21}");
        CHECK_FIELD_STR(cur, 1, "tbname", "t_6");
        CHECK_FIELD_STR(cur, 1, "words", "m+n");

        CHECK_INT(d.n, 4);
        CHECK_INT(d.msgs[0], 102);
        CHECK(strncmp(d.reasons[0], "extract rule 2 (json on `payload`): offset 0", 44) == 0);
        CHECK_INT(d.msgs[1], 100);
        CHECK_STR(d.reasons[1], "filter `id != 1` is not true");
        CHECK_INT(d.msgs[2], 103);
        CHECK_STR(d.reasons[2], "filter `message_1 != \"skip\"` is not true");
        CHECK_INT(d.msgs[3], 104);
        CHECK(strncmp(d.reasons[3], "map rule 3 (`v2`, expr): offset 2: ", 35) == 0);
        /* filters leave rows out; failing extract and map rules drop bad data */
        CHECK(!d.filtered[0] && d.filtered[1] && d.filtered[2] && !d.filtered[3]);
        /* the batch is done: now both may be reset */
        for (int i = 0; i < 2; i++) k2td_rowset_reset(&sets[i]);
    }
    for (int i = 0; i < 2; i++) k2td_rowset_free(&sets[i]);
    k2td_extract_free(x);
    k2td_filter_free(f);
    k2td_map_free(m);
}

int main(void) {
    RUN(test_extract_filter_map);
    return test_finish();
}
