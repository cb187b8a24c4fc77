/*
 * regex_parse.c - the named-group regex parser (see regex_parse.h) on PCRE2.
 */
#include "regex_parse.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/alloc.h"
#include "../common/errstr.h"

/* Size limits of the JIT's matching stack (PCRE2's own default is 32 KiB,
 * too little for some patterns with many alternatives or repeats). */
#define REGEX_JIT_STACK_MIN (32 * 1024)
#define REGEX_JIT_STACK_MAX (1024 * 1024)

typedef struct regex_group {
    uint32_t number; /* capture group number */
    char *name;      /* NUL-terminated, owned */
    size_t name_len;
} regex_group_t;

struct k2td_regex {
    pcre2_code *code;
    pcre2_match_data *md;       /* reused for every payload */
    pcre2_match_context *mctx;  /* carries the JIT stack */
    pcre2_jit_stack *jit_stack; /* NULL when the pattern is not JIT-compiled */
    regex_group_t *groups;      /* the named groups, by group number */
    size_t ngroups;
    int every_match;
    int no_match; /* the last k2td_regex_parse failed only because nothing matched */
};

/* Writes "<where> <off>: <PCRE2's message for error code rc>" to errstr. */
static void regex_error(char *errstr, size_t errstr_size, int rc, const char *where, size_t off) {
    PCRE2_UCHAR msg[160];
    if (pcre2_get_error_message(rc, msg, sizeof(msg)) < 0)
        snprintf((char *)msg, sizeof(msg), "PCRE2 error %d", rc);
    k2td_errstr_set(errstr, errstr_size, "%s %zu: %s", where, off, (const char *)msg);
}

/* Orders groups by number. */
static int group_cmp(const void *a, const void *b) {
    uint32_t x = ((const regex_group_t *)a)->number, y = ((const regex_group_t *)b)->number;
    return (x > y) - (x < y);
}

/* Reads the pattern's name table into re->groups. Returns 0, or -1 with
 * errstr set when there is no named group or a name is used twice. */
static int regex_read_names(k2td_regex_t *re, char *errstr, size_t errstr_size) {
    uint32_t count = 0, entry_size = 0;
    PCRE2_SPTR table = NULL;
    pcre2_pattern_info(re->code, PCRE2_INFO_NAMECOUNT, &count);
    if (count == 0)
        return k2td_errstr_set(errstr, errstr_size,
                               "pattern has no named group (write (?<name>...))");
    pcre2_pattern_info(re->code, PCRE2_INFO_NAMEENTRYSIZE, &entry_size);
    pcre2_pattern_info(re->code, PCRE2_INFO_NAMETABLE, &table);
    re->groups = k2td_calloc(count, sizeof(regex_group_t));
    /* each entry: the group number in two bytes (big-endian), then the
     * NUL-terminated name; entries are sorted by name */
    for (uint32_t i = 0; i < count; i++) {
        PCRE2_SPTR e = table + (size_t)i * entry_size;
        const char *name = (const char *)(e + 2);
        if (i > 0 && strcmp(name, re->groups[i - 1].name) == 0)
            return k2td_errstr_set(errstr, errstr_size, "pattern names two groups '%.64s'", name);
        re->groups[i].number = (uint32_t)(e[0] << 8 | e[1]);
        re->groups[i].name_len = strlen(name);
        re->groups[i].name = k2td_strndup(name, re->groups[i].name_len);
        re->ngroups = i + 1;
    }
    qsort(re->groups, re->ngroups, sizeof(regex_group_t), group_cmp);
    return 0;
}

k2td_regex_t *k2td_regex_compile(const char *pattern, unsigned flags, char *errstr,
                                 size_t errstr_size) {
    if (errstr && errstr_size) errstr[0] = '\0';
    int rc;
    PCRE2_SIZE off;
    pcre2_code *code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
                                     PCRE2_UTF | PCRE2_UCP | PCRE2_DOLLAR_ENDONLY, &rc, &off, NULL);
    if (!code) {
        regex_error(errstr, errstr_size, rc, "pattern offset", (size_t)off);
        return NULL;
    }
    k2td_regex_t *re = k2td_calloc(1, sizeof(*re));
    re->code = code;
    re->every_match = (flags & K2TD_REGEX_EVERY_MATCH) != 0;
    if (regex_read_names(re, errstr, errstr_size) != 0) {
        k2td_regex_free(re);
        return NULL;
    }
    re->md = pcre2_match_data_create_from_pattern(code, NULL);
    re->mctx = pcre2_match_context_create(NULL);
    if (!re->md || !re->mctx) {
        fprintf(stderr, "k2td: FATAL: out of memory creating PCRE2 match data\n");
        abort();
    }
    /* without a JIT (unsupported CPU, or PCRE2 built without it) the
     * interpreter runs the same pattern, only slower */
    if (pcre2_jit_compile(code, PCRE2_JIT_COMPLETE) == 0) {
        re->jit_stack = pcre2_jit_stack_create(REGEX_JIT_STACK_MIN, REGEX_JIT_STACK_MAX, NULL);
        if (re->jit_stack) pcre2_jit_stack_assign(re->mctx, NULL, re->jit_stack);
    }
    return re;
}

void k2td_regex_free(k2td_regex_t *re) {
    if (!re) return;
    for (size_t i = 0; i < re->ngroups; i++) free(re->groups[i].name);
    free(re->groups);
    pcre2_jit_stack_free(re->jit_stack);
    pcre2_match_context_free(re->mctx);
    pcre2_match_data_free(re->md);
    pcre2_code_free(re->code);
    free(re);
}

/* Appends the row of the match in re->md: a string field per named group
 * that took part in it. */
static void regex_row(const k2td_regex_t *re, const char *buf, size_t msg_index,
                      k2td_rowset_t *out) {
    const PCRE2_SIZE *ov = pcre2_get_ovector_pointer(re->md);
    k2td_rowset_begin_row(out, msg_index);
    for (size_t i = 0; i < re->ngroups; i++) {
        const regex_group_t *g = &re->groups[i];
        PCRE2_SIZE s = ov[2 * g->number], e = ov[2 * g->number + 1];
        if (s == PCRE2_UNSET) continue;
        k2td_field_t *f = k2td_rowset_add_field(out, g->name, g->name_len);
        f->v.type = K2TD_VAL_STRING;
        f->v.str = buf + s;
        f->v.len = e - s;
    }
}

int k2td_regex_parse(k2td_regex_t *re, const char *buf, size_t len, size_t msg_index,
                     k2td_rowset_t *out, char *errstr, size_t errstr_size) {
    if (errstr && errstr_size) errstr[0] = '\0';
    re->no_match = 0;
    /* skipped, but error offsets still count from the payload's first byte */
    size_t bom = len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    buf += bom;
    len -= bom;
    size_t nrows_before = out->nrows;
    PCRE2_SIZE start = 0;
    uint32_t opts = 0;
    for (;;) {
        int rc = pcre2_match(re->code, (PCRE2_SPTR)buf, len, start, opts, re->md, re->mctx);
        if (rc == PCRE2_ERROR_NOMATCH) break;
        if (rc < 0) {
            /* a UTF-8 error's offset is where the bad character starts */
            if (rc <= PCRE2_ERROR_UTF8_ERR1 && rc >= PCRE2_ERROR_UTF8_ERR21)
                regex_error(errstr, errstr_size, rc, "offset",
                            bom + (size_t)pcre2_get_startchar(re->md));
            else
                regex_error(errstr, errstr_size, rc, "pattern matching failed at offset",
                            bom + (size_t)start);
            k2td_rowset_truncate(out, nrows_before);
            return -1;
        }
        regex_row(re, buf, msg_index, out);
        if (!re->every_match) break;
        const PCRE2_SIZE *ov = pcre2_get_ovector_pointer(re->md);
        /* the payload was checked for valid UTF-8 by the first call */
        opts = PCRE2_NO_UTF_CHECK | (ov[0] == ov[1] ? PCRE2_NOTEMPTY_ATSTART : 0);
        start = ov[1];
    }
    if (out->nrows == nrows_before) {
        re->no_match = 1;
        return k2td_errstr_set(errstr, errstr_size, "pattern did not match");
    }
    return (int)(out->nrows - nrows_before);
}

int k2td_regex_no_match(const k2td_regex_t *re) {
    return re->no_match;
}
