/*
 * json_doc.c - configuration JSON helpers (see json_doc.h).
 */
#include "json_doc.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/alloc.h"
#include "../common/buf.h"
#include "../common/errstr.h"

#define JSON_FILE_MAX (16u << 20)

/* Rewrites, in the well-formed JSON text[0..len), every escaped NUL
 * (\u0000) in a string into \u0001, which keeps the rest of the string.
 * Returns how many there were. */
static size_t json_mark_nuls(char *text, size_t len) {
    int in_string = 0;
    size_t found = 0;
    for (size_t i = 0; i < len; i++) {
        if (text[i] == '"') {
            in_string = !in_string;
        } else if (in_string && text[i] == '\\') {
            if (len - i >= 6 && strncmp(text + i + 1, "u0000", 5) == 0) {
                text[i + 5] = '1';
                found++;
            }
            i++; /* the escaped character */
        }
    }
    return found;
}

/* Appends ".key" to path with each \x01 byte of key (a marked NUL) written
 * as \u0000; returns the length to cut back to. */
static size_t json_push_marked_key(k2td_buf_t *path, const char *key) {
    size_t mark = path->len;
    k2td_buf_putc(path, '.');
    for (; *key; key++) {
        if (*key == '\x01') k2td_buf_puts(path, "\\u0000");
        else k2td_buf_putc(path, *key);
    }
    return mark;
}

/* Appends to path the JSON path of the first key or string value under
 * item holding a \x01 byte. Returns 1 when there is one, else 0. */
static int json_find_mark(const cJSON *item, k2td_buf_t *path) {
    if (cJSON_IsString(item) && strchr(item->valuestring, '\x01')) return 1;
    size_t i = 0;
    for (const cJSON *it = item->child; it; it = it->next, i++) {
        size_t mark = cJSON_IsObject(item) ? json_push_marked_key(path, it->string)
                                           : k2td_json_path_index(path, i);
        if ((it->string && strchr(it->string, '\x01')) || json_find_mark(it, path)) return 1;
        k2td_buf_truncate(path, mark);
    }
    return 0;
}

cJSON *k2td_json_parse(const char *text, size_t len, const char *what, char *errstr,
                       size_t errstr_size) {
    const char *nul = memchr(text, '\0', len);
    size_t at = nul ? (size_t)(nul - text) : 0; /* where parsing failed */
    if (!nul) {
        /* cJSON wants the NUL inside the length to accept the end of the text */
        char *copy = k2td_strndup(text, len);
        const char *end = NULL;
        cJSON *root = cJSON_ParseWithLengthOpts(copy, len + 1, &end, 1);
        if (!root && end) at = (size_t)(end - copy);
        /* cJSON would decode \u0000 into the end of its string, losing the
         * rest: marked instead, the message names where it is */
        if (root && json_mark_nuls(copy, len)) {
            cJSON_Delete(root);
            root = cJSON_ParseWithLengthOpts(copy, len + 1, &end, 1);
            k2td_buf_t path = K2TD_BUF_INIT;
            k2td_buf_puts(&path, what);
            if (root) json_find_mark(root, &path);
            k2td_errstr_set(errstr, errstr_size,
                            "%s: must not hold a NUL character (\\u0000)", path.data);
            k2td_buf_free(&path);
            cJSON_Delete(root);
            root = NULL;
            end = NULL;
            at = SIZE_MAX;
        }
        free(copy);
        if (root) return root;
        if (at == SIZE_MAX) return NULL;
        if (at > len) at = len;
    }
    size_t line = 1, col = 1;
    for (size_t i = 0; i < at; i++) {
        if (text[i] == '\n') {
            line++;
            col = 1;
        } else {
            col++;
        }
    }
    k2td_errstr_set(errstr, errstr_size, "%s: invalid JSON near line %zu, column %zu%s", what, line,
                   col, nul ? " (a NUL byte)" : "");
    return NULL;
}

cJSON *k2td_json_load_file(const char *path, char *errstr, size_t errstr_size) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        k2td_errstr_set(errstr, errstr_size, "%s: cannot read: %s", path, strerror(errno));
        return NULL;
    }
    k2td_buf_t text = K2TD_BUF_INIT;
    char chunk[8192];
    size_t n;
    int too_big = 0;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        if (text.len + n > JSON_FILE_MAX) {
            too_big = 1;
            break;
        }
        k2td_buf_append(&text, chunk, n);
    }
    int failed = ferror(f);
    int saved_errno = errno;
    fclose(f);
    cJSON *root = NULL;
    if (failed)
        k2td_errstr_set(errstr, errstr_size, "%s: cannot read: %s", path, strerror(saved_errno));
    else if (too_big)
        k2td_errstr_set(errstr, errstr_size, "%s: cannot read: larger than 16 MiB", path);
    else
        root = k2td_json_parse(text.data ? text.data : "", text.len, path, errstr, errstr_size);
    k2td_buf_free(&text);
    return root;
}

/* Returns 1 when s is one of the NULL-terminated names (names may be NULL). */
static int in_list(const char *s, const char *const *names) {
    for (; names && *names; names++)
        if (strcmp(s, *names) == 0) return 1;
    return 0;
}

int k2td_json_check_keys(const cJSON *obj, const char *path, const char *const *known,
                         const char *const *not_yet, char *errstr, size_t errstr_size) {
    char q[K2TD_CM_QUOTE_MAX];
    for (const cJSON *it = obj->child; it; it = it->next) {
        const char *key = it->string ? it->string : "";
        if (in_list(key, not_yet)) {
            k2td_errstr_set(errstr, errstr_size, "%s: key `%s` is not supported yet", path, key);
            return -1;
        }
        if (!in_list(key, known)) {
            size_t n = 0;
            while (known[n]) n++;
            const char *near = k2td_cm_suggest(key, known, n, sizeof(*known));
            k2td_cm_quote(key, q);
            if (near)
                k2td_errstr_set(errstr, errstr_size, "%s.%s: unknown key (did you mean `%s`?)",
                               path, q, near);
            else
                k2td_errstr_set(errstr, errstr_size, "%s.%s: unknown key", path, q);
            return -1;
        }
        for (const cJSON *prev = obj->child; prev != it; prev = prev->next) {
            if (prev->string && strcmp(prev->string, key) == 0) {
                k2td_errstr_set(errstr, errstr_size, "%s.%s: key given twice", path, key);
                return -1;
            }
        }
    }
    return 0;
}

const char *k2td_json_kind(const cJSON *item) {
    if (cJSON_IsString(item)) return "a string";
    if (cJSON_IsNumber(item)) return "a number";
    if (cJSON_IsBool(item)) return "a boolean";
    if (cJSON_IsNull(item)) return "null";
    if (cJSON_IsArray(item)) return "an array";
    if (cJSON_IsObject(item)) return "an object";
    return "invalid";
}

char *k2td_json_scalar_text(const cJSON *item) {
    if (cJSON_IsString(item)) return k2td_strdup(item->valuestring);
    if (cJSON_IsBool(item)) return k2td_strdup(cJSON_IsTrue(item) ? "true" : "false");
    if (!cJSON_IsNumber(item)) return NULL;
    char text[64];
    double v = item->valuedouble;
    if (v == floor(v) && fabs(v) < 9007199254740992.0)
        snprintf(text, sizeof(text), "%" PRId64, (int64_t)v);
    else
        snprintf(text, sizeof(text), "%.17g", v);
    return k2td_strdup(text);
}

int k2td_json_strlist(const cJSON *arr, const char *path, k2td_strlist_t *out, char *errstr,
                      size_t errstr_size) {
    if (!cJSON_IsArray(arr)) {
        k2td_errstr_set(errstr, errstr_size, "%s: must be an array of strings, not %s", path,
                       k2td_json_kind(arr));
        return -1;
    }
    size_t i = 0;
    for (const cJSON *it = arr->child; it; it = it->next, i++) {
        if (!cJSON_IsString(it)) {
            k2td_errstr_set(errstr, errstr_size, "%s[%zu]: must be a string, not %s", path, i,
                           k2td_json_kind(it));
            return -1;
        }
        if (!*it->valuestring) {
            k2td_errstr_set(errstr, errstr_size, "%s[%zu]: must not be empty", path, i);
            return -1;
        }
        k2td_strlist_push(out, it->valuestring, strlen(it->valuestring));
    }
    return 0;
}

size_t k2td_json_path_push(k2td_buf_t *path, const char *key) {
    size_t mark = path->len;
    k2td_buf_printf(path, ".%s", key);
    return mark;
}

size_t k2td_json_path_index(k2td_buf_t *path, size_t i) {
    size_t mark = path->len;
    k2td_buf_printf(path, "[%zu]", i);
    return mark;
}

int k2td_json_need_object(const cJSON *item, const char *path, char *errstr, size_t errstr_size) {
    if (cJSON_IsObject(item)) return 0;
    return k2td_errstr_set(errstr, errstr_size, "%s: must be an object, not %s", path,
                           k2td_json_kind(item));
}
