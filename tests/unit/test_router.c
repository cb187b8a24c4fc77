/* Unit tests of src/transform/router.c: each row goes to the first rule
 * whose matches.expr is true, rules run their own stages, rows no rule takes
 * are reported as routed out. */
#include "parse/json_flat.h"
#include "task/parser_config.h"
#include "transform/router.h"
#include "test.h"

typedef struct {
    char reasons[8][160];
    size_t n;
} drops_t;

static void on_drop(void *opaque, k2td_stage_kind_t kind, const k2td_rowset_t *in, size_t row,
                    int filtered, const char *reason) {
    drops_t *d = opaque;
    CHECK_INT(kind, K2TD_STAGE_ROUTE);
    CHECK_INT(filtered, 1);
    if (d->n < 8) snprintf(d->reasons[d->n++], sizeof(d->reasons[0]), "%zu: %s", in->row_msg[row],
                           reason);
}

/* Returns the messages of route i's rows as "0,2" and the value of field
 * `extra` of each as ",x" when present. */
static const char *route_rows(const k2td_router_t *r, size_t i, char *out, size_t size) {
    const k2td_rowset_t *rs = k2td_router_rows(r, i);
    size_t o = 0;
    out[0] = '\0';
    for (size_t row = 0; row < rs->nrows && o < size; row++) {
        size_t hint = 0;
        const k2td_field_t *f = k2td_rowset_find(rs, row, "extra", 5, &hint);
        o += (size_t)snprintf(out + o, size - o, "%s%zu%s%.*s", row ? "," : "", rs->row_msg[row],
                              f ? "=" : "", f ? (int)f->v.len : 0, f ? f->v.str : "");
    }
    return out;
}

static void test_first_match_and_own_stages(void) {
    static const char *const parser =
        "{\"parse\":{\"value\":{\"json\":\"\"}},"
        "\"rules\":[{\"matches\":{\"expr\":\"kind == \\\"a\\\"\"},"
        "\"mutate\":[{\"map\":{\"extra\":{\"format\":\"A${id}\"}}}],"
        "\"model\":{\"name\":\"a_{id}\",\"using\":\"sa\"}},"
        "{\"matches\":{\"expr\":\"id > 1\"},\"model\":{\"name\":\"b_{id}\",\"using\":\"sb\"}}]}";
    static const char *const msgs[] = {
        "{\"kind\":\"a\",\"id\":1}", /* rule 0 */
        "{\"kind\":\"b\",\"id\":2}", /* rule 1 */
        "{\"kind\":\"a\",\"id\":3}", /* rule 0 first, though rule 1 matches too */
        "{\"kind\":\"b\",\"id\":0}", /* no rule */
        "{\"id\":\"x\"}",            /* id > 1 is false for a string: no rule */
    };
    char err[512], buf[256];
    k2td_parser_conf_t pc;
    CHECK_INT(k2td_parser_conf_from_text(parser, &pc, err, sizeof(err)), 0);
    CHECK_INT(pc.nroutes, 2);
    k2td_router_t *r = k2td_router_new(pc.routes, pc.nroutes, err, sizeof(err));
    CHECK(r != NULL);
    k2td_rowset_t in;
    k2td_rowset_init(&in);
    for (size_t i = 0; i < sizeof(msgs) / sizeof(msgs[0]); i++)
        CHECK(k2td_json_flat_parse(msgs[i], strlen(msgs[i]), i, &in, err, sizeof(err)) == 1);
    for (int round = 0; round < 2; round++) { /* a second batch reuses the buffers */
        drops_t d = {.n = 0};
        k2td_router_run(r, &in, 1764000000000LL, 0, on_drop, &d);
        CHECK_STR(route_rows(r, 0, buf, sizeof(buf)), "0=A1,2=A3");
        CHECK_STR(route_rows(r, 1, buf, sizeof(buf)), "1");
        CHECK_INT(d.n, 2);
        CHECK_STR(d.reasons[0], "3: no rule's matches.expr is true for the row");
        CHECK_STR(d.reasons[1], "4: no rule's matches.expr is true for the row");
        k2td_router_reset(r);
    }
    k2td_rowset_free(&in);
    k2td_router_free(r);
    k2td_parser_conf_free(&pc);
}

/* A lone model takes every row as it is: no copy, no drop. */
static void test_single_model_passes_through(void) {
    char err[512];
    k2td_parser_conf_t pc;
    CHECK_INT(k2td_parser_conf_from_text("{\"parse\":{\"value\":{\"json\":\"\"}},"
                                         "\"model\":{\"name\":\"t\",\"using\":\"s\"}}",
                                         &pc, err, sizeof(err)),
              0);
    k2td_router_t *r = k2td_router_new(pc.routes, pc.nroutes, err, sizeof(err));
    k2td_rowset_t in;
    k2td_rowset_init(&in);
    CHECK(k2td_json_flat_parse("{\"a\":1}", 7, 0, &in, err, sizeof(err)) == 1);
    drops_t d = {.n = 0};
    k2td_router_run(r, &in, 0, 0, on_drop, &d);
    CHECK(k2td_router_rows(r, 0) == &in);
    CHECK_INT(d.n, 0);
    k2td_rowset_free(&in);
    k2td_router_free(r);
    k2td_parser_conf_free(&pc);
}

/* Rules come first, then the top-level model takes what is left. */
static void test_model_after_rules_takes_the_rest(void) {
    char err[512];
    k2td_parser_conf_t pc;
    CHECK_INT(k2td_parser_conf_from_text(
                  "{\"parse\":{\"value\":{\"json\":\"\"}},"
                  "\"rules\":[{\"matches\":{\"expr\":\"a == 1\"},\"model\":{\"name\":\"x\","
                  "\"using\":\"s1\"}}],\"model\":{\"name\":\"y\",\"using\":\"s2\"}}",
                  &pc, err, sizeof(err)),
              0);
    CHECK_INT(pc.nroutes, 2);
    CHECK(pc.routes[1].match == NULL);
    CHECK_STR(pc.routes[1].models[0].stable, "s2");
    k2td_router_t *r = k2td_router_new(pc.routes, pc.nroutes, err, sizeof(err));
    k2td_rowset_t in;
    k2td_rowset_init(&in);
    CHECK(k2td_json_flat_parse("[{\"a\":1},{\"a\":2}]", 17, 0, &in, err, sizeof(err)) == 2);
    drops_t d = {.n = 0};
    k2td_router_run(r, &in, 0, 0, on_drop, &d);
    CHECK_INT(k2td_router_rows(r, 0)->nrows, 1);
    CHECK_INT(k2td_router_rows(r, 1)->nrows, 1);
    CHECK_INT(d.n, 0);
    k2td_rowset_free(&in);
    k2td_router_free(r);
    k2td_parser_conf_free(&pc);
}

int main(void) {
    RUN(test_first_match_and_own_stages);
    RUN(test_single_model_passes_through);
    RUN(test_model_after_rules_takes_the_rest);
    return test_finish();
}
