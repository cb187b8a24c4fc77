/*
 * archive.c - the task's archive files (see archive.h).
 */
#include "archive.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../common/alloc.h"
#include "../common/buf.h"
#include "../common/errstr.h"
#include "archive_line.h"

#define CURRENT_NAME "archive.jsonl"

struct k2td_archive {
    char *dir;
    char *path;              /* dir/archive.jsonl */
    int fd;                  /* the current file; -1 after a failed rotation */
    int dir_dirty;           /* a file was created, renamed or deleted since the last sync */
    uint64_t size;           /* bytes in the current file */
    uint64_t max_file_bytes; /* 0 = never rotate */
    int rotate_count;
    uint64_t records;
    k2td_buf_t line;         /* the line being written, reused */
    k2td_buf_t from, to;     /* rotated file names, reused */
};

/* Creates dir and its missing parents with mode 0700; an existing
 * directory is left as it is. */
static int make_dirs(const char *dir, char *errstr, size_t errstr_size) {
    char *p = k2td_strdup(dir);
    int rc = 0;
    for (char *slash = p + 1;; slash++) {
        if (*slash != '/' && *slash != '\0') continue;
        char saved = *slash;
        *slash = '\0';
        if (mkdir(p, 0700) != 0 && errno != EEXIST)
            rc = k2td_errstr_set(errstr, errstr_size, "archive %s: cannot create directory: %s",
                                 p, strerror(errno));
        *slash = saved;
        if (rc != 0 || saved == '\0') break;
    }
    free(p);
    if (rc != 0) return -1;
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return k2td_errstr_set(errstr, errstr_size, "archive %s: not a directory", dir);
    return 0;
}

/* Writes all of data[0..n) to fd. Returns 0, or -1 with errno set. */
static int write_all(int fd, const char *data, size_t n) {
    while (n > 0) {
        ssize_t w = write(fd, data, n);
        if (w < 0 && errno == EINTR) continue;
        if (w < 0) return -1;
        data += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Opens (creating) the current file for appending and learns its size. A
 * last line left unfinished (a crash during a write) gets its newline, so
 * the next record starts a line of its own. */
static int open_current(k2td_archive_t *a, char *errstr, size_t errstr_size) {
    int fd = open(a->path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        k2td_errstr_set(errstr, errstr_size, "archive %s: cannot open: %s", a->path,
                        strerror(errno));
        if (fd >= 0) close(fd);
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return k2td_errstr_set(errstr, errstr_size, "archive %s: not a regular file", a->path);
    }
    char last = '\n';
    if ((st.st_size > 0 && pread(fd, &last, 1, st.st_size - 1) != 1) ||
        (last != '\n' && write_all(fd, "\n", 1) != 0)) {
        k2td_errstr_set(errstr, errstr_size, "archive %s: cannot end its last line: %s",
                        a->path, strerror(errno));
        close(fd);
        return -1;
    }
    a->fd = fd;
    a->size = (uint64_t)st.st_size + (last != '\n');
    a->dir_dirty = 1;
    return 0;
}

k2td_archive_t *k2td_archive_open(const char *dir, uint64_t max_file_bytes, int rotate_count,
                                  char *errstr, size_t errstr_size) {
    if (rotate_count < 1) {
        k2td_errstr_set(errstr, errstr_size, "archive %s: rotate_count must be at least 1", dir);
        return NULL;
    }
    if (make_dirs(dir, errstr, errstr_size) != 0) return NULL;
    k2td_archive_t *a = k2td_calloc(1, sizeof(*a));
    a->dir = k2td_strdup(dir);
    k2td_buf_t path = K2TD_BUF_INIT;
    k2td_buf_printf(&path, "%s/%s", dir, CURRENT_NAME);
    a->path = k2td_buf_detach(&path);
    a->fd = -1;
    a->max_file_bytes = max_file_bytes;
    a->rotate_count = rotate_count;
    if (open_current(a, errstr, errstr_size) != 0) {
        k2td_archive_close(a);
        return NULL;
    }
    return a;
}

/* Sets b to the name of rotated file number n (0 = the current file). */
static const char *rotated_name(k2td_buf_t *b, const k2td_archive_t *a, int n) {
    k2td_buf_reset(b);
    k2td_buf_puts(b, a->path);
    if (n > 0) k2td_buf_printf(b, ".%d", n);
    return b->data;
}

/* Moves the current file to .1 (and each older one a number up, deleting
 * the one past rotate_count), then starts a new current file. */
static int rotate(k2td_archive_t *a, char *errstr, size_t errstr_size) {
    if (fsync(a->fd) != 0)
        return k2td_errstr_set(errstr, errstr_size, "archive %s: cannot sync: %s", a->path,
                               strerror(errno));
    close(a->fd);
    a->fd = -1;
    a->dir_dirty = 1;
    const char *oldest = rotated_name(&a->to, a, a->rotate_count);
    if (unlink(oldest) != 0 && errno != ENOENT)
        return k2td_errstr_set(errstr, errstr_size, "archive %s: cannot delete: %s", oldest,
                               strerror(errno));
    for (int n = a->rotate_count - 1; n >= 0; n--) {
        const char *from = rotated_name(&a->from, a, n);
        const char *to = rotated_name(&a->to, a, n + 1);
        if (rename(from, to) != 0 && errno != ENOENT)
            return k2td_errstr_set(errstr, errstr_size, "archive %s: cannot rename to %s: %s",
                                   from, to, strerror(errno));
    }
    return open_current(a, errstr, errstr_size);
}

int k2td_archive_write(k2td_archive_t *a, const k2td_archive_record_t *rec, char *errstr,
                       size_t errstr_size) {
    k2td_buf_reset(&a->line);
    k2td_archive_line_put(&a->line, rec);
    if (a->fd < 0 && open_current(a, errstr, errstr_size) != 0) return -1;
    if (a->max_file_bytes && a->size > 0 && a->size + a->line.len > a->max_file_bytes &&
        rotate(a, errstr, errstr_size) != 0)
        return -1;
    if (write_all(a->fd, a->line.data, a->line.len) != 0) {
        k2td_errstr_set(errstr, errstr_size, "archive %s: cannot write: %s", a->path,
                        strerror(errno));
        /* take back what part of the line got in; if that fails too,
         * reopening adds the newline that ends the partial line */
        if (ftruncate(a->fd, (off_t)a->size) != 0) {
            close(a->fd);
            a->fd = -1;
        }
        return -1;
    }
    a->size += a->line.len;
    a->records++;
    return 0;
}

int k2td_archive_sync(k2td_archive_t *a, char *errstr, size_t errstr_size) {
    if (a->fd >= 0 && fsync(a->fd) != 0)
        return k2td_errstr_set(errstr, errstr_size, "archive %s: cannot sync: %s", a->path,
                               strerror(errno));
    if (!a->dir_dirty) return 0;
    int dfd = open(a->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0 || fsync(dfd) != 0) {
        k2td_errstr_set(errstr, errstr_size, "archive %s: cannot sync the directory: %s", a->dir,
                        strerror(errno));
        if (dfd >= 0) close(dfd);
        return -1;
    }
    close(dfd);
    a->dir_dirty = 0;
    return 0;
}

/* Returns 1 when name is CURRENT_NAME "." followed by digits only. */
static int is_rotated_name(const char *name) {
    size_t n = sizeof(CURRENT_NAME) - 1;
    if (strncmp(name, CURRENT_NAME ".", n + 1) != 0 || !name[n + 1]) return 0;
    return strspn(name + n + 1, "0123456789") == strlen(name + n + 1);
}

int k2td_archive_remove_old(k2td_archive_t *a, int64_t older_than_ms, char *errstr,
                            size_t errstr_size) {
    DIR *d = opendir(a->dir);
    if (!d)
        return k2td_errstr_set(errstr, errstr_size, "archive %s: cannot list: %s", a->dir,
                               strerror(errno));
    int rc = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (!is_rotated_name(e->d_name)) continue;
        k2td_buf_reset(&a->from);
        k2td_buf_printf(&a->from, "%s/%s", a->dir, e->d_name);
        struct stat st;
        if (stat(a->from.data, &st) != 0) continue; /* gone meanwhile */
        int64_t mtime_ms = (int64_t)st.st_mtim.tv_sec * 1000 + st.st_mtim.tv_nsec / 1000000;
        if (mtime_ms >= older_than_ms) continue;
        if (unlink(a->from.data) != 0 && errno != ENOENT) {
            k2td_errstr_set(errstr, errstr_size, "archive %s: cannot delete: %s", a->from.data,
                            strerror(errno));
            rc = -1;
            break;
        }
        a->dir_dirty = 1;
    }
    closedir(d);
    return rc;
}

uint64_t k2td_archive_records(const k2td_archive_t *a) {
    return a->records;
}

const char *k2td_archive_path(const k2td_archive_t *a) {
    return a->path;
}

void k2td_archive_close(k2td_archive_t *a) {
    if (!a) return;
    if (a->fd >= 0) close(a->fd);
    k2td_buf_free(&a->line);
    k2td_buf_free(&a->from);
    k2td_buf_free(&a->to);
    free(a->path);
    free(a->dir);
    free(a);
}
