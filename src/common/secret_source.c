/*
 * secret_source.c - ${env:NAME} and ${file:PATH} (secret_source.h).
 */
#include "secret_source.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "buf.h"
#include "errstr.h"
#include "file_read.h"

#define SECRET_FILE_MAX (64 * 1024)

/* Returns the length of the name inside "${<kind>:name}" when value is that
 * reference, setting *name; else 0. */
static size_t secret_ref(const char *value, const char *kind, const char **name) {
    size_t k = strlen(kind), n = strlen(value);
    if (n < k + 4 || strncmp(value, "${", 2) != 0 || strncmp(value + 2, kind, k) != 0 ||
        value[2 + k] != ':' || value[n - 1] != '}')
        return 0;
    *name = value + k + 3;
    return n - k - 4;
}

int k2td_secret_source_is_ref(const char *value) {
    const char *name;
    return secret_ref(value, "env", &name) > 0 || secret_ref(value, "file", &name) > 0;
}

/* Reads file path into *out (one trailing "\n" or "\r\n" dropped). Returns
 * 1, or -1 with errstr naming the file and why. */
static int secret_file(const char *path, char **out, char *errstr, size_t errstr_size) {
    k2td_buf_t b = K2TD_BUF_INIT;
    char err[256];
    int rc = k2td_file_read(path, SECRET_FILE_MAX, &b, err, sizeof(err));
    if (b.len && b.data[b.len - 1] == '\n') b.len--;
    if (b.len && b.data[b.len - 1] == '\r') b.len--;
    const char *why = rc == -1                        ? err
                      : rc == -2                      ? "is larger than 64 KiB"
                      : b.len == 0                    ? "is empty"
                      : memchr(b.data, '\0', b.len) ? "holds a NUL byte"
                                                      : NULL;
    if (!why) *out = k2td_strndup(b.data, b.len);
    else k2td_errstr_set(errstr, errstr_size, "secret file %s%s%s", path, rc == -1 ? ": " : " ",
                         why);
    if (b.data) memset(b.data, 0, b.cap);
    k2td_buf_free(&b);
    return why ? -1 : 1;
}

int k2td_secret_source_read(const char *value, char **out, char *errstr, size_t errstr_size) {
    const char *name;
    size_t n;
    *out = NULL;
    if ((n = secret_ref(value, "env", &name)) > 0) {
        char *var = k2td_strndup(name, n);
        const char *v = getenv(var);
        int rc = v && *v ? 1 : -1;
        if (rc == 1) *out = k2td_strdup(v);
        else k2td_errstr_set(errstr, errstr_size, "environment variable %s is not set", var);
        free(var);
        return rc;
    }
    if ((n = secret_ref(value, "file", &name)) > 0) {
        char *path = k2td_strndup(name, n);
        int rc = secret_file(path, out, errstr, errstr_size);
        free(path);
        return rc;
    }
    return 0;
}
