/*
 * test_sql_text.c - quoting of identifiers and string literals.
 *
 * The round-trip tests read literals back with a model of how TDengine 3.3.7
 * unescapes them (measured, see the escaping table of the SQL behaviour
 * reference): \n \t \r \b \f become control bytes, \\ \' \" the character,
 * \% \_ \x stay as written, any other escaped byte loses its backslash, and
 * '' is a quote.
 */
#include <stdint.h>
#include <string.h>

#include "common/buf.h"
#include "sink/sql_text.h"
#include "test.h"

/* Reads the single-quoted literal at the start of sql[0..n) the way
 * TDengine does. Returns the number of bytes it spans (quotes included) and
 * writes the stored bytes to out (length in out_len); returns 0 when the
 * literal is not terminated. */
static size_t td_unescape(const char *sql, size_t n, char *out, size_t *out_len) {
    size_t o = 0, i = 1;
    if (n == 0 || sql[0] != '\'') return 0;
    while (i < n) {
        char c = sql[i];
        if (c == '\\' && i + 1 < n) {
            char e = sql[i + 1];
            switch (e) {
            case 'n': out[o++] = '\n'; break;
            case 't': out[o++] = '\t'; break;
            case 'r': out[o++] = '\r'; break;
            case 'b': out[o++] = '\b'; break;
            case 'f': out[o++] = '\f'; break;
            case '%':
            case '_':
            case 'x':
                out[o++] = '\\';
                out[o++] = e;
                break;
            default: out[o++] = e; break; /* \\ \' \" \0 \z ... */
            }
            i += 2;
        } else if (c == '\'' && i + 1 < n && sql[i + 1] == '\'') {
            out[o++] = '\'';
            i += 2;
        } else if (c == '\'') {
            *out_len = o;
            return i + 1;
        } else {
            out[o++] = c;
            i++;
        }
    }
    return 0;
}

/* Checks that s[0..n) quoted and read back by TDengine is s again, and that
 * the literal spans exactly the appended text. */
static int round_trips(const char *s, size_t n) {
    k2td_buf_t b = K2TD_BUF_INIT;
    char back[1024];
    size_t back_len = 0;
    int ok = k2td_sql_append_string(&b, s, n) == 0 &&
             td_unescape(b.data, b.len, back, &back_len) == b.len && back_len == n &&
             memcmp(back, s, n) == 0;
    k2td_buf_free(&b);
    return ok;
}

static void test_ident(void) {
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"meters", "`meters`"},   {"UpperQ", "`UpperQ`"},     {"a`b", "`a``b`"},
        {"``", "``````"},         {"", "``"},                 {"表一", "`表一`"},
        {"a-b c", "`a-b c`"},     {"select", "`select`"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        k2td_buf_t b = K2TD_BUF_INIT;
        k2td_buf_puts(&b, "x.");
        k2td_sql_append_ident(&b, cases[i].in, strlen(cases[i].in));
        CHECK_INT(strncmp(b.data, "x.", 2), 0);
        CHECK_STR(b.data + 2, cases[i].out);
        k2td_buf_free(&b);
    }
}

static void test_string_literals(void) {
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"plain", "'plain'"},
        {"", "''"},
        {"it's", "'it\\'s'"},
        {"a\\b", "'a\\\\b'"},
        {"a\\nb", "'a\\\\nb'"},      /* backslash-n text must not become LF */
        {"a\\%b\\_c", "'a\\\\%b\\\\_c'"},
        {"a\\x41b", "'a\\\\x41b'"},
        {"abc\\", "'abc\\\\'"},      /* a trailing backslash must not eat the quote */
        {"say \"hi\"", "'say \"hi\"'"},
        {"a`b;c", "'a`b;c'"},
        {"a\nb\tc\rd", "'a\nb\tc\rd'"}, /* raw control bytes are stored raw */
        {"温度", "'温度'"},
        {"''", "'\\'\\''"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        k2td_buf_t b = K2TD_BUF_INIT;
        CHECK_INT(k2td_sql_append_string(&b, cases[i].in, strlen(cases[i].in)), 0);
        CHECK_STR(b.data, cases[i].out);
        CHECK(round_trips(cases[i].in, strlen(cases[i].in)));
        k2td_buf_free(&b);
    }
}

static void test_string_nul_rejected(void) {
    k2td_buf_t b = K2TD_BUF_INIT;
    k2td_buf_puts(&b, "(1,");
    CHECK_INT(k2td_sql_append_string(&b, "a\0b", 3), -1);
    CHECK_STR(b.data, "(1,");
    CHECK_INT(b.len, 3);
    CHECK_INT(k2td_sql_append_string(&b, "\0", 1), -1);
    CHECK_STR(b.data, "(1,");
    k2td_buf_free(&b);
}

/* Every byte value 1..255, alone and around quotes and backslashes. */
static void test_string_every_byte_round_trips(void) {
    for (int c = 1; c < 256; c++) {
        char s[5] = {(char)c, '\\', (char)c, '\'', (char)c};
        CHECK(round_trips(s, 1));
        CHECK(round_trips(s, 5));
    }
}

static void test_string_random_round_trips(void) {
    uint32_t seed = 12345;
    char s[64];
    const char alphabet[] = "ab\\'\"nt%_x0`;\n\xff\xc3";
    for (int iter = 0; iter < 20000; iter++) {
        seed = seed * 1103515245u + 12345u;
        size_t n = (seed >> 16) % sizeof(s);
        for (size_t i = 0; i < n; i++) {
            seed = seed * 1103515245u + 12345u;
            s[i] = alphabet[(seed >> 16) % (sizeof(alphabet) - 1)];
        }
        if (!round_trips(s, n)) {
            CHECK(!"random string did not round-trip");
            break;
        }
    }
}

static void test_hex(void) {
    k2td_buf_t b = K2TD_BUF_INIT;
    k2td_sql_append_hex(&b, "ABC", 3);
    CHECK_STR(b.data, "'\\x414243'");
    k2td_buf_reset(&b);
    k2td_sql_append_hex(&b, "a\0\xff", 3);
    CHECK_STR(b.data, "'\\x6100ff'");
    k2td_buf_reset(&b);
    k2td_sql_append_hex(&b, "", 0);
    CHECK_STR(b.data, "''");
    k2td_buf_free(&b);
}

int main(void) {
    RUN(test_ident);
    RUN(test_string_literals);
    RUN(test_string_nul_rejected);
    RUN(test_string_every_byte_round_trips);
    RUN(test_string_random_round_trips);
    RUN(test_hex);
    return test_finish();
}
