/*
 * log.c - leveled log lines on stderr (see log.h).
 */
#include "log.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "buf.h"
#include "utf8.h"

/* a k2td_log_level_t; atomic because SIGHUP changes it while threads log */
static atomic_int log_level = K2TD_LOG_INFO;
static const char *const log_names[] = {"ERROR", "WARN ", "INFO ", "DEBUG"};

void k2td_log_set_level(k2td_log_level_t level) {
    atomic_store_explicit(&log_level, (int)level, memory_order_relaxed);
}

k2td_log_level_t k2td_log_get_level(void) {
    return (k2td_log_level_t)atomic_load_explicit(&log_level, memory_order_relaxed);
}

const char *k2td_log_level_name(k2td_log_level_t level) {
    static const char *const names[] = {"error", "warn", "info", "debug"};
    return level >= K2TD_LOG_ERROR && level <= K2TD_LOG_DEBUG ? names[level] : "?";
}

int k2td_log_level_from_name(const char *name) {
    for (int i = K2TD_LOG_ERROR; i <= K2TD_LOG_DEBUG; i++)
        if (strcasecmp(name, k2td_log_level_name((k2td_log_level_t)i)) == 0) return i;
    return -1;
}

/* The calling thread's hook (see k2td_log_set_thread_hook). */
static _Thread_local k2td_log_hook_fn hook_fn;
static _Thread_local void *hook_ctx;
static _Thread_local k2td_log_level_t hook_level;
static _Thread_local char hook_prefix[64];

void k2td_log_set_thread_hook(k2td_log_hook_fn fn, void *ctx, k2td_log_level_t level,
                              const char *prefix) {
    hook_fn = fn;
    hook_ctx = ctx;
    hook_level = level;
    snprintf(hook_prefix, sizeof(hook_prefix), "%s", fn && prefix ? prefix : "");
}

int k2td_log_enabled(k2td_log_level_t level) {
    return level <= k2td_log_get_level() || (hook_fn && level <= hook_level);
}

void k2td_log(k2td_log_level_t level, const char *fmt, ...) {
    if (!k2td_log_enabled(level)) return;
    char line[2048];
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    int n = snprintf(line, sizeof(line), "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ %s %s",
                     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                     tm.tm_sec, ts.tv_nsec / 1000000, log_names[level], hook_prefix);
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    /* the message may carry names and payloads from outside: control
     * characters are escaped so a line cannot forge another or drive the
     * terminal */
    k2td_buf_t esc = K2TD_BUF_INIT;
    k2td_utf8_escape_controls(&esc, msg, strlen(msg));
    snprintf(line + n, sizeof(line) - (size_t)n - 1, "%s", esc.data ? esc.data : "");
    k2td_buf_free(&esc);
    if (hook_fn && level <= hook_level)
        hook_fn(hook_ctx, level, (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000,
                line + n);
    if (level > k2td_log_get_level()) return;
    size_t len = strlen(line);
    line[len++] = '\n';
    /* one write per line so concurrent lines do not interleave */
    fwrite(line, 1, len, stderr);
}
