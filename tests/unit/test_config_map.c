/*
 * test_config_map.c - the key table: defaults, values of every type, errors,
 * help text, and the duration syntax underneath.
 */
#include <stdlib.h>

#include "common/buf.h"
#include "task/config_map.h"
#include "task/duration.h"
#include "test.h"

typedef struct demo {
    char *name;
    char *label;
    int64_t count;
    int flag;
    int64_t wait_ms;
    int64_t every_ms;
    int color;
    k2td_strlist_t items;
} demo_t;

static const k2td_cm_enum_t colors[] = {
    {"red", 0}, {"green", 1}, {"blue", 2}, {"crimson", 0}, {NULL, 0},
};

#define OFF(f) offsetof(demo_t, f)
static const k2td_cm_entry_t demo_keys[] = {
    {.key = "name", .type = K2TD_CM_STRING, .def = "anon", .offset = OFF(name),
     .desc = "A name."},
    {.key = "label", .type = K2TD_CM_STRING, .offset = OFF(label), .flags = K2TD_CM_REQUIRED,
     .desc = "A label."},
    {.key = "count", .type = K2TD_CM_INT, .def = "10", .offset = OFF(count), .min = 1,
     .max = 100, .desc = "A count."},
    {.key = "flag", .type = K2TD_CM_BOOL, .def = "false", .offset = OFF(flag), .desc = "A flag."},
    {.key = "wait", .type = K2TD_CM_DURATION_MS, .def = "0", .offset = OFF(wait_ms),
     .flags = K2TD_CM_FOREVER, .desc = "Wait."},
    {.key = "every", .type = K2TD_CM_DURATION_MS, .def = "5s", .offset = OFF(every_ms), .min = 1,
     .max = 86400000, .desc = "Every."},
    {.key = "color", .type = K2TD_CM_ENUM, .def = "green", .offset = OFF(color), .names = colors,
     .desc = "A color."},
    {.key = "items", .type = K2TD_CM_LIST, .offset = OFF(items), .flags = K2TD_CM_REQUIRED,
     .desc = "Items."},
    {.key = NULL},
};

/* Returns the value of key in d as text (static buffer). */
static const char *value_of(const demo_t *d, const char *key) {
    static char text[256];
    k2td_buf_t b = K2TD_BUF_INIT;
    if (k2td_cm_put_value(k2td_cm_find(demo_keys, key), d, &b) != 0) k2td_buf_puts(&b, "(unset)");
    snprintf(text, sizeof(text), "%s", b.data ? b.data : "");
    k2td_buf_free(&b);
    return text;
}

static void test_defaults(void) {
    demo_t d;
    k2td_cm_set_defaults(demo_keys, &d);
    CHECK_STR(d.name, "anon");
    CHECK(d.label == NULL);
    CHECK_INT(d.count, 10);
    CHECK_INT(d.flag, 0);
    CHECK_INT(d.wait_ms, 0);
    CHECK_INT(d.every_ms, 5000);
    CHECK_INT(d.color, 1);
    CHECK_INT(d.items.n, 0);
    CHECK_STR(value_of(&d, "label"), "(unset)");
    k2td_cm_free(demo_keys, &d);
    CHECK(d.name == NULL);
}

static void test_good_values(void) {
    static const struct {
        const char *key, *value, *want;
    } cases[] = {
        {"name", "", ""},
        {"name", "x y=z", "x y=z"},
        {"label", "L", "L"},
        {"count", "1", "1"},
        {"count", "100", "100"},
        {"count", "+42", "42"},
        {"flag", "true", "true"},
        {"flag", "TRUE", "true"},
        {"flag", "yes", "true"},
        {"flag", "on", "true"},
        {"flag", "1", "true"},
        {"flag", "false", "false"},
        {"flag", "No", "false"},
        {"flag", "off", "false"},
        {"flag", "0", "false"},
        {"wait", "0", "0"},
        {"wait", "never", "0"},
        {"wait", "NEVER", "0"},
        {"wait", "-1", "0"},
        {"wait", "-1s", "0"},
        {"wait", "1500", "1s500ms"},
        {"wait", "5m", "5m"},
        {"wait", "6h", "6h"},
        {"wait", "1d", "1d"},
        {"wait", "90m", "1h30m"},
        {"every", "1ms", "1ms"},
        {"every", "1d", "1d"},
        {"color", "blue", "blue"},
        {"color", "GREEN", "green"},
        {"color", "crimson", "red"},
        {"items", "a,b", "a,b"},
        {"items", " a , b ", "a,b"},
        {"items", "", ""},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        demo_t d;
        k2td_cm_set_defaults(demo_keys, &d);
        char err[256] = "";
        int rc = k2td_cm_apply(demo_keys, &d, cases[i].key, cases[i].value, err, sizeof(err));
        if (rc != 0) fprintf(stderr, "case %zu (%s=%s): "
            "%s\n", i, cases[i].key, cases[i].value, err);
        CHECK_INT(rc, 0);
        CHECK_STR(value_of(&d, cases[i].key), cases[i].want);
        k2td_cm_free(demo_keys, &d);
    }
}

static void test_bad_values(void) {
    static const struct {
        const char *key, *value, *err;
    } cases[] = {
        {"count", "abc", "key `count`: `abc` is not an integer"},
        {"count", "", "key `count`: `` is not an integer"},
        {"count", "1.5", "key `count`: `1.5` is not an integer"},
        {"count", "0", "key `count`: `0` is out of range (1..100)"},
        {"count", "101", "key `count`: `101` is out of range (1..100)"},
        {"count", "99999999999999999999", "key `count`: `99999999999999999999` is not an integer"},
        {"flag", "maybe", "key `flag`: `maybe` is not a boolean (use true or false)"},
        {"wait", "5q",
         "key `wait`: `5q` is not a duration (use e.g. 500ms, 5s, 5m, 6h, 1d, or 0/never)"},
        {"wait", "-2s",
         "key `wait`: `-2s` is not a duration (use e.g. 500ms, 5s, 5m, 6h, 1d, or 0/never)"},
        {"every", "never", "key `every`: `never` is not a duration (use e.g. 500ms, 5s, 5m, 6h, "
         "1d)"},
        {"every", "-1", "key `every`: `-1` is not a duration (use e.g. 500ms, 5s, 5m, 6h, 1d)"},
        {"every", "0", "key `every`: `0` is out of range (1ms..1d)"},
        {"every", "2d", "key `every`: `2d` is out of range (1ms..1d)"},
        {"color", "pink", "key `color`: `pink` is not one of red, green, blue"},
        {"items", "a,,b", "key `items`: empty item in `a,,b`"},
        {"items", "a, ", "key `items`: empty item in `a, `"},
        {"nmae", "x", "unknown key `nmae` (did you mean `name`?)"},
        {"zzzzzz", "x", "unknown key `zzzzzz`"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        demo_t d;
        k2td_cm_set_defaults(demo_keys, &d);
        char err[256] = "";
        CHECK_INT(k2td_cm_apply(demo_keys, &d, cases[i].key, cases[i].value, err, sizeof(err)), -1);
        CHECK_STR(err, cases[i].err);
        /* a failed set leaves the old value */
        CHECK_INT(d.count, 10);
        CHECK_INT(d.every_ms, 5000);
        CHECK_INT(d.color, 1);
        k2td_cm_free(demo_keys, &d);
    }
}

static void test_long_and_control_values_are_quoted_safely(void) {
    demo_t d;
    k2td_cm_set_defaults(demo_keys, &d);
    char err[256];
    CHECK_INT(k2td_cm_apply(demo_keys, &d, "count", "12\n3", err, sizeof(err)), -1);
    CHECK_STR(err, "key `count`: `12?3` is not an integer");
    char longv[200];
    memset(longv, 'x', sizeof(longv) - 1);
    longv[sizeof(longv) - 1] = '\0';
    CHECK_INT(k2td_cm_apply(demo_keys, &d, "count", longv, err, sizeof(err)), -1);
    CHECK(strstr(err, "xxx...` is not an integer") != NULL);
    CHECK(strlen(err) < 100);
    /* a tiny or absent error buffer is fine */
    char tiny[8];
    CHECK_INT(k2td_cm_apply(demo_keys, &d, "count", "x", tiny, sizeof(tiny)), -1);
    CHECK_STR(tiny, "key `co");
    CHECK_INT(k2td_cm_apply(demo_keys, &d, "count", "x", NULL, 0), -1);
    k2td_cm_free(demo_keys, &d);
}

static void test_set_replaces_and_frees(void) {
    demo_t d;
    k2td_cm_set_defaults(demo_keys, &d);
    char err[256];
    CHECK_INT(k2td_cm_apply(demo_keys, &d, "items", "a,b,c", err, sizeof(err)), 0);
    CHECK_INT(k2td_cm_apply(demo_keys, &d, "items", "z", err, sizeof(err)), 0);
    CHECK_INT(d.items.n, 1);
    CHECK_STR(d.items.items[0], "z");
    CHECK_INT(k2td_cm_apply(demo_keys, &d, "name", "first", err, sizeof(err)), 0);
    CHECK_INT(k2td_cm_apply(demo_keys, &d, "name", "second", err, sizeof(err)), 0);
    CHECK_STR(d.name, "second");
    CHECK_INT(k2td_cm_apply(demo_keys, &d, "items", "a,,", err, sizeof(err)), -1);
    CHECK_STR(d.items.items[0], "z");
    k2td_cm_free(demo_keys, &d);
    CHECK(d.items.items == NULL && d.items.n == 0 && d.name == NULL);
}

static void test_required(void) {
    demo_t d;
    k2td_cm_set_defaults(demo_keys, &d);
    char err[256];
    CHECK_INT(k2td_cm_check_required(demo_keys, &d, err, sizeof(err)), -1);
    CHECK_STR(err, "key `label` is required");
    CHECK_INT(k2td_cm_apply(demo_keys, &d, "label", "", err, sizeof(err)), 0);
    CHECK_INT(k2td_cm_check_required(demo_keys, &d, err, sizeof(err)), -1);
    CHECK_STR(err, "key `label` is required");
    CHECK_INT(k2td_cm_apply(demo_keys, &d, "label", "x", err, sizeof(err)), 0);
    CHECK_INT(k2td_cm_check_required(demo_keys, &d, err, sizeof(err)), -1);
    CHECK_STR(err, "key `items` is required");
    CHECK_INT(k2td_cm_apply(demo_keys, &d, "items", "a", err, sizeof(err)), 0);
    CHECK_INT(k2td_cm_check_required(demo_keys, &d, err, sizeof(err)), 0);
    k2td_cm_free(demo_keys, &d);
}

static void test_help(void) {
    k2td_buf_t b = K2TD_BUF_INIT;
    k2td_cm_help(demo_keys, &b);
    static const char *const want[] = {
        "  name (text; default anon)\n      A name.\n",
        "  label (text; required)\n",
        "  count (integer 1..100; default 10)\n",
        "  flag (true|false; default false)\n",
        "  wait (duration; 0, never or -1 = forever; default 0)\n",
        "  every (duration 1ms..1d; default 5s)\n",
        "  color (red|green|blue; also crimson; default green)\n",
        "  items (comma-separated list; required)\n      Items.\n",
        "Durations: a bare integer is milliseconds; units ms, s, m, h, d",
    };
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        if (!strstr(b.data, want[i])) fprintf(stderr, "missing in help: %s\n", want[i]);
        CHECK(strstr(b.data, want[i]) != NULL);
    }
    k2td_buf_free(&b);
}

static void test_duration_parse(void) {
    static const struct {
        const char *text;
        int forever, rc;
        int64_t ms;
    } cases[] = {
        {"0", 0, 0, 0},           {"0", 1, 0, 0},
        {"250", 0, 0, 250},       {"250ms", 0, 0, 250},
        {"5s", 0, 0, 5000},       {"5m", 0, 0, 300000},
        {"6h", 0, 0, 21600000},   {"1d", 0, 0, 86400000},
        {"1h30m", 0, 0, 5400000}, {"1s500ms", 0, 0, 1500},
        {"0s", 0, 0, 0},          {"never", 1, 0, 0},
        {"Never", 1, 0, 0},       {"-1", 1, 0, 0},
        {"-1ms", 1, 0, 0},        {"-1d", 1, 0, 0},
        {"never", 0, -1, 0},      {"-1", 0, -1, 0},
        {"-1x", 1, -1, 0},        {"-10", 1, -1, 0},
        {"", 0, -1, 0},           {"s", 0, -1, 0},
        {"5", 0, 0, 5},           {"5 s", 0, -1, 0},
        {"5S", 0, -1, 0},         {"5sec", 0, -1, 0},
        {"1.5s", 0, -1, 0},       {"5s10", 0, -1, 0},
        {"1m1", 0, -1, 0},        {"9223372036854775807", 0, 0, INT64_MAX},
        {"9223372036854775808", 0, -1, 0}, {"106751991167d"
         "", 0, 0, INT64_C(9223372036828800000)}, {"106751991168d", 0, -1, 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int64_t ms = -7;
        int rc = k2td_duration_parse(cases[i].text, cases[i].forever, &ms);
        if (rc != cases[i].rc) fprintf(stderr, "case %zu `%s`\n", i, cases[i].text);
        CHECK_INT(rc, cases[i].rc);
        CHECK_INT(ms, cases[i].rc == 0 ? cases[i].ms : -7);
    }
}

static void test_duration_put_round_trips(void) {
    static const int64_t values[] = {0, 1, 999, 1000, 1001, 60000, 5400000, 86400000,
                                     93784005, INT64_MAX};
    static const char *const texts[] = {"0", "1ms", "999ms", "1s", "1s1ms", "1m", "1h30m", "1d",
                                        "1d2h3m4s5ms", NULL};
    for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
        k2td_buf_t b = K2TD_BUF_INIT;
        k2td_duration_put(&b, values[i]);
        if (texts[i]) CHECK_STR(b.data, texts[i]);
        int64_t back = -1;
        CHECK_INT(k2td_duration_parse(b.data, 0, &back), 0);
        CHECK_INT(back, values[i]);
        k2td_buf_free(&b);
    }
}

static void test_suggest(void) {
    static const char *const names[] = {"topics", "group", "client_id", "timeout"};
    CHECK_STR(k2td_cm_suggest("topic", names, 4, sizeof(names[0])), "topics");
    CHECK_STR(k2td_cm_suggest("gruop", names, 4, sizeof(names[0])), "group");
    CHECK_STR(k2td_cm_suggest("timout", names, 4, sizeof(names[0])), "timeout");
    CHECK(k2td_cm_suggest("zzz", names, 4, sizeof(names[0])) == NULL);
    CHECK(k2td_cm_suggest("a", names, 4, sizeof(names[0])) == NULL);
    CHECK(k2td_cm_suggest("", names, 4, sizeof(names[0])) == NULL);
}

static void test_error_prefix(void) {
    char err[32] = "key `x` is required";
    k2td_errstr_prefix(err, sizeof(err), "%s: ", "task.from");
    CHECK_STR(err, "task.from: key `x` is required");
    char small[16] = "abcdefghij";
    k2td_errstr_prefix(small, sizeof(small), "0123456789: ");
    CHECK_STR(small, "0123456789: abc");
}

int main(void) {
    RUN(test_defaults);
    RUN(test_good_values);
    RUN(test_bad_values);
    RUN(test_long_and_control_values_are_quoted_safely);
    RUN(test_set_replaces_and_frees);
    RUN(test_required);
    RUN(test_help);
    RUN(test_duration_parse);
    RUN(test_duration_put_round_trips);
    RUN(test_suggest);
    RUN(test_error_prefix);
    return test_finish();
}
