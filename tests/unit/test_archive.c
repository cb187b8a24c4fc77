/*
 * test_archive.c - the task archive: lines parse back as JSON with every
 * field, escaping, base64 for payloads that are not text (decoded back to
 * the bytes), rotation keeping rotate_count files and the newest records,
 * appending on reopen, repair of an unfinished last line, write failures
 * leaving no partial line, removal of old rotated files, file modes, and
 * the errors for directories that cannot be used or disappear.
 */
#include <cJSON.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/buf.h"
#include "sink/archive.h"
#include "test.h"

static char root[64]; /* this run's temporary directory */

/* Returns root/name in a static buffer (one at a time). */
static const char *under(const char *name) {
    static char path[256];
    snprintf(path, sizeof(path), "%s/%s", root, name);
    return path;
}

/* Returns the whole file at path (the caller frees it), or NULL. */
static char *slurp(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    k2td_buf_t b = K2TD_BUF_INIT;
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) k2td_buf_append(&b, chunk, n);
    fclose(f);
    if (len) *len = b.len;
    return k2td_buf_detach(&b);
}

/* Parses every line of the file at path; returns how many lines parsed, -1
 * when one does not (or the file lacks a final newline). Up to max lines
 * are stored in lines[] (the caller deletes them). */
static int read_lines(const char *path, cJSON **lines, int max) {
    size_t len;
    char *text = slurp(path, &len);
    if (!text) return -1;
    int n = 0;
    char *p = text;
    while (*p) {
        char *nl = strchr(p, '\n');
        if (!nl) {
            n = -1;
            break;
        }
        *nl = '\0';
        cJSON *j = cJSON_Parse(p);
        if (!j) {
            fprintf(stderr, "line does not parse: %s\n", p);
            n = -1;
            break;
        }
        if (n < max) lines[n] = j;
        else cJSON_Delete(j);
        n++;
        p = nl + 1;
    }
    free(text);
    return n;
}

static void free_lines(cJSON **lines, int n) {
    for (int i = 0; i < n; i++) cJSON_Delete(lines[i]);
}

static const char *str_of(const cJSON *j, const char *key) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static double num_of(const cJSON *j, const char *key) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, key);
    return cJSON_IsNumber(v) ? v->valuedouble : -12345;
}

/* Decodes base64 text into out; returns the byte count or -1. */
static long unbase64(const char *s, unsigned char *out, size_t cap) {
    static const char alpha[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t len = strlen(s), n = 0;
    if (len % 4) return -1;
    for (size_t i = 0; i < len; i += 4) {
        unsigned v = 0;
        int pad = 0;
        for (int k = 0; k < 4; k++) {
            const char *c = s[i + k] == '=' ? NULL : strchr(alpha, s[i + k]);
            if (s[i + k] == '=') pad++;
            else if (!c || !*c || pad) return -1;
            v = v << 6 | (c ? (unsigned)(c - alpha) : 0);
        }
        for (int k = 0; k < 3 - pad; k++) {
            if (n == cap) return -1;
            out[n++] = (unsigned char)(v >> (16 - 8 * k));
        }
    }
    return (long)n;
}

static k2td_archive_record_t record(int64_t offset, const char *payload) {
    return (k2td_archive_record_t){"meters", 3, offset, "column `ts`: missing", payload,
                                   payload ? strlen(payload) : 0, "d_1", 1764028810123};
}

static mode_t mode_of(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 ? st.st_mode & 07777 : (mode_t)-1;
}

static void test_fields_and_modes(void) {
    char err[256];
    /* the directory and its missing parents are created */
    k2td_archive_t *a = k2td_archive_open(under("fields/a/b"), 0, 1, err, sizeof(err));
    CHECK(a != NULL);
    if (!a) return;
    CHECK_INT(mode_of(under("fields/a/b")), 0700);
    CHECK_INT(mode_of(under("fields/a")), 0700);
    CHECK_INT(mode_of(under("fields/a/b/archive.jsonl")), 0600);
    CHECK_STR(k2td_archive_path(a), under("fields/a/b/archive.jsonl"));
    CHECK_INT(k2td_archive_records(a), 0);

    const char *text = "{\"id\": 1, \"name\": \"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"}\n\t\\";
    k2td_archive_record_t r = record(42, text);
    CHECK_INT(k2td_archive_write(a, &r, err, sizeof(err)), 0);

    /* not UTF-8, a NUL byte, every byte value, an empty payload */
    static const unsigned char bad_utf8[] = {'a', 0xff, 0xfe, 'b'};
    static const unsigned char with_nul[] = {'a', 0, 'b'};
    static const unsigned char overlong[] = {0xc0, 0xaf};
    static const unsigned char surrogate[] = {0xed, 0xa0, 0x80};
    unsigned char all[256];
    for (int i = 0; i < 256; i++) all[i] = (unsigned char)i;
    struct {
        const unsigned char *p;
        size_t n;
    } binaries[] = {{bad_utf8, 4}, {with_nul, 3}, {overlong, 2}, {surrogate, 3}, {all, 256},
                    {all + 128, 1}, {all + 250, 2}};
    size_t nbin = sizeof(binaries) / sizeof(binaries[0]);
    for (size_t i = 0; i < nbin; i++) {
        r = record(100 + (int64_t)i, NULL);
        r.payload = binaries[i].p;
        r.payload_len = binaries[i].n;
        r.table = NULL;
        CHECK_INT(k2td_archive_write(a, &r, err, sizeof(err)), 0);
    }
    r = record(200, NULL); /* empty payload */
    r.topic = "t\"q";
    r.reason = "bad \xff byte \x01 and \"quotes\"";
    r.partition = -1;
    r.time_ms = -1;
    CHECK_INT(k2td_archive_write(a, &r, err, sizeof(err)), 0);
    CHECK_INT(k2td_archive_records(a), 2 + nbin);
    CHECK_INT(k2td_archive_sync(a, err, sizeof(err)), 0);
    k2td_archive_close(a);

    cJSON *lines[16];
    int n = read_lines(under("fields/a/b/archive.jsonl"), lines, 16);
    CHECK_INT(n, 2 + nbin);
    if (n != (int)(2 + nbin)) return;
    CHECK_STR(str_of(lines[0], "time"), "2025-11-25T00:00:10.123Z");
    CHECK_STR(str_of(lines[0], "topic"), "meters");
    CHECK_INT(num_of(lines[0], "partition"), 3);
    CHECK_INT(num_of(lines[0], "offset"), 42);
    CHECK_STR(str_of(lines[0], "reason"), "column `ts`: missing");
    CHECK_STR(str_of(lines[0], "table"), "d_1");
    CHECK_STR(str_of(lines[0], "payload"), text);
    CHECK(!cJSON_GetObjectItemCaseSensitive(lines[0], "payload_base64"));
    /* the keys, in order */
    const char *keys[] = {"time", "topic", "partition", "offset", "reason", "table", "payload"};
    int k = 0;
    for (const cJSON *it = lines[0]->child; it; it = it->next, k++)
        CHECK_STR(it->string, k < 7 ? keys[k] : "(extra)");
    CHECK_INT(k, 7);

    for (size_t i = 0; i < nbin; i++) {
        const cJSON *l = lines[1 + i];
        CHECK_INT(num_of(l, "offset"), 100 + (int)i);
        CHECK(!cJSON_GetObjectItemCaseSensitive(l, "table"));
        CHECK(!cJSON_GetObjectItemCaseSensitive(l, "payload"));
        const char *b64 = str_of(l, "payload_base64");
        CHECK(b64 != NULL);
        unsigned char back[300];
        long got = b64 ? unbase64(b64, back, sizeof(back)) : -1;
        CHECK_INT(got, (long)binaries[i].n);
        CHECK(got == (long)binaries[i].n && memcmp(back, binaries[i].p, binaries[i].n) == 0);
    }
    /* a known answer for the encoder */
    CHECK_STR(str_of(lines[1], "payload_base64"), "Yf/+Yg==");
    CHECK_STR(str_of(lines[2], "payload_base64"), "YQBi");

    const cJSON *last = lines[1 + nbin];
    CHECK_STR(str_of(last, "topic"), "t\"q");
    CHECK_STR(str_of(last, "reason"), "bad \xef\xbf\xbd byte \x01 and \"quotes\"");
    CHECK_STR(str_of(last, "payload"), "");
    CHECK_STR(str_of(last, "time"), "1969-12-31T23:59:59.999Z");
    CHECK_INT(num_of(last, "partition"), -1);
    free_lines(lines, n);
}

/* Writes records offset first..first+count-1 with a payload of about 40 bytes. */
static void write_range(k2td_archive_t *a, int first, int count) {
    char err[256], payload[64];
    for (int i = first; i < first + count; i++) {
        snprintf(payload, sizeof(payload), "{\"seq\": %d, \"pad\": \"xxxxxxxxxxxxxxxx\"}", i);
        k2td_archive_record_t r = record(i, payload);
        int rc = k2td_archive_write(a, &r, err, sizeof(err));
        if (rc != 0) fprintf(stderr, "write %d: %s\n", i, err);
        CHECK_INT(rc, 0);
    }
}

/* Reads the offsets in the files from the oldest rotated one (.max) to the
 * current one into offs; returns how many, or -1 on a bad line. Checks each
 * file against max_bytes. */
static int collect_offsets(const char *dir, int max, size_t max_bytes, int *offs, int cap) {
    int total = 0;
    for (int f = max; f >= 0; f--) {
        char path[256];
        snprintf(path, sizeof(path), f ? "%s/%s/archive.jsonl.%d" : "%s/%s/archive.jsonl", root,
                 dir, f);
        size_t len = 0;
        char *text = slurp(path, &len);
        if (!text) continue;
        free(text);
        CHECK(len <= max_bytes);
        cJSON *lines[64];
        int n = read_lines(path, lines, 64);
        if (n < 0 || n > 64) return -1;
        for (int i = 0; i < n && total < cap; i++) offs[total++] = (int)num_of(lines[i], "offset");
        free_lines(lines, n);
    }
    return total;
}

static void test_rotation(void) {
    char err[256];
    const size_t max_bytes = 600;
    k2td_archive_t *a = k2td_archive_open(under("rot"), max_bytes, 3, err, sizeof(err));
    CHECK(a != NULL);
    if (!a) return;
    write_range(a, 0, 100);
    CHECK_INT(k2td_archive_records(a), 100);
    CHECK_INT(k2td_archive_sync(a, err, sizeof(err)), 0);
    k2td_archive_close(a);

    /* the current file and exactly three rotated ones */
    CHECK(access(under("rot/archive.jsonl"), F_OK) == 0);
    CHECK(access(under("rot/archive.jsonl.1"), F_OK) == 0);
    CHECK(access(under("rot/archive.jsonl.2"), F_OK) == 0);
    CHECK(access(under("rot/archive.jsonl.3"), F_OK) == 0);
    CHECK(access(under("rot/archive.jsonl.4"), F_OK) != 0);
    CHECK_INT(mode_of(under("rot/archive.jsonl.3")), 0600);

    /* the newest records, contiguous and in order, ending with the last */
    int offs[200];
    int n = collect_offsets("rot", 3, max_bytes, offs, 200);
    CHECK(n >= 4 && n < 100);
    for (int i = 0; i < n; i++) CHECK_INT(offs[i], 100 - n + i);

    /* a line longer than max_file_bytes gets a file of its own */
    a = k2td_archive_open(under("big"), 100, 2, err, sizeof(err));
    CHECK(a != NULL);
    if (!a) return;
    write_range(a, 0, 1);
    char huge[300];
    memset(huge, 'h', sizeof(huge) - 1);
    huge[sizeof(huge) - 1] = '\0';
    k2td_archive_record_t r = record(1, huge);
    CHECK_INT(k2td_archive_write(a, &r, err, sizeof(err)), 0);
    write_range(a, 2, 1);
    k2td_archive_close(a);
    cJSON *lines[4];
    CHECK_INT(read_lines(under("big/archive.jsonl.2"), lines, 4), 1);
    CHECK_INT(num_of(lines[0], "offset"), 0);
    cJSON_Delete(lines[0]);
    CHECK_INT(read_lines(under("big/archive.jsonl.1"), lines, 4), 1);
    CHECK_INT(num_of(lines[0], "offset"), 1);
    cJSON_Delete(lines[0]);
    CHECK_INT(read_lines(under("big/archive.jsonl"), lines, 4), 1);
    CHECK_INT(num_of(lines[0], "offset"), 2);
    cJSON_Delete(lines[0]);

    /* max_file_bytes 0: never rotated */
    a = k2td_archive_open(under("norot"), 0, 1, err, sizeof(err));
    CHECK(a != NULL);
    if (!a) return;
    write_range(a, 0, 50);
    k2td_archive_close(a);
    CHECK(access(under("norot/archive.jsonl.1"), F_OK) != 0);
    CHECK_INT(read_lines(under("norot/archive.jsonl"), lines, 0), 50);
}

static void test_reopen_appends(void) {
    char err[256];
    k2td_archive_t *a = k2td_archive_open(under("reopen"), 0, 1, err, sizeof(err));
    CHECK(a != NULL);
    if (!a) return;
    write_range(a, 0, 3);
    k2td_archive_close(a);
    a = k2td_archive_open(under("reopen"), 0, 1, err, sizeof(err));
    CHECK(a != NULL);
    if (!a) return;
    CHECK_INT(k2td_archive_records(a), 0); /* counts this handle's records */
    write_range(a, 3, 2);
    CHECK_INT(k2td_archive_records(a), 2);
    k2td_archive_close(a);
    int offs[10];
    CHECK_INT(collect_offsets("reopen", 0, 1 << 20, offs, 10), 5);
    for (int i = 0; i < 5; i++) CHECK_INT(offs[i], i);

    /* an unfinished last line (a crash mid-write) is ended, not continued */
    FILE *f = fopen(under("reopen/archive.jsonl"), "ab");
    CHECK(f != NULL);
    if (!f) return;
    fputs("{\"time\":\"2025-", f);
    fclose(f);
    a = k2td_archive_open(under("reopen"), 0, 1, err, sizeof(err));
    CHECK(a != NULL);
    if (!a) return;
    write_range(a, 5, 1);
    k2td_archive_close(a);
    size_t len;
    char *text = slurp(under("reopen/archive.jsonl"), &len);
    CHECK(text &&
          strstr(text, "{\"time\":\"2025-\n{\"time\":\"2025-11-25T00:00:10.123Z\"") != NULL);
    CHECK(text && len > 0 && text[len - 1] == '\n');
    free(text);

    /* the size learnt on reopen counts for rotation */
    a = k2td_archive_open(under("reopen"), 200, 1, err, sizeof(err));
    CHECK(a != NULL);
    if (!a) return;
    write_range(a, 6, 1);
    k2td_archive_close(a);
    cJSON *lines[2];
    CHECK_INT(read_lines(under("reopen/archive.jsonl"), lines, 2), 1);
    CHECK_INT(num_of(lines[0], "offset"), 6);
    cJSON_Delete(lines[0]);
}

static void test_write_failure_leaves_no_partial_line(void) {
    char err[256];
    k2td_archive_t *a = k2td_archive_open(under("full"), 0, 1, err, sizeof(err));
    CHECK(a != NULL);
    if (!a) return;
    write_range(a, 0, 2);
    size_t before;
    free(slurp(under("full/archive.jsonl"), &before));

    /* the file may grow by 10 bytes only: the write fails part-way, as on a
     * full disk */
    struct rlimit old, lim;
    signal(SIGXFSZ, SIG_IGN);
    CHECK_INT(getrlimit(RLIMIT_FSIZE, &old), 0);
    lim = old;
    lim.rlim_cur = before + 10;
    CHECK_INT(setrlimit(RLIMIT_FSIZE, &lim), 0);
    k2td_archive_record_t r = record(2, "{\"seq\": 2}");
    int rc = k2td_archive_write(a, &r, err, sizeof(err));
    CHECK_INT(setrlimit(RLIMIT_FSIZE, &old), 0);
    CHECK_INT(rc, -1);
    char want[300];
    snprintf(want, sizeof(want), "archive %s: cannot write: File too large",
             under("full/archive.jsonl"));
    CHECK_STR(err, want);
    CHECK_INT(k2td_archive_records(a), 2);
    size_t after;
    free(slurp(under("full/archive.jsonl"), &after));
    CHECK_INT(after, before);

    /* the next write goes through and every line parses */
    CHECK_INT(k2td_archive_write(a, &r, err, sizeof(err)), 0);
    k2td_archive_close(a);
    int offs[4];
    CHECK_INT(collect_offsets("full", 0, 1 << 20, offs, 4), 3);
    CHECK_INT(offs[2], 2);
}

static void test_remove_old(void) {
    char err[256];
    k2td_archive_t *a = k2td_archive_open(under("old"), 150, 3, err, sizeof(err));
    CHECK(a != NULL);
    if (!a) return;
    write_range(a, 0, 4); /* one record a file: current, .1, .2, .3 */
    CHECK(access(under("old/archive.jsonl.3"), F_OK) == 0);
    /* a leftover from a larger rotate_count, and names that are not ours */
    const char *others[] = {"old/archive.jsonl.17", "old/archive.jsonl.x", "old/notes.txt",
                            "old/archive.jsonl.", "old/archive.jsonl.1.bak"};
    for (size_t i = 0; i < 5; i++) {
        FILE *f = fopen(under(others[i]), "w");
        CHECK(f != NULL);
        if (f) fclose(f);
    }
    /* .2 and .17 were last written at 1000 s after the epoch */
    struct timespec old_times[2] = {{1000, 0}, {1000, 0}};
    CHECK_INT(utimensat(AT_FDCWD, under("old/archive.jsonl.2"), old_times, 0), 0);
    CHECK_INT(utimensat(AT_FDCWD, under("old/archive.jsonl.17"), old_times, 0), 0);
    CHECK_INT(k2td_archive_remove_old(a, 2000 * 1000, err, sizeof(err)), 0);
    CHECK(access(under("old/archive.jsonl.2"), F_OK) != 0);
    CHECK(access(under("old/archive.jsonl.17"), F_OK) != 0);
    CHECK(access(under("old/archive.jsonl.1"), F_OK) == 0);
    CHECK(access(under("old/archive.jsonl.3"), F_OK) == 0);

    /* a gap in the numbers does not stop rotation */
    write_range(a, 4, 1);
    CHECK(access(under("old/archive.jsonl.2"), F_OK) == 0);

    /* everything rotated (.1 and .2: the rotation dropped .3, the oldest),
     * never the current file or other names */
    CHECK(access(under("old/archive.jsonl.3"), F_OK) != 0);
    CHECK_INT(k2td_archive_remove_old(a, INT64_MAX, err, sizeof(err)), 0);
    CHECK(access(under("old/archive.jsonl.1"), F_OK) != 0);
    CHECK(access(under("old/archive.jsonl.2"), F_OK) != 0);
    CHECK(access(under("old/archive.jsonl"), F_OK) == 0);
    for (size_t i = 1; i < 5; i++) CHECK(access(under(others[i]), F_OK) == 0);
    CHECK_INT(k2td_archive_sync(a, err, sizeof(err)), 0);
    write_range(a, 5, 1);
    k2td_archive_close(a);
}

/* Removes the tree under path. */
static void remove_tree(const char *path) {
    char cmd[300];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", path);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", path);
}

static void test_directory_gone(void) {
    char err[512], want[600];
    k2td_archive_t *a = k2td_archive_open(under("gone"), 0, 1, err, sizeof(err));
    CHECK(a != NULL);
    if (!a) return;
    remove_tree(under("gone"));
    CHECK_INT(k2td_archive_remove_old(a, INT64_MAX, err, sizeof(err)), -1);
    snprintf(want, sizeof(want), "archive %s: cannot list: No such file or directory",
             under("gone"));
    CHECK_STR(err, want);
    CHECK_INT(k2td_archive_sync(a, err, sizeof(err)), -1);
    snprintf(want, sizeof(want),
             "archive %s: cannot sync the directory: No such file or directory", under("gone"));
    CHECK_STR(err, want);
    k2td_archive_close(a);
}

/* Checks that opening root/dir fails with the message fmt gives for
 * root/path. */
static void check_open_fails(const char *dir, int rotate_count, const char *fmt,
                             const char *path) {
    char err[512], dir_path[300], want[600];
    snprintf(dir_path, sizeof(dir_path), "%s", under(dir));
    snprintf(want, sizeof(want), fmt, under(path));
    CHECK(k2td_archive_open(dir_path, 100, rotate_count, err, sizeof(err)) == NULL);
    CHECK_STR(err, want);
}

static void test_unusable_directories(void) {
    FILE *f = fopen(under("plain_file"), "w");
    CHECK(f != NULL);
    if (f) fclose(f);
    CHECK_INT(mkdir(under("dir_current"), 0700), 0);
    CHECK_INT(mkdir(under("dir_current/archive.jsonl"), 0700), 0);
    CHECK_INT(mkdir(under("fifo_current"), 0700), 0);
    CHECK_INT(mkfifo(under("fifo_current/archive.jsonl"), 0600), 0);

    /* a parent that is a file; the directory itself a file; archive.jsonl
     * a directory or a FIFO; rotate_count below 1 */
    check_open_fails("plain_file/sub", 1, "archive %s: cannot create directory: Not a directory",
                     "plain_file/sub");
    check_open_fails("plain_file", 1, "archive %s: not a directory", "plain_file");
    check_open_fails("dir_current", 1, "archive %s: cannot open: Is a directory",
                     "dir_current/archive.jsonl");
    check_open_fails("fifo_current", 1, "archive %s: not a regular file",
                     "fifo_current/archive.jsonl");
    check_open_fails("zero", 0, "archive %s: rotate_count must be at least 1", "zero");

    /* no write permission (root is not refused, so only as another user) */
    if (geteuid() != 0) {
        CHECK_INT(mkdir(under("locked"), 0500), 0);
        check_open_fails("locked/a", 1, "archive %s: cannot create directory: Permission denied",
                         "locked/a");
        chmod(under("locked"), 0700);
    }
    k2td_archive_close(NULL);
}

int main(void) {
    const char *tmp = getenv("TMPDIR");
    snprintf(root, sizeof(root), "%s/k2td_archive_XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(root)) {
        perror("mkdtemp");
        return 1;
    }
    umask(022);
    RUN(test_fields_and_modes);
    RUN(test_rotation);
    RUN(test_reopen_appends);
    RUN(test_write_failure_leaves_no_partial_line);
    RUN(test_remove_old);
    RUN(test_unusable_directories);
    RUN(test_directory_gone);
    remove_tree(root);
    return test_finish();
}
