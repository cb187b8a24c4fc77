/*
 * test_json_flat.c - the JSON payload parser: rows, flattening, values,
 * escapes, number limits, duplicates, every error message and rollback.
 */
#include <math.h>
#include <stdlib.h>

#include "common/buf.h"
#include "parse/json_flat.h"
#include "rows_text_fixture.h"
#include "test.h"

/*
 * Appends f as "name=T:value" (T: N null, B bool, I int, U uint, F float as
 * its text, S string), and "!BAD" when it breaks an invariant: a name not
 * NUL-terminated, or number text that does not read back as the same value.
 */
static void render_field(k2td_buf_t *b, const k2td_field_t *f, const void *ctx) {
    (void)ctx;
    const k2td_value_t *v = &f->v;
    rows_text_bytes(b, f->name, f->name_len);
    k2td_buf_putc(b, '=');
    k2td_value_t back = {0};
    int num_ok = v->str && k2td_json_parse_number(v->str, v->len, &back) == 0 &&
                 back.type == v->type;
    switch (v->type) {
    case K2TD_VAL_NULL: k2td_buf_puts(b, "N"); break;
    case K2TD_VAL_BOOL: k2td_buf_puts(b, v->n.b ? "B:true" : "B:false"); break;
    case K2TD_VAL_INT:
        k2td_buf_printf(b, "I:%" PRId64, v->n.i);
        if (!num_ok || back.n.i != v->n.i) k2td_buf_puts(b, "!BAD");
        break;
    case K2TD_VAL_UINT:
        k2td_buf_printf(b, "U:%" PRIu64, v->n.u);
        if (!num_ok || back.n.u != v->n.u) k2td_buf_puts(b, "!BAD");
        break;
    case K2TD_VAL_FLOAT:
        k2td_buf_puts(b, "F:");
        k2td_buf_append(b, v->str, v->len);
        if (!num_ok || memcmp(&back.n.f, &v->n.f, sizeof(double)) != 0) k2td_buf_puts(b, "!BAD");
        break;
    case K2TD_VAL_STRING:
        k2td_buf_puts(b, "S:");
        rows_text_bytes(b, v->str, v->len);
        break;
    }
    if (f->name[f->name_len] != '\0') k2td_buf_puts(b, "!BAD");
}

/* Renders rows [first, nrows) with render_field(); the caller frees it. */
static char *render(const k2td_rowset_t *rs, size_t first) {
    return rows_text_with(rs, first, render_field, NULL);
}

typedef struct good_case {
    const char *in;
    int rows;
    const char *out;
} good_case_t;

static const good_case_t good_cases[] = {
    {"{\"a\":1}", 1, "a=I:1"},
    {"{\"id\":17,\"ts\":\"2024-01-01T00:00:17.123Z\",\"current\":27.17,\"voltage\":217,"
     "\"phase\":0.17,\"location\":\"California.SanFrancisco\",\"groupid\":7}",
     1,
     "id=I:17 ts=S:2024-01-01T00:00:17.123Z current=F:27.17 voltage=I:217 phase=F:0.17 "
     "location=S:California.SanFrancisco groupid=I:7"},
    {" \n\t{ \"a\" : 1 ,\r\n \"b\" : [ 1 , 2 ] }\r\n", 1, "a=I:1 b_0=I:1 b_1=I:2"},
    {"\xEF\xBB\xBF{\"bom\":true}", 1, "bom=B:true"},
    {"{}", 1, ""},
    {"{\"n\":null,\"t\":true,\"f\":false}", 1, "n=N t=B:true f=B:false"},
    /* arrays of objects */
    {"[{\"a\":1},{\"a\":2}]", 2, "a=I:1 | a=I:2"},
    {" [ { \"a\" : 1 } , {} ] ", 2, "a=I:1 | "},
    {"[]", 0, ""},
    {"[ \n ]", 0, ""},
    /* several objects (NDJSON) */
    {"{\"a\":1}\n{\"a\":2}\n", 2, "a=I:1 | a=I:2"},
    {"{\"a\":1}\r\n\r\n{\"b\":\"x\"}  {\"c\":null}", 3, "a=I:1 | b=S:x | c=N"},
    {"{\"a\":1}{\"a\":2}", 2, "a=I:1 | a=I:2"},
    /* flattening */
    {"{\"data\":{\"voltage\":1,\"x\":{\"y\":true}},\"z\":0}", 1,
     "data_voltage=I:1 data_x_y=B:true z=I:0"},
    {"{\"location\":[{\"city\":\"x\"},{\"city\":\"y\",\"zip\":[1]}]}", 1,
     "location_0_city=S:x location_1_city=S:y location_1_zip_0=I:1"},
    {"{\"t\":[1,2]}", 1, "t_0=I:1 t_1=I:2"},
    {"{\"m\":[[1,2],[3],[]]}", 1, "m_0_0=I:1 m_0_1=I:2 m_1_0=I:3"},
    {"{\"a\":{},\"b\":[],\"c\":1,\"d\":{\"e\":{}}}", 1, "c=I:1"},
    {"{\"t\":[0,1,2,3,4,5,6,7,8,9,10]}", 1,
     "t_0=I:0 t_1=I:1 t_2=I:2 t_3=I:3 t_4=I:4 t_5=I:5 t_6=I:6 t_7=I:7 t_8=I:8 t_9=I:9 t_10=I:10"},
    {"{\"\":1,\"a\":{\"\":2}}", 1, "=I:1 a_=I:2"},
    {"{\"\":{\"b\":1},\"c\":{\"\":[1]}}", 1, "_b=I:1 c__0=I:1"},
    /* strings and escapes */
    {"{\"s\":\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\"}", 1, "s=S:a\"b\\x5cc/d\\x08\\x0c\\x0a\\x0d\\x09"},
    {"{\"s\":\"\\u00e9\\u4E2D\\ud83d\\ude00\\u0041\"}", 1,
     "s=S:\\xc3\\xa9\\xe4\\xb8\\xad\\xf0\\x9f\\x98\\x80A"},
    {"{\"s\":\"\\u0000x\\u007f\\u0080\\u07ff\\u0800\\uffff\"}", 1,
     "s=S:\\x00x\\x7f\\xc2\\x80\\xdf\\xbf\\xe0\\xa0\\x80\\xef\\xbf\\xbf"},
    {"{\"s\":\"\\udbff\\udfff\"}", 1, "s=S:\\xf4\\x8f\\xbf\\xbf"},
    {"{\"s\":\"\xff\xfe\x7f raw\"}", 1, "s=S:\\xff\\xfe\\x7f raw"},
    {"{\"s\":\"\"}", 1, "s=S:"},
    {"{\"k\\u00e9y\":1,\"a\":{\"b\\\"c\":2}}", 1, "k\\xc3\\xa9y=I:1 a_b\"c=I:2"},
    {"{\"a very long key that is longer than sixteen bytes\":\"and a long value too\"}", 1,
     "a very long key that is longer than sixteen bytes=S:and a long value too"},
    /* duplicates: the last value wins at the first position */
    {"{\"a\":1,\"b\":2,\"a\":\"x\"}", 1, "a=S:x b=I:2"},
    {"{\"a_b\":1,\"a\":{\"b\":2}}", 1, "a_b=I:2"},
    {"{\"a\":{\"x\":1},\"a\":{\"y\":2}}", 1, "a_x=I:1 a_y=I:2"},
    {"{\"a\":1,\"a\":null}", 1, "a=N"},
    {"[{\"a\":1,\"a\":2},{\"a\":3}]", 2, "a=I:2 | a=I:3"},
    /* numbers at the limits */
    {"{\"a\":0,\"b\":-0,\"c\":123,\"d\":-123}", 1, "a=I:0 b=I:0 c=I:123 d=I:-123"},
    {"{\"max\":9223372036854775807,\"min\":-9223372036854775808}", 1,
     "max=I:9223372036854775807 min=I:-9223372036854775808"},
    {"{\"u\":9223372036854775808,\"umax\":18446744073709551615}", 1,
     "u=U:9223372036854775808 umax=U:18446744073709551615"},
    {"{\"a\":18446744073709551616,\"b\":-9223372036854775809,\"c\":99999999999999999999}", 1,
     "a=F:18446744073709551616 b=F:-9223372036854775809 c=F:99999999999999999999"},
    {"{\"a\":123456789012345678901234567890,\"b\":10000000000000000000}", 1,
     "a=F:123456789012345678901234567890 b=U:10000000000000000000"},
    {"{\"a\":1.5,\"b\":-1.5e3,\"c\":1E+2,\"d\":1e-2,\"e\":0.0,\"f\":-0.0,\"g\":2e0}", 1,
     "a=F:1.5 b=F:-1.5e3 c=F:1E+2 d=F:1e-2 e=F:0.0 f=F:-0.0 g=F:2e0"},
    {"{\"a\":1e400,\"b\":2.2250738585072014e-308,\"c\":4.9e-324,\"d\":1e-400}", 1,
     "a=F:1e400 b=F:2.2250738585072014e-308 c=F:4.9e-324 d=F:1e-400"},
    {"{\"pi\":3.14159265358979323846264338327950288,\"x\":0.1000000000000000055511151231257827}",
     1, "pi=F:3.14159265358979323846264338327950288 x=F:0.1000000000000000055511151231257827"},
    {"[{\"a\":1}]", 1, "a=I:1"},
};

static void test_good_payloads(void) {
    k2td_rowset_t rs;
    k2td_rowset_init(&rs);
    char err[256];
    for (size_t i = 0; i < sizeof(good_cases) / sizeof(good_cases[0]); i++) {
        const good_case_t *c = &good_cases[i];
        k2td_rowset_reset(&rs);
        strcpy(err, "unset");
        int n = k2td_json_flat_parse(c->in, strlen(c->in), i, &rs, err, sizeof(err));
        if (n != c->rows) fprintf(stderr, "case %zu: %s: %s\n", i, c->in, err);
        CHECK_INT(n, c->rows);
        CHECK_STR(err, "");
        char *out = render(&rs, 0);
        CHECK_STR(out, c->out);
        free(out);
        for (size_t r = 0; r < rs.nrows; r++) CHECK_INT(rs.row_msg[r], i);
    }
    k2td_rowset_free(&rs);
}

typedef struct bad_case {
    const char *in;
    const char *err;
} bad_case_t;

static const bad_case_t bad_cases[] = {
    {"", "offset 0: empty payload"},
    {" \n ", "offset 3: empty payload"},
    {"\xEF\xBB\xBF", "offset 3: empty payload"},
    {"1", "offset 0: top-level value must be an object or an array of objects"},
    {"\"x\"", "offset 0: top-level value must be an object or an array of objects"},
    {"null", "offset 0: top-level value must be an object or an array of objects"},
    {"{\"a\":1} x", "offset 8: unexpected data after an object (expected another object)"},
    {"{\"a\":1}\n[{\"a\":2}]",
     "offset 8: unexpected data after an object (expected another object)"},
    {"[{\"a\":1}] x", "offset 10: unexpected data after the top-level array"},
    {"[{\"a\":1}][]", "offset 9: unexpected data after the top-level array"},
    {"[{\"a\":1},2]", "offset 9: element 1 of the top-level array is not an object"},
    {"[1]", "offset 1: element 0 of the top-level array is not an object"},
    {"[[{\"a\":1}]]", "offset 1: element 0 of the top-level array is not an object"},
    {"[{\"a\":1},]", "offset 9: element 1 of the top-level array is not an object"},
    {"[", "offset 1: expected an object as array element, found end of input"},
    {"[{\"a\":1}", "offset 8: expected ',' or ']' after array element, found end of input"},
    {"[{\"a\":1} {\"a\":2}]", "offset 9: expected ',' or ']' after array element"},
    {"{\"a\" 1}", "offset 5: expected ':' after object key"},
    {"{\"a\"", "offset 4: expected ':' after object key, found end of input"},
    {"{\"a\":1,}", "offset 7: expected '\"' to start an object key"},
    {"{a:1}", "offset 1: expected '\"' to start an object key"},
    {"{", "offset 1: expected '\"' to start an object key, found end of input"},
    {"{\"a\":1", "offset 6: expected ',' or '}' after object member, found end of input"},
    {"{\"a\":1 2}", "offset 7: expected ',' or '}' after object member"},
    {"{\"a\":{\"b\":1}", "offset 12: expected ',' or '}' after object member, found end of input"},
    {"{\"a\":}", "offset 5: expected a value"},
    {"{\"a\":", "offset 5: expected a value, found end of input"},
    {"{\"a\":[1,]}", "offset 8: expected a value"},
    {"{\"a\":[1 2]}", "offset 8: expected ',' or ']' after array element"},
    {"{\"a\":tru}", "offset 5: invalid literal (expected true)"},
    {"{\"a\":fals", "offset 5: invalid literal (expected false)"},
    {"{\"a\":nul", "offset 5: invalid literal (expected null)"},
    {"{\"a\":True}", "offset 5: expected a value"},
    {"{\"a\":\"abc", "offset 5: unterminated string"},
    {"{\"a\":\"abc\\\"}", "offset 5: unterminated string"},
    {"{\"a\":\"abc\\", "offset 5: unterminated string"},
    {"{\"ab", "offset 1: unterminated string"},
    {"{\"a\":\"a\tb\"}", "offset 7: control character 0x09 in string"},
    {"{\"a\":\"a\nb\"}", "offset 7: control character 0x0a in string"},
    {"{\"a\nb\":1}", "offset 3: control character 0x0a in string"},
    {"{\"a\":\"\\x\"}", "offset 6: invalid escape in string"},
    {"{\"a\":\"ok\\'\"}", "offset 8: invalid escape in string"},
    {"{\"a\\q\":1}", "offset 3: invalid escape in string"},
    {"{\"a\":\"\\u12\"}", "offset 6: invalid \\u escape in string"},
    {"{\"a\":\"\\u12G4\"}", "offset 6: invalid \\u escape in string"},
    {"{\"a\":\"\\U1234\"}", "offset 6: invalid escape in string"},
    {"{\"a\":\"\\ud800\"}", "offset 6: high surrogate not followed by a low surrogate in string"},
    {"{\"a\":\"x\\ud800\\u0041\"}",
     "offset 7: high surrogate not followed by a low surrogate in string"},
    {"{\"a\":\"\\ud800\\ud800\"}",
     "offset 6: high surrogate not followed by a low surrogate in string"},
    {"{\"a\":\"\\ud800\\n\"}",
     "offset 6: high surrogate not followed by a low surrogate in string"},
    {"{\"a\":\"\\udc00\"}", "offset 6: lone low surrogate in string"},
    {"{\"\\udfff\":1}", "offset 2: lone low surrogate in string"},
    {"{\"a\":01}", "offset 6: leading zero in number"},
    {"{\"a\":-01}", "offset 7: leading zero in number"},
    {"{\"a\":+1}", "offset 5: expected a value"},
    {"{\"a\":-}", "offset 6: expected a digit in number"},
    {"{\"a\":-a}", "offset 6: expected a digit in number"},
    {"{\"a\":1.}", "offset 7: expected a digit after '.' in number"},
    {"{\"a\":1.e5}", "offset 7: expected a digit after '.' in number"},
    {"{\"a\":.5}", "offset 5: expected a value"},
    {"{\"a\":1e}", "offset 7: expected a digit in exponent"},
    {"{\"a\":1e+}", "offset 8: expected a digit in exponent"},
    {"{\"a\":1", "offset 6: expected ',' or '}' after object member, found end of input"},
    {"{\"a\":NaN}", "offset 5: expected a value"},
    {"{\"a\":Infinity}", "offset 5: expected a value"},
    {"{\"a\":-Infinity}", "offset 6: expected a digit in number"},
    {"{\"a\":0x10}", "offset 6: expected ',' or '}' after object member"},
    {"{\"a\":1}garbage", "offset 7: unexpected data after an object (expected another object)"},
    {"{\"a\":1}/* c */", "offset 7: unexpected data after an object (expected another object)"},
    {"{\"a\":'x'}", "offset 5: expected a value"},
};

static void test_bad_payloads(void) {
    k2td_rowset_t rs;
    k2td_rowset_init(&rs);
    char err[256];
    for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
        const bad_case_t *c = &bad_cases[i];
        k2td_rowset_reset(&rs);
        int n = k2td_json_flat_parse(c->in, strlen(c->in), 0, &rs, err, sizeof(err));
        if (n != -1) fprintf(stderr, "case %zu accepted: %s\n", i, c->in);
        CHECK_INT(n, -1);
        CHECK_STR(err, c->err);
        CHECK_INT(rs.nrows, 0);
        CHECK_INT(rs.nfields, 0);
    }
    k2td_rowset_free(&rs);
}

/* A NUL byte is data like any other: allowed escaped, an error raw. */
static void test_nul_bytes(void) {
    k2td_rowset_t rs;
    k2td_rowset_init(&rs);
    char err[128];
    static const char raw[] = "{\"a\":\"x\0y\"}";
    CHECK_INT(k2td_json_flat_parse(raw, sizeof(raw) - 1, 0, &rs, err, sizeof(err)), -1);
    CHECK_STR(err, "offset 7: control character 0x00 in string");
    static const char after[] = "{\"a\":1}\0";
    CHECK_INT(k2td_json_flat_parse(after, sizeof(after) - 1, 0, &rs, err, sizeof(err)), -1);
    CHECK_STR(err, "offset 7: unexpected data after an object (expected another object)");
    /* the length bounds the parse: bytes past it are never read */
    static const char cut[] = "{\"a\":12}";
    CHECK_INT(k2td_json_flat_parse(cut, 6, 0, &rs, err, sizeof(err)), -1);
    CHECK_STR(err, "offset 6: expected ',' or '}' after object member, found end of input");
    CHECK_INT(k2td_json_flat_parse(cut, 8, 0, &rs, err, sizeof(err)), 1);
    CHECK_INT(rs.fields[0].v.n.i, 12);
    k2td_rowset_free(&rs);
}

static void test_zero_copy_and_arena(void) {
    k2td_rowset_t rs;
    k2td_rowset_init(&rs);
    const char *in = "{\"plain\":\"abc\",\"esc\":\"a\\nb\",\"n\":-1.25}";
    size_t len = strlen(in);
    CHECK_INT(k2td_json_flat_parse(in, len, 0, &rs, NULL, 0), 1);
    CHECK_INT(rs.nfields, 3);
    const k2td_field_t *f = rs.fields;
    /* a string without escapes and a number's text point into the payload */
    CHECK(f[0].v.str == in + 10);
    CHECK_INT(f[0].v.len, 3);
    CHECK(f[1].v.str < in || f[1].v.str >= in + len);
    CHECK_MEM(f[1].v.str, f[1].v.len, "a\nb");
    CHECK(f[2].v.str == in + 32);
    CHECK_MEM(f[2].v.str, f[2].v.len, "-1.25");
    CHECK(f[2].v.n.f == -1.25);
    /* names are arena copies, NUL-terminated */
    for (int i = 0; i < 3; i++) {
        CHECK(f[i].name < in || f[i].name >= in + len);
        CHECK_INT(strlen(f[i].name), f[i].name_len);
    }
    CHECK_STR(f[1].name, "esc");
    k2td_rowset_free(&rs);
}

static void test_number_values(void) {
    static const struct {
        const char *text;
        k2td_val_type_t type;
        double f;
    } cases[] = {
        {"0.1", K2TD_VAL_FLOAT, 0.1},
        {"27.17", K2TD_VAL_FLOAT, 27.17},
        {"-0.17", K2TD_VAL_FLOAT, -0.17},
        {"1e22", K2TD_VAL_FLOAT, 1e22},
        {"1e23", K2TD_VAL_FLOAT, 1e23},
        {"9007199254740993.0", K2TD_VAL_FLOAT, 9007199254740992.0},
        {"123456789.123456789", K2TD_VAL_FLOAT, 123456789.123456789},
        {"1.7976931348623157e308", K2TD_VAL_FLOAT, 1.7976931348623157e308},
        {"5e-324", K2TD_VAL_FLOAT, 5e-324},
        {"1e-400", K2TD_VAL_FLOAT, 0.0},
        {"18446744073709551616", K2TD_VAL_FLOAT, 18446744073709551616.0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        k2td_value_t v = {0};
        CHECK_INT(k2td_json_parse_number(cases[i].text, strlen(cases[i].text), &v), 0);
        CHECK_INT(v.type, cases[i].type);
        CHECK(v.n.f == cases[i].f);
        CHECK(v.n.f == strtod(cases[i].text, NULL));
        CHECK(v.str == cases[i].text);
        CHECK_INT(v.len, strlen(cases[i].text));
    }
    k2td_value_t v = {0};
    CHECK_INT(k2td_json_parse_number("1e400", 5, &v), 0);
    CHECK(isinf(v.n.f));
    CHECK_INT(k2td_json_parse_number("-9223372036854775808", 20, &v), 0);
    CHECK_INT(v.type, K2TD_VAL_INT);
    CHECK(v.n.i == INT64_MIN);
    CHECK_INT(k2td_json_parse_number("18446744073709551615", 20, &v), 0);
    CHECK_INT(v.type, K2TD_VAL_UINT);
    CHECK(v.n.u == UINT64_MAX);
    /* not a number as a whole: v is left alone */
    static const char *const bad[] = {"", "-", "+1", "01", "1.", ".1", "1e", "1 ", " 1", "1x",
                                      "NaN", "Infinity", "0x1", "1e+", "--1", "1.2.3"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        k2td_value_t w = {.type = K2TD_VAL_STRING};
        CHECK_INT(k2td_json_parse_number(bad[i], strlen(bad[i]), &w), -1);
        CHECK_INT(w.type, K2TD_VAL_STRING);
    }
}

/* Builds {"a":{"a":...1...}} with `objects` objects in total. */
static char *nested_objects(int objects) {
    k2td_buf_t b = K2TD_BUF_INIT;
    for (int i = 0; i < objects; i++) k2td_buf_puts(&b, i + 1 < objects ? "{\"a\":" : "{\"a\":1");
    for (int i = 0; i < objects; i++) k2td_buf_putc(&b, '}');
    return k2td_buf_detach(&b);
}

static void test_depth_limit(void) {
    k2td_rowset_t rs;
    k2td_rowset_init(&rs);
    char err[128];
    char *ok = nested_objects(K2TD_JSON_MAX_DEPTH);
    CHECK_INT(k2td_json_flat_parse(ok, strlen(ok), 0, &rs, err, sizeof(err)), 1);
    CHECK_INT(rs.nfields, 1);
    CHECK_INT(rs.fields[0].name_len, 2 * K2TD_JSON_MAX_DEPTH - 1); /* a_a_..._a */
    free(ok);
    char *deep = nested_objects(K2TD_JSON_MAX_DEPTH + 1);
    CHECK_INT(k2td_json_flat_parse(deep, strlen(deep), 0, &rs, err, sizeof(err)), -1);
    CHECK_STR(err, "offset 320: nesting deeper than 64 levels");
    free(deep);
    /* the wrapping top-level array does not count */
    k2td_buf_t b = K2TD_BUF_INIT;
    k2td_buf_puts(&b, "[{\"a\":");
    for (int i = 1; i < K2TD_JSON_MAX_DEPTH; i++) k2td_buf_putc(&b, '[');
    k2td_buf_putc(&b, '1');
    for (int i = 1; i < K2TD_JSON_MAX_DEPTH; i++) k2td_buf_putc(&b, ']');
    k2td_buf_puts(&b, "}]");
    k2td_rowset_reset(&rs);
    CHECK_INT(k2td_json_flat_parse(b.data, b.len, 0, &rs, err, sizeof(err)), 1);
    CHECK_INT(rs.nfields, 1);
    k2td_buf_free(&b);
    /* a million brackets: an error, not a stack overflow */
    size_t n = 1000000;
    char *brackets = malloc(n + 7);
    memcpy(brackets, "{\"a\":", 5);
    memset(brackets + 5, '[', n);
    CHECK_INT(k2td_json_flat_parse(brackets, n + 5, 0, &rs, err, sizeof(err)), -1);
    CHECK_STR(err, "offset 68: nesting deeper than 64 levels");
    free(brackets);
    k2td_rowset_free(&rs);
}

/* Many fields in one row go through the hash index; duplicates still merge. */
static void test_wide_rows(void) {
    k2td_rowset_t rs;
    k2td_rowset_init(&rs);
    k2td_buf_t b = K2TD_BUF_INIT;
    k2td_buf_putc(&b, '{');
    for (int i = 0; i < 5000; i++) k2td_buf_printf(&b, "\"f%d\":%d,", i, i);
    for (int i = 0; i < 5000; i += 7) k2td_buf_printf(&b, "\"f%d\":%d,", i, -i);
    k2td_buf_puts(&b, "\"g\":{\"x\":[");
    for (int i = 0; i < 3000; i++) k2td_buf_printf(&b, "%s%d", i ? "," : "", i);
    k2td_buf_puts(&b, "]},\"g_x_2999\":\"last\"}");
    char err[128];
    CHECK_INT(k2td_json_flat_parse(b.data, b.len, 0, &rs, err, sizeof(err)), 1);
    CHECK_INT(rs.nfields, 8000);
    for (int i = 0; i < 5000; i++) {
        char name[16];
        snprintf(name, sizeof(name), "f%d", i);
        CHECK_STR(rs.fields[i].name, name);
        CHECK_INT(rs.fields[i].v.n.i, i % 7 ? i : -i);
    }
    CHECK_STR(rs.fields[5000].name, "g_x_0");
    CHECK_STR(rs.fields[7999].name, "g_x_2999");
    CHECK_INT(rs.fields[7999].v.type, K2TD_VAL_STRING);
    k2td_buf_free(&b);
    k2td_rowset_free(&rs);
}

/* A failed parse leaves earlier rows exactly as they were. */
static void test_rollback(void) {
    k2td_rowset_t rs;
    k2td_rowset_init(&rs);
    char err[128];
    const char *first = "[{\"a\":1},{\"b\":\"x\\ty\"}]";
    CHECK_INT(k2td_json_flat_parse(first, strlen(first), 0, &rs, err, sizeof(err)), 2);
    char *before = render(&rs, 0);
    size_t nfields = rs.nfields;
    static const char *const bad[] = {
        "{\"c\":1}\n{\"d\":2}\n{\"e\":",     /* third NDJSON object cut */
        "[{\"c\":1},{\"d\":[1,2,{\"e\":x}]}]", /* second array element bad */
        "{\"c\":{\"d\":1,\"e\":\"\\ud800\"}}", /* bad escape deep inside */
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        CHECK_INT(k2td_json_flat_parse(bad[i], strlen(bad[i]), 1, &rs, err, sizeof(err)), -1);
        CHECK_INT(rs.nrows, 2);
        CHECK_INT(rs.nfields, nfields);
        char *after = render(&rs, 0);
        CHECK_STR(after, before);
        free(after);
    }
    /* and the rowset goes on working: rows append after the old ones */
    const char *next = "{\"z\":true}{\"z\":false}";
    CHECK_INT(k2td_json_flat_parse(next, strlen(next), 2, &rs, err, sizeof(err)), 2);
    char *all = render(&rs, 0);
    CHECK_STR(all, "a=I:1 | b=S:x\\x09y | z=B:true | z=B:false");
    free(all);
    CHECK_INT(rs.row_msg[0], 0);
    CHECK_INT(rs.row_msg[1], 0);
    CHECK_INT(rs.row_msg[2], 2);
    CHECK_INT(rs.row_msg[3], 2);
    free(before);
    k2td_rowset_free(&rs);
}

/* errstr may be NULL or tiny; the message is cut, never overrun. */
static void test_small_errstr(void) {
    k2td_rowset_t rs;
    k2td_rowset_init(&rs);
    CHECK_INT(k2td_json_flat_parse("{x", 2, 0, &rs, NULL, 0), -1);
    char tiny[8];
    memset(tiny, 'Z', sizeof(tiny));
    CHECK_INT(k2td_json_flat_parse("{x", 2, 0, &rs, tiny, 5), -1);
    CHECK_STR(tiny, "offs");
    CHECK(tiny[5] == 'Z');
    char mid[16];
    CHECK_INT(k2td_json_flat_parse("{x", 2, 0, &rs, mid, sizeof(mid)), -1);
    CHECK_STR(mid, "offset 1: expec");
    k2td_rowset_free(&rs);
}

/* Reset and parse again many times: the rowset's memory is reused. */
static void test_reuse_after_reset(void) {
    k2td_rowset_t rs;
    k2td_rowset_init(&rs);
    const char *msg = "{\"id\":1,\"s\":\"a\\u00e9\",\"o\":{\"p\":[1,2]}}";
    for (int batch = 0; batch < 50; batch++) {
        k2td_rowset_reset(&rs);
        for (int i = 0; i < 300; i++)
            CHECK_INT(k2td_json_flat_parse(msg, strlen(msg), (size_t)i, &rs, NULL, 0), 1);
        CHECK_INT(rs.nrows, 300);
        CHECK_INT(rs.nfields, 1200);
    }
    k2td_field_t *fields = rs.fields;
    k2td_rowset_reset(&rs);
    for (int i = 0; i < 300; i++) k2td_json_flat_parse(msg, strlen(msg), 0, &rs, NULL, 0);
    CHECK(rs.fields == fields);
    char *out = render(&rs, 299);
    CHECK_STR(out, "id=I:1 s=S:a\\xc3\\xa9 o_p_0=I:1 o_p_1=I:2");
    free(out);
    k2td_rowset_free(&rs);
}

int main(void) {
    RUN(test_good_payloads);
    RUN(test_bad_payloads);
    RUN(test_nul_bytes);
    RUN(test_zero_copy_and_arena);
    RUN(test_number_values);
    RUN(test_depth_limit);
    RUN(test_wide_rows);
    RUN(test_rollback);
    RUN(test_small_errstr);
    RUN(test_reuse_after_reset);
    return test_finish();
}
