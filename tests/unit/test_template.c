/*
 * test_template.c - table-name templates and the table-name check.
 */
#include <string.h>

#include "common/buf.h"
#include "model/template.h"
#include "model/value.h"
#include "test.h"

static void add_str(k2td_rowset_t *rs, const char *name, const char *s) {
    k2td_field_t *f = k2td_rowset_add_field(rs, name, strlen(name));
    f->v.type = K2TD_VAL_STRING;
    f->v.str = s;
    f->v.len = strlen(s);
}

static void add_int(k2td_rowset_t *rs, const char *name, int64_t i, const char *text) {
    k2td_field_t *f = k2td_rowset_add_field(rs, name, strlen(name));
    f->v.type = K2TD_VAL_INT;
    f->v.n.i = i;
    f->v.str = text;
    f->v.len = text ? strlen(text) : 0;
}

/* Row 0: id=7 groupid=3 location=SF ok=true f=1.50 n=NULL
 * Row 1: the same names in another order, other values, no `n`
 * Row 2: only location */
static void make_rows(k2td_rowset_t *rs) {
    k2td_rowset_init(rs);
    k2td_rowset_begin_row(rs, 0);
    add_int(rs, "id", 7, "7");
    add_int(rs, "groupid", 3, NULL);
    add_str(rs, "location", "SF");
    k2td_field_t *f = k2td_rowset_add_field(rs, "ok", 2);
    f->v.type = K2TD_VAL_BOOL;
    f->v.n.b = 1;
    f = k2td_rowset_add_field(rs, "f", 1);
    f->v.type = K2TD_VAL_FLOAT;
    f->v.n.f = 1.5;
    f->v.str = "1.50";
    f->v.len = 4;
    k2td_rowset_add_field(rs, "n", 1);
    k2td_rowset_begin_row(rs, 0);
    add_str(rs, "location", "北京");
    add_int(rs, "groupid", -12, "-12");
    add_int(rs, "id", 8, "8");
    k2td_rowset_begin_row(rs, 1);
    add_str(rs, "location", "LA");
    add_str(rs, "empty", "");
}

static void test_expand(void) {
    static const struct {
        const char *tmpl;
        size_t row;
        const char *want; /* else the expansion fails with this reason */
        const char *why;
    } cases[] = {
        {"t_{id}", 0, "t_7", NULL},
        {"t_{id}", 1, "t_8", NULL},
        {"d_${groupid}_{location}", 0, "d_3_SF", NULL},
        {"d_${groupid}_{location}", 1, "d_-12_北京", NULL},
        {"{location}", 2, "LA", NULL},
        {"{ok}-{f}", 0, "true-1.50", NULL},
        {"meters", 0, "meters", NULL},
        {"meters", 2, "meters", NULL},
        {"{id}{id}${id}", 0, "777", NULL},
        {"$x$_{id}$", 0, "$x$_7$", NULL},
        {"${location}", 1, "北京", NULL},
        {"t_{id}", 2, NULL, "template variable `id` is missing"},
        {"t_{n}", 0, NULL, "template variable `n` is NULL"},
        {"t_{ID}", 0, NULL, "template variable `ID` is missing"},
        {"t_{ id}", 0, NULL, "template variable ` id` is missing"},
        /* a name is never built from an empty placeholder */
        {"t_{empty}", 2, NULL, "template variable `empty` is empty"},
    };
    k2td_rowset_t rs;
    make_rows(&rs);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char err[128] = "";
        k2td_template_t *t = k2td_template_compile(cases[i].tmpl, err, sizeof(err));
        CHECK(t != NULL);
        if (!t) continue;
        k2td_buf_t b = K2TD_BUF_INIT;
        k2td_buf_puts(&b, "x:");
        int rc = k2td_template_expand(t, &rs, cases[i].row, &b, err, sizeof(err));
        if (cases[i].want) {
            CHECK_INT(rc, 0);
            CHECK_STR(b.data + 2, cases[i].want);
        } else {
            CHECK_INT(rc, -1);
            CHECK_STR(b.data, "x:");
            CHECK_STR(err, cases[i].why);
        }
        k2td_buf_free(&b);
        k2td_template_free(t);
    }
    k2td_rowset_free(&rs);
}

/* One template over many rows, fields moving around: the cached positions
 * must never return a wrong field. */
static void test_expand_reuses_hints(void) {
    k2td_rowset_t rs;
    make_rows(&rs);
    char err[128];
    k2td_template_t *t = k2td_template_compile("{location}/{groupid}/{id}", err, sizeof(err));
    CHECK(t != NULL);
    k2td_buf_t b = K2TD_BUF_INIT;
    for (int pass = 0; pass < 3; pass++) {
        k2td_buf_reset(&b);
        CHECK_INT(k2td_template_expand(t, &rs, 0, &b, err, sizeof(err)), 0);
        CHECK_STR(b.data, "SF/3/7");
        k2td_buf_reset(&b);
        CHECK_INT(k2td_template_expand(t, &rs, 1, &b, err, sizeof(err)), 0);
        CHECK_STR(b.data, "北京/-12/8");
        k2td_buf_reset(&b);
        CHECK_INT(k2td_template_expand(t, &rs, 2, &b, err, sizeof(err)), -1);
        CHECK_STR(err, "template variable `groupid` is missing");
        CHECK_STR(b.data, "");
    }
    k2td_buf_free(&b);
    k2td_template_free(t);
    k2td_rowset_free(&rs);
}

static void test_compile_errors(void) {
    static const struct {
        const char *tmpl, *err;
    } cases[] = {
        {"", "template is empty"},
        {"t_{id", "placeholder opened at offset 2 is not closed"},
        {"t_${id", "placeholder opened at offset 2 is not closed"},
        {"{", "placeholder opened at offset 0 is not closed"},
        {"${", "placeholder opened at offset 0 is not closed"},
        {"t_{a{b}}", "placeholder opened at offset 2 is not closed"},
        {"t_{}", "placeholder at offset 2 has an empty name"},
        {"x${}", "placeholder at offset 1 has an empty name"},
        {"t_}", "'}' at offset 2 closes no placeholder"},
        {"{a}}", "'}' at offset 3 closes no placeholder"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char err[128] = "";
        k2td_template_t *t = k2td_template_compile(cases[i].tmpl, err, sizeof(err));
        CHECK(t == NULL);
        CHECK_STR(err, cases[i].err);
        k2td_template_free(t);
    }
    CHECK(k2td_template_compile("{", NULL, 0) == NULL);
}

static void test_vars(void) {
    char err[128];
    k2td_template_t *t =
        k2td_template_compile("d_${groupid}_{location}_{groupid}_{ a b }", err, sizeof(err));
    CHECK(t != NULL);
    CHECK_INT(k2td_template_nvars(t), 3);
    CHECK_STR(k2td_template_var(t, 0), "groupid");
    CHECK_STR(k2td_template_var(t, 1), "location");
    CHECK_STR(k2td_template_var(t, 2), " a b ");
    k2td_template_free(t);
    t = k2td_template_compile("meters", err, sizeof(err));
    CHECK_INT(k2td_template_nvars(t), 0);
    k2td_template_free(t);
    k2td_template_free(NULL);
}

static void test_table_name_check(void) {
    char name[200];
    char err[256] = "";
    memset(name, 'a', sizeof(name));
    CHECK_INT(k2td_table_name_check("d1", 2, err, sizeof(err)), 0);
    CHECK_INT(k2td_table_name_check("温度", 6, err, sizeof(err)), 0);
    CHECK_INT(k2td_table_name_check("a`b c-d", 7, err, sizeof(err)), 0);
    CHECK_INT(k2td_table_name_check(name, 192, err, sizeof(err)), 0);
    CHECK_INT(k2td_table_name_check(name, 193, err, sizeof(err)), -1);
    CHECK(strstr(err, "is 193 bytes long, more than 192") != NULL);
    CHECK_INT(k2td_table_name_check("", 0, err, sizeof(err)), -1);
    CHECK_STR(err, "table name is empty");
    CHECK_INT(k2td_table_name_check("a.b", 3, err, sizeof(err)), -1);
    CHECK_STR(err, "table name `a.b` contains '.'");
    CHECK_INT(k2td_table_name_check("a\0b", 3, err, sizeof(err)), -1);
    CHECK_STR(err, "table name contains a NUL byte");
    CHECK_INT(k2td_table_name_check("a.b", 3, NULL, 0), -1);
}

int main(void) {
    RUN(test_expand);
    RUN(test_expand_reuses_hints);
    RUN(test_compile_errors);
    RUN(test_vars);
    RUN(test_table_name_check);
    return test_finish();
}
