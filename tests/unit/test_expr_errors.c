/*
 * test_expr_errors.c - every compile-time error with its offset and
 * message, and the errors evaluation reports.
 *
 * Rows and expectation syntax: expr_fixture.h.
 */
#include "test.h"
#include "expr_fixture.h"

static void test_syntax_errors(void) {
    static const expr_case_t cases[] = {
        {"", 0, "compile:the expression is empty"},
        {"  \n ", 0, "compile:the expression is empty"},
        {"1 +", 0, "compile:offset 3: expected an expression, found the end of the expression"},
        {"* 2", 0, "compile:offset 0: expected an expression, found '*'"},
        {"(1 + 2", 0,
         "compile:offset 6: expected ')' to close the '(' at offset 0, found the end of the "
         "expression"},
        {"1 + 2)", 0,
         "compile:offset 5: expected an operator or the end of the expression, found ')'"},
        {"a b", 0,
         "compile:offset 2: expected an operator or the end of the expression, found 'b'"},
        {"a == 1 \"a very long string literal here\"", 0,
         "compile:offset 7: expected an operator or the end of the expression, found '\"a very "
         "long string lite...'"},
        {"location.contains(\"a\" x)", 0,
         "compile:offset 22: expected ')' after the arguments of contains, found 'x'"},
        {"contains(a x)", 0,
         "compile:offset 11: expected ',' or ')' after an argument of contains, found 'x'"},
        {"sub_string(a, 1 2)", 0,
         "compile:offset 16: expected ',' or ')' after an argument of sub_string, found '2'"},
        {"contains(a,", 0,
         "compile:offset 11: expected an expression, found the end of the expression"},
        {"x.5", 0, "compile:offset 2: expected a method name after '.', found '5'"},
        {"x.`len`", 0, "compile:offset 2: expected a method name after '.', found '`len`'"},
        {"if x 1", 0, "compile:offset 5: expected '{' after the condition of if, found '1'"},
        {"if x { 1 } else 2", 0, "compile:offset 16: expected '{' after else, found '2'"},
        {"if x { 1 2 }", 0,
         "compile:offset 9: expected '}' to close the '{' at offset 5, found '2'"},
        {"if x { 1; }", 0,
         "compile:offset 8: unexpected character ';'"},
        {"else", 0, "compile:offset 0: expected an expression, found 'else'"},
        {"if x { 1 } else", 0,
         "compile:offset 15: expected '{' after else, found the end of the expression"},
        {"{ 1 }", 0, "compile:offset 0: expected an expression, found '{'"},
    };
    EXPR_RUN(cases);
}

static void test_lexical_errors(void) {
    static const expr_case_t cases[] = {
        {"1e999", 0, "compile:offset 0: number 1e999 is too large for a double"},
        {"18446744073709551616", 0,
         "compile:offset 0: integer 18446744073709551616 is too large for 64 bits"},
        {"1e", 0, "compile:offset 0: malformed number '1e'"},
        {"x + 1.5e+", 0, "compile:offset 4: malformed number '1.5e+'"},
        {"12abc", 0, "compile:offset 0: malformed number '12abc'"},
        {"0x1F", 0, "compile:offset 0: malformed number '0x1F'"},
        {"\"abc", 0, "compile:offset 0: string is not closed"},
        {"x == 'abc\\", 0, "compile:offset 5: string is not closed"},
        {"\"a\\qb\"", 0, "compile:offset 2: unknown escape '\\q' in a string"},
        {"`abc", 0, "compile:offset 0: back-quoted name is not closed"},
        {"`a``", 0, "compile:offset 0: back-quoted name is not closed"},
        {"``", 0, "compile:offset 0: empty name between back-quotes"},
        {"a = 1", 0, "compile:offset 2: unknown operator '=' (use '==')"},
        {"a & b", 0, "compile:offset 2: unknown operator '&' (use '&&')"},
        {"a | b", 0, "compile:offset 2: unknown operator '|' (use '||')"},
        {"a # b", 0, "compile:offset 2: unexpected character '#'"},
        {"a \x01", 0, "compile:offset 2: unexpected byte 0x01"},
        {"${a}", 0, "compile:offset 0: unexpected character '$'"},
    };
    EXPR_RUN(cases);
}

static void test_name_errors(void) {
    static const expr_case_t cases[] = {
        {"sqr(4)", 0, "compile:offset 0: unknown function 'sqr'"},
        {"x.sqr()", 0, "compile:offset 2: unknown method 'sqr'"},
        {"x.foo", 0,
         "compile:offset 2: unknown property 'foo' (a field name with a '.' is written `a.b`)"},
        {"x.trim", 0, "compile:offset 2: trim is a method: write trim()"},
        {"`len`(x)", 0,
         "compile:offset 5: expected an operator or the end of the expression, found '('"},
        {"contains(\"a\")", 0, "compile:offset 0: contains(s, sub) takes 2 arguments, got 1"},
        {"contains(\"a\", \"b\", \"c\")", 0,
         "compile:offset 0: contains(s, sub) takes 2 arguments, got 3"},
        {"\"a\".contains()", 0, "compile:offset 4: method contains(sub) takes 1 argument, got 0"},
        {"\"x\".contains(\"a\", \"b\")", 0,
         "compile:offset 4: method contains(sub) takes 1 argument, got 2"},
        {"x.trim(1)", 0, "compile:offset 2: method trim() takes no arguments, got 1"},
        {"trim()", 0, "compile:offset 0: trim(s) takes 1 argument, got 0"},
        {"sub_string(\"a\")", 0,
         "compile:offset 0: sub_string(s, start[, len]) takes 2 or 3 arguments, got 1"},
        {"x.sub_string()", 0,
         "compile:offset 2: method sub_string(start[, len]) takes 1 or 2 arguments, got 0"},
        {"log()", 0, "compile:offset 0: log(x[, base]) takes 1 or 2 arguments, got 0"},
        {"x.log(1, 2)", 0, "compile:offset 2: method log([base]) takes 0 or 1 arguments, got 2"},
        {"pad(\"a\", 1)", 0, "compile:offset 0: pad(s, len, chars) takes 3 arguments, got 2"},
        {"between_time_range(ts)", 0,
         "compile:offset 0: between_time_range(ts, from, to) takes 3 arguments, got 1"},
        {"f(1, 2, 3, 4, 5)", 0, "compile:offset 0: unknown function 'f'"},
        {"replace(1, 2, 3, 4, 5)", 0,
         "compile:offset 0: replace(s, old, new) takes 3 arguments, got 5"},
    };
    EXPR_RUN(cases);
}

/* Type errors visible without row data fail the compile. */
static void test_type_errors(void) {
    static const expr_case_t cases[] = {
        {"\"a\" * 2", 0, "compile:offset 4: '*' needs numbers, found a string"},
        {"2 - true", 0, "compile:offset 2: '-' needs numbers, found a bool"},
        {"x / \"a\"", 0, "compile:offset 2: '/' needs numbers, found a string"},
        {"x % (1 > 0)", 0, "compile:offset 2: '%' needs numbers, found a bool"},
        {"-\"a\"", 0, "compile:offset 0: '-' needs numbers, found a string"},
        {"-(x > 1)", 0, "compile:offset 0: '-' needs numbers, found a bool"},
        {"!5", 0, "compile:offset 0: '!' needs bools, found an integer"},
        {"!x.len", 0, "compile:offset 0: '!' needs bools, found an integer"},
        {"1 && x", 0, "compile:offset 2: '&&' needs bools, found an integer"},
        {"x || 'a'", 0, "compile:offset 2: '||' needs bools, found a string"},
        {"x || x.trim()", 0, "compile:offset 2: '||' needs bools, found a string"},
        {"true + 1", 0, "compile:offset 5: '+' cannot combine a bool with an integer"},
        {"x.contains(\"a\") + 1.5", 0,
         "compile:offset 16: '+' cannot combine a bool with a float"},
        {"\"a\" < 1", 0, "compile:offset 4: '<' between a string and an integer is always false"},
        {"true >= false", 0, "compile:offset 5: '>=' between a bool and a bool is always false"},
        {"x < null", 0, "compile:offset 2: '<' between `x` and null is always false"},
        {"x.len > 'a'", 0,
         "compile:offset 6: '>' between an integer and a string is always false"},
        {"parse_int(x) == \"5\"", 0,
         "compile:offset 13: '==' between an integer and a string is always false"},
        {"x.trim() != 5", 0,
         "compile:offset 9: '!=' between a string and an integer is always true"},
        {"if 5 { 1 }", 0, "compile:offset 0: the condition of if needs a bool, found an integer"},
        {"if x.trim() { 1 }", 0,
         "compile:offset 0: the condition of if needs a bool, found a string"},
        {"sqrt(\"x\")", 0,
         "compile:offset 0: sqrt needs a number as its 1st argument, found a string"},
        {"x.contains(\"a\").sqrt()", 0,
         "compile:offset 16: sqrt needs a number as its 1st argument, found a bool"},
        {"\"abc\".pad(\"5\", \"0\")", 0,
         "compile:offset 6: pad needs an integer as its 2nd argument, found a string"},
        {"x.sub_string(0, 1.5)", 0,
         "compile:offset 2: sub_string needs an integer as its 3rd argument, found a float"},
        {"between_time_range(1.5, 0, 1)", 0,
         "compile:offset 0: between_time_range needs a timestamp string or an integer epoch as "
         "its 1st argument, found a float"},
        {"between_time_range(ts, 'a', 1)", 0,
         "compile:offset 0: between_time_range needs a number as its 2nd argument, found a "
         "string"},
        {"log(10, \"2\")", 0,
         "compile:offset 0: log needs a number as its 2nd argument, found a string"},
    };
    EXPR_RUN(cases);
}

/* Constant parts are computed at compile time, so their errors show there. */
static void test_constant_errors(void) {
    static const expr_case_t cases[] = {
        {"1 / 0", 0, "compile:offset 2: division by zero"},
        {"1 % 0", 0, "compile:offset 2: modulo by zero"},
        {"1.5 / 0", 0, "compile:offset 4: division by zero"},
        {"x > 1.5 % 0.0", 0, "compile:offset 8: modulo by zero"},
        {"9223372036854775807 + 1", 0,
         "compile:offset 20: integer overflow: 9223372036854775807 + 1"},
        {"-9223372036854775808 - 1", 0,
         "compile:offset 21: integer overflow: -9223372036854775808 - 1"},
        {"4611686018427387904 * 2", 0,
         "compile:offset 20: integer overflow: 4611686018427387904 * 2"},
        {"-9223372036854775808 / -1", 0,
         "compile:offset 21: integer overflow: -9223372036854775808 / -1"},
        {"-(-9223372036854775808)", 0,
         "compile:offset 0: integer overflow: -(-9223372036854775808)"},
        {"18446744073709551615 + 0", 0,
         "compile:offset 21: integer overflow: 18446744073709551615 in '+' does not fit int64"},
        {"-18446744073709551615", 0,
         "compile:offset 0: integer overflow: 18446744073709551615 in '-' does not fit int64"},
        {"1e308 * 10", 0, "compile:offset 6: the result of '*' is not a finite number"},
        {"sqrt(-1)", 0, "compile:offset 0: sqrt(-1) has no finite result"},
        {"ln(0)", 0, "compile:offset 0: ln(0) has no finite result"},
        {"asin(2)", 0, "compile:offset 0: asin(2) has no finite result"},
        {"exp(1000)", 0, "compile:offset 0: exp(1000) has no finite result"},
        {"log(5, 1)", 0, "compile:offset 0: log(5) has no finite result"},
        {"abs(-9223372036854775808)", 0,
         "compile:offset 0: integer overflow in abs(-9223372036854775808)"},
        {"\"a\".pad(70000, \"x\")", 0,
         "compile:offset 4: pad would build a string longer than 65536 bytes"},
        {"\"a\".pad(9223372036854775807, \"x\")", 0,
         "compile:offset 4: pad would build a string longer than 65536 bytes"},
        {"\"abc\" + \"def\".pad(65535, \"x\")", 0,
         "compile:offset 6: '+' would build a string longer than 65536 bytes"},
        {"\"\".pad(40000, \"ab\").replace(\"a\", \"xyz\")", 0,
         "compile:offset 20: replace would build a string longer than 65536 bytes"},
    };
    EXPR_RUN(cases);
}

static void test_runtime_errors(void) {
    static const expr_case_t cases[] = {
        {"voltage * 2", 1, "error:offset 8: '*' needs numbers, found `voltage` (a string)"},
        {"2 * voltage", 1, "error:offset 2: '*' needs numbers, found `voltage` (a string)"},
        {"-location", 0, "error:offset 0: '-' needs numbers, found `location` (a string)"},
        {"!voltage", 0, "error:offset 0: '!' needs bools, found `voltage` (an integer)"},
        {"voltage && true", 0, "error:offset 8: '&&' needs bools, found `voltage` (an integer)"},
        {"false || location", 0,
         "error:offset 6: '||' needs bools, found `location` (a string)"},
        {"if voltage { 1 }", 0,
         "error:offset 0: the condition of if needs a bool, found `voltage` (an integer)"},
        {"inuse + 1", 0, "error:offset 6: '+' cannot combine `inuse` (a bool) with an integer"},
        {"voltage / zero", 0, "error:offset 8: division by zero"},
        {"voltage % zero", 0, "error:offset 8: modulo by zero"},
        {"current / zero", 0, "error:offset 8: division by zero"},
        {"fmax + 1", 0, "error:offset 5: integer overflow: 9223372036854775807 + 1"},
        {"fmin - 1", 0, "error:offset 5: integer overflow: -9223372036854775808 - 1"},
        {"fmin * -1", 0, "error:offset 5: integer overflow: -9223372036854775808 * -1"},
        {"fmin / -1", 0, "error:offset 5: integer overflow: -9223372036854775808 / -1"},
        {"fmin % -1", 0, "error:offset 5: integer overflow: -9223372036854775808 % -1"},
        {"-fmin", 0, "error:offset 0: integer overflow: -(-9223372036854775808)"},
        {"abs(fmin)", 0, "error:offset 0: integer overflow in abs(-9223372036854775808)"},
        {"big + 1", 0,
         "error:offset 4: integer overflow: 18446744073709551615 in '+' does not fit int64"},
        {"-big", 0,
         "error:offset 0: integer overflow: 18446744073709551615 in '-' does not fit int64"},
        {"huge * 10", 0, "error:offset 5: the result of '*' is not a finite number"},
        {"inf + 1", 0, "error:offset 4: the result of '+' is not a finite number"},
        {"sqrt(neg)", 0, "error:offset 0: sqrt(-5) has no finite result"},
        {"inf.floor()", 0, "error:offset 4: floor(inf) has no finite result"},
        {"sqrt(location)", 0,
         "error:offset 0: sqrt needs a number as its 1st argument, found `location` (a string)"},
        {"location.pad(current, \"x\")", 0,
         "error:offset 9: pad needs an integer as its 2nd argument, found `current` (a float)"},
        {"location.pad(70000, \"-\")", 0,
         "error:offset 9: pad would build a string longer than 65536 bytes"},
        {"between_time_range(location, 0, 1)", 0,
         "error:offset 0: between_time_range cannot read the timestamp 'California.SanFrancisco': "
         "unexpected 'C' at offset 0, expected a date YYYY-MM-DD"},
        {"between_time_range(big, 0, 1)", 0,
         "error:offset 0: between_time_range cannot read the timestamp '18446744073709551615': "
         "the epoch overflows 64 bits"},
        {"between_time_range(\"2025-13-01\", 0, 1)", 0,
         "error:offset 0: between_time_range cannot read the timestamp '2025-13-01': month 13 is "
         "out of range"},
        {"between_time_range(inuse, 0, 1)", 0,
         "error:offset 0: between_time_range needs a timestamp string or an integer epoch as its "
         "1st argument, found `inuse` (a bool)"},
        {"nothing || voltage / zero > 1", 0, "error:offset 19: division by zero"},
    };
    EXPR_RUN(cases);
}

/* Deep nesting is refused before it can exhaust the stack. */
static void test_depth_limit(void) {
    static const struct {
        const char *open, *mid, *close;
    } shapes[] = {
        {"(", "x", ")"},                    /* parentheses */
        {"!", "x", ""},                     /* prefix operators */
        {"-", "x", ""},
        {"abs(", "x", ")"},                 /* calls */
        {"x.contains(", "x", ")"},          /* method calls */
        {"if x { 1 } else ", "{ x }", ""},  /* else-if chains */
        {"", "x", " + x"},                  /* left-leaning operator chains */
        {"x - (", "x", ")"},                /* right-leaning ones */
    };
    char *text = malloc(100000);
    for (size_t s = 0; s < sizeof(shapes) / sizeof(shapes[0]); s++) {
        for (int levels = 250; levels <= 2000; levels += 1750) {
            size_t len = 0;
            for (int i = 0; i < levels; i++)
                len += (size_t)sprintf(text + len, "%s", shapes[s].open);
            len += (size_t)sprintf(text + len, "%s", shapes[s].mid);
            for (int i = 0; i < levels; i++)
                len += (size_t)sprintf(text + len, "%s", shapes[s].close);
            char err[256] = "";
            k2td_expr_t *e = k2td_expr_compile(text, err, sizeof(err));
            if (levels < 256) {
                if (!e) fprintf(stderr, "shape %zu, %d levels: %s\n", s, levels, err);
                CHECK(e != NULL);
            } else {
                CHECK(e == NULL);
                CHECK(strstr(err, "the expression nests deeper than 256 levels") != NULL);
            }
            k2td_expr_free(e);
        }
    }
    free(text);
}

int main(void) {
    RUN(test_syntax_errors);
    RUN(test_lexical_errors);
    RUN(test_name_errors);
    RUN(test_type_errors);
    RUN(test_constant_errors);
    RUN(test_runtime_errors);
    RUN(test_depth_limit);
    return test_finish();
}
