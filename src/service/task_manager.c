/*
 * task_manager.c - task threads, their start, stop and bookkeeping (see
 * task_manager.h).
 */
#include "task_manager.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "../common/alloc.h"
#include "../common/clock.h"
#include "../common/errstr.h"
#include "../common/log.h"
#include "../engine/engine_watch.h"
#include "../task/taos_dsn.h"
#include "task_metrics.h"

#define TM_KEEP_ACTIVITY 200
#define TM_KEEP_ERRORS 50
#define TM_KEEPER_PERIOD_MS 1000

/* Events taken from a run's watch that the store did not take yet. */
typedef struct tm_events {
    k2td_watch_event_t *ev; /* owned, oldest first */
    size_t n;
} tm_events_t;

/* One run of one task: owned by the manager's list (or, once ended with
 * its outcome not stored yet, by its list of unsaved runs), its task and
 * engine by its thread until the thread ends. */
typedef struct tm_run {
    struct tm_run *next;
    k2td_task_manager_t *m;
    int64_t id, run_id;
    k2td_task_t task;
    k2td_engine_watch_t *watch;
    volatile sig_atomic_t stop;
    int shutdown;      /* stopped by the service's shutdown: the state stays running */
    int done;          /* the thread saved its outcome (m->lock) */
    int claimed;       /* a thread is joining it (m->lock) */
    pthread_t thread;
    int64_t started_ms, started_mono_ms;
    /* what the store could not take yet, written by the keeper once it can
     * (m->lock): events, and after the thread ended its outcome */
    tm_events_t act, err;
    int store_failing; /* the last save failed (logged once until one succeeds) */
    int unsaved;       /* the outcome below is not stored yet */
    k2td_metrics_t final;
    const char *outcome; /* the run's outcome; state: the task's new state, or NULL */
    const char *state;
    char *error;         /* the task's last error, or NULL */
    int64_t ended_ms;
} tm_run_t;

struct k2td_task_manager {
    k2td_task_store_t *store;
    char *data_dir;
    char *tasks_dir;
    const k2td_dsn_policy_t *policy; /* what the tasks' DSNs may ask for */
    char *target_ca;                 /* the operator's CA file for https targets, or NULL */
    pthread_mutex_t lock;
    pthread_cond_t changed; /* a run left the list, or the keeper must wake */
    tm_run_t *runs;
    tm_run_t *unsaved; /* ended runs whose outcome the store did not take yet */
    int quit;
    pthread_t keeper;
};

/* Returns the run of task id, or NULL (lock held). */
static tm_run_t *tm_find(k2td_task_manager_t *m, int64_t id) {
    for (tm_run_t *r = m->runs; r; r = r->next)
        if (r->id == id) return r;
    return NULL;
}

/* Moves the n events of more (taken over, array and all) to the end of q,
 * keeping only the newest keep. */
static void tm_events_add(tm_events_t *q, k2td_watch_event_t *more, size_t n, size_t keep) {
    if (n) {
        q->ev = k2td_realloc(q->ev, (q->n + n) * sizeof(*q->ev));
        memcpy(q->ev + q->n, more, n * sizeof(*more));
        q->n += n;
    }
    free(more);
    if (q->n <= keep) return;
    size_t drop = q->n - keep;
    for (size_t i = 0; i < drop; i++) {
        free(q->ev[i].message);
        free(q->ev[i].topic);
    }
    memmove(q->ev, q->ev + drop, keep * sizeof(*q->ev));
    q->n = keep;
}

/* Empties q. */
static void tm_events_clear(tm_events_t *q) {
    k2td_watch_events_free(q->ev, q->n);
    q->ev = NULL;
    q->n = 0;
}

/* Stores q as task id's activity (errors 0) or errors (errors 1), then
 * empties it. Returns 0, or the store's failure (q kept; why set). */
static int tm_events_store(k2td_task_manager_t *m, int64_t id, int errors, tm_events_t *q,
                           size_t keep, char *why, size_t why_size) {
    int rc = k2td_task_store_add_events(m->store, id, errors, q->ev, q->n, keep, why, why_size);
    if (rc == 0) tm_events_clear(q);
    return rc;
}

/* Logs when saving the run starts failing (rc non-zero, why) and when it
 * works again; what could not be saved is kept meanwhile. Returns rc. */
static int tm_note_store(tm_run_t *r, int rc, const char *why) {
    if (rc && !r->store_failing)
        k2td_log_warn("task %lld: %s; its counters, events and state are kept and saved once "
                      "the store can be written again", (long long)r->id, why);
    else if (!rc && r->store_failing)
        k2td_log_info("task %lld: the store can be written again: its counters, events and "
                      "state are saved", (long long)r->id);
    r->store_failing = rc != 0;
    return rc;
}

/* Moves the watch's new events to the store, with those it could not take
 * before (lock held). Returns 0 or the store's failure (why set). */
static int tm_save_events(k2td_task_manager_t *m, tm_run_t *r, char *why, size_t why_size) {
    k2td_watch_event_t *act, *err;
    size_t nact, nerr;
    k2td_engine_watch_take_events(r->watch, &act, &nact, &err, &nerr);
    tm_events_add(&r->act, act, nact, TM_KEEP_ACTIVITY);
    tm_events_add(&r->err, err, nerr, TM_KEEP_ERRORS);
    int rc = tm_events_store(m, r->id, 0, &r->act, TM_KEEP_ACTIVITY, why, why_size);
    return rc ? rc : tm_events_store(m, r->id, 1, &r->err, TM_KEEP_ERRORS, why, why_size);
}

/* Saves the run's counters mt (and its outcome when not NULL, ended at
 * ended_ms) with its new events (lock held). Returns 0 or the store's
 * failure (logged once). */
static int tm_save(k2td_task_manager_t *m, tm_run_t *r, const k2td_metrics_t *mt,
                   const char *outcome, int64_t ended_ms) {
    char why[512];
    int rc = k2td_task_store_run_save(m->store, r->run_id, mt, outcome, ended_ms, why,
                                      sizeof(why));
    if (rc == 0) rc = tm_save_events(m, r, why, sizeof(why));
    return tm_note_store(r, rc, why);
}

/* Saves a running run's counters st with its new events (lock held). */
static void tm_save_running(k2td_task_manager_t *m, tm_run_t *r, const k2td_engine_stats_t *st) {
    k2td_metrics_t mt = {.execute_ms = k2td_clock_mono_ms() - r->started_mono_ms};
    k2td_metrics_from_stats(&mt, st);
    tm_save(m, r, &mt, NULL, 0);
}

/* Saves an ended run's outcome: its last counters and events, and the
 * task's new state (lock held). Clears r->unsaved once the store took all. */
static void tm_save_ended(k2td_task_manager_t *m, tm_run_t *r) {
    char why[512];
    int rc = tm_save(m, r, &r->final, r->outcome, r->ended_ms);
    if (rc == 0 && r->state) {
        rc = k2td_task_store_set_state(m->store, r->id, r->state, r->error, why, sizeof(why));
        if (rc == K2TD_STORE_NOT_FOUND) rc = 0; /* deleted meanwhile */
        tm_note_store(r, rc, why);
    }
    r->unsaved = rc != 0;
}

/* The thread of one run: the engine from start to end, then the outcome. */
static void *tm_thread(void *arg) {
    tm_run_t *r = arg;
    k2td_task_manager_t *m = r->m;
    char prefix[48];
    snprintf(prefix, sizeof(prefix), "task %lld: ", (long long)r->id);
    k2td_log_set_thread_hook(k2td_engine_watch_log, r->watch,
                             (k2td_log_level_t)r->task.options.log_level, prefix);
    k2td_engine_opts_t opts = {.watch = r->watch};
    char err[1024] = "";
    k2td_engine_rc_t rc;
    k2td_engine_stats_t st = {0};
    k2td_engine_t *e = k2td_engine_new(&r->task, &opts, &rc, err, sizeof(err));
    int started = e != NULL;
    if (started) {
        rc = k2td_engine_run(e, &r->stop, err, sizeof(err));
        st = *k2td_engine_stats(e);
        k2td_engine_free(e); /* writes nothing more; commits what was confirmed */
    }
    const char *outcome = rc != K2TD_ENGINE_OK ? "failed"
                          : !r->stop           ? "finished"
                          : r->shutdown        ? NULL
                                               : "stopped";
    if (rc != K2TD_ENGINE_OK)
        k2td_log_error("task `%s` %s: %s", r->task.name, started ? "failed" : "cannot start",
                       err);
    else
        k2td_log_info("task `%s` %s: consumed %llu messages, wrote %llu rows", r->task.name,
                      outcome ? outcome : "interrupted by the service's shutdown",
                      (unsigned long long)st.kafka_consumed_messages,
                      (unsigned long long)st.written_rows);
    k2td_log_set_thread_hook(NULL, NULL, K2TD_LOG_ERROR, NULL);
    pthread_mutex_lock(&m->lock);
    r->final = (k2td_metrics_t){.execute_ms = k2td_clock_mono_ms() - r->started_mono_ms};
    k2td_metrics_from_stats(&r->final, &st);
    r->outcome = outcome ? outcome : "interrupted";
    r->state = outcome;
    r->error = outcome && rc != K2TD_ENGINE_OK ? k2td_strdup(err) : NULL;
    r->ended_ms = k2td_clock_wall_ms();
    tm_save_ended(m, r);
    r->done = 1;
    pthread_cond_broadcast(&m->changed);
    pthread_mutex_unlock(&m->lock);
    return NULL;
}

static void tm_run_free(tm_run_t *r) {
    tm_events_clear(&r->act);
    tm_events_clear(&r->err);
    free(r->error);
    k2td_task_free(&r->task);
    k2td_engine_watch_free(r->watch);
    free(r);
}

/* Unlinks r from the list *head. */
static void tm_unlink(tm_run_t **head, tm_run_t *r) {
    for (tm_run_t **p = head; *p; p = &(*p)->next) {
        if (*p == r) {
            *p = r->next;
            break;
        }
    }
}

/* Unlinks r from the list and frees it, or keeps it among the unsaved runs
 * when its outcome is not stored yet; tells waiters (lock held). */
static void tm_remove(k2td_task_manager_t *m, tm_run_t *r) {
    tm_unlink(&m->runs, r);
    if (r->unsaved) {
        r->next = m->unsaved;
        m->unsaved = r;
    } else {
        tm_run_free(r);
    }
    pthread_cond_broadcast(&m->changed);
}

/* Tries again to store the outcomes of the ended runs of task id (any task
 * when id is 0) that the store did not take, freeing those it takes (lock
 * held). Returns 1 when some of them are still not stored. */
static int tm_save_unsaved(k2td_task_manager_t *m, int64_t id) {
    int left = 0;
    for (tm_run_t *r = m->unsaved, *next; r; r = next) {
        next = r->next;
        if (id && r->id != id) continue;
        tm_save_ended(m, r);
        if (r->unsaved) {
            left = 1;
            continue;
        }
        tm_unlink(&m->unsaved, r);
        tm_run_free(r);
    }
    return left;
}

/* Joins r's thread and removes r, or waits until whoever claimed it did
 * (lock held on entry and on return). */
static void tm_join(k2td_task_manager_t *m, tm_run_t *r) {
    if (r->claimed) {
        int64_t id = r->id;
        while (tm_find(m, id) == r) pthread_cond_wait(&m->changed, &m->lock);
        return;
    }
    r->claimed = 1;
    pthread_mutex_unlock(&m->lock);
    pthread_join(r->thread, NULL);
    pthread_mutex_lock(&m->lock);
    tm_remove(m, r);
}

/* The bookkeeping thread: saves running tasks' counters and events every
 * second and joins the threads of tasks that ended by themselves. */
static void *tm_keeper(void *arg) {
    k2td_task_manager_t *m = arg;
    pthread_mutex_lock(&m->lock);
    while (!m->quit) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += TM_KEEPER_PERIOD_MS / 1000;
        pthread_cond_timedwait(&m->changed, &m->lock, &until);
        for (tm_run_t *r = m->runs; r; r = r->next) {
            k2td_engine_stats_t st;
            char why[512];
            if (r->done && r->unsaved) tm_save_ended(m, r);
            else if (r->done) continue;
            else if (k2td_engine_watch_stats(r->watch, &st)) tm_save_running(m, r, &st);
            else tm_note_store(r, tm_save_events(m, r, why, sizeof(why)), why);
        }
        tm_save_unsaved(m, 0);
        tm_run_t *r = m->runs;
        while (r && !(r->done && !r->claimed)) r = r->next;
        if (r) tm_join(m, r); /* one per round; the list may change meanwhile */
    }
    pthread_mutex_unlock(&m->lock);
    return NULL;
}

k2td_task_manager_t *k2td_task_manager_new(k2td_task_store_t *store, const char *data_dir,
                                           const k2td_dsn_policy_t *policy,
                                           const char *target_ca) {
    k2td_task_manager_t *m = k2td_calloc(1, sizeof(*m));
    m->store = store;
    m->policy = policy;
    m->data_dir = k2td_strdup(data_dir);
    m->target_ca = k2td_strdup(target_ca);
    size_t n = strlen(data_dir) + sizeof("/tasks");
    m->tasks_dir = k2td_malloc(n);
    snprintf(m->tasks_dir, n, "%s/tasks", data_dir);
    mkdir(m->tasks_dir, 0700);
    pthread_mutex_init(&m->lock, NULL);
    pthread_cond_init(&m->changed, NULL);
    pthread_create(&m->keeper, NULL, tm_keeper, m);
    return m;
}

void k2td_task_manager_free(k2td_task_manager_t *m) {
    if (!m) return;
    pthread_mutex_lock(&m->lock);
    for (tm_run_t *r = m->runs; r; r = r->next) {
        r->shutdown = 1;
        r->stop = 1;
    }
    while (m->runs) tm_join(m, m->runs);
    if (tm_save_unsaved(m, 0))
        for (tm_run_t *r = m->unsaved; r; r = r->next)
            k2td_log_error("task %lld: its last run's outcome (%s) could not be stored: the "
                           "store cannot be written", (long long)r->id, r->outcome);
    while (m->unsaved) {
        tm_run_t *r = m->unsaved;
        m->unsaved = r->next;
        tm_run_free(r);
    }
    m->quit = 1;
    pthread_cond_broadcast(&m->changed);
    pthread_mutex_unlock(&m->lock);
    pthread_join(m->keeper, NULL);
    pthread_cond_destroy(&m->changed);
    pthread_mutex_destroy(&m->lock);
    free(m->tasks_dir);
    free(m->data_dir);
    free(m->target_ca);
    free(m);
}

/* Builds the runnable task of stored definition def for task id of m,
 * read as an API client's under m's policy: the service's id is the task's
 * id, its files go under <data_dir>/tasks/<id>, and its target's CAs are
 * the operator's. Returns 0 or -1 with errstr. */
static int tm_task(const k2td_task_manager_t *m, const char *def, int64_t id, k2td_task_t *task,
                   char *errstr, size_t errstr_size) {
    const k2td_dsn_policy_t *policy = m->policy;
    cJSON *root = cJSON_Parse(def);
    if (!cJSON_IsObject(root)) {
        cJSON_Delete(root);
        return k2td_errstr_set(errstr, errstr_size, "the stored definition is not JSON");
    }
    char id_text[24];
    snprintf(id_text, sizeof(id_text), "%lld", (long long)id);
    cJSON_DeleteItemFromObjectCaseSensitive(root, "id");
    cJSON_AddStringToObject(root, "id", id_text);
    int rc = k2td_task_read(root, NULL, 0, policy, task, errstr, errstr_size);
    cJSON_Delete(root);
    k2td_taos_dsn_t to = {0};
    if (rc == 0 && (rc = k2td_taos_dsn_parse_as(task->to, policy, &to, errstr, errstr_size)) != 0)
        k2td_task_free(task);
    k2td_taos_dsn_clear(&to);
    if (rc == 0) {
        /* the task's files (its archive) live in the service's data dir */
        free(task->options.data_dir);
        task->options.data_dir = k2td_strdup(m->data_dir);
        task->options.target_ca = k2td_strdup(m->target_ca);
    }
    return rc;
}

/* Creates the task's folder under tasks_dir. */
static void tm_task_dir(k2td_task_manager_t *m, int64_t id) {
    char path[4096];
    snprintf(path, sizeof(path), "%s/%lld", m->tasks_dir, (long long)id);
    if (mkdir(path, 0700) != 0 && errno != EEXIST)
        k2td_log_warn("task %lld: cannot create %s: %s", (long long)id, path, strerror(errno));
}

int k2td_task_manager_start(k2td_task_manager_t *m, int64_t id, char *errstr,
                            size_t errstr_size) {
    pthread_mutex_lock(&m->lock);
    tm_run_t *r = tm_find(m, id);
    if (r && r->done) tm_join(m, r); /* ended by itself, not reaped yet */
    int rc = 0;
    k2td_task_rec_t rec = {0};
    if (tm_find(m, id)) {
        rc = K2TD_TM_CONFLICT;
        goto done;
    }
    /* the outcome of an earlier run goes first, or it would overwrite this
     * run's state later */
    if (tm_save_unsaved(m, id)) {
        k2td_errstr_set(errstr, errstr_size,
                        "task %lld: the store cannot be written (the last run's outcome is "
                        "not stored yet): try again once its disk has room and is writable",
                        (long long)id);
        rc = K2TD_TM_UNWRITABLE;
        goto done;
    }
    int got = k2td_task_store_get(m->store, id, &rec, errstr, errstr_size);
    if (got != 0) {
        rc = got == K2TD_STORE_NOT_FOUND ? K2TD_TM_NOT_FOUND : K2TD_TM_ERROR;
        goto done;
    }
    r = k2td_calloc(1, sizeof(*r));
    r->m = m;
    r->id = id;
    if (tm_task(m, rec.def, id, &r->task, errstr, errstr_size) != 0) {
        k2td_task_store_set_state(m->store, id, "failed", errstr, NULL, 0);
        tm_run_free(r);
        rc = K2TD_TM_ERROR;
        goto done;
    }
    tm_task_dir(m, id);
    r->started_ms = k2td_clock_wall_ms();
    r->started_mono_ms = k2td_clock_mono_ms();
    int src = k2td_task_store_run_begin(m->store, id, r->started_ms, &r->run_id, errstr,
                                        errstr_size);
    if (src == 0) src = k2td_task_store_set_state(m->store, id, "running", NULL, errstr,
                                                  errstr_size);
    if (src != 0) {
        tm_run_free(r);
        rc = src == K2TD_STORE_UNWRITABLE ? K2TD_TM_UNWRITABLE : K2TD_TM_ERROR;
        goto done;
    }
    k2td_health_limits_t limits;
    k2td_health_limits_from_conf(&r->task.kafka, &limits);
    r->watch = k2td_engine_watch_new(&limits);
    r->next = m->runs;
    m->runs = r;
    pthread_create(&r->thread, NULL, tm_thread, r);
done:
    pthread_mutex_unlock(&m->lock);
    k2td_task_rec_clear(&rec);
    return rc;
}

int k2td_task_manager_stop(k2td_task_manager_t *m, int64_t id) {
    pthread_mutex_lock(&m->lock);
    tm_run_t *r = tm_find(m, id);
    int rc = 0;
    if (r) {
        r->stop = 1;
        tm_join(m, r);
    } else {
        k2td_task_rec_t rec;
        rc = k2td_task_store_get(m->store, id, &rec, NULL, 0) == 0 ? K2TD_TM_CONFLICT
                                                                   : K2TD_TM_NOT_FOUND;
        k2td_task_rec_clear(&rec);
    }
    pthread_mutex_unlock(&m->lock);
    return rc;
}

int k2td_task_manager_resume(k2td_task_manager_t *m) {
    k2td_task_rec_t *recs;
    size_t n;
    char err[1024];
    if (k2td_task_store_list(m->store, &recs, &n, err, sizeof(err)) != 0) {
        k2td_log_error("cannot resume tasks: %s", err);
        return 0;
    }
    int started = 0;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(recs[i].state, "running") != 0) continue;
        if (k2td_task_manager_start(m, recs[i].id, err, sizeof(err)) == 0) {
            k2td_log_info("task %lld (`%s`) resumed", (long long)recs[i].id, recs[i].name);
            started++;
        } else {
            k2td_log_error("task %lld (`%s`) cannot resume: %s", (long long)recs[i].id,
                           recs[i].name, err);
        }
    }
    k2td_task_recs_free(recs, n);
    return started;
}

int k2td_task_manager_with_lock(k2td_task_manager_t *m, int64_t id,
                                int (*fn)(void *ctx, int running), void *ctx) {
    pthread_mutex_lock(&m->lock);
    tm_run_t *r = tm_find(m, id);
    int rc = fn(ctx, r && !r->done);
    pthread_mutex_unlock(&m->lock);
    return rc;
}

int k2td_task_manager_live(k2td_task_manager_t *m, int64_t id, int detail,
                           k2td_task_live_t *out) {
    memset(out, 0, sizeof(*out));
    pthread_mutex_lock(&m->lock);
    tm_run_t *r = tm_find(m, id);
    int running = r && !r->done;
    if (running) {
        out->health = k2td_engine_watch_health(r->watch);
        out->rate = k2td_engine_watch_rate(r->watch);
        k2td_engine_watch_stats(r->watch, &out->stats);
        out->started_ms = r->started_ms;
        out->execute_ms = k2td_clock_mono_ms() - r->started_mono_ms;
        if (detail) {
            /* after the counters: every event logged before them is saved */
            char why[512];
            tm_note_store(r, tm_save_events(m, r, why, sizeof(why)), why);
            out->lag = k2td_engine_watch_lag_json(r->watch);
        }
    }
    pthread_mutex_unlock(&m->lock);
    return running;
}

int k2td_task_manager_running(k2td_task_manager_t *m) {
    int n = 0;
    pthread_mutex_lock(&m->lock);
    for (tm_run_t *r = m->runs; r; r = r->next) n += !r->done;
    pthread_mutex_unlock(&m->lock);
    return n;
}
