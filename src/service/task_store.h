/*
 * task_store.h - the service's state in SQLite: tasks, their runs with
 * counters, activity lines and errors, the admin credentials and uploads.
 *
 * One connection in WAL mode behind one mutex: every call is one
 * transaction, so a request either fully applies or changes nothing, and
 * calls from the HTTP threads, the task threads and the bookkeeping thread
 * never interleave. Statements are prepared once and reused. The file holds
 * task definitions with their secrets: it is created 0600 in a 0700 folder.
 *
 * Cumulative counters are the sum over a task's runs; a running task's run
 * row is refreshed every second, so a crash loses at most that much count.
 *
 * A call that cannot write (the disk is full or read-only) changes nothing
 * and returns K2TD_STORE_UNWRITABLE wherever ERROR is listed below; reads
 * go on working.
 */
#ifndef K2TD_TASK_STORE_H
#define K2TD_TASK_STORE_H

#include <stddef.h>
#include <stdint.h>

#include <cJSON.h>

#include "../engine/engine_watch.h"
#include "task_metrics.h"

typedef struct k2td_task_store k2td_task_store_t;

/* Results besides 0 (done). */
#define K2TD_STORE_ERROR (-1)     /* SQLite failed: errstr says how */
#define K2TD_STORE_NOT_FOUND (-2) /* no such id */
#define K2TD_STORE_CONFLICT (-3)  /* the name is taken */
#define K2TD_STORE_UNWRITABLE (-4) /* the file cannot be written (disk full, read-only,
                                    * I/O error): nothing changed, errstr names the file */

typedef struct k2td_task_rec {
    int64_t id;
    char *name;
    char *def;        /* the task definition as JSON text, secrets included */
    char *state;      /* created, running, stopped, finished, failed */
    char *last_error; /* NULL when none */
    int64_t created_ms, updated_ms, last_error_ms;
} k2td_task_rec_t;

/* Opens (creating or upgrading) the store at path. Returns it, or NULL with
 * errstr saying why. */
k2td_task_store_t *k2td_task_store_open(const char *path, char *errstr, size_t errstr_size);

/* Closes the store (NULL is fine). */
void k2td_task_store_close(k2td_task_store_t *s);

/* Inserts a task in state created; *id gets its id. Returns 0, CONFLICT
 * when the name is taken, or ERROR. */
int k2td_task_store_insert(k2td_task_store_t *s, const char *name, const char *def, int64_t *id,
                           char *errstr, size_t errstr_size);

/* Fills *rec (release with k2td_task_rec_clear). Returns 0, NOT_FOUND or
 * ERROR. */
int k2td_task_store_get(k2td_task_store_t *s, int64_t id, k2td_task_rec_t *rec, char *errstr,
                        size_t errstr_size);

/* Sets *recs to every task ordered by id (release with
 * k2td_task_recs_free). Returns 0 or ERROR. */
int k2td_task_store_list(k2td_task_store_t *s, k2td_task_rec_t **recs, size_t *n,
                         char *errstr, size_t errstr_size);

/* Replaces a task's name and definition. Returns 0, NOT_FOUND, CONFLICT or
 * ERROR. */
int k2td_task_store_update(k2td_task_store_t *s, int64_t id, const char *name, const char *def,
                           char *errstr, size_t errstr_size);

/* Deletes a task with its runs, activity and errors. Returns 0, NOT_FOUND
 * or ERROR. */
int k2td_task_store_delete(k2td_task_store_t *s, int64_t id, char *errstr, size_t errstr_size);

/* Sets a task's state; error (may be NULL) becomes its last error, and the
 * state "running" clears it. Returns 0, NOT_FOUND or ERROR. */
int k2td_task_store_set_state(k2td_task_store_t *s, int64_t id, const char *state,
                              const char *error, char *errstr, size_t errstr_size);

/* Returns 1 when a task is named name, 0 when none, ERROR on failure. */
int k2td_task_store_name_taken(k2td_task_store_t *s, const char *name, char *errstr,
                               size_t errstr_size);

/* Starts a run of task_id at started_ms; *run_id gets its id. Returns 0 or
 * ERROR. */
int k2td_task_store_run_begin(k2td_task_store_t *s, int64_t task_id, int64_t started_ms,
                              int64_t *run_id, char *errstr, size_t errstr_size);

/* Saves a run's counters; a non-NULL outcome ends it at ended_ms. Returns 0
 * or ERROR. */
int k2td_task_store_run_save(k2td_task_store_t *s, int64_t run_id, const k2td_metrics_t *m,
                             const char *outcome, int64_t ended_ms, char *errstr,
                             size_t errstr_size);

/* Fills *total with the sum over task_id's runs and *last with its latest
 * run (*last_start_ms 0 when it never ran). Returns 0 or ERROR. */
int k2td_task_store_metrics(k2td_task_store_t *s, int64_t task_id, k2td_metrics_t *total,
                            k2td_metrics_t *last, int64_t *last_start_ms, char *errstr,
                            size_t errstr_size);

/* Appends events to task_id's activity (errors 0) or errors (errors 1) and
 * keeps only the newest keep. Returns 0 or ERROR. */
int k2td_task_store_add_events(k2td_task_store_t *s, int64_t task_id, int errors,
                               const k2td_watch_event_t *ev, size_t n, size_t keep,
                               char *errstr, size_t errstr_size);

/* Returns a JSON array of task_id's activity or errors, newest first, at
 * most limit: {"time","level","message"} or {"time","topic","partition",
 * "offset","message"}; NULL with errstr on failure. */
cJSON *k2td_task_store_events_json(k2td_task_store_t *s, int64_t task_id, int errors,
                                   size_t limit, char *errstr, size_t errstr_size);

/* The admin's credentials: a PBKDF2-SHA256 hash with its salt. */
typedef struct k2td_admin_cred {
    char user[128];
    unsigned char salt[16];
    unsigned char hash[32];
    int iterations;
} k2td_admin_cred_t;

/* Fills *c. Returns 0, NOT_FOUND (never set) or ERROR. */
int k2td_task_store_admin_get(k2td_task_store_t *s, k2td_admin_cred_t *c, char *errstr,
                              size_t errstr_size);

/* Replaces the credentials. Returns 0 or ERROR. */
int k2td_task_store_admin_set(k2td_task_store_t *s, const k2td_admin_cred_t *c, char *errstr,
                              size_t errstr_size);

/* Records an upload; *id gets its id. Returns 0 or ERROR. */
int k2td_task_store_upload_add(k2td_task_store_t *s, const char *name, int64_t size,
                               int64_t *id, char *errstr, size_t errstr_size);

/* Returns a JSON array of uploads {"id","name","size","created_at"} by id,
 * or NULL with errstr. */
cJSON *k2td_task_store_uploads_json(k2td_task_store_t *s, char *errstr, size_t errstr_size);

/* Deletes upload id; *name (caller frees) gets its name. Returns 0,
 * NOT_FOUND or ERROR. */
int k2td_task_store_upload_delete(k2td_task_store_t *s, int64_t id, char **name, char *errstr,
                                  size_t errstr_size);

/* Releases what rec owns and zeroes it. */
void k2td_task_rec_clear(k2td_task_rec_t *rec);

/* Releases an array from k2td_task_store_list. */
void k2td_task_recs_free(k2td_task_rec_t *recs, size_t n);

#endif
