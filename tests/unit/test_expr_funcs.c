/*
 * test_expr_funcs.c - every expression function, in function and method
 * form, with its edge cases.
 *
 * Rows and expectation syntax: expr_fixture.h ("now" is
 * 2025-11-25T00:00:00Z).
 */
#include "test.h"
#include "expr_fixture.h"

static void test_parse_int(void) {
    static const expr_case_t cases[] = {
        {"parse_int(\"56\")", 0, "i:56"},
        {"parse_int(snum) + 1", 0, "i:57"},
        {"snum.parse_int()", 0, "i:56"},
        {"parse_int(\" -12 \")", 0, "i:-12"},
        {"parse_int(\"+7\")", 0, "i:7"},
        {"parse_int(\"0\")", 0, "i:0"},
        {"parse_int(\"-0\")", 0, "i:0"},
        {"parse_int(\"12.5\")", 0, "null"},
        {"parse_int(\"abc\")", 0, "null"},
        {"parse_int(\"\")", 0, "null"},
        {"parse_int(\"-\")", 0, "null"},
        {"parse_int(\"1 2\")", 0, "null"},
        {"parse_int(\"1e3\")", 0, "null"},
        {"parse_int(\"9223372036854775807\")", 0, "i:9223372036854775807"},
        {"parse_int(\"9223372036854775808\")", 0, "null"},
        {"parse_int(\"-9223372036854775808\")", 0, "i:-9223372036854775808"},
        {"parse_int(\"-9223372036854775809\")", 0, "null"},
        {"parse_int(voltage)", 0, "i:220"},
        {"parse_int(voltage)", 1, "i:220"},
        {"parse_int(current)", 0, "null"},
        {"parse_int(inuse)", 0, "null"},
        {"parse_int(nothing)", 0, "null"},
        {"parse_int(missing)", 0, "null"},
    };
    EXPR_RUN(cases);
}

static void test_parse_float(void) {
    static const expr_case_t cases[] = {
        {"parse_float(\"12.3\")", 0, "f:12.3"},
        {"parse_float(sfloat) * 2", 0, "f:24.6"},
        {"sfloat.parse_float()", 0, "f:12.3"},
        {"parse_float(\"1e3\")", 0, "f:1000"},
        {"parse_float(\" .5 \")", 0, "f:0.5"},
        {"parse_float(\"5.\")", 0, "f:5"},
        {"parse_float(\"-2.5e-1\")", 0, "f:-0.25"},
        {"parse_float(\"+1E2\")", 0, "f:100"},
        {"parse_float(\"56\")", 0, "f:56"},
        {"parse_float(voltage)", 0, "f:220"},
        {"parse_float(current)", 0, "f:10.5"},
        {"parse_float(\"0.000000000000000000000000000000000000000000001\")", 0, "f:1e-45"},
        {"parse_float(\"inf\")", 0, "null"},
        {"parse_float(\"NaN\")", 0, "null"},
        {"parse_float(\"1e999\")", 0, "null"},
        {"parse_float(\"0x10\")", 0, "null"},
        {"parse_float(\"1e\")", 0, "null"},
        {"parse_float(\".\")", 0, "null"},
        {"parse_float(\"\")", 0, "null"},
        {"parse_float(\"1.5x\")", 0, "null"},
        {"parse_float(\"1,5\")", 0, "null"},
        {"parse_float(nothing)", 0, "null"},
    };
    EXPR_RUN(cases);
}

static void test_string_tests(void) {
    static const expr_case_t cases[] = {
        {"empty.is_empty()", 0, "true"},
        {"empty.is_empty", 0, "true"},
        {"is_empty(\"\")", 0, "true"},
        {"location.is_empty()", 0, "false"},
        {"!location.is_empty()", 0, "true"},
        {"is_empty(nothing)", 0, "null"},
        {"zero.is_empty", 0, "false"},
        {"location.contains(\"Fran\")", 0, "true"},
        {"location.contains(\"fran\")", 0, "false"},
        {"contains(location, \"\")", 0, "true"},
        {"empty.contains(\"\")", 0, "true"},
        {"empty.contains(\"a\")", 0, "false"},
        {"\"aab\".contains(\"ab\")", 0, "true"},
        {"\"abab\".contains(\"bb\")", 0, "false"},
        {"\"ab\".contains(\"abc\")", 0, "false"},
        {"name.contains(\"京\")", 0, "true"},
        {"voltage.contains(\"22\")", 0, "true"},
        {"location.contains(nothing)", 0, "null"},
        {"location.contains(1)", 0, "false"},
        {"location.starts_with(\"California\")", 0, "true"},
        {"starts_with(location, \"california\")", 0, "false"},
        {"location.starts_with(\"\")", 0, "true"},
        {"\"ab\".starts_with(\"abc\")", 0, "false"},
        {"name.starts_with(\"北\")", 0, "true"},
        {"location.ends_with(\"Francisco\")", 0, "true"},
        {"ends_with(location, \"San\")", 0, "false"},
        {"\"a\".ends_with(\"ba\")", 0, "false"},
        {"location.ends_with(\"\")", 0, "true"},
        {"location.starts_with(\"beijing\")", 1, "null"},
    };
    EXPR_RUN(cases);
}

static void test_len(void) {
    static const expr_case_t cases[] = {
        {"location.len", 0, "i:23"},
        {"location.len()", 0, "i:23"},
        {"len(location)", 0, "i:23"},
        {"len(name)", 0, "i:3"},
        {"name.len > 2", 0, "true"},
        {"empty.len", 0, "i:0"},
        {"len(voltage)", 0, "i:3"},
        {"len(current)", 0, "i:5"},
        {"len(bad)", 0, "i:3"},
        {"nothing.len", 0, "null"},
        {"location.len + 1", 0, "i:24"},
        {"\"ab\".len.len", 0, "i:1"},
    };
    EXPR_RUN(cases);
}

static void test_between_time_range(void) {
    static const expr_case_t cases[] = {
        {"between_time_range(ts, -604800, 0)", 0, "true"},
        {"between_time_range(old, -604800, 0)", 0, "false"},
        {"between_time_range(ts_ms, -7200, 0)", 0, "true"},
        {"between_time_range(ts_ms, -1800, 0)", 0, "false"},
        {"between_time_range(ts, 0, 3600)", 0, "false"},
        {"between_time_range(ts, -86400.5, 0)", 0, "true"},
        {"between_time_range(ts, -43200, -43200)", 0, "true"},
        {"between_time_range(ts, -43199.999999, 0)", 0, "false"},
        {"between_time_range(ts, 0, -604800)", 0, "false"},
        {"between_time_range(\"2025-11-25T00:00:00Z\", 0, 0)", 0, "true"},
        {"between_time_range(\"2025-11-25T00:00:00.000001Z\", -1, 0)", 0, "false"},
        {"between_time_range(\"2025-11-25T08:00:00+08:00\", 0, 0)", 0, "true"},
        {"between_time_range(\"2025-11-25 00:00:00\", 0, 0)", 0, "true"},
        {"between_time_range(\"1764028800000\", 0, 0)", 0, "true"},
        {"between_time_range(1764028800, 0, 0)", 0, "true"},
        {"between_time_range(tms, -604800, 0)", 2, "false"}, /* ms by its spec: 1970 */
        {"between_time_range(tms, -1764100000, 0)", 2, "true"},
        {"between_time_range(ts, -9223372036854775807, 9223372036854775807)", 0, "true"},
        {"between_time_range(ts, -1e300, 1e300)", 0, "true"},
        {"between_time_range(ts, big, big)", 0, "false"},
        {"between_time_range(nothing, -1, 0)", 0, "null"},
        {"between_time_range(ts, nothing, 0)", 0, "null"},
        {"ts.between_time_range(-604800, 0)", 0, "true"},
    };
    EXPR_RUN(cases);
}

static void test_math(void) {
    static const expr_case_t cases[] = {
        {"sqrt(16)", 0, "f:4"},
        {"16.sqrt()", 0, "f:4"},
        {"voltage.sqrt() > 14", 0, "true"},
        {"sin(0)", 0, "f:0"},
        {"cos(0)", 0, "f:1"},
        {"tan(0)", 0, "f:0"},
        {"sinh(0)", 0, "f:0"},
        {"cosh(0)", 0, "f:1"},
        {"asin(1) * 2", 0, "f:3.141592653589793"},
        {"acos(1)", 0, "f:0"},
        {"atan(1) * 4", 0, "f:3.141592653589793"},
        {"asinh(0)", 0, "f:0"},
        {"acosh(1)", 0, "f:0"},
        {"exp(0)", 0, "f:1"},
        {"ln(1)", 0, "f:0"},
        {"ln(exp(2))", 0, "f:2"},
        {"log(1000)", 0, "f:3"},
        {"log(8, 2)", 0, "f:3"},
        {"8.log(2)", 0, "f:3"},
        {"floor(2.7)", 0, "f:2"},
        {"floor(-2.5)", 0, "f:-3"},
        {"ceiling(2.1)", 0, "f:3"},
        {"ceiling(-2.1)", 0, "f:-2"},
        {"round(2.5)", 0, "f:3"},
        {"round(-2.5)", 0, "f:-3"},
        {"round(2.4)", 0, "f:2"},
        {"int(-2.7)", 0, "f:-2"},
        {"int(2.7)", 0, "f:2"},
        {"fraction(2.75)", 0, "f:0.75"},
        {"fraction(-2.75)", 0, "f:-0.75"},
        {"abs(-2.5)", 0, "f:2.5"},
        {"abs(neg)", 0, "i:5"},
        {"abs(voltage)", 0, "i:220"},
        {"abs(fmax)", 0, "i:9223372036854775807"},
        {"abs(big)", 0, "u:18446744073709551615"},
        {"floor(voltage)", 0, "i:220"},
        {"ceiling(neg)", 0, "i:-5"},
        {"round(neg)", 0, "i:-5"},
        {"int(fmin)", 0, "i:-9223372036854775808"},
        {"fraction(voltage)", 0, "i:0"},
        {"current.floor()", 0, "f:10"},
        {"current.round()", 0, "f:11"},
        {"sqrt(big) > 4e9", 0, "true"},
        {"phase.sin() < 1", 0, "true"},
        {"sqrt(nothing)", 0, "null"},
        {"log(100, nothing)", 0, "null"},
        {"(voltage * 1.5).floor()", 0, "f:330"},
        {"-2.abs()", 0, "i:-2"}, /* the method binds tighter than unary minus */
    };
    EXPR_RUN(cases);
}

static void test_pad_trim(void) {
    static const expr_case_t cases[] = {
        {"\"1.2\".pad(5, \"0\")", 0, "s:1.200"},
        {"pad(\"1.2\", 5, \"0\")", 0, "s:1.200"},
        {"\"1.2\".pad(2, \"0\")", 0, "s:1.2"}, /* never cut */
        {"\"1.2\".pad(3, \"0\")", 0, "s:1.2"},
        {"\"ab\".pad(7, \"xy\")", 0, "s:abxyxyx"},
        {"\"a\".pad(4, \"京\")", 0, "s:a京京京"},
        {"\"a\".pad(4, \"京x\")", 0, "s:a京x京"},
        {"name.pad(5, \"*\")", 0, "s:北京市**"},
        {"\"a\".pad(3, \"\")", 0, "s:a"},
        {"\"a\".pad(-1, \"x\")", 0, "s:a"},
        {"\"a\".pad(0, \"x\")", 0, "s:a"},
        {"phase.pad(6, \"0\")", 0, "s:0.3100"},
        {"voltage.pad(5, \"0\")", 0, "s:22000"},
        {"groupid.pad(3, 0)", 0, "s:200"},
        {"empty.pad(2, \"-\")", 0, "s:--"},
        {"nothing.pad(2, \"-\")", 0, "null"},
        {"\"\".pad(65536, \"x\").len", 0, "i:65536"},
        {"spaced.trim()", 0, "s:hi there"},
        {"trim(\"x\")", 0, "s:x"},
        {"\"  \".trim()", 0, "s:"},
        {"\"\\n\\ta b\\r\\n\".trim()", 0, "s:a b"},
        {"trim(nothing)", 0, "null"},
    };
    EXPR_RUN(cases);
}

static void test_sub_string(void) {
    static const expr_case_t cases[] = {
        {"\"hello\".sub_string(1)", 0, "s:ello"},
        {"\"hello\".sub_string(1, 3)", 0, "s:ell"},
        {"sub_string(\"hello\", 0, 5)", 0, "s:hello"},
        {"\"hello\".sub_string(-3)", 0, "s:llo"},
        {"\"hello\".sub_string(-3, 2)", 0, "s:ll"},
        {"\"hello\".sub_string(-5)", 0, "s:hello"},
        {"\"hello\".sub_string(-10)", 0, "s:hello"},
        {"\"hello\".sub_string(-10, 2)", 0, "s:he"},
        {"\"hello\".sub_string(5)", 0, "s:"},
        {"\"hello\".sub_string(9)", 0, "s:"},
        {"\"hello\".sub_string(1, 0)", 0, "s:"},
        {"\"hello\".sub_string(1, -2)", 0, "s:"},
        {"\"hello\".sub_string(3, 100)", 0, "s:lo"},
        {"\"hello\".sub_string(0, 9223372036854775807)", 0, "s:hello"},
        {"\"hello\".sub_string(-9223372036854775808)", 0, "s:hello"},
        {"\"hello\".sub_string(18446744073709551615)", 0, "s:"},
        {"\"hello\".sub_string(1, 18446744073709551615)", 0, "s:ello"},
        {"name.sub_string(1, 1)", 0, "s:京"},
        {"name.sub_string(-1)", 0, "s:市"},
        {"sub_string(voltage, 0, 2)", 0, "s:22"},
        {"empty.sub_string(0, 1)", 0, "s:"},
        {"location.sub_string(nothing)", 0, "null"},
    };
    EXPR_RUN(cases);
}

static void test_replace_case(void) {
    static const expr_case_t cases[] = {
        {"location.replace(\"a\", \"A\")", 0, "s:CAliforniA.SAnFrAncisco"},
        {"replace(\"aaa\", \"aa\", \"b\")", 0, "s:ba"},
        {"\"abc\".replace(\"\", \"x\")", 0, "s:abc"},
        {"\"abc\".replace(\"z\", \"x\")", 0, "s:abc"},
        {"\"abc\".replace(\"b\", \"\")", 0, "s:ac"},
        {"\"abc\".replace(\"abc\", \"xyz!\")", 0, "s:xyz!"},
        {"name.replace(\"京\", \"Jing\")", 0, "s:北Jing市"},
        {"voltage.replace(\"2\", \"x\")", 0, "s:xx0"},
        {"\"a.b.c\".replace(\".\", \"_\")", 0, "s:a_b_c"},
        {"location.replace(nothing, \"x\")", 0, "null"},
        {"location.to_upper()", 0, "s:CALIFORNIA.SANFRANCISCO"},
        {"location.to_lower()", 0, "s:california.sanfrancisco"},
        {"to_upper(name)", 0, "s:北京市"},
        {"\"ABC\".to_upper()", 0, "s:ABC"},
        {"\"aB1z\".to_lower()", 0, "s:ab1z"},
        {"\"aB1z\".to_upper()", 0, "s:AB1Z"},
        {"inuse.to_upper()", 0, "s:TRUE"},
        {"nothing.to_lower()", 0, "null"},
        /* chains */
        {"location.sub_string(0, 10).to_upper().pad(12, \"-\")", 0, "s:CALIFORNIA--"},
        {"location.replace(\".\", \"_\").len", 0, "i:23"},
        {"spaced.trim().replace(\" \", \"_\").to_upper()", 0, "s:HI_THERE"},
    };
    EXPR_RUN(cases);
}

int main(void) {
    RUN(test_parse_int);
    RUN(test_parse_float);
    RUN(test_string_tests);
    RUN(test_len);
    RUN(test_between_time_range);
    RUN(test_math);
    RUN(test_pad_trim);
    RUN(test_sub_string);
    RUN(test_replace_case);
    return test_finish();
}
