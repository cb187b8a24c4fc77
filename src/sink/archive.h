/*
 * archive.h - the task's archive: rows set aside instead of written.
 *
 * When a row policy says "archive" (see src/task/write_policy.h), the
 * message the row came from is appended to the task's archive, a directory
 * of JSON-lines files, so nothing is lost and the user can replay or inspect
 * it. One line per record (archive_line.h has the exact form):
 *
 *   {"time":"2025-11-25T08:00:00.123Z","topic":"meters","partition":0,
 *    "offset":42,"reason":"column `ts`: ...","table":"d_1","payload":"{...}"}
 *
 * with "payload_base64" in place of "payload" when the payload is not UTF-8
 * text or holds a NUL byte.
 *
 * Files: the current file is <dir>/archive.jsonl. When the next line would
 * take it past max_file_bytes, it is renamed archive.jsonl.1 (the older .1
 * becoming .2, and so on; the file that would become .<rotate_count + 1> is
 * deleted) and a new archive.jsonl is started. A line is never split, so a
 * line longer than max_file_bytes gets a file of its own. Opening a directory
 * that already holds an archive appends to it (a restarted task continues
 * its archive). The directory is created (with its missing parents) with
 * mode 0700, the files with 0600: payloads may hold anything.
 *
 * Durability: each record is one write(2) straight to the file, so it is in
 * the kernel when k2td_archive_write returns; k2td_archive_sync makes it
 * durable (fsync of the file, and of the directory after a rotation), and
 * the engine calls it before storing the offsets of archived rows. A failed
 * write leaves no partial line behind.
 *
 * An archive belongs to one task and is used by one thread at a time.
 */
#ifndef K2TD_ARCHIVE_H
#define K2TD_ARCHIVE_H

#include <stddef.h>
#include <stdint.h>

typedef struct k2td_archive k2td_archive_t;

/* One archived row. Everything is borrowed for the duration of the call. */
typedef struct k2td_archive_record {
    const char *topic;    /* the message's topic (NULL is written as "") */
    int32_t partition;
    int64_t offset;       /* the message's offset */
    const char *reason;   /* why it was archived: the policy's error text (NULL: "") */
    const void *payload;  /* the message value as received (may be NULL when len is 0) */
    size_t payload_len;
    const char *table;    /* the child table it was meant for, or NULL when unknown */
    int64_t time_ms;      /* when it was archived, epoch milliseconds */
} k2td_archive_record_t;

/* Opens (creating as needed) the archive in dir. max_file_bytes is the size
 * at which the current file is rotated (0 = never rotate); rotate_count >= 1
 * is how many rotated files are kept. Returns the archive (the caller closes
 * it with k2td_archive_close), or NULL with errstr naming the path that could
 * not be created or opened and why. */
k2td_archive_t *k2td_archive_open(const char *dir, uint64_t max_file_bytes, int rotate_count,
                                  char *errstr, size_t errstr_size);

/* Appends rec as one line, rotating first when the line would not fit.
 * Returns 0, or -1 with errstr naming the file and the reason ("archive
 * /d/archive.jsonl: cannot write: No space left on device"); the file then
 * holds no part of the line, and the next write tries again (reopening the
 * file if a rotation failed half-way). */
int k2td_archive_write(k2td_archive_t *a, const k2td_archive_record_t *rec, char *errstr,
                       size_t errstr_size);

/* Makes every record written so far durable: fsync of the current file, and
 * of the directory when a file was created or renamed since the last sync.
 * Returns 0, or -1 with errstr naming the path. */
int k2td_archive_sync(k2td_archive_t *a, char *errstr, size_t errstr_size);

/* Deletes the rotated files (archive.jsonl.1, .2, ... whatever their
 * number; never the current file) last modified before older_than_ms
 * (epoch milliseconds): the engine passes now - keep_days for
 * archive.keep_days (at start and now and then), and INT64_MAX to free space
 * when a write failed under archive.on_fail = rotate. Returns 0, or -1 with
 * errstr naming the directory or the file that could not be deleted. */
int k2td_archive_remove_old(k2td_archive_t *a, int64_t older_than_ms, char *errstr,
                            size_t errstr_size);

/* Returns how many records this handle has written since it was opened. */
uint64_t k2td_archive_records(const k2td_archive_t *a);

/* Returns the path of the current file (owned by the archive). */
const char *k2td_archive_path(const k2td_archive_t *a);

/* Closes the archive (NULL is fine). Records not synced are left to the
 * kernel to write back; call k2td_archive_sync first to be sure. */
void k2td_archive_close(k2td_archive_t *a);

#endif
