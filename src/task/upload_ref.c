/*
 * upload_ref.c - resolving "upload:<id>" to a stored file (upload_ref.h).
 */
#include "upload_ref.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/alloc.h"
#include "../common/buf.h"

k2td_upload_ref_rc_t k2td_upload_ref_resolve(const char *uploads_dir, const char *ref,
                                             char **path) {
    static const char prefix[] = K2TD_UPLOAD_REF_PREFIX;
    *path = NULL;
    if (strncmp(ref, prefix, sizeof(prefix) - 1) != 0) return K2TD_UPLOAD_REF_NOT_A_REF;
    const char *id = ref + sizeof(prefix) - 1;
    size_t n = strspn(id, "0123456789");
    if (n == 0 || n > 18 || id[n] != '\0' || id[0] == '0') return K2TD_UPLOAD_REF_NOT_A_REF;
    DIR *d = uploads_dir ? opendir(uploads_dir) : NULL;
    if (!d) return K2TD_UPLOAD_REF_MISSING;
    /* files are <id>-<name>; the name holds no '/' (api_uploads.c) */
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        if (strncmp(e->d_name, id, n) != 0 || e->d_name[n] != '-') continue;
        k2td_buf_t b = K2TD_BUF_INIT;
        k2td_buf_printf(&b, "%s/%s", uploads_dir, e->d_name);
        *path = k2td_buf_detach(&b);
        break;
    }
    closedir(d);
    return *path ? K2TD_UPLOAD_REF_OK : K2TD_UPLOAD_REF_MISSING;
}
