/*
 * log_reload.h - SIGHUP sets the log level again from the file the process
 * was started with (the task file of `k2td run`, the --config file of
 * `k2td serve`), without a restart. Only the log level changes; every other
 * setting needs a restart.
 */
#ifndef K2TD_LOG_RELOAD_H
#define K2TD_LOG_RELOAD_H

#include <stddef.h>

#include "../common/log.h"

/* Reads the log level the file names now. Returns 0 with *level set, or -1
 * with errstr (never a secret). */
typedef int (*k2td_log_level_read_fn)(void *ctx, const char *file, k2td_log_level_t *level,
                                      char *errstr, size_t errstr_size);

/* Reads file's log level with read and sets it, logging the change, or why
 * the level stays (file NULL: the process was started without one; the
 * file cannot be read or is invalid). */
void k2td_log_reload(const char *file, k2td_log_level_read_fn read, void *ctx);

typedef struct k2td_hup_watch k2td_hup_watch_t;

/* Blocks SIGHUP in the calling thread, so in every thread it starts
 * afterwards; call it before any thread starts. */
void k2td_hup_block(void);

/* Starts a thread that calls k2td_log_reload(file, read, ctx) on every
 * SIGHUP (blocked by k2td_hup_block). file and ctx must outlive the watch.
 * Returns the watch, or NULL when the thread cannot start (logged; SIGHUP
 * then stays blocked and does nothing). */
k2td_hup_watch_t *k2td_hup_watch_start(const char *file, k2td_log_level_read_fn read, void *ctx);

/* Stops the thread (within ~200 ms) and frees the watch; NULL is fine. */
void k2td_hup_watch_stop(k2td_hup_watch_t *w);

#endif
