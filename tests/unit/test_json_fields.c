/*
 * test_json_fields.c - `parse.value.json` field specs: compiling good and
 * bad specs, selecting, renaming, paths, casts and their errors, rollback.
 */
#include <stdlib.h>

#include "common/alloc.h"
#include "common/buf.h"
#include "parse/json_fields.h"
#include "parse/json_flat.h"
#include "rows_text_fixture.h"
#include "test.h"

/*
 * Appends f as "name=T:text" (T: N null, B bool, I int, U uint, F float, S
 * string; numbers show their SQL text and, when it differs from the text,
 * the binary value in brackets), with "@s/@ms/@us/@ns" for a stated
 * timestamp unit.
 */
static void field_text(k2td_buf_t *b, const k2td_field_t *f, const void *ctx) {
    static const char *const units[] = {"", "@s", "@ms", "@us", "@ns"};
    (void)ctx;
    const k2td_value_t *v = &f->v;
    char bin[48] = "";
    k2td_buf_printf(b, "%s=", f->name);
    switch (v->type) {
    case K2TD_VAL_NULL: k2td_buf_puts(b, "N"); break;
    case K2TD_VAL_BOOL: k2td_buf_puts(b, v->n.b ? "B:true" : "B:false"); break;
    case K2TD_VAL_INT:
        snprintf(bin, sizeof(bin), "%" PRId64, v->n.i);
        k2td_buf_puts(b, "I:");
        break;
    case K2TD_VAL_UINT:
        snprintf(bin, sizeof(bin), "%" PRIu64, v->n.u);
        k2td_buf_puts(b, "U:");
        break;
    case K2TD_VAL_FLOAT:
        snprintf(bin, sizeof(bin), "%.17g", v->n.f);
        k2td_buf_puts(b, "F:");
        break;
    case K2TD_VAL_STRING: k2td_buf_puts(b, "S:"); break;
    }
    if (v->type >= K2TD_VAL_INT) k2td_buf_append(b, v->str, v->len);
    if (bin[0] && (strlen(bin) != v->len || memcmp(bin, v->str, v->len) != 0))
        k2td_buf_printf(b, "[%s]", bin);
    k2td_buf_puts(b, units[v->ts_unit]);
}

/* Renders rows [first, nrows) with field_text(); the caller frees it. */
static char *fields_text(const k2td_rowset_t *rs, size_t first) {
    return rows_text_with(rs, first, field_text, NULL);
}

/* Compiles specs (a NULL-terminated list). Returns the list or NULL. */
static k2td_json_fields_t *compile(const char *const *specs, char *err, size_t err_size) {
    size_t n = 0;
    while (specs[n]) n++;
    return k2td_json_fields_compile(specs, n, err, err_size);
}

/* Parses payload into rs, applies specs to its rows, and returns the
 * rendered rows or "ERROR: <errstr>" (malloc'ed). */
static char *run(const char *const *specs, const char *payload) {
    char err[320];
    k2td_json_fields_t *f = compile(specs, err, sizeof(err));
    if (!f) return k2td_strdup("COMPILE FAILED");
    k2td_rowset_t rs;
    k2td_rowset_init(&rs);
    char *out;
    if (k2td_json_flat_parse(payload, strlen(payload), 0, &rs, err, sizeof(err)) < 0) {
        out = k2td_strdup("PARSE FAILED");
    } else if (k2td_json_fields_apply(f, &rs, 0, err, sizeof(err)) != 0) {
        k2td_buf_t b = K2TD_BUF_INIT;
        k2td_buf_printf(&b, "ERROR: %s", err);
        out = k2td_buf_detach(&b);
        if (rs.nrows || rs.nfields) {
            free(out);
            out = k2td_strdup("ERROR LEFT ROWS");
        }
    } else {
        out = fields_text(&rs, 0);
    }
    k2td_rowset_free(&rs);
    k2td_json_fields_free(f);
    return out;
}

#define SPECS(...) ((const char *const[]){__VA_ARGS__, NULL})

static void check_run(const char *const *specs, const char *payload, const char *expected,
                      int line) {
    char *out = run(specs, payload);
    if (strcmp(out, expected) != 0) fprintf(stderr, "case at line %d:\n", line);
    CHECK_STR(out, expected);
    free(out);
}

#define CHECK_RUN(specs, payload, expected) check_run(specs, payload, expected, __LINE__)

static const char *const meters =
    "{\"id\":17,\"ts\":\"2024-01-01T00:00:17.123Z\",\"current\":27.17,\"voltage\":217,"
    "\"phase\":0.17,\"location\":\"California.SanFrancisco\",\"groupid\":7}";

static void test_auto_keeps_everything(void) {
    char err[128];
    k2td_json_fields_t *none = k2td_json_fields_compile(NULL, 0, err, sizeof(err));
    k2td_json_fields_t *empty = k2td_json_fields_compile((const char *const[]){""}, 1, err,
                                                         sizeof(err));
    CHECK(none != NULL);
    CHECK(empty != NULL);
    k2td_rowset_t rs;
    k2td_rowset_init(&rs);
    CHECK_INT(k2td_json_flat_parse(meters, strlen(meters), 0, &rs, err, sizeof(err)), 1);
    char *before = fields_text(&rs, 0);
    CHECK_INT(k2td_json_fields_apply(none, &rs, 0, err, sizeof(err)), 0);
    CHECK_INT(k2td_json_fields_apply(empty, &rs, 0, err, sizeof(err)), 0);
    char *after = fields_text(&rs, 0);
    CHECK_STR(after, before);
    CHECK_INT(rs.nfields, 7);
    free(before);
    free(after);
    k2td_rowset_free(&rs);
    k2td_json_fields_free(none);
    k2td_json_fields_free(empty);
    k2td_json_fields_free(NULL);
}

static void test_select_rename_order(void) {
    CHECK_RUN(SPECS("voltage::int", "id", "$.nothere=n", "current=c::float", "location::nchar"),
              meters,
              "voltage=I:217 id=I:17 c=F:27.17[27.170000000000002] "
              "location=S:California.SanFrancisco");
    CHECK_RUN(SPECS("ts::timestamp(ms)", "groupid::TINYINT"), meters,
              "ts=S:2024-01-01T00:00:17.123Z@ms groupid=I:7");
    /* nothing selected is present: the row stays, empty */
    CHECK_RUN(SPECS("x", "y"), "[{\"a\":1},{\"x\":2}]", " | x=I:2");
    /* the flattened name is a plain name too */
    CHECK_RUN(SPECS("data_voltage=v"), "{\"data\":{\"voltage\":1}}", "v=I:1");
}

static void test_paths(void) {
    CHECK_RUN(SPECS("$.events[0].price=price::double", "$.data.voltage=v::int unsigned",
                    "$.events[1].tags[0]=tag"),
              "{\"events\":[{\"price\":1.5},{\"tags\":[\"hot\",\"new\"]}],"
              "\"data\":{\"voltage\":220}}",
              "price=F:1.5 v=I:220 tag=S:hot");
    CHECK_RUN(SPECS("$['a.b']=ab::bigint", "$[\"x=y\"][2]=xy::varchar(20)", "$.c:d"),
              "{\"a.b\":5,\"x=y\":[0,1,\"two\"],\"c:d\":true}", "ab=I:5 xy=S:two c:d=B:true");
    CHECK_RUN(SPECS("$['']=empty", "$.o[''][1]=e1", "$[''].b=eb"), "{\"\":5,\"o\":{\"\":[7,8]}}",
              "empty=I:5 e1=I:8");
    CHECK_RUN(SPECS("$[''].b=eb"), "{\"\":{\"b\":true}}", "eb=B:true");
    CHECK_RUN(SPECS("$.m[0][1]", "$.m[010][0]=m10"),
              "{\"m\":[[1,2],[3],[],[],[],[],[],[],[],[],[\"ten\"]]}", "m_0_1=I:2 m10=S:ten");
    /* a path without an alias keeps the flattened name */
    CHECK_RUN(SPECS("$.data.voltage::double"), "{\"data\":{\"voltage\":1}}", "data_voltage=F:1");
}

typedef struct cast_case {
    const char *value; /* JSON text of field a */
    const char *type;
    const char *out;   /* rendered field or "ERROR: ..." */
} cast_case_t;

static const cast_case_t cast_cases[] = {
    /* integers */
    {"42", "int", "a=I:42"},
    {"\"42\"", "int", "a=I:42"},
    {"\"-7\"", "smallint", "a=I:-7"},
    {"\"abc\"", "int", "ERROR: field 'a': cannot cast string to INT: not a number"},
    {"\"007\"", "int", "ERROR: field 'a': cannot cast string to INT: not a number"},
    {"\" 1\"", "int", "ERROR: field 'a': cannot cast string to INT: not a number"},
    {"\"4.5\"", "int", "ERROR: field 'a': cannot cast string to INT: has a fraction"},
    {"4.5", "bigint", "ERROR: field 'a': cannot cast number to BIGINT: has a fraction"},
    {"3.0", "int", "a=I:3"},
    {"-2e0", "int", "a=I:-2"},
    {"1e3", "smallint", "a=I:1000"},
    {"1e400", "bigint", "ERROR: field 'a': cannot cast number to BIGINT: out of range"},
    {"127", "tinyint", "a=I:127"},
    {"-128", "TinyInt", "a=I:-128"},
    {"128", "tinyint", "ERROR: field 'a': cannot cast integer to TINYINT: out of range"},
    {"-129", "tinyint", "ERROR: field 'a': cannot cast integer to TINYINT: out of range"},
    {"32767", "smallint", "a=I:32767"},
    {"32768", "smallint", "ERROR: field 'a': cannot cast integer to SMALLINT: out of range"},
    {"-2147483648", "int", "a=I:-2147483648"},
    {"2147483648", "int", "ERROR: field 'a': cannot cast integer to INT: out of range"},
    {"9223372036854775807", "bigint", "a=I:9223372036854775807"},
    {"9223372036854775808", "bigint",
     "ERROR: field 'a': cannot cast integer to BIGINT: out of range"},
    {"255", "tinyint unsigned", "a=I:255"},
    {"256", "tinyint unsigned",
     "ERROR: field 'a': cannot cast integer to TINYINT UNSIGNED: out of range"},
    {"-1", "int unsigned", "ERROR: field 'a': cannot cast integer to INT UNSIGNED: out of range"},
    {"65535", "smallint unsigned", "a=I:65535"},
    {"4294967295", "int unsigned", "a=I:4294967295"},
    {"4294967296", "INT UNSIGNED",
     "ERROR: field 'a': cannot cast integer to INT UNSIGNED: out of range"},
    {"18446744073709551615", "bigint unsigned", "a=U:18446744073709551615"},
    {"1e19", "bigint unsigned", "a=U:10000000000000000000"},
    {"-0.0", "bigint unsigned", "a=I:0"},
    {"2e19", "bigint unsigned",
     "ERROR: field 'a': cannot cast number to BIGINT UNSIGNED: out of range"},
    {"-1e19", "bigint", "ERROR: field 'a': cannot cast number to BIGINT: out of range"},
    {"true", "int", "a=I:1"},
    {"false", "tinyint unsigned", "a=I:0"},
    {"null", "int", "a=N"},
    /* floats */
    {"217", "double", "a=F:217"},
    {"18446744073709551615", "double", "a=F:18446744073709551615[1.8446744073709552e+19]"},
    {"\"27.5\"", "float", "a=F:27.5"},
    {"\"1e5\"", "double", "a=F:1e5[100000]"},
    {"1e39", "double", "a=F:1e39[9.9999999999999994e+38]"},
    {"1e39", "float", "ERROR: field 'a': cannot cast number to FLOAT: out of range"},
    {"-1e39", "float", "ERROR: field 'a': cannot cast number to FLOAT: out of range"},
    {"1e400", "double", "ERROR: field 'a': cannot cast number to DOUBLE: out of range"},
    {"false", "double", "a=F:0"},
    {"\"x\"", "double", "ERROR: field 'a': cannot cast string to DOUBLE: not a number"},
    /* strings */
    {"1", "varchar", "a=S:1"},
    {"27.17", "nchar", "a=S:27.17"},
    {"-1e-3", "binary(8)", "a=S:-1e-3"},
    {"true", "varchar", "a=S:1"},
    {"false", "nchar(1)", "a=S:0"},
    {"\"x\"", "VarChar(16)", "a=S:x"},
    {"null", "varchar", "a=N"},
    /* bools */
    {"\"yes\"", "bool", "a=B:true"},
    {"\"ON\"", "bool", "a=B:true"},
    {"\"1\"", "bool", "a=B:true"},
    {"\"True\"", "bool", "a=B:true"},
    {"\"off\"", "bool", "a=B:false"},
    {"\"No\"", "bool", "a=B:false"},
    {"\"0\"", "bool", "a=B:false"},
    {"\"FALSE\"", "bool", "a=B:false"},
    {"\"maybe\"", "bool", "ERROR: field 'a': cannot cast string to BOOL: not a boolean"},
    {"\"\"", "bool", "ERROR: field 'a': cannot cast string to BOOL: not a boolean"},
    {"0", "bool", "a=B:false"},
    {"7", "bool", "a=B:true"},
    {"18446744073709551615", "bool", "a=B:true"},
    {"0.0", "bool", "a=B:false"},
    {"2.5", "bool", "a=B:true"},
    {"true", "bool", "a=B:true"},
    /* timestamps */
    {"1704067200000", "timestamp(ms)", "a=I:1704067200000@ms"},
    {"1704067200", "timestamp(s)", "a=I:1704067200@s"},
    {"1704067200000000", "TIMESTAMP(US)", "a=I:1704067200000000@us"},
    {"1704067200000000000", "timestamp( ns )", "a=I:1704067200000000000@ns"},
    {"1704067200000", "timestamp", "a=I:1704067200000"},
    {"1.7040672e12", "timestamp(ms)", "a=I:1704067200000@ms"},
    {"\"2024-01-01T00:00:00Z\"", "timestamp", "a=S:2024-01-01T00:00:00Z"},
    {"\"2024-01-01 00:00:00.000\"", "timestamp(ms)", "a=S:2024-01-01 00:00:00.000@ms"},
    {"null", "timestamp(ms)", "a=N"},
    {"1.5", "timestamp(s)", "ERROR: field 'a': cannot cast number to TIMESTAMP: has a fraction"},
    {"true", "timestamp", "ERROR: field 'a': cannot cast bool to TIMESTAMP: a bool is not a time"},
    {"18446744073709551615", "timestamp",
     "ERROR: field 'a': cannot cast integer to TIMESTAMP: out of range"},
    /* no type: the JSON type stays */
    {"\"s\"", NULL, "a=S:s"},
    {"1.25", NULL, "a=F:1.25"},
};

static void test_casts(void) {
    for (size_t i = 0; i < sizeof(cast_cases) / sizeof(cast_cases[0]); i++) {
        const cast_case_t *c = &cast_cases[i];
        char spec[64], payload[128];
        snprintf(spec, sizeof(spec), "a%s%s", c->type ? "::" : "", c->type ? c->type : "");
        snprintf(payload, sizeof(payload), "{\"b\":0,\"a\":%s}", c->value);
        char *out = run(SPECS(spec), payload);
        if (strcmp(out, c->out) != 0) fprintf(stderr, "cast case %zu: %s %s\n", i, c->value, spec);
        CHECK_STR(out, c->out);
        free(out);
    }
}

static void test_cast_error_names_alias_not_value(void) {
    CHECK_RUN(SPECS("$.data.v=volt::int"), "{\"data\":{\"v\":\"secret-token\"}}",
              "ERROR: field 'data_v' (as 'volt'): cannot cast string to INT: not a number");
}

/* Rows before first_row are not touched; the output may outgrow the input
 * (one source selected twice) without overwriting rows still to be read. */
static void test_many_rows_and_first_row(void) {
    char err[256];
    k2td_json_fields_t *f =
        compile(SPECS("ts::timestamp(ms)", "ts=ts_raw::varchar", "v::double", "$.d.k=k"), err,
                sizeof(err));
    CHECK(f != NULL);
    k2td_rowset_t rs;
    k2td_rowset_init(&rs);
    const char *earlier = "{\"keep\":1,\"me\":2}{\"too\":3}";
    CHECK_INT(k2td_json_flat_parse(earlier, strlen(earlier), 0, &rs, err, sizeof(err)), 2);
    const char *batch = "[{\"ts\":1,\"v\":2},{\"v\":3,\"ts\":4},{\"ts\":5},{},"
                        "{\"x\":0,\"d\":{\"k\":\"z\"},\"ts\":6,\"v\":7.5}]";
    size_t first = rs.nrows;
    CHECK_INT(k2td_json_flat_parse(batch, strlen(batch), 1, &rs, err, sizeof(err)), 5);
    CHECK_INT(k2td_json_fields_apply(f, &rs, first, err, sizeof(err)), 0);
    char *out = fields_text(&rs, 0);
    CHECK_STR(out, "keep=I:1 me=I:2 | too=I:3 | "
                   "ts=I:1@ms ts_raw=S:1 v=F:2 | ts=I:4@ms ts_raw=S:4 v=F:3 | "
                   "ts=I:5@ms ts_raw=S:5 |  | ts=I:6@ms ts_raw=S:6 v=F:7.5 k=S:z");
    free(out);
    CHECK_INT(rs.nrows, 7);
    CHECK_INT(rs.nfields, 3 + 12);
    for (size_t r = 2; r < 7; r++) CHECK_INT(rs.row_msg[r], 1);
    /* renamed fields are named by the compiled list, NUL-terminated */
    const k2td_field_t *row;
    k2td_rowset_row(&rs, 2, &row);
    CHECK_STR(row[1].name, "ts_raw");
    CHECK_INT(row[1].name_len, 6);
    k2td_rowset_free(&rs);
    k2td_json_fields_free(f);
}

/* A failed cast drops rows [first_row, nrows) and nothing before. */
static void test_error_drops_rows_from_first(void) {
    char err[256];
    k2td_json_fields_t *f = compile(SPECS("v::int"), err, sizeof(err));
    k2td_rowset_t rs;
    k2td_rowset_init(&rs);
    const char *ok = "{\"v\":1,\"w\":2}";
    CHECK_INT(k2td_json_flat_parse(ok, strlen(ok), 0, &rs, err, sizeof(err)), 1);
    const char *bad = "[{\"v\":2},{\"v\":3},{\"v\":\"x\"}]";
    CHECK_INT(k2td_json_flat_parse(bad, strlen(bad), 1, &rs, err, sizeof(err)), 3);
    CHECK_INT(k2td_json_fields_apply(f, &rs, 1, err, sizeof(err)), -1);
    CHECK_STR(err, "field 'v': cannot cast string to INT: not a number");
    CHECK_INT(rs.nrows, 1);
    CHECK_INT(rs.nfields, 2);
    char *out = fields_text(&rs, 0);
    CHECK_STR(out, "v=I:1 w=I:2");
    free(out);
    /* the rowset goes on: new rows are applied normally */
    const char *more = "[{\"v\":true,\"z\":0},{\"v\":[1]}]";
    CHECK_INT(k2td_json_flat_parse(more, strlen(more), 2, &rs, err, sizeof(err)), 2);
    CHECK_INT(k2td_json_fields_apply(f, &rs, 1, err, sizeof(err)), 0);
    out = fields_text(&rs, 0);
    CHECK_STR(out, "v=I:1 w=I:2 | v=I:1 | ");
    free(out);
    /* the first row of the range failing drops just that range */
    const char *bad_first = "{\"v\":1.5}\n{\"v\":1}";
    CHECK_INT(k2td_json_flat_parse(bad_first, strlen(bad_first), 3, &rs, err, sizeof(err)), 2);
    CHECK_INT(k2td_json_fields_apply(f, &rs, 3, err, sizeof(err)), -1);
    CHECK_STR(err, "field 'v': cannot cast number to INT: has a fraction");
    CHECK_INT(rs.nrows, 3);
    CHECK_INT(rs.nfields, 3);
    /* first_row at or past the end: nothing to do */
    CHECK_INT(k2td_json_fields_apply(f, &rs, 3, err, sizeof(err)), 0);
    CHECK_INT(k2td_json_fields_apply(f, &rs, 99, err, sizeof(err)), 0);
    CHECK_INT(rs.nrows, 3);
    k2td_rowset_free(&rs);
    k2td_json_fields_free(f);
}

/* Rows with a different field order are still matched by name. */
static void test_changing_layouts(void) {
    CHECK_RUN(SPECS("a", "b", "c"),
              "{\"a\":1,\"b\":2,\"c\":3}\n{\"c\":4,\"a\":5}\n{\"b\":6,\"x\":0,\"y\":0,\"a\":7}",
              "a=I:1 b=I:2 c=I:3 | a=I:5 c=I:4 | a=I:7 b=I:6");
}

/* Steady state: after a reset the same batch reuses the field array. */
static void test_no_growth_in_steady_state(void) {
    char err[128];
    k2td_json_fields_t *f = compile(SPECS("voltage::int", "current::float", "ts::timestamp(ms)"),
                                    err, sizeof(err));
    k2td_rowset_t rs;
    k2td_rowset_init(&rs);
    k2td_field_t *fields = NULL;
    size_t cap = 0;
    for (int batch = 0; batch < 20; batch++) {
        k2td_rowset_reset(&rs);
        for (int i = 0; i < 500; i++) {
            size_t first = rs.nrows;
            CHECK_INT(k2td_json_flat_parse(meters, strlen(meters), (size_t)i, &rs, err,
                                           sizeof(err)),
                      1);
            CHECK_INT(k2td_json_fields_apply(f, &rs, first, err, sizeof(err)), 0);
        }
        CHECK_INT(rs.nfields, 1500);
        if (batch == 1) {
            fields = rs.fields;
            cap = rs.fields_cap;
        } else if (batch > 1) {
            CHECK(rs.fields == fields);
            CHECK_INT(rs.fields_cap, cap);
        }
    }
    k2td_rowset_free(&rs);
    k2td_json_fields_free(f);
}

typedef struct bad_spec {
    const char *const *specs;
    const char *err;
} bad_spec_t;

static void test_bad_specs(void) {
    const bad_spec_t cases[] = {
        {SPECS("a", ""), "spec 1 (\"\"): empty field spec"},
        {SPECS("a.b"),
         "spec 0 (\"a.b\"): a bare name cannot contain '.' or '['; select nested fields by their "
         "flattened name (a_b_0) or by a path with an alias, e.g. \"$['a.b']=alias\""},
        {SPECS("t[0]::int"),
         "spec 0 (\"t[0]::int\"): a bare name cannot contain '.' or '['; select nested fields by "
         "their flattened name (a_b_0) or by a path with an alias, e.g. \"$['t[0]']=alias\""},
        {SPECS("a::foo"),
         "spec 0 (\"a::foo\"): unknown type 'foo' (expected bool, tinyint, smallint, int, bigint, "
         "<int type> unsigned, float, double, varchar, binary, nchar or timestamp[(s|ms|us|ns)])"},
        {SPECS("a::"),
         "spec 0 (\"a::\"): unknown type '' (expected bool, tinyint, smallint, int, bigint, "
         "<int type> unsigned, float, double, varchar, binary, nchar or timestamp[(s|ms|us|ns)])"},
        {SPECS("a::varbinary"),
         "spec 0 (\"a::varbinary\"): unknown type 'varbinary' (expected bool, tinyint, smallint, "
         "int, bigint, <int type> unsigned, float, double, varchar, binary, nchar or "
         "timestamp[(s|ms|us|ns)])"},
        {SPECS("a::unsigned int"),
         "spec 0 (\"a::unsigned int\"): unknown type 'unsigned int' (expected bool, tinyint, "
         "smallint, int, bigint, <int type> unsigned, float, double, varchar, binary, nchar or "
         "timestamp[(s|ms|us|ns)])"},
        {SPECS("a::int(5)"), "spec 0 (\"a::int(5)\"): type int takes no '(5)'"},
        {SPECS("a::timestamp(m)"),
         "spec 0 (\"a::timestamp(m)\"): bad timestamp unit 'm' (expected s, ms, us or ns)"},
        {SPECS("a::varchar(x)"), "spec 0 (\"a::varchar(x)\"): bad length 'x' for varchar"},
        {SPECS("a::nchar(0)"), "spec 0 (\"a::nchar(0)\"): bad length '0' for nchar"},
        {SPECS("a::varchar()"), "spec 0 (\"a::varchar()\"): bad type 'varchar()': expected "
                                "name(argument)"},
        {SPECS("a::varchar(2"), "spec 0 (\"a::varchar(2\"): bad type 'varchar(2': expected "
                                "name(argument)"},
        {SPECS("$"), "spec 0 (\"$\"): expected '.key' or '[...]' after '$' (e.g. $.a.b[0])"},
        {SPECS("$a"), "spec 0 (\"$a\"): expected '.key' or '[...]' after '$' (e.g. $.a.b[0])"},
        {SPECS("$.a..b"), "spec 0 (\"$.a..b\"): empty key at position 4"},
        {SPECS("$.=x"), "spec 0 (\"$.=x\"): empty key at position 2"},
        {SPECS("$[0]"), "spec 0 (\"$[0]\"): a path must start with a key, not an index"},
        {SPECS("$.a[x]"),
         "spec 0 (\"$.a[x]\"): expected a number or a quoted key in '[...]' at position 3"},
        {SPECS("$.a[1"),
         "spec 0 (\"$.a[1\"): expected a number or a quoted key in '[...]' at position 3"},
        {SPECS("$.a[-1]"),
         "spec 0 (\"$.a[-1]\"): expected a number or a quoted key in '[...]' at position 3"},
        {SPECS("$.a[99999999999999999999]"),
         "spec 0 (\"$.a[99999999999999999999]\"): index too large at position 3"},
        {SPECS("$['a.b'"), "spec 0 (\"$['a.b'\"): unterminated quoted key at position 1"},
        {SPECS("$['a.b\"]"), "spec 0 (\"$['a.b\"]\"): unterminated quoted key at position 1"},
        {SPECS("$['a.b']"),
         "spec 0 (\"$['a.b']\"): the selected key 'a.b' contains '.': give it an alias "
         "(path=alias)"},
        {SPECS("$['']"),
         "spec 0 (\"$['']\"): the selected key is empty: give it an alias (path=alias)"},
        {SPECS("$.a=b.c"), "spec 0 (\"$.a=b.c\"): alias 'b.c' cannot contain '.'"},
        {SPECS("$.a="), "spec 0 (\"$.a=\"): empty alias after '='"},
        {SPECS("$.a=::int"), "spec 0 (\"$.a=::int\"): empty alias after '='"},
        {SPECS("=x"), "spec 0 (\"=x\"): missing field name"},
        {SPECS("::int"), "spec 0 (\"::int\"): missing field name"},
        {SPECS("$.a[1]x"), "spec 0 (\"$.a[1]x\"): unexpected 'x' at position 6"},
        {SPECS("$['k']x"), "spec 0 (\"$['k']x\"): unexpected 'x' at position 6"},
        {SPECS("a", "b=a"), "spec 1 (\"b=a\"): output name 'a' is already used by spec 0"},
        {SPECS("$.x.y", "x_y::int"),
         "spec 1 (\"x_y::int\"): output name 'x_y' is already used by spec 0"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char err[400];
        strcpy(err, "unset");
        k2td_json_fields_t *f = compile(cases[i].specs, err, sizeof(err));
        CHECK(f == NULL);
        CHECK_STR(err, cases[i].err);
        k2td_json_fields_free(f);
    }
}

static void test_too_many_specs(void) {
    size_t n = K2TD_JSON_FIELDS_MAX + 1;
    char **names = malloc(n * sizeof(char *));
    for (size_t i = 0; i < n; i++) {
        names[i] = malloc(16);
        snprintf(names[i], 16, "f%zu", i);
    }
    char err[128];
    k2td_json_fields_t *f =
        k2td_json_fields_compile((const char *const *)names, n, err, sizeof(err));
    CHECK(f == NULL);
    CHECK_STR(err, "4097 field specs: at most 4096 are allowed");
    /* the maximum itself is fine */
    f = k2td_json_fields_compile((const char *const *)names, n - 1, err, sizeof(err));
    CHECK(f != NULL);
    k2td_json_fields_free(f);
    for (size_t i = 0; i < n; i++) free(names[i]);
    free(names);
}

static void test_good_spec_forms(void) {
    char err[256];
    static const char *const good[] = {
        "id",         "ts::timestamp(ms)",   "location::nchar",
        "a:b",        "name=alias",          "n2=alias2::BIGINT UNSIGNED",
        "c::BINARY(16)", "t::Timestamp ( NS )", "u:: int   unsigned ",
        "$.events[0].price=price::double",   "$['a.b']=ab", "$[\"x\"][2]=xy::varchar(20)",
        "$.k::bool",  "$.f::float",          "$.s::smallint", "$.tt::tinyint",
    };
    k2td_json_fields_t *f =
        k2td_json_fields_compile(good, sizeof(good) / sizeof(good[0]), err, sizeof(err));
    if (!f) fprintf(stderr, "%s\n", err);
    CHECK(f != NULL);
    k2td_json_fields_free(f);
}

int main(void) {
    RUN(test_auto_keeps_everything);
    RUN(test_select_rename_order);
    RUN(test_paths);
    RUN(test_casts);
    RUN(test_cast_error_names_alias_not_value);
    RUN(test_many_rows_and_first_row);
    RUN(test_error_drops_rows_from_first);
    RUN(test_changing_layouts);
    RUN(test_no_growth_in_steady_state);
    RUN(test_bad_specs);
    RUN(test_too_many_specs);
    RUN(test_good_spec_forms);
    return test_finish();
}
