/*
 * log_reload.c - SIGHUP reloads the log level (see log_reload.h).
 */
#include "log_reload.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

#include "../common/alloc.h"

void k2td_log_reload(const char *file, k2td_log_level_read_fn read, void *ctx) {
    k2td_log_level_t before = k2td_log_get_level(), level;
    char err[1024];
    if (!file) {
        k2td_log_warn("SIGHUP: no file to read the log level from (started without one); "
                      "it stays %s", k2td_log_level_name(before));
        return;
    }
    if (read(ctx, file, &level, err, sizeof(err)) != 0) {
        k2td_log_error("SIGHUP: cannot read the log level again: %s; it stays %s", err,
                       k2td_log_level_name(before));
        return;
    }
    k2td_log_set_level(level);
    /* logged at the more severe of both levels, so that it is seen */
    k2td_log(level < before ? level : before, "SIGHUP: log level %s (was %s), from %s",
             k2td_log_level_name(level), k2td_log_level_name(before), file);
}

void k2td_hup_block(void) {
    sigset_t hup;
    sigemptyset(&hup);
    sigaddset(&hup, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &hup, NULL);
}

struct k2td_hup_watch {
    pthread_t thread;
    atomic_int quit;
    const char *file;
    k2td_log_level_read_fn read;
    void *ctx;
};

/* The watch thread: waits for SIGHUP in 200 ms steps until quit is set. */
static void *hup_watch_main(void *arg) {
    k2td_hup_watch_t *w = arg;
    sigset_t hup;
    sigemptyset(&hup);
    sigaddset(&hup, SIGHUP);
    const struct timespec step = {0, 200 * 1000 * 1000};
    while (!atomic_load(&w->quit))
        if (sigtimedwait(&hup, NULL, &step) == SIGHUP) k2td_log_reload(w->file, w->read, w->ctx);
    return NULL;
}

k2td_hup_watch_t *k2td_hup_watch_start(const char *file, k2td_log_level_read_fn read, void *ctx) {
    k2td_hup_watch_t *w = k2td_calloc(1, sizeof(*w));
    w->file = file;
    w->read = read;
    w->ctx = ctx;
    if (pthread_create(&w->thread, NULL, hup_watch_main, w) != 0) {
        k2td_log_warn("SIGHUP will not reload the log level: cannot start its thread");
        free(w);
        return NULL;
    }
    return w;
}

void k2td_hup_watch_stop(k2td_hup_watch_t *w) {
    if (!w) return;
    atomic_store(&w->quit, 1);
    pthread_join(w->thread, NULL);
    free(w);
}
