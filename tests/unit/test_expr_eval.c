/*
 * test_expr_eval.c - expression literals, fields, operators, precedence,
 * null semantics, if, and the examples of the taosX documentation.
 *
 * Rows and expectation syntax: expr_fixture.h.
 */
#include "test.h"
#include "expr_fixture.h"

static void test_literals(void) {
    static const expr_case_t cases[] = {
        {"42", 0, "i:42"},
        {"0", 0, "i:0"},
        {"007", 0, "i:7"},
        {"1.5", 0, "f:1.5"},
        {"2e3", 0, "f:2000"},
        {"2.5E-1", 0, "f:0.25"},
        {"1e+2", 0, "f:100"},
        {"1e-999", 0, "f:0"},
        {"\"a\\\"b\"", 0, "s:a\"b"},
        {"'it\\'s'", 0, "s:it's"},
        {"'say \"hi\"'", 0, "s:say \"hi\""},
        {"\"tab\\there\"", 0, "s:tab\there"},
        {"\"nl\\n\\r\"", 0, "s:nl\n\r"},
        {"'\\\\'", 0, "s:\\"},
        {"\"\"", 0, "s:"},
        {"'北京'", 0, "s:北京"},
        {"true", 0, "true"},
        {"false", 0, "false"},
        {"null", 0, "null"},
        {"9223372036854775807", 0, "i:9223372036854775807"},
        {"9223372036854775808", 0, "u:9223372036854775808"},
        {"18446744073709551615", 0, "u:18446744073709551615"},
        {"-9223372036854775808", 0, "i:-9223372036854775808"},
        {" \t\r\n 1 \n", 0, "i:1"},
    };
    EXPR_RUN(cases);
}

static void test_fields(void) {
    static const expr_case_t cases[] = {
        {"voltage", 0, "i:220"},
        {"voltage", 1, "s:220"},
        {"voltage", 2, "i:230"},
        {"location", 1, "null"}, /* missing */
        {"nothing", 0, "null"},  /* present, null */
        {"inuse", 0, "true"},
        {"big", 0, "u:18446744073709551615"},
        {"`voltage`", 0, "i:220"},
        {"`data.temp` * 2", 0, "f:3"},
        {"`if`", 0, "s:keyword"},
        {"`a``b`", 0, "null"},
        {"温度 + 1", 0, "i:26"},
        {"name", 0, "s:北京市"},
        {"Voltage", 0, "null"}, /* names are case-sensitive */
        {"_x1", 0, "null"},
    };
    EXPR_RUN(cases);
}

static void test_arithmetic(void) {
    static const expr_case_t cases[] = {
        {"1 + 2 * 3", 0, "i:7"},
        {"(1 + 2) * 3", 0, "i:9"},
        {"10 - 4 - 3", 0, "i:3"},
        {"100 / 10 / 5", 0, "i:2"},
        {"2 * 3 % 4", 0, "i:2"},
        {"7 / 2", 0, "i:3"},
        {"-7 / 2", 0, "i:-3"},
        {"7 % 3", 0, "i:1"},
        {"-7 % 3", 0, "i:-1"},
        {"7.5 % 2", 0, "f:1.5"},
        {"7 / 2.0", 0, "f:3.5"},
        {"1 + 2.5", 0, "f:3.5"},
        {"0.1 + 0.2", 0, "f:0.30000000000000004"},
        {"-voltage", 0, "i:-220"},
        {"- -3", 0, "i:3"},
        {"--3", 0, "i:3"},
        {"2 * -3", 0, "i:-6"},
        {"-current", 0, "f:-10.5"},
        {"voltage * 2 + current", 0, "f:450.5"},
        {"temperature * 1.8 + 32", 0, "f:68"},
        {"voltage - neg * 2", 0, "i:230"},
        {"fmax - 1 + 1", 0, "i:9223372036854775807"},
        {"fmin + 1", 0, "i:-9223372036854775807"},
        {"big + 1.0", 0, "f:18446744073709551616"},
        {"-9223372036854775808 / 2", 0, "i:-4611686018427387904"},
        {"nothing + 1", 0, "null"},
        {"1 - missing", 0, "null"},
        {"-nothing", 0, "null"},
        {"null * 2", 0, "null"},
        {"voltage * nothing", 0, "null"},
    };
    EXPR_RUN(cases);
}

static void test_strings(void) {
    static const expr_case_t cases[] = {
        {"\"a\" + \"b\"", 0, "s:ab"},
        {"\"v=\" + voltage", 0, "s:v=220"},
        {"voltage + \"V\"", 0, "s:220V"},
        {"\"\" + current", 0, "s:10.50"}, /* a number's own text */
        {"\"g\" + groupid", 0, "s:g2"},   /* no text: its digits */
        {"\"x\" + 1.5", 0, "s:x1.5"},
        {"\"x\" + 0.1 * 3", 0, "s:x0.30000000000000004"},
        {"\"x\" + 2.0", 0, "s:x2"},
        {"\"b:\" + inuse", 0, "s:b:true"},
        {"\"b:\" + false", 0, "s:b:false"},
        {"\"n:\" + nothing", 0, "null"},
        {"location + \"/\" + name", 0, "s:California.SanFrancisco/北京市"},
        {"1 + 2 + \"a\"", 0, "s:3a"},
        {"\"a\" + 1 + 2", 0, "s:a12"},
        {"\"a\" + big", 0, "s:a18446744073709551615"},
        {"\"a\" + fmin", 0, "s:a-9223372036854775808"},
        {"empty + empty", 0, "s:"},
    };
    EXPR_RUN(cases);
}

static void test_comparisons(void) {
    static const expr_case_t cases[] = {
        {"voltage == 220", 0, "true"},
        {"voltage == 220.0", 0, "true"},
        {"current == 10.5", 0, "true"},
        {"voltage != 220", 0, "false"},
        {"voltage > 219.5", 0, "true"},
        {"voltage >= 220", 0, "true"},
        {"voltage < 220", 0, "false"},
        {"voltage <= 220", 0, "true"},
        {"voltage > 220", 0, "false"},
        {"neg < 0", 0, "true"},
        {"0.5 > neg", 0, "true"},
        /* exact across int64, uint64 and double */
        {"big > fmax", 0, "true"},
        {"fmax < big", 0, "true"},
        {"big == 18446744073709551615", 0, "true"},
        {"big > 1.8e19", 0, "true"},
        {"big < 1.9e19", 0, "true"},
        {"big == 18446744073709551615.0", 0, "false"}, /* that double is 2^64 */
        {"fmax == 9223372036854775807.0", 0, "false"}, /* that double is 2^63 */
        {"fmax < 9223372036854775807.0", 0, "true"},
        {"fmin == -9223372036854775808.0", 0, "true"},
        {"fmin > -1e300", 0, "true"},
        {"neg < big", 0, "true"},
        {"inf > huge", 0, "true"},
        /* strings, bytewise */
        {"\"abc\" < \"abd\"", 0, "true"},
        {"\"ab\" < \"abc\"", 0, "true"},
        {"\"b\" > \"abc\"", 0, "true"},
        {"\"Z\" < \"a\"", 0, "true"},
        {"\"abc\" <= \"abc\"", 0, "true"},
        {"\"abc\" >= \"abd\"", 0, "false"},
        {"location == \"California.SanFrancisco\"", 0, "true"},
        {"name > location", 0, "true"},
        {"empty < \"a\"", 0, "true"},
        /* bools */
        {"inuse == true", 0, "true"},
        {"inuse != false", 0, "true"},
        {"inuse == false", 1, "true"},
        /* null */
        {"nothing == null", 0, "true"},
        {"missing == null", 0, "true"},
        {"nothing != null", 0, "false"},
        {"voltage == null", 0, "false"},
        {"voltage != null", 0, "true"},
        {"nothing < 1", 0, "false"},
        {"nothing >= 1", 0, "false"},
        {"nothing == 0", 0, "false"},
        {"nothing != 0", 0, "true"},
        {"missing <= other", 0, "false"},
        {"missing == other", 0, "true"},
        {"null == null", 0, "true"},
        {"null != null", 0, "false"},
        /* different kinds: unequal and unordered */
        {"voltage > 200", 1, "false"},
        {"voltage <= 200", 1, "false"},
        {"voltage == 220", 1, "false"},
        {"voltage != 220", 1, "true"},
        {"inuse == 1", 0, "false"},
        {"inuse > location", 0, "false"},
        {"inuse < inuse", 0, "false"},
    };
    EXPR_RUN(cases);
}

static void test_logic(void) {
    static const expr_case_t cases[] = {
        {"true && true", 0, "true"},
        {"true && false", 0, "false"},
        {"false && true", 0, "false"},
        {"false || true", 0, "true"},
        {"false || false", 0, "false"},
        {"!inuse", 0, "false"},
        {"!inuse", 1, "true"},
        {"!!inuse", 0, "true"},
        {"!(voltage > 200)", 0, "false"},
        /* precedence: ! over &&, && over ||, comparison over equality */
        {"true || false && false", 0, "true"},
        {"!false && false", 0, "false"},
        {"1 < 2 == true", 0, "true"},
        {"2 + 3 > 4 && 1 == 1 || false", 0, "true"},
        {"voltage > 200 && current < 10 || id == 1", 0, "true"},
        /* three-valued logic */
        {"nothing && true", 0, "null"},
        {"nothing && false", 0, "false"},
        {"false && nothing", 0, "false"},
        {"true && nothing", 0, "null"},
        {"nothing || true", 0, "true"},
        {"true || nothing", 0, "true"},
        {"nothing || false", 0, "null"},
        {"false || nothing", 0, "null"},
        {"nothing || nothing", 0, "null"},
        {"!nothing", 0, "null"},
        /* the right side runs only when needed */
        {"false && voltage / zero > 1", 0, "false"},
        {"true || voltage / zero > 1", 0, "true"},
        {"inuse && voltage / zero > 1", 1, "false"},
        {"nothing && voltage / zero > 1", 0, "error:offset 19: division by zero"},
    };
    EXPR_RUN(cases);
}

static void test_if(void) {
    static const expr_case_t cases[] = {
        {"if voltage > 200 { \"high\" } else { \"low\" }", 0, "s:high"},
        {"if voltage > 300 { 1 } else { 2 }", 0, "i:2"},
        {"if voltage > 300 { 1 }", 0, "null"},
        {"if nothing { 1 } else { 2 }", 0, "i:2"},
        {"if false { 1 } else if true { 2 } else { 3 }", 0, "i:2"},
        {"if neg > 0 { 1 } else if neg < 0 { -1 } else { 0 }", 0, "i:-1"},
        {"if neg > 0 { 1 } else if neg > 5 { -1 }", 0, "null"},
        {"1 + if inuse { 10 } else { 20 }", 0, "i:11"},
        {"1 + if inuse { 10 } else { 20 }", 1, "i:21"},
        {"if inuse { voltage / zero } else { 0 }", 1, "i:0"},
        {"if (inuse) { (1) } else { (2) }", 0, "i:1"},
        {"if if inuse { false } else { true } { 1 } else { 2 }", 0, "i:2"},
        {"if inuse { \"a\" } else { 1 }", 1, "i:1"},
    };
    EXPR_RUN(cases);
}

/* The expressions of the taosX documentation and task files. */
static void test_documented_examples(void) {
    static const expr_case_t cases[] = {
        {"id != 1", 0, "false"},
        {"id != 1", 1, "true"},
        {"location.starts_with(\"beijing\") && voltage > 200", 0, "false"},
        {"location.starts_with(\"beijing\") && voltage > 200", 1, "false"},
        {"location.starts_with(\"beijing\") && voltage > 200", 2, "true"},
        {"between_time_range(ts, -604800, 0)", 0, "true"},
        {"between_time_range(ts, -604800, 0)", 1, "true"},
        {"between_time_range(old, -604800, 0)", 0, "false"},
        {"temperature * 1.8 + 32", 0, "f:68"},
        {"\"1.2\".pad(5, \"0\")", 0, "s:1.200"},
        {"\"1.2\".pad(5,'0')", 0, "s:1.200"},
        {"a > b && c != 0", 2, "true"},
        {"inuse", 0, "true"},
        {"!inuse", 1, "true"},
        {"parse_int(\"56\")", 0, "i:56"},
        {"parse_float(\"12.3\")", 0, "f:12.3"},
        {"value + 2", 2, "i:5"},
        {"if value > 1 { true } else { false }", 2, "true"},
        {"if value > 1 { true } else { false }", 0, "false"},
        {"v0.replace(\"s\",\"a\")", 2, "s:a1a"},
        {"modelQualifier == \"air_robot_v\"", 0, "true"},
        {"location.len > 20", 0, "true"},
        {"location.is_empty()", 0, "false"},
        {"location.contains(\"Fran\") && location.ends_with(\"co\")", 0, "true"},
    };
    EXPR_RUN(cases);
}

int main(void) {
    RUN(test_literals);
    RUN(test_fields);
    RUN(test_arithmetic);
    RUN(test_strings);
    RUN(test_comparisons);
    RUN(test_logic);
    RUN(test_if);
    RUN(test_documented_examples);
    return test_finish();
}
