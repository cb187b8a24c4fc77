/*
 * test_udt_lua.c - Lua UDT scripts: data in, rows out, sandbox and limits.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "parse/udt_lua.h"
#include "test.h"

/* Renders rows [first, nrows) as "name=t:text ..." joined by " | ", where t
 * is i (int), f (float), s (string), b (bool) or n (null). */
static void render(const k2td_rowset_t *rs, size_t first, k2td_buf_t *out) {
    k2td_buf_reset(out);
    k2td_buf_puts(out, "");
    for (size_t r = first; r < rs->nrows; r++) {
        if (r > first) k2td_buf_puts(out, " | ");
        const k2td_field_t *f;
        size_t n = k2td_rowset_row(rs, r, &f);
        for (size_t i = 0; i < n; i++) {
            if (i) k2td_buf_putc(out, ' ');
            k2td_buf_append(out, f[i].name, f[i].name_len);
            k2td_buf_putc(out, '=');
            switch (f[i].v.type) {
            case K2TD_VAL_NULL: k2td_buf_puts(out, "n"); break;
            case K2TD_VAL_BOOL: k2td_buf_puts(out, f[i].v.n.b ? "b:true" : "b:false"); break;
            case K2TD_VAL_INT: k2td_buf_printf(out, "i:%lld", (long long)f[i].v.n.i); break;
            case K2TD_VAL_UINT: k2td_buf_puts(out, "u:"); break;
            case K2TD_VAL_FLOAT: k2td_buf_puts(out, "f:"); break;
            case K2TD_VAL_STRING: k2td_buf_puts(out, "s:"); break;
            }
            if (f[i].v.type == K2TD_VAL_FLOAT || f[i].v.type == K2TD_VAL_STRING)
                k2td_buf_append(out, f[i].v.str, f[i].v.len);
        }
    }
}

typedef struct udt_case {
    const char *script;
    const char *payload;
    int nrows;          /* expected result; -1 = error */
    const char *expect; /* rendered rows, or a substring of the error */
} udt_case_t;

/* Runs each case on a fresh UDT with limits lim (NULL = defaults), into a
 * rowset that already holds one row (which must survive a failure). */
static void run_cases(const udt_case_t *cases, size_t n, const k2td_udt_limits_t *lim) {
    k2td_buf_t text = K2TD_BUF_INIT;
    for (size_t i = 0; i < n; i++) {
        const udt_case_t *c = &cases[i];
        char err[256] = "";
        k2td_udt_t *u = k2td_udt_compile(c->script, strlen(c->script), lim, err, sizeof(err));
        if (!u) {
            fprintf(stderr, "case %zu: compile failed: %s\n", i, err);
            CHECK(u != NULL);
            continue;
        }
        k2td_rowset_t rs;
        k2td_rowset_init(&rs);
        k2td_rowset_begin_row(&rs, 99);
        k2td_rowset_add_field(&rs, "keep", 4);
        int got = k2td_udt_parse(u, c->payload, strlen(c->payload), 7, &rs, err, sizeof(err));
        if (got != c->nrows) fprintf(stderr, "case %zu: %s\n", i, got < 0 ? err : "");
        CHECK_INT(got, c->nrows);
        if (c->nrows >= 0 && got >= 0) {
            render(&rs, 1, &text);
            if (strcmp(text.data, c->expect) != 0) fprintf(stderr, "case %zu:\n", i);
            CHECK_STR(text.data, c->expect);
            for (size_t r = 1; r < rs.nrows; r++) CHECK_INT(rs.row_msg[r], 7);
        } else if (got < 0) {
            if (!strstr(err, c->expect))
                fprintf(stderr, "case %zu: error \"%s\" lacks \"%s\"\n", i, err, c->expect);
            CHECK(strstr(err, c->expect) != NULL);
            CHECK_INT(rs.nrows, 1);
            CHECK_INT(rs.nfields, 1);
        }
        k2td_rowset_free(&rs);
        k2td_udt_free(u);
    }
    k2td_buf_free(&text);
}

#define NCASES(a) (sizeof(a) / sizeof((a)[0]))

/* Rows of several shapes, and how values cross between JSON, Lua and rows. */
static void test_rows(void) {
    static const udt_case_t cases[] = {
        /* the digest's example: one message, three rows */
        {"local rows = {}\n"
         "for v in string.gmatch(data.voltage, '[^,]+') do\n"
         "  rows[#rows + 1] = {ts = data.ts, voltage = tonumber(v)}\n"
         "end\n"
         "return rows\n",
         "{\"ts\":1700000000000,\"voltage\":\"220.1,220.3,221.1\"}", 3,
         "ts=i:1700000000000 voltage=f:220.1 | ts=i:1700000000000 voltage=f:220.3 | "
         "ts=i:1700000000000 voltage=f:221.1"},
        /* JSON types: int vs float kept, int64 exact, escapes, null */
        {"return {{i = data.i, f = data.f, one = data.one, big = data.big, s = data.s,\n"
         "  b = data.b, n = data.n, isnull = data.n == null, t = math.type(data.one)}}",
         "\xEF\xBB\xBF {\"i\":-5,\"f\":1.5,\"one\":1.0,\"big\":1704067200123456789,"
         "\"s\":\"a\\\"\\u00e9\\n\",\"b\":true,\"n\":null} ",
         1,
         "b=b:true big=i:1704067200123456789 f=f:1.5 i=i:-5 isnull=b:true n=n one=f:1.0 "
         "s=s:a\"\xC3\xA9\n t=s:float"},
        /* beyond int64: a float, as in Lua */
        {"return {{t = math.type(data.u), neg = math.type(data.n)}}",
         "{\"u\":18446744073709551615,\"n\":-9223372036854775808}", 1, "neg=s:integer t=s:float"},
        /* surrogate pair -> 4 UTF-8 bytes; a repeated key keeps the last value */
        {"return {{len = #data.s, k = data.k}}", "{\"s\":\"\\ud83d\\ude00\",\"k\":1,\"k\":2}", 1,
         "k=i:2 len=i:4"},
        /* nested tables flatten with '_'; integer keys k -> k - 1; {} -> nothing */
        {"return {{a = {b = 1, c = {'x', 'y'}}, e = {}}}", "{}", 1, "a_b=i:1 a_c_0=s:x a_c_1=s:y"},
        /* a row may pass a JSON subtree through: same names as the JSON parser */
        {"return {{loc = data.location}}", "{\"location\":[{\"province\":\"bj\",\"z\":[7,null]}]}",
         1, "loc_0_province=s:bj loc_0_z_0=i:7 loc_0_z_1=n"},
        /* digit runs sort as numbers */
        {"local t = {} for i = 1, 12 do t[i] = i end return {{t = t, t_x = 0}}", "{}", 1,
         "t_0=i:1 t_1=i:2 t_2=i:3 t_3=i:4 t_4=i:5 t_5=i:6 t_6=i:7 t_7=i:8 t_8=i:9 t_9=i:10 "
         "t_10=i:11 t_11=i:12 t_x=i:0"},
        /* floats made in Lua: shortest text that reads back, always float-looking */
        {"return {{a = 0.1, b = 1e300, c = -0.0, d = 2^53, e = 1/3, f = 1e-7, g = -2.05,\n"
         "  h = 123456.789, i = 1e15 + 0.5, j = data.c, k = 2^63}}",
         "{\"c\":27.17}", 1,
         "a=f:0.1 b=f:1e+300 c=f:-0.0 d=f:9007199254740992.0 e=f:0.3333333333333333 "
         "f=f:1e-07 g=f:-2.05 h=f:123456.789 i=f:1000000000000000.5 j=f:27.17 "
         "k=f:9.223372036854776e+18"},
        /* arrays as data; null keeps positions and prints as "null" */
        {"return {{n = #data, second = tostring(data[2]), third = data[3]}}", "[1,null,3]", 1,
         "n=i:3 second=s:null third=i:3"},
        /* scalars are data too; zero rows; several rows of different shapes */
        {"return {{v = data}}", "\"text\"", 1, "v=s:text"},
        {"return {}", "{\"a\":1}", 0, ""},
        {"return {{a = 1}, {b = 'x', c = false}, {}}", "{}", 3, "a=i:1 | b=s:x c=b:false | "},
        /* globals are the message's own; _G is them */
        {"x = 5 _G.y = 6 return {{x = _G.x, y = y}}", "{}", 1, "x=i:5 y=i:6"},
        /* what a script may still use */
        {"local t = setmetatable({}, {__index = function(_, k) return k:upper() end})\n"
         "local ok = pcall(error, 'e')\n"
         "return {{v = t.abc, ok = ok, f = string.format('%05.1f', 3.14159),\n"
         "  j = table.concat({1, 2}, '-'), m = math.max(3, 9), u = utf8.char(233)}}",
         "{}", 1, "f=s:003.1 j=s:1-2 m=i:9 ok=b:false u=s:\xC3\xA9 v=s:ABC"},
        /* a memory error caught by the script is just an error */
        {"local ok = pcall(string.rep, 'x', 1 << 30) return {{ok = ok}}", "{}", 1, "ok=b:false"},
    };
    run_cases(cases, NCASES(cases), NULL);
}

/* Errors: the script's, with its line; the result's; the payload's. */
static void test_errors(void) {
    static const udt_case_t cases[] = {
        {"local x = 1\nlocal y = 2\nreturn data.a.b", "{}", -1,
         "udt line 3: attempt to index a nil value (field 'a')"},
        {"\nerror('bad value ' .. data.v)", "{\"v\":3}", -1, "udt line 2: bad value 3"},
        {"error('plain', 0)", "{}", -1, "udt: plain"},
        {"error({})", "{}", -1, "udt: the script raised a table as its error"},
        {"return ('x'):rep(-1, {})", "{}", -1, "udt line 1: bad argument #2 to 'rep'"},
        /* the result */
        {"local r = {}", "{}", -1, "udt: the script returned nothing"},
        {"return 5", "{}", -1, "array of row tables, not a number"},
        {"return {a = 1}", "{}", -1, "has keys other than 1..n (to return one row r"},
        {"return {{a = 1}, 5}", "{}", -1, "udt: row 2 is a number, not a table"},
        {"return {{1, 2}}", "{}", -1, "udt: row 1: field names must be strings, found the key 1"},
        {"return {{a = {[true] = 1}}}", "{}", -1,
         "udt: row 1, field \"a\": key a boolean is neither a name nor a positive integer"},
        {"return {{a = {[0] = 1}}}", "{}", -1, "key 0 is neither"},
        {"return {{f = function() end}}", "{}", -1,
         "udt: row 1, field \"f\": a function cannot be a field value"},
        {"return {{x = 0/0}}", "{}", -1, "field \"x\": a number that is not finite"},
        {"local t = {} t.t = t return {{t = t}}", "{}", -1, "nesting deeper than 64 levels"},
        {"return {{a_b = 1, a = {b = 2}}}", "{}", -1, "udt: row 1: two fields are named \"a_b\""},
        /* the payload */
        {"return {}", "", -1, "offset 0: empty payload"},
        {"return {}", "{", -1, "offset 1: expected a string key, found end of input"},
        {"return {}", "{\"a\":01}", -1, "offset 5: invalid number"},
        {"return {}", "{\"a\":1} {}", -1, "offset 8: unexpected data after the JSON value"},
        {"return {}", "{\"a\":\"\\x\"}", -1, "offset 6: invalid escape in string"},
        {"return {}", "{\"a\":\"\\ud800\"}", -1, "high surrogate not followed by a low"},
        {"return {}", "{\"a\":\"x\ty\"}", -1, "offset 7: control character in string"},
        {"return {}", "{\"a\":nul}", -1, "offset 5: invalid literal (expected null)"},
        {"return {}", "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]", -1,
         "offset 64: nesting deeper than 64 levels"},
    };
    run_cases(cases, NCASES(cases), NULL);
}

/* Attempts to get out of the sandbox or past its limits. */
static void test_sandbox(void) {
    static const udt_case_t cases[] = {
        {"local f = io.open('/etc/passwd') return {}", "{}", -1,
         "udt line 1: attempt to index a nil value (global 'io')"},
        {"os.execute('touch /tmp/k2td-udt-escaped') return {}", "{}", -1, "(global 'os')"},
        {"local os = require('os') return {}", "{}", -1,
         "attempt to call a nil value (global 'require')"},
        {"return load(string.dump(function() end))()", "{}", -1,
         "attempt to call a nil value (field 'dump')"},
        {"return load('return {}')()", "{}", -1, "attempt to call a nil value (global 'load')"},
        {"dofile('/etc/passwd')", "{}", -1, "(global 'dofile')"},
        {"loadfile('/etc/passwd')", "{}", -1, "(global 'loadfile')"},
        {"debug.getregistry()", "{}", -1, "(global 'debug')"},
        {"package.loadlib('libc.so.6', 'system')", "{}", -1, "(global 'package')"},
        {"collectgarbage('stop')", "{}", -1, "(global 'collectgarbage')"},
        {"print(1)", "{}", -1, "(global 'print')"},
        {"coroutine.wrap(print)", "{}", -1, "(global 'coroutine')"},
        {"math.randomseed(1)", "{}", -1, "(field 'randomseed')"},
        /* shared tables cannot be changed */
        {"string.leak = 1", "{}", -1, "udt line 1: the string library is read-only"},
        {"rawset(math, 'pi', 3)", "{}", -1, "(global 'rawset')"},
        {"setmetatable(table, {})", "{}", -1, "cannot change a protected metatable"},
        {"getmetatable('').__index.leak = 1", "{}", -1, "attempt to index a boolean value"},
        {"getmetatable(_G).__index.x = 1", "{}", -1, "attempt to index a boolean value"},
        {"setmetatable({}, {__gc = function() end})", "{}", -1, "__gc metamethods are not allowed"},
    };
    run_cases(cases, NCASES(cases), NULL);

    /* the instruction budget, even when the script catches the error */
    static const udt_case_t budget_cases[] = {
        {"while true do end", "{}", -1,
         "udt line 1: script exceeded its instruction budget (100000)"},
        {"while true do pcall(function() while true do end end) end", "{}", -1,
         "script exceeded its instruction budget"},
        {"xpcall(function() while true do end end, function() while true do end end)", "{}", -1,
         "script exceeded its instruction budget"},
        {"local function f() return f() end return f()", "{}", -1,
         "script exceeded its instruction budget"},
        {"local t = setmetatable({}, {__index = function(t, k) return t[k] end}) return t.x", "{}",
         -1, "stack overflow"},
        /* library loops the hook cannot see */
        {"local s = string.rep('', 1 << 62) return {{n = #s .. ('x'):rep(3, '')}}", "{}", 1,
         "n=s:0xxx"},
        {"table.move({}, 1, 1 << 60, 2)", "{}", -1, "udt line 1: too many elements to move"},
        {"return {{n = #table.move({1, 2, 3}, 1, 3, 2)}}", "{}", 1, "n=i:4"},
    };
    k2td_udt_limits_t small_budget = {100000, 0};
    run_cases(budget_cases, NCASES(budget_cases), &small_budget);

    /* the memory cap */
    static const udt_case_t memory_cases[] = {
        {"local s = string.rep('x', 1 << 30) return {}", "{}", -1,
         "udt: script exceeded its memory limit (16777216 bytes)"},
        {"local s = 'x' while true do s = s .. s end", "{}", -1, "memory limit"},
        {"local t = {} for i = 1, 1e9 do t[i] = i end", "{}", -1, "memory limit"},
        {"local t = {} for i = 1, 1e9 do t[i] = {} end", "{}", -1, "memory limit"},
        {"local t = {} for i = 1, 1e9 do t[i] = tostring(i) end", "{}", -1, "memory limit"},
    };
    k2td_udt_limits_t small_memory = {INT_MAX, 16 << 20};
    run_cases(memory_cases, NCASES(memory_cases), &small_memory);
}

/* Parses payload with u and checks the rendering of the new rows. */
static void check_parse(k2td_udt_t *u, const char *payload, int nrows, const char *expect) {
    k2td_rowset_t rs;
    k2td_rowset_init(&rs);
    k2td_buf_t text = K2TD_BUF_INIT;
    char err[256] = "";
    int got = k2td_udt_parse(u, payload, strlen(payload), 0, &rs, err, sizeof(err));
    if (got != nrows) fprintf(stderr, "%s: %s\n", payload, err);
    CHECK_INT(got, nrows);
    if (nrows >= 0) {
        render(&rs, 0, &text);
        CHECK_STR(text.data, expect);
    } else {
        CHECK(strstr(err, expect) != NULL);
    }
    k2td_buf_free(&text);
    k2td_rowset_free(&rs);
}

/* One state, many messages: nothing leaks from one to the next, and a
 * message that hit a limit does not spoil the next one. */
static void test_messages_are_isolated(void) {
    const char *script =
        "local first = seen == nil\n"
        "seen = data.x\n"
        "if data.loop then while true do end end\n"
        "if data.bomb then local s = string.rep('x', 1 << 30) end\n"
        "return {{x = data.x, first = first}}\n";
    k2td_udt_limits_t lim = {200000, 8 << 20};
    char err[256];
    k2td_udt_t *u = k2td_udt_compile(script, strlen(script), &lim, err, sizeof(err));
    CHECK(u != NULL);
    if (!u) return;
    check_parse(u, "{\"x\":1}", 1, "first=b:true x=i:1");
    check_parse(u, "{\"x\":2}", 1, "first=b:true x=i:2");
    check_parse(u, "{\"x\":3,\"loop\":true}", -1, "udt line 3: script exceeded");
    check_parse(u, "{\"x\":4}", 1, "first=b:true x=i:4");
    check_parse(u, "{\"x\":5,\"bomb\":true}", -1, "memory limit");
    check_parse(u, "{\"x\":6}", 1, "first=b:true x=i:6");
    check_parse(u, "{", -1, "offset 1");
    check_parse(u, "{\"x\":7}", 1, "first=b:true x=i:7");
    /* many messages: garbage is collected, the cap is never reached */
    for (int i = 0; i < 20000; i++) {
        char payload[300];
        snprintf(payload, sizeof(payload), "{\"x\":%d,\"pad\":\"%0200d\"}", i, i);
        char e[256];
        k2td_rowset_t rs;
        k2td_rowset_init(&rs);
        int n = k2td_udt_parse(u, payload, strlen(payload), 0, &rs, e, sizeof(e));
        k2td_rowset_free(&rs);
        if (n != 1) {
            fprintf(stderr, "message %d: %s\n", i, e);
            CHECK_INT(n, 1);
            break;
        }
    }
    k2td_udt_free(u);
}

/* Rows keep their values after the state moves on (they live in the arena). */
static void test_rows_outlive_the_message(void) {
    const char *script = "return {{s = data.s .. '!', n = data.n}}";
    k2td_udt_t *u = k2td_udt_compile(script, strlen(script), NULL, NULL, 0);
    CHECK(u != NULL);
    if (!u) return;
    k2td_rowset_t rs;
    k2td_rowset_init(&rs);
    char payload[] = "{\"s\":\"abc\",\"n\":\"long string that is not interned by lua at all\"}";
    CHECK_INT(k2td_udt_parse(u, payload, strlen(payload), 0, &rs, NULL, 0), 1);
    memset(payload, 'X', strlen(payload));
    for (int i = 0; i < 50; i++) k2td_udt_parse(u, "{\"s\":\"zz\",\"n\":1}", 16, 1, &rs, NULL, 0);
    k2td_buf_t text = K2TD_BUF_INIT;
    render(&rs, 0, &text);
    const char *first = "n=s:long string that is not interned by lua at all s=s:abc! |";
    CHECK(strncmp(text.data, first, strlen(first)) == 0);
    k2td_buf_free(&text);
    k2td_rowset_free(&rs);
    k2td_udt_free(u);
}

/* Compile-time errors: syntax with its line, bytecode, limits. */
static void test_compile_errors(void) {
    static const struct {
        const char *script;
        size_t len; /* 0 = strlen */
        k2td_udt_limits_t lim;
        const char *expect;
    } cases[] = {
        {"local a = 1\nreturn {", 0, {0, 0}, "udt line 2: unexpected symbol near <eof>"},
        {"if data then\n  x = 1\n", 0, {0, 0},
         "udt line 3: 'end' expected (to close 'if' at line 1) near <eof>"},
        {"x = = 1", 0, {0, 0}, "udt line 1: unexpected symbol near '='"},
        {"\x1bLuaT\x00\x19\x93\r\n\x1a\n", 12, {0, 0},
         "udt: attempt to load a binary chunk (mode is 't')"},
        {"return {}", 0, {-1, 0}, "instruction budget must be between 1 and"},
        {"return {}", 0, {(long)INT_MAX + 1, 0}, "instruction budget must be between 1 and"},
        {"return {}", 0, {0, 1024}, "memory limit"},
    };
    for (size_t i = 0; i < NCASES(cases); i++) {
        char err[256] = "";
        size_t len = cases[i].len ? cases[i].len : strlen(cases[i].script);
        k2td_udt_t *u = k2td_udt_compile(cases[i].script, len, &cases[i].lim, err, sizeof(err));
        CHECK(u == NULL);
        k2td_udt_free(u);
        if (!strstr(err, cases[i].expect))
            fprintf(stderr, "case %zu: error \"%s\" lacks \"%s\"\n", i, err, cases[i].expect);
        CHECK(strstr(err, cases[i].expect) != NULL);
    }
}

int main(void) {
    RUN(test_rows);
    RUN(test_errors);
    RUN(test_sandbox);
    RUN(test_messages_are_isolated);
    RUN(test_rows_outlive_the_message);
    RUN(test_compile_errors);
    return test_finish();
}
