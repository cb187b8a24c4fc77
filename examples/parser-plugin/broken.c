/*
 * broken.c - a parser plugin that misbehaves on purpose, for the unit tests.
 *
 * Built twice: libbroken.so (named "broken", every symbol) and, with
 * BROKEN_NO_MUTATE, libnosym.so (named "missing-mutate", without
 * parser_mutate). The configuration picks what "broken" does:
 *     "fail-new"   parser_new fails with e = 7
 *     "error"      parser_mutate returns an error message
 *     "bad-json"   the output is not JSON
 *     "no-output"  success with no output (NULL, 0)
 *     "null-len"   NULL output with a non-zero length
 *     otherwise    the output is a copy of the input, in a buffer that the
 *                  next call overwrites and parser_free poisons
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define BROKEN_EXPORT __attribute__((visibility("default")))

#ifdef BROKEN_NO_MUTATE
#define BROKEN_NAME "missing-mutate"
#else
#define BROKEN_NAME "broken"
#endif

#define BROKEN_BUF 4096

typedef struct parser_resp {
    int e;
    void *p;
} parser_resp_t;

typedef struct broken {
    char mode[16];
    char buf[BROKEN_BUF];
} broken_t;

BROKEN_EXPORT const char *parser_name(void) { return BROKEN_NAME; }

BROKEN_EXPORT const char *parser_version(void) { return "0.0.1-test"; }

BROKEN_EXPORT parser_resp_t parser_new(char *ctx, uint32_t len) {
    parser_resp_t r = {0, NULL};
    if (len == 8 && memcmp(ctx, "fail-new", 8) == 0) {
        r.e = 7;
        return r;
    }
    broken_t *b = calloc(1, sizeof(*b));
    if (!b) {
        r.e = 1;
        return r;
    }
    memcpy(b->mode, ctx, len < sizeof(b->mode) - 1 ? len : sizeof(b->mode) - 1);
    r.p = b;
    return r;
}

#ifndef BROKEN_NO_MUTATE
BROKEN_EXPORT const char *parser_mutate(void *parser, const uint8_t *in, uint32_t in_len,
                                        const uint8_t **out, uint32_t *out_len) {
    broken_t *b = parser;
    if (strcmp(b->mode, "error") == 0) return "deliberate failure";
    if (strcmp(b->mode, "bad-json") == 0) {
        *out = (const uint8_t *)"{oops";
        *out_len = 5;
        return NULL;
    }
    if (strcmp(b->mode, "no-output") == 0 || strcmp(b->mode, "null-len") == 0) {
        *out = NULL;
        *out_len = strcmp(b->mode, "null-len") == 0 ? 9 : 0;
        return NULL;
    }
    if (in_len > BROKEN_BUF) return "message too long for this test plugin";
    memset(b->buf, '#', BROKEN_BUF);
    memcpy(b->buf, in, in_len);
    *out = (const uint8_t *)b->buf;
    *out_len = in_len;
    return NULL;
}
#endif

BROKEN_EXPORT void parser_free(void *parser) {
    broken_t *b = parser;
    memset(b, 'X', sizeof(*b));
    free(b);
}
