/*
 * web_assets.c - looks up an embedded web file by its URL path.
 */
#include "web_assets.h"

#include <string.h>

const k2td_web_file_t *k2td_web_asset_find(const char *path) {
    if (strcmp(path, "/") == 0) path = "/index.html";
    for (const k2td_web_file_t *f = k2td_web_files; f->path; f++)
        if (strcmp(f->path, path) == 0) return f;
    return NULL;
}
