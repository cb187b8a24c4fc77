/*
 * test_charset.c - char_encoding names, GBK / GB18030 / BIG5 payloads
 * decoded to UTF-8, the ASCII and UTF-8 pass-through, invalid and truncated
 * sequences, and a decoder reused after an error.
 */
#include <stdlib.h>

#include "common/arena.h"
#include "parse/charset.h"
#include "test.h"

typedef struct lookup_case {
    const char *name;
    int ok;
    k2td_charset_t cs;
} lookup_case_t;

static const lookup_case_t lookup_cases[] = {
    {NULL, 1, K2TD_CHARSET_UTF8},
    {"", 1, K2TD_CHARSET_UTF8},
    {"UTF_8", 1, K2TD_CHARSET_UTF8},
    {"UTF-8", 1, K2TD_CHARSET_UTF8},
    {"utf8", 1, K2TD_CHARSET_UTF8},
    {"Utf_8", 1, K2TD_CHARSET_UTF8},
    {"GBK", 1, K2TD_CHARSET_GBK},
    {"gbk", 1, K2TD_CHARSET_GBK},
    {"GB18030", 1, K2TD_CHARSET_GB18030},
    {"gb-18030", 1, K2TD_CHARSET_GB18030},
    {"BIG5", 1, K2TD_CHARSET_BIG5},
    {"Big-5", 1, K2TD_CHARSET_BIG5},
    {"big_5", 1, K2TD_CHARSET_BIG5},
    {"latin1", 0, 0},
    {"UTF-16", 0, 0},
    {"GB2312", 0, 0},
    {"UTF_8_AND_A_VERY_LONG_TAIL", 0, 0},
};

static void test_lookup(void) {
    for (size_t i = 0; i < sizeof(lookup_cases) / sizeof(lookup_cases[0]); i++) {
        const lookup_case_t *c = &lookup_cases[i];
        char err[256] = "";
        k2td_charset_t cs = (k2td_charset_t)99;
        int rc = k2td_charset_lookup(c->name, &cs, err, sizeof(err));
        if (c->ok) {
            if (rc != 0) fprintf(stderr, "lookup case %zu: %s\n", i, err);
            CHECK_INT(rc, 0);
            CHECK_INT(cs, c->cs);
        } else {
            CHECK_INT(rc, -1);
            CHECK(strstr(err, "is not supported (use UTF_8, GBK, GB18030 or BIG5)") != NULL);
            CHECK(strstr(err, c->name) != NULL);
        }
    }
    CHECK_STR(k2td_charset_name(K2TD_CHARSET_UTF8), "UTF_8");
    CHECK_STR(k2td_charset_name(K2TD_CHARSET_GBK), "GBK");
    CHECK_STR(k2td_charset_name(K2TD_CHARSET_GB18030), "GB18030");
    CHECK_STR(k2td_charset_name(K2TD_CHARSET_BIG5), "BIG5");
}

typedef struct decode_case {
    k2td_charset_t cs;
    const char *in; /* NUL-terminated: no case needs a NUL byte */
    const char *out; /* expected UTF-8, or NULL for an error */
    const char *err;
} decode_case_t;

static const decode_case_t decode_cases[] = {
    /* 你好 */
    {K2TD_CHARSET_GBK, "\xC4\xE3\xBA\xC3", "\xE4\xBD\xA0\xE5\xA5\xBD", NULL},
    /* 北京,气温\n */
    {K2TD_CHARSET_GBK, "\xB1\xB1\xBE\xA9,\xC6\xF8\xCE\xC2\n",
     "\xE5\x8C\x97\xE4\xBA\xAC,\xE6\xB0\x94\xE6\xB8\xA9\n", NULL},
    /* JSON around it: ASCII passes as is */
    {K2TD_CHARSET_GBK, "{\"city\":\"\xB1\xB1\xBE\xA9\",\"t\":1}",
     "{\"city\":\"\xE5\x8C\x97\xE4\xBA\xAC\",\"t\":1}", NULL},
    /* GBK 0x80 is the euro sign: one byte becomes three */
    {K2TD_CHARSET_GBK, "\x80", "\xE2\x82\xAC", NULL},
    {K2TD_CHARSET_GB18030, "\xB1\xB1\xBE\xA9", "\xE5\x8C\x97\xE4\xBA\xAC", NULL},
    /* four-byte sequences: U+0080 and U+20000 (outside the BMP) */
    {K2TD_CHARSET_GB18030, "\x81\x30\x81\x30|\x95\x32\x82\x36", "\xC2\x80|\xF0\xA0\x80\x80",
     NULL},
    {K2TD_CHARSET_GB18030, "\xA2\xE3", "\xE2\x82\xAC", NULL},
    /* 你好 and 臺北,氣溫\n */
    {K2TD_CHARSET_BIG5, "\xA7\x41\xA6\x6E", "\xE4\xBD\xA0\xE5\xA5\xBD", NULL},
    {K2TD_CHARSET_BIG5, "\xBB\x4F\xA5\x5F,\xAE\xF0\xB7\xC5\n",
     "\xE8\x87\xBA\xE5\x8C\x97,\xE6\xB0\xA3\xE6\xBA\xAB\n", NULL},
    /* invalid and truncated input */
    {K2TD_CHARSET_GBK, "ab\xFF", NULL, "offset 2: invalid GBK byte sequence"},
    {K2TD_CHARSET_GBK, "\xC4\xE3\xC4\x20", NULL, "offset 2: invalid GBK byte sequence"},
    {K2TD_CHARSET_GBK, "ab\xC4", NULL, "offset 2: incomplete GBK byte sequence at end of payload"},
    {K2TD_CHARSET_GB18030, "x\x80", NULL, "offset 1: invalid GB18030 byte sequence"},
    {K2TD_CHARSET_GB18030, "\x95\x32\x82", NULL,
     "offset 0: incomplete GB18030 byte sequence at end of payload"},
    {K2TD_CHARSET_BIG5, "ab\xA7\x20x", NULL, "offset 2: invalid BIG5 byte sequence"},
    {K2TD_CHARSET_BIG5, "\xA7\x41\xA7", NULL,
     "offset 2: incomplete BIG5 byte sequence at end of payload"},
};

static void test_decode(void) {
    k2td_arena_t arena;
    k2td_arena_init(&arena, 0);
    k2td_charset_decoder_t *dec[4] = {0};
    char err[256];
    for (int cs = 0; cs < 4; cs++) {
        dec[cs] = k2td_charset_decoder_new((k2td_charset_t)cs, err, sizeof(err));
        CHECK(dec[cs] != NULL);
    }
    for (size_t i = 0; i < sizeof(decode_cases) / sizeof(decode_cases[0]); i++) {
        const decode_case_t *c = &decode_cases[i];
        const char *out = NULL;
        size_t out_len = 0;
        strcpy(err, "stale");
        int rc = k2td_charset_decode(dec[c->cs], c->in, strlen(c->in), &arena, &out, &out_len,
                                     err, sizeof(err));
        if (c->out) {
            if (rc != 0) fprintf(stderr, "decode case %zu: %s\n", i, err);
            CHECK_INT(rc, 0);
            CHECK_STR(err, "");
            CHECK_MEM(out, out_len, c->out);
            CHECK(out != c->in);
            CHECK(out && out[out_len] == '\0');
        } else {
            CHECK_INT(rc, -1);
            CHECK_STR(err, c->err);
        }
    }
    for (int cs = 0; cs < 4; cs++) k2td_charset_decoder_free(dec[cs]);
    k2td_arena_free(&arena);
}

/* UTF-8 payloads, and ASCII in any encoding, come back as the same pointer. */
static void test_pass_through(void) {
    k2td_arena_t arena;
    k2td_arena_init(&arena, 0);
    char err[256];
    char ascii[128];
    for (int i = 0; i < 128; i++) ascii[i] = (char)i;
    const char bad_utf8[] = "\xFF\xFE not checked here";
    for (int cs = 0; cs < 4; cs++) {
        k2td_charset_decoder_t *d = k2td_charset_decoder_new((k2td_charset_t)cs, err, sizeof(err));
        const char *out = NULL;
        size_t out_len = 0;
        CHECK_INT(k2td_charset_decode(d, ascii, sizeof(ascii), &arena, &out, &out_len, err,
                                      sizeof(err)),
                  0);
        CHECK(out == ascii);
        CHECK_INT(out_len, sizeof(ascii));
        CHECK_INT(k2td_charset_decode(d, "", 0, &arena, &out, &out_len, err, sizeof(err)), 0);
        CHECK_INT(out_len, 0);
        if (cs == K2TD_CHARSET_UTF8) {
            CHECK_INT(k2td_charset_decode(d, bad_utf8, sizeof(bad_utf8) - 1, &arena, &out,
                                          &out_len, err, sizeof(err)),
                      0);
            CHECK(out == bad_utf8);
        }
        k2td_charset_decoder_free(d);
    }
    /* iconv itself agrees that ASCII maps to itself in every encoding */
    for (int cs = 1; cs < 4; cs++) {
        k2td_charset_decoder_t *d = k2td_charset_decoder_new((k2td_charset_t)cs, err, sizeof(err));
        char in[130];
        memcpy(in, "\xA7\x41", 2); /* a non-ASCII character forces the iconv path */
        memcpy(in + 2, ascii, sizeof(ascii));
        if (cs != K2TD_CHARSET_BIG5) memcpy(in, "\xC4\xE3", 2);
        const char *out = NULL;
        size_t out_len = 0;
        CHECK_INT(k2td_charset_decode(d, in, sizeof(in), &arena, &out, &out_len, err, sizeof(err)),
                  0);
        CHECK_INT(out_len, 3 + sizeof(ascii));
        CHECK(out && memcmp(out + 3, ascii, sizeof(ascii)) == 0);
        k2td_charset_decoder_free(d);
    }
    k2td_arena_free(&arena);
}

/* A payload that grows past the first guess of the output size (GBK 0x80
 * is one byte for three), and one much larger than the scratch buffer. */
static void test_growth(void) {
    k2td_arena_t arena;
    k2td_arena_init(&arena, 0);
    char err[256];
    k2td_charset_decoder_t *d = k2td_charset_decoder_new(K2TD_CHARSET_GBK, err, sizeof(err));
    size_t n = 100000;
    char *in = malloc(n);
    memset(in, 0x80, n);
    const char *out = NULL;
    size_t out_len = 0;
    CHECK_INT(k2td_charset_decode(d, in, n, &arena, &out, &out_len, err, sizeof(err)), 0);
    CHECK_INT(out_len, 3 * n);
    int all_euro = out != NULL;
    for (size_t i = 0; all_euro && i < n; i++)
        all_euro = memcmp(out + 3 * i, "\xE2\x82\xAC", 3) == 0;
    CHECK(all_euro);
    /* the same decoder, now with a larger buffer, still gives exact lengths */
    CHECK_INT(k2td_charset_decode(d, "\xC4\xE3", 2, &arena, &out, &out_len, err, sizeof(err)), 0);
    CHECK_MEM(out, out_len, "\xE4\xBD\xA0");
    free(in);
    k2td_charset_decoder_free(d);
    k2td_arena_free(&arena);
}

/* After an invalid or truncated payload, the decoder decodes the next one
 * from a clean state. */
static void test_reuse_after_error(void) {
    k2td_arena_t arena;
    k2td_arena_init(&arena, 0);
    char err[256];
    for (int cs = 1; cs < 4; cs++) {
        k2td_charset_decoder_t *d = k2td_charset_decoder_new((k2td_charset_t)cs, err, sizeof(err));
        const char *lead = cs == K2TD_CHARSET_BIG5 ? "\xA7" : "\xC4";
        const char *good = cs == K2TD_CHARSET_BIG5 ? "\xA7\x41" : "\xC4\xE3";
        const char *out = NULL;
        size_t out_len = 0;
        CHECK_INT(k2td_charset_decode(d, lead, 1, &arena, &out, &out_len, err, sizeof(err)), -1);
        CHECK(strstr(err, "incomplete") != NULL);
        CHECK_INT(k2td_charset_decode(d, good, 2, &arena, &out, &out_len, err, sizeof(err)), 0);
        CHECK_MEM(out, out_len, "\xE4\xBD\xA0");
        CHECK_STR(err, "");
        k2td_charset_decoder_free(d);
    }
    k2td_arena_free(&arena);
}

int main(void) {
    RUN(test_lookup);
    RUN(test_decode);
    RUN(test_pass_through);
    RUN(test_growth);
    RUN(test_reuse_after_error);
    return test_finish();
}
