/*
 * web_assets.h - the web page's files, compiled into the binary.
 *
 * cmake/embed_web.cmake turns web/index.html and the files of web/assets into the table
 * k2td_web_files (generated into the build directory), so `k2td serve` needs
 * no files beside it.
 */
#ifndef K2TD_WEB_ASSETS_H
#define K2TD_WEB_ASSETS_H

#include <stddef.h>

typedef struct k2td_web_file {
    const char *path;         /* URL path: "/index.html", "/assets/app.js" */
    const char *content_type;
    const unsigned char *data;
    size_t len;
} k2td_web_file_t;

/* The generated table, ended by an entry whose path is NULL. */
extern const k2td_web_file_t k2td_web_files[];

/* Returns the file served at URL path ("/" is "/index.html"), or NULL. */
const k2td_web_file_t *k2td_web_asset_find(const char *path);

#endif
