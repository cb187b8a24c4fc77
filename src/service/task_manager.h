/*
 * task_manager.h - runs the service's tasks: one thread per running task,
 * start, stop, resume after a restart, and the view of a running task.
 *
 * Concurrency: a task thread owns its engine (k2td_engine_run on that
 * thread); other threads see it only through its k2td_engine_watch_t. The
 * manager's mutex guards the list of runs and is held only briefly; a stop
 * sets the task's stop flag and joins its thread without holding it. One
 * bookkeeping thread saves, every second, each run's counters, activity and
 * errors to the store, and joins the threads of tasks that ended by
 * themselves. The stored state is the truth for the API: a task thread
 * writes "running" before it starts and its outcome (finished, failed,
 * stopped) when it ends; at shutdown the outcome is not written, so the
 * state stays "running" and the next start resumes the task.
 *
 * Each task's log lines go to its activity log at the task's own
 * options.log_level (a thread hook, common/log.h); stderr keeps the
 * service's level.
 */
#ifndef K2TD_TASK_MANAGER_H
#define K2TD_TASK_MANAGER_H

#include <cJSON.h>
#include <stdint.h>

#include "../engine/engine.h"
#include "../task/dsn_policy.h"
#include "task_store.h"

/* Results besides 0 */
#define K2TD_TM_ERROR (-1)
#define K2TD_TM_NOT_FOUND (-2)
#define K2TD_TM_CONFLICT (-3) /* running (start, update, delete) or not running (stop) */
#define K2TD_TM_UNWRITABLE (-4) /* the store cannot be written (K2TD_STORE_UNWRITABLE) */

typedef struct k2td_task_manager k2td_task_manager_t;

/* A running task as the API shows it. */
typedef struct k2td_task_live {
    const char *health;       /* static text */
    double rate;              /* rows written per second, last health window */
    k2td_engine_stats_t stats;/* this run's counters */
    int64_t started_ms;       /* epoch ms */
    int64_t execute_ms;       /* how long this run has been running */
    cJSON *lag;               /* owned by the caller; NULL unless asked */
} k2td_task_live_t;

/* Returns a manager for store (which must outlive it, as must policy);
 * task folders are made under data_dir/tasks; every task's definition is
 * read as an API client's, under policy, and checks an https target's
 * certificate against the CAs of the operator's target_ca (copied; NULL:
 * the system's store). Starts the bookkeeping thread. */
k2td_task_manager_t *k2td_task_manager_new(k2td_task_store_t *store, const char *data_dir,
                                           const k2td_dsn_policy_t *policy,
                                           const char *target_ca);

/* Stops every task (their stored state stays "running"), ends the
 * bookkeeping thread and frees m (NULL is fine). */
void k2td_task_manager_free(k2td_task_manager_t *m);

/* Starts task id. Returns 0, NOT_FOUND, CONFLICT (running), UNWRITABLE or ERROR with
 * errstr (the stored definition no longer loads: the task is marked
 * failed). */
int k2td_task_manager_start(k2td_task_manager_t *m, int64_t id, char *errstr,
                            size_t errstr_size);

/* Stops task id and waits until its engine wrote its open batch and
 * committed. Returns 0, NOT_FOUND or CONFLICT (not running). */
int k2td_task_manager_stop(k2td_task_manager_t *m, int64_t id);

/* Starts every task whose stored state is "running". Returns how many. */
int k2td_task_manager_resume(k2td_task_manager_t *m);

/* Runs fn(ctx, running) while no task can be started, where running says
 * whether task id runs now; returns what fn returns. Update and delete use
 * it so a start cannot slip in between their check and their change. */
int k2td_task_manager_with_lock(k2td_task_manager_t *m, int64_t id,
                                int (*fn)(void *ctx, int running), void *ctx);

/* Fills *out for task id when it runs. With detail (the status view) it also
 * fills the lag list and moves the run's new events to the store after
 * reading the counters, so every event logged before the counters in *out
 * is in the store for the events read next.
 * Returns 1 when it runs, 0 when not. */
int k2td_task_manager_live(k2td_task_manager_t *m, int64_t id, int detail,
                           k2td_task_live_t *out);

/* Returns the number of running tasks. */
int k2td_task_manager_running(k2td_task_manager_t *m);

#endif
