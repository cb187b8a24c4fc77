/*
 * log.h - leveled log lines on stderr.
 *
 * One line per event: "2026-11-24T11:40:43.123Z WARN  <message>". Messages
 * must never contain secrets; callers log redacted DSNs only. Control
 * characters in a message (newline, ESC, ...) and bytes that are not UTF-8
 * are written escaped (\n, \x1b), so text from outside (a task's name, a
 * payload) cannot forge a line or reach the terminal as a control sequence.
 */
#ifndef K2TD_LOG_H
#define K2TD_LOG_H

#include <stdint.h>

typedef enum k2td_log_level {
    K2TD_LOG_ERROR = 0,
    K2TD_LOG_WARN,
    K2TD_LOG_INFO,
    K2TD_LOG_DEBUG,
} k2td_log_level_t;

/* Sets the most verbose level that is printed (default INFO); any thread
 * may call it at any time. */
void k2td_log_set_level(k2td_log_level_t level);

/* Returns the level set by k2td_log_set_level. */
k2td_log_level_t k2td_log_get_level(void);

/* Returns "error", "warn", "info" or "debug" ("?" for no level). */
const char *k2td_log_level_name(k2td_log_level_t level);

/* Returns the level named "error", "warn", "info" or "debug"; -1 if unknown. */
int k2td_log_level_from_name(const char *name);

/* Returns non-zero when a message at level would be printed or handed to
 * the calling thread's hook. */
int k2td_log_enabled(k2td_log_level_t level);

/* Receives every line logged on the thread that installed it, at or above
 * its level: time in epoch milliseconds and the message without prefix. */
typedef void (*k2td_log_hook_fn)(void *ctx, k2td_log_level_t level, int64_t time_ms,
                                 const char *message);

/*
 * Installs a hook for the calling thread only (fn NULL removes it): lines of
 * this thread at level or more severe go to fn as well, whatever the global
 * level, and lines printed on stderr get prefix (may be NULL; copied, at most
 * 63 bytes) in front of the message. A service running one task per thread
 * gives each task its own activity log and log level this way.
 */
void k2td_log_set_thread_hook(k2td_log_hook_fn fn, void *ctx, k2td_log_level_t level,
                              const char *prefix);

/* Prints one line at level (a newline is added). Safe from several threads. */
void k2td_log(k2td_log_level_t level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define k2td_log_error(...) k2td_log(K2TD_LOG_ERROR, __VA_ARGS__)
#define k2td_log_warn(...) k2td_log(K2TD_LOG_WARN, __VA_ARGS__)
#define k2td_log_info(...) k2td_log(K2TD_LOG_INFO, __VA_ARGS__)
#define k2td_log_debug(...) \
    do { if (k2td_log_enabled(K2TD_LOG_DEBUG)) k2td_log(K2TD_LOG_DEBUG, __VA_ARGS__); } while (0)

#endif
