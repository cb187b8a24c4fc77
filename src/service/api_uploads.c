/*
 * api_uploads.c - /api/uploads: files a DSN refers to (keytabs, CA and
 * client certificates, keys). Each is stored as <data-dir>/uploads/<id>-<name>
 * with mode 0600 and never sent back; a DSN names it by its `ref`
 * ("@upload:<id>", upload_ref.h), never by its path.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/log.h"
#include "../task/upload_ref.h"
#include "api.h"

#define UPLOAD_NAME_MAX 100

/* Returns 1 when name is 1 to 100 of [A-Za-z0-9._-] and not "." or "..". */
static int upload_name_ok(const char *name) {
    size_t n = name ? strlen(name) : 0;
    if (n == 0 || n > UPLOAD_NAME_MAX || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
        return 0;
    return strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") ==
           n;
}

/* Writes the path of upload id into out. */
static void upload_path(const k2td_service_t *svc, int64_t id, const char *name, char *out,
                        size_t size) {
    snprintf(out, size, "%s/%lld-%s", svc->uploads_dir, (long long)id, name);
}

/* Writes data[0..len) to a new file at path with mode 0600. Returns 0 or
 * -1 with errno set. */
static int upload_write(const char *path, const char *data, size_t len) {
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) return -1;
    size_t done = 0;
    while (done < len) {
        ssize_t w = write(fd, data + done, len - done);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) break;
        done += (size_t)w;
    }
    int rc = done == len && fsync(fd) == 0 ? 0 : -1;
    int saved = errno;
    close(fd);
    errno = saved;
    return rc;
}

void k2td_api_upload_create(k2td_api_call_t *c) {
    const char *name = k2td_http_query(c->req, "name");
    if (!upload_name_ok(name)) {
        k2td_api_bad(c, "name",
                     "query argument `name` must be 1 to 100 of the characters A-Z a-z 0-9 "
                     ". _ - (for example ?name=client.keytab)");
        return;
    }
    if (c->req->body_len == 0) {
        k2td_api_bad(c, NULL, "the body (the file's bytes) is empty");
        return;
    }
    int64_t id;
    char err[512], path[4096];
    int rc = k2td_task_store_upload_add(c->svc->store, name, (int64_t)c->req->body_len, &id, err,
                                        sizeof(err));
    if (rc != 0) {
        k2td_api_store_failed(c, rc, err);
        return;
    }
    upload_path(c->svc, id, name, path, sizeof(path));
    if (upload_write(path, c->req->body, c->req->body_len) != 0) {
        int full = errno == ENOSPC || errno == EDQUOT || errno == EROFS || errno == EIO;
        snprintf(err, sizeof(err), "cannot store the upload: %s", strerror(errno));
        unlink(path);
        char *gone;
        k2td_task_store_upload_delete(c->svc->store, id, &gone, NULL, 0);
        free(gone);
        k2td_api_store_failed(c, full ? K2TD_STORE_UNWRITABLE : K2TD_STORE_ERROR, err);
        return;
    }
    cJSON *doc = cJSON_CreateObject();
    cJSON_AddNumberToObject(doc, "id", (double)id);
    cJSON_AddStringToObject(doc, "name", name);
    cJSON_AddNumberToObject(doc, "size", (double)c->req->body_len);
    k2td_buf_t ref = K2TD_BUF_INIT;
    k2td_buf_printf(&ref, "@" K2TD_UPLOAD_REF_PREFIX "%lld", (long long)id);
    cJSON_AddStringToObject(doc, "ref", ref.data);
    k2td_buf_free(&ref);
    k2td_log_info("upload %lld stored (%zu bytes)", (long long)id, c->req->body_len);
    k2td_api_reply(c, 201, doc);
}

void k2td_api_uploads_list(k2td_api_call_t *c) {
    char err[512];
    cJSON *arr = k2td_task_store_uploads_json(c->svc->store, err, sizeof(err));
    if (!arr) {
        k2td_api_internal(c, err);
        return;
    }
    cJSON *doc = cJSON_CreateObject();
    cJSON_AddItemToObject(doc, "uploads", arr);
    k2td_api_reply(c, 200, doc);
}

void k2td_api_upload_delete(k2td_api_call_t *c) {
    char err[512], path[4096], *name = NULL;
    int rc = c->match->id < 0 ? K2TD_STORE_NOT_FOUND
                              : k2td_task_store_upload_delete(c->svc->store, c->match->id,
                                                              &name, err, sizeof(err));
    if (rc == K2TD_STORE_NOT_FOUND) {
        k2td_http_error(c->resp, 404, NULL, "no upload with id `%s`", c->match->id_text);
    } else if (rc != 0) {
        k2td_api_store_failed(c, rc, err);
    } else {
        upload_path(c->svc, c->match->id, name, path, sizeof(path));
        if (unlink(path) != 0 && errno != ENOENT)
            k2td_log_warn("upload %lld: cannot remove its file: %s", (long long)c->match->id,
                          strerror(errno));
        k2td_api_reply(c, 204, NULL);
    }
    free(name);
}
