/*
 * file_read.c - reading a whole small file with a size limit (file_read.h).
 */
#include "file_read.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "errstr.h"

int k2td_file_read(const char *path, size_t max, k2td_buf_t *out, char *errstr,
                   size_t errstr_size) {
    FILE *f = fopen(path, "rb");
    if (!f) return k2td_errstr_set(errstr, errstr_size, "%s", strerror(errno));
    size_t start = out->len;
    char chunk[8192];
    size_t got;
    while (out->len - start <= max && (got = fread(chunk, 1, sizeof(chunk), f)) > 0)
        k2td_buf_append(out, chunk, got);
    int failed = ferror(f), err = errno;
    fclose(f);
    if (failed) return k2td_errstr_set(errstr, errstr_size, "%s", strerror(err ? err : EIO));
    k2td_buf_reserve(out, 0); /* NUL-terminated even when empty */
    out->data[out->len] = '\0';
    return out->len - start > max ? -2 : 0;
}
