/*
 * test_plugin.c - parser plugins: finding, loading, running, and their errors.
 *
 * Loads the plugins of examples/parser-plugin, whose build directory is a
 * plugin home given by the compile definition K2TD_TEST_PLUGIN_HOME (set by
 * examples/parser-plugin/CMakeLists.txt).
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/buf.h"
#include "parse/plugin.h"
#include "test.h"

#ifdef K2TD_TEST_PLUGIN_HOME
static const char *const home = K2TD_TEST_PLUGIN_HOME;
#else
static const char *const home = NULL;
#endif

/* Checks that row r has the field name with type t and text (the literal
 * for numbers and strings; "true"/"false" for bools; "" for null). */
static void check_field(const k2td_rowset_t *rs, size_t r, const char *name, k2td_val_type_t t,
                        const char *text) {
    size_t hint = 0;
    const k2td_field_t *f = r < rs->nrows ? k2td_rowset_find(rs, r, name, strlen(name), &hint)
                                          : NULL;
    if (!f) fprintf(stderr, "row %zu has no field %s\n", r, name);
    CHECK(f != NULL);
    if (!f) return;
    CHECK_INT(f->v.type, t);
    if (t == K2TD_VAL_BOOL) CHECK_STR(f->v.n.b ? "true" : "false", text);
    else if (t != K2TD_VAL_NULL) CHECK_MEM(f->v.str, f->v.len, text);
}

/* Opens plugin name from home with the NUL-terminated ctx; NULL on error
 * (printed). */
static k2td_plugin_t *open_plugin(const char *from, const char *name, const char *ctx) {
    char err[512];
    k2td_plugin_t *p = k2td_plugin_open(from, name, ctx, ctx ? strlen(ctx) : 0, err, sizeof(err));
    if (!p) fprintf(stderr, "open %s: %s\n", name, err);
    return p;
}

static void test_home_is_set(void) {
    if (!home)
        fprintf(stderr, "K2TD_TEST_PLUGIN_HOME is not defined: the top-level CMakeLists.txt "
                        "must add_subdirectory(examples/parser-plugin) after the tests\n");
    CHECK(home != NULL);
}

/* The example plugin: name, version, rows of several messages, rollback. */
static void test_kv(void) {
    if (!home) return;
    k2td_plugin_t *p = open_plugin(home, "kv", NULL);
    CHECK(p != NULL);
    if (!p) return;
    CHECK_STR(k2td_plugin_name(p), "kv");
    CHECK_STR(k2td_plugin_version(p), "1.0.0");
    const char *path = k2td_plugin_path(p);
    CHECK(strlen(path) > 17 && strcmp(path + strlen(path) - 17, "/parsers/libkv.so") == 0);

    k2td_rowset_t rs;
    k2td_rowset_init(&rs);
    char err[512];
    const char *m1 = "a=1,b=x,c=-2.5e3,d=0.5.1,e=\"hi\\";
    CHECK_INT(k2td_plugin_parse(p, m1, strlen(m1), 3, &rs, err, sizeof(err)), 1);
    check_field(&rs, 0, "a", K2TD_VAL_INT, "1");
    check_field(&rs, 0, "b", K2TD_VAL_STRING, "x");
    check_field(&rs, 0, "c", K2TD_VAL_FLOAT, "-2.5e3");
    check_field(&rs, 0, "d", K2TD_VAL_STRING, "0.5.1");
    check_field(&rs, 0, "e", K2TD_VAL_STRING, "\"hi\\");
    CHECK_INT(rs.row_msg[0], 3);

    const char *m2 = "a=2\n\r\nb=3\r\n";
    CHECK_INT(k2td_plugin_parse(p, m2, strlen(m2), 4, &rs, err, sizeof(err)), 2);
    check_field(&rs, 1, "a", K2TD_VAL_INT, "2");
    check_field(&rs, 2, "b", K2TD_VAL_INT, "3");
    CHECK_INT(rs.row_msg[2], 4);
    CHECK_INT(k2td_plugin_parse(p, "", 0, 5, &rs, err, sizeof(err)), 0);

    static const struct {
        const char *msg;
        const char *err;
    } bad[] = {
        {"a=1,b", "parser plugin \"kv\": parser_mutate failed: line 1, pair 2: expected key=value"},
        {"a=1\n=2", "parser plugin \"kv\": parser_mutate failed: line 2, pair 1: expected"},
        {"a=1,", "line 1, pair 2: expected key=value"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        CHECK_INT(k2td_plugin_parse(p, bad[i].msg, strlen(bad[i].msg), 6, &rs, err, sizeof(err)),
                  -1);
        if (!strstr(err, bad[i].err)) fprintf(stderr, "got: %s\n", err);
        CHECK(strstr(err, bad[i].err) != NULL);
        CHECK_INT(rs.nrows, 3);
    }
    k2td_rowset_free(&rs);
    k2td_plugin_free(p);
}

/* The configuration reaches parser_new. */
static void test_kv_config(void) {
    if (!home) return;
    k2td_plugin_t *p = open_plugin(home, "kv", ";:");
    CHECK(p != NULL);
    if (p) {
        k2td_rowset_t rs;
        k2td_rowset_init(&rs);
        CHECK_INT(k2td_plugin_parse(p, "a:1;b:x,y", 9, 0, &rs, NULL, 0), 1);
        check_field(&rs, 0, "a", K2TD_VAL_INT, "1");
        check_field(&rs, 0, "b", K2TD_VAL_STRING, "x,y");
        k2td_rowset_free(&rs);
        k2td_plugin_free(p);
    }
    char err[512];
    CHECK(k2td_plugin_open(home, "kv", "bad", 3, err, sizeof(err)) == NULL);
    CHECK(strstr(err, "parser plugin \"kv\" (") != NULL);
    CHECK(strstr(err, "/parsers/libkv.so): parser_new failed (e = 1)") != NULL);
}

/* The plugin's output buffer is reused by its next call and poisoned by
 * parser_free: rows must not point into it. */
static void test_output_is_copied(void) {
    if (!home) return;
    k2td_plugin_t *p = open_plugin(home, "broken", "echo");
    CHECK(p != NULL);
    if (!p) return;
    CHECK_STR(k2td_plugin_version(p), "0.0.1-test");
    k2td_rowset_t rs;
    k2td_rowset_init(&rs);
    const char *m1 = "{\"s\":\"first\",\"t\":[1,2]}", *m2 = "[{\"s\":\"second\"},{\"s\":\"3rd\"}]";
    CHECK_INT(k2td_plugin_parse(p, m1, strlen(m1), 0, &rs, NULL, 0), 1);
    CHECK_INT(k2td_plugin_parse(p, m2, strlen(m2), 1, &rs, NULL, 0), 2);
    k2td_plugin_free(p);
    check_field(&rs, 0, "s", K2TD_VAL_STRING, "first");
    check_field(&rs, 0, "t_1", K2TD_VAL_INT, "2");
    check_field(&rs, 1, "s", K2TD_VAL_STRING, "second");
    check_field(&rs, 2, "s", K2TD_VAL_STRING, "3rd");
    k2td_rowset_free(&rs);
}

/* Failures name the plugin, its file and the symbol or step. */
static void test_errors(void) {
    if (!home) return;
    static const struct {
        const char *home; /* NULL = the test home */
        const char *name;
        const char *ctx;
        const char *payload; /* NULL: the open fails */
        const char *err;
    } cases[] = {
        {NULL, "broken", "fail-new", NULL, "/parsers/libbroken.so): parser_new failed (e = 7)"},
        {NULL, "missing-mutate", "", NULL,
         "/parsers/libnosym.so): missing symbol parser_mutate"},
        /* libnosym.so exists but calls itself another name */
        {NULL, "nosym", "", NULL, "/parsers/libnosym.so): its parser_name() is \"missing-mutate\""},
        {NULL, "nothere", "", NULL, "no parser plugin named \"nothere\" in "},
        {NULL, "../kv", "", NULL, "parser plugin name \"../kv\" is not valid"},
        {NULL, "a/b", "", NULL, "is not valid"},
        {NULL, "", "", NULL, "parser plugin name \"\" is not valid"},
        {"/nonexistent-k2td-home", "kv", "", NULL,
         "parser plugin \"kv\": cannot read the plugin directory /nonexistent-k2td-home/parsers: "
         "No such file or directory"},
        {NULL, "broken", "error", "{}",
         "parser plugin \"broken\": parser_mutate failed: deliberate failure"},
        {NULL, "broken", "bad-json", "{}", "parser plugin \"broken\": output: offset 1: "},
        {NULL, "broken", "no-output", "{}",
         "parser plugin \"broken\": output: offset 0: empty payload"},
        {NULL, "broken", "null-len", "{}", "returned no output but a length of 9"},
        {NULL, "broken", "echo", "{\"a\":", "parser plugin \"broken\": output: offset 5: "},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char err[512] = "";
        const char *h = cases[i].home ? cases[i].home : home;
        k2td_plugin_t *p = k2td_plugin_open(h, cases[i].name, cases[i].ctx, strlen(cases[i].ctx),
                                            err, sizeof(err));
        if (cases[i].payload) {
            CHECK(p != NULL);
            if (!p) continue;
            k2td_rowset_t rs;
            k2td_rowset_init(&rs);
            k2td_rowset_begin_row(&rs, 0);
            CHECK_INT(k2td_plugin_parse(p, cases[i].payload, strlen(cases[i].payload), 1, &rs, err,
                                        sizeof(err)),
                      -1);
            CHECK_INT(rs.nrows, 1);
            k2td_rowset_free(&rs);
            k2td_plugin_free(p);
        } else {
            CHECK(p == NULL);
            k2td_plugin_free(p);
        }
        if (!strstr(err, cases[i].err))
            fprintf(stderr, "case %zu: error \"%s\" lacks \"%s\"\n", i, err, cases[i].err);
        CHECK(strstr(err, cases[i].err) != NULL);
    }
}

/* A plugin whose file is not lib<name>.so is found by its parser_name(),
 * past files that are not plugins. */
static void test_search_by_name(void) {
    if (!home) return;
    char tmp[] = "/tmp/k2td-plugin-test-XXXXXX";
    CHECK(mkdtemp(tmp) != NULL);
    k2td_buf_t dir = K2TD_BUF_INIT, junk = K2TD_BUF_INIT, alias = K2TD_BUF_INIT,
               target = K2TD_BUF_INIT;
    k2td_buf_printf(&dir, "%s/parsers", tmp);
    k2td_buf_printf(&junk, "%s/libjunk.so", dir.data);
    k2td_buf_printf(&alias, "%s/libzz-alias.so", dir.data);
    k2td_buf_printf(&target, "%s/parsers/libkv.so", home);
    CHECK(mkdir(dir.data, 0700) == 0);
    FILE *f = fopen(junk.data, "w");
    CHECK(f != NULL);
    if (f) {
        fputs("not a shared library\n", f);
        fclose(f);
    }
    CHECK(symlink(target.data, alias.data) == 0);

    k2td_plugin_t *p = open_plugin(tmp, "kv", NULL);
    CHECK(p != NULL);
    if (p) {
        CHECK_STR(k2td_plugin_path(p), alias.data);
        k2td_rowset_t rs;
        k2td_rowset_init(&rs);
        CHECK_INT(k2td_plugin_parse(p, "x=1", 3, 0, &rs, NULL, 0), 1);
        check_field(&rs, 0, "x", K2TD_VAL_INT, "1");
        k2td_rowset_free(&rs);
        k2td_plugin_free(p);
    }
    char err[512];
    CHECK(k2td_plugin_open(tmp, "junk", NULL, 0, err, sizeof(err)) == NULL);
    CHECK(strstr(err, "/parsers/libjunk.so): cannot load it: ") != NULL);
    CHECK(k2td_plugin_open(tmp, "broken", NULL, 0, err, sizeof(err)) == NULL);
    CHECK(strstr(err, "no parser plugin named \"broken\"") != NULL);

    unlink(junk.data);
    unlink(alias.data);
    rmdir(dir.data);
    rmdir(tmp);
    k2td_buf_free(&dir);
    k2td_buf_free(&junk);
    k2td_buf_free(&alias);
    k2td_buf_free(&target);
}

int main(void) {
    RUN(test_home_is_set);
    RUN(test_kv);
    RUN(test_kv_config);
    RUN(test_output_is_copied);
    RUN(test_errors);
    RUN(test_search_by_name);
    return test_finish();
}
