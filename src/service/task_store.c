/*
 * task_store.c - the SQLite store of the service (see task_store.h).
 */
#include "task_store.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../common/alloc.h"
#include "../common/buf.h"
#include "../common/errstr.h"
#include "../common/clock.h"

#define STORE_SCHEMA_VERSION 1

static const char store_schema[] =
    "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS tasks (id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " name TEXT NOT NULL UNIQUE, def TEXT NOT NULL, state TEXT NOT NULL,"
    " created_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL, last_error TEXT,"
    " last_error_ms INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE IF NOT EXISTS runs (id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " task_id INTEGER NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,"
    " started_ms INTEGER NOT NULL, ended_ms INTEGER, outcome TEXT,"
    " execute_ms INTEGER NOT NULL DEFAULT 0, m0 INTEGER NOT NULL DEFAULT 0,"
    " m1 INTEGER NOT NULL DEFAULT 0, m2 INTEGER NOT NULL DEFAULT 0, m3 INTEGER NOT NULL DEFAULT 0,"
    " m4 INTEGER NOT NULL DEFAULT 0, m5 INTEGER NOT NULL DEFAULT 0, m6 INTEGER NOT NULL DEFAULT 0,"
    " m7 INTEGER NOT NULL DEFAULT 0, m8 INTEGER NOT NULL DEFAULT 0, m9 INTEGER NOT NULL DEFAULT 0,"
    " m10 INTEGER NOT NULL DEFAULT 0, m11 INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX IF NOT EXISTS runs_task ON runs(task_id, id);"
    "CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " task_id INTEGER NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,"
    " is_error INTEGER NOT NULL, time_ms INTEGER NOT NULL, level INTEGER NOT NULL,"
    " message TEXT NOT NULL, topic TEXT, part INTEGER, off INTEGER);"
    "CREATE INDEX IF NOT EXISTS events_task ON events(task_id, is_error, id);"
    "CREATE TABLE IF NOT EXISTS admin (user TEXT NOT NULL, salt BLOB NOT NULL,"
    " hash BLOB NOT NULL, iterations INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS uploads (id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " name TEXT NOT NULL, size INTEGER NOT NULL, created_ms INTEGER NOT NULL);";

/* Every statement the store runs, prepared once. */
enum {
    Q_INSERT, Q_GET, Q_LIST, Q_UPDATE, Q_DELETE, Q_SET_STATE, Q_NAME_TAKEN, Q_RUN_BEGIN,
    Q_RUN_SAVE, Q_TOTALS, Q_LAST_RUN, Q_EVENT_ADD, Q_EVENT_TRIM, Q_EVENTS, Q_ADMIN_GET,
    Q_ADMIN_DEL, Q_ADMIN_ADD, Q_UPLOAD_ADD, Q_UPLOADS, Q_UPLOAD_NAME, Q_UPLOAD_DEL, Q_COUNT
};

static const char *const store_sql[Q_COUNT] = {
    [Q_INSERT] = "INSERT INTO tasks (name, def, state, created_ms, updated_ms)"
                 " VALUES (?1, ?2, 'created', ?3, ?3)",
    [Q_GET] = "SELECT id, name, def, state, last_error, created_ms, updated_ms, last_error_ms"
              " FROM tasks WHERE id = ?1",
    [Q_LIST] = "SELECT id, name, def, state, last_error, created_ms, updated_ms, last_error_ms"
               " FROM tasks ORDER BY id",
    [Q_UPDATE] = "UPDATE tasks SET name = ?2, def = ?3, updated_ms = ?4 WHERE id = ?1",
    [Q_DELETE] = "DELETE FROM tasks WHERE id = ?1",
    [Q_SET_STATE] = "UPDATE tasks SET state = ?2,"
                    " last_error = CASE WHEN ?3 IS NOT NULL THEN ?3"
                    "  WHEN ?2 = 'running' THEN NULL ELSE last_error END,"
                    " last_error_ms = CASE WHEN ?3 IS NOT NULL THEN ?4 ELSE last_error_ms END"
                    " WHERE id = ?1",
    [Q_NAME_TAKEN] = "SELECT 1 FROM tasks WHERE name = ?1",
    [Q_RUN_BEGIN] = "INSERT INTO runs (task_id, started_ms) VALUES (?1, ?2)",
    [Q_RUN_SAVE] = "UPDATE runs SET execute_ms = ?2, m0 = ?3, m1 = ?4, m2 = ?5, m3 = ?6,"
                   " m4 = ?7, m5 = ?8, m6 = ?9, m7 = ?10, m8 = ?11, m9 = ?12, m10 = ?13,"
                   " m11 = ?14, outcome = coalesce(?15, outcome),"
                   " ended_ms = CASE WHEN ?15 IS NOT NULL THEN ?16 ELSE ended_ms END"
                   " WHERE id = ?1",
    [Q_TOTALS] = "SELECT total(execute_ms), total(m0), total(m1), total(m2), total(m3),"
                 " total(m4), total(m5), total(m6), total(m7), total(m8), total(m9),"
                 " total(m10), total(m11), 0 FROM runs WHERE task_id = ?1",
    [Q_LAST_RUN] = "SELECT execute_ms, m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11,"
                   " started_ms FROM runs WHERE task_id = ?1 ORDER BY id DESC LIMIT 1",
    [Q_EVENT_ADD] = "INSERT INTO events (task_id, is_error, time_ms, level, message, topic,"
                    " part, off) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    [Q_EVENT_TRIM] = "DELETE FROM events WHERE task_id = ?1 AND is_error = ?2 AND id <="
                     " (SELECT id FROM events WHERE task_id = ?1 AND is_error = ?2"
                     "  ORDER BY id DESC LIMIT 1 OFFSET ?3)",
    [Q_EVENTS] = "SELECT time_ms, level, message, topic, part, off FROM events"
                 " WHERE task_id = ?1 AND is_error = ?2 ORDER BY id DESC LIMIT ?3",
    [Q_ADMIN_GET] = "SELECT user, salt, hash, iterations FROM admin LIMIT 1",
    [Q_ADMIN_DEL] = "DELETE FROM admin",
    [Q_ADMIN_ADD] = "INSERT INTO admin (user, salt, hash, iterations) VALUES (?1, ?2, ?3, ?4)",
    [Q_UPLOAD_ADD] = "INSERT INTO uploads (name, size, created_ms) VALUES (?1, ?2, ?3)",
    [Q_UPLOADS] = "SELECT id, name, size, created_ms FROM uploads ORDER BY id",
    [Q_UPLOAD_NAME] = "SELECT name FROM uploads WHERE id = ?1",
    [Q_UPLOAD_DEL] = "DELETE FROM uploads WHERE id = ?1",
};

struct k2td_task_store {
    sqlite3 *db;
    char *path;
    pthread_mutex_t lock;
    sqlite3_stmt *stmts[Q_COUNT];
};

/* Sets errstr from the connection's last error. Returns
 * K2TD_STORE_UNWRITABLE when the file could not be written (disk full,
 * read-only, an I/O error: errstr names the file and the system's reason),
 * else K2TD_STORE_ERROR. */
static int store_fail(k2td_task_store_t *s, const char *what, char *errstr,
                      size_t errstr_size) {
    int code = sqlite3_errcode(s->db), sys = sqlite3_system_errno(s->db);
    if (code == SQLITE_FULL || code == SQLITE_READONLY || code == SQLITE_IOERR ||
        code == SQLITE_CANTOPEN) {
        char why[160] = "";
        if (sys) snprintf(why, sizeof(why), " (%s)", strerror(sys));
        k2td_errstr_set(errstr, errstr_size,
                        "store %s cannot be written: %s: %s%s; nothing was changed: try again "
                        "once its disk has room and is writable",
                        s->path, what, sqlite3_errmsg(s->db), why);
        return K2TD_STORE_UNWRITABLE;
    }
    k2td_errstr_set(errstr, errstr_size, "store: %s: %s", what, sqlite3_errmsg(s->db));
    return K2TD_STORE_ERROR;
}

/* Runs sql (no results). Returns 0 or ERROR. */
static int store_exec(k2td_task_store_t *s, const char *sql, char *errstr, size_t errstr_size) {
    if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return store_fail(s, sql, errstr, errstr_size);
    return 0;
}

/* Locks the store and returns statement q, reset and with its bindings
 * cleared. */
static sqlite3_stmt *store_begin(k2td_task_store_t *s, int q) {
    pthread_mutex_lock(&s->lock);
    sqlite3_stmt *st = s->stmts[q];
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return st;
}

/* Resets st and unlocks the store; returns rc. */
static int store_end(k2td_task_store_t *s, sqlite3_stmt *st, int rc) {
    sqlite3_reset(st);
    pthread_mutex_unlock(&s->lock);
    return rc;
}

/* Ends a statement that filled the JSON array arr row by row, step being
 * the last sqlite3_step() result. Returns arr, or NULL (arr released, errstr
 * naming what) when the rows did not all come. */
static cJSON *store_end_array(k2td_task_store_t *s, sqlite3_stmt *st, int step, cJSON *arr,
                              const char *what, char *errstr, size_t errstr_size) {
    if (step != SQLITE_DONE) {
        cJSON_Delete(arr);
        arr = NULL;
        store_fail(s, what, errstr, errstr_size);
    }
    store_end(s, st, 0);
    return arr;
}

/* Returns the statement q without locking (inside a held lock). */
static sqlite3_stmt *store_stmt(k2td_task_store_t *s, int q) {
    sqlite3_stmt *st = s->stmts[q];
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return st;
}

k2td_task_store_t *k2td_task_store_open(const char *path, char *errstr, size_t errstr_size) {
    k2td_task_store_t *s = k2td_calloc(1, sizeof(*s));
    pthread_mutex_init(&s->lock, NULL);
    s->path = k2td_strdup(path);
    mode_t old = umask(077);
    int rc = sqlite3_open_v2(path, &s->db,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                             NULL);
    umask(old);
    if (rc != SQLITE_OK) {
        k2td_errstr_set(errstr, errstr_size, "store %s: %s", path,
                        s->db ? sqlite3_errmsg(s->db) : "cannot open");
        goto fail;
    }
    sqlite3_busy_timeout(s->db, 5000);
    if (store_exec(s, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                      "PRAGMA foreign_keys=ON;", errstr, errstr_size) ||
        store_exec(s, "BEGIN IMMEDIATE", errstr, errstr_size))
        goto fail;
    if (store_exec(s, store_schema, errstr, errstr_size)) {
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        goto fail;
    }
    sqlite3_stmt *v = NULL;
    int version = 0;
    if (sqlite3_prepare_v2(s->db, "SELECT max(version) FROM schema_version", -1, &v, NULL) ==
            SQLITE_OK &&
        sqlite3_step(v) == SQLITE_ROW)
        version = sqlite3_column_int(v, 0);
    sqlite3_finalize(v);
    if (version > STORE_SCHEMA_VERSION) {
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        k2td_errstr_set(errstr, errstr_size,
                        "store %s: schema version %d is newer than this k2td knows (%d)", path,
                        version, STORE_SCHEMA_VERSION);
        goto fail;
    }
    if ((version == 0 && store_exec(s, "INSERT INTO schema_version VALUES (1)", errstr,
                                    errstr_size)) ||
        store_exec(s, "COMMIT", errstr, errstr_size))
        goto fail;
    for (int q = 0; q < Q_COUNT; q++) {
        if (sqlite3_prepare_v3(s->db, store_sql[q], -1, SQLITE_PREPARE_PERSISTENT, &s->stmts[q],
                               NULL) != SQLITE_OK) {
            store_fail(s, store_sql[q], errstr, errstr_size);
            goto fail;
        }
    }
    chmod(path, 0600);
    return s;
fail:
    k2td_task_store_close(s);
    return NULL;
}

void k2td_task_store_close(k2td_task_store_t *s) {
    if (!s) return;
    for (int q = 0; q < Q_COUNT; q++) sqlite3_finalize(s->stmts[q]);
    sqlite3_close(s->db);
    free(s->path);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

/* Returns column i as a new string (NULL for SQL NULL). */
static char *col_text(sqlite3_stmt *st, int i) {
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? k2td_strdup((const char *)t) : NULL;
}

/* Steps a statement that changes rows. Returns 0, CONFLICT on a UNIQUE
 * violation, NOT_FOUND when no row changed (want_change), or ERROR. */
static int store_change(k2td_task_store_t *s, sqlite3_stmt *st, int want_change,
                        const char *what, char *errstr, size_t errstr_size) {
    int rc = sqlite3_step(st);
    if (rc == SQLITE_CONSTRAINT) return K2TD_STORE_CONFLICT;
    if (rc != SQLITE_DONE) return store_fail(s, what, errstr, errstr_size);
    if (want_change && sqlite3_changes(s->db) == 0) return K2TD_STORE_NOT_FOUND;
    return 0;
}

int k2td_task_store_insert(k2td_task_store_t *s, const char *name, const char *def, int64_t *id,
                           char *errstr, size_t errstr_size) {
    sqlite3_stmt *st = store_begin(s, Q_INSERT);
    sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, def, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 3, k2td_clock_wall_ms());
    int rc = store_change(s, st, 0, "insert task", errstr, errstr_size);
    if (rc == 0) *id = sqlite3_last_insert_rowid(s->db);
    return store_end(s, st, rc);
}

/* Reads the current row of a Q_GET/Q_LIST statement. */
static void read_rec(sqlite3_stmt *st, k2td_task_rec_t *rec) {
    rec->id = sqlite3_column_int64(st, 0);
    rec->name = col_text(st, 1);
    rec->def = col_text(st, 2);
    rec->state = col_text(st, 3);
    rec->last_error = col_text(st, 4);
    rec->created_ms = sqlite3_column_int64(st, 5);
    rec->updated_ms = sqlite3_column_int64(st, 6);
    rec->last_error_ms = sqlite3_column_int64(st, 7);
}

int k2td_task_store_get(k2td_task_store_t *s, int64_t id, k2td_task_rec_t *rec, char *errstr,
                        size_t errstr_size) {
    memset(rec, 0, sizeof(*rec));
    sqlite3_stmt *st = store_begin(s, Q_GET);
    sqlite3_bind_int64(st, 1, id);
    int step = sqlite3_step(st), rc = 0;
    if (step == SQLITE_ROW)
        read_rec(st, rec);
    else if (step == SQLITE_DONE)
        rc = K2TD_STORE_NOT_FOUND;
    else
        rc = store_fail(s, "read task", errstr, errstr_size);
    return store_end(s, st, rc);
}

int k2td_task_store_list(k2td_task_store_t *s, k2td_task_rec_t **recs, size_t *n,
                         char *errstr, size_t errstr_size) {
    *recs = NULL;
    *n = 0;
    size_t cap = 0;
    sqlite3_stmt *st = store_begin(s, Q_LIST);
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            *recs = k2td_realloc(*recs, cap * sizeof(**recs));
        }
        read_rec(st, &(*recs)[(*n)++]);
    }
    int rc = step == SQLITE_DONE ? 0 : store_fail(s, "list tasks", errstr, errstr_size);
    return store_end(s, st, rc);
}

int k2td_task_store_update(k2td_task_store_t *s, int64_t id, const char *name, const char *def,
                           char *errstr, size_t errstr_size) {
    sqlite3_stmt *st = store_begin(s, Q_UPDATE);
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, name, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, def, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 4, k2td_clock_wall_ms());
    return store_end(s, st, store_change(s, st, 1, "update task", errstr, errstr_size));
}

int k2td_task_store_delete(k2td_task_store_t *s, int64_t id, char *errstr, size_t errstr_size) {
    sqlite3_stmt *st = store_begin(s, Q_DELETE);
    sqlite3_bind_int64(st, 1, id);
    return store_end(s, st, store_change(s, st, 1, "delete task", errstr, errstr_size));
}

int k2td_task_store_set_state(k2td_task_store_t *s, int64_t id, const char *state,
                              const char *error, char *errstr, size_t errstr_size) {
    sqlite3_stmt *st = store_begin(s, Q_SET_STATE);
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, state, -1, SQLITE_TRANSIENT);
    if (error) sqlite3_bind_text(st, 3, error, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 4, k2td_clock_wall_ms());
    return store_end(s, st, store_change(s, st, 1, "set task state", errstr, errstr_size));
}

int k2td_task_store_name_taken(k2td_task_store_t *s, const char *name, char *errstr,
                               size_t errstr_size) {
    sqlite3_stmt *st = store_begin(s, Q_NAME_TAKEN);
    sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
    int step = sqlite3_step(st);
    int rc = step == SQLITE_ROW    ? 1
             : step == SQLITE_DONE ? 0
                                   : store_fail(s, "look up name", errstr, errstr_size);
    return store_end(s, st, rc);
}

int k2td_task_store_run_begin(k2td_task_store_t *s, int64_t task_id, int64_t started_ms,
                              int64_t *run_id, char *errstr, size_t errstr_size) {
    sqlite3_stmt *st = store_begin(s, Q_RUN_BEGIN);
    sqlite3_bind_int64(st, 1, task_id);
    sqlite3_bind_int64(st, 2, started_ms);
    int rc = store_change(s, st, 0, "begin run", errstr, errstr_size);
    if (rc == 0) *run_id = sqlite3_last_insert_rowid(s->db);
    return store_end(s, st, rc);
}

int k2td_task_store_run_save(k2td_task_store_t *s, int64_t run_id, const k2td_metrics_t *m,
                             const char *outcome, int64_t ended_ms, char *errstr,
                             size_t errstr_size) {
    sqlite3_stmt *st = store_begin(s, Q_RUN_SAVE);
    sqlite3_bind_int64(st, 1, run_id);
    sqlite3_bind_int64(st, 2, m->execute_ms);
    for (int i = 0; i < K2TD_METRIC_COUNT; i++)
        sqlite3_bind_int64(st, 3 + i, (sqlite3_int64)m->v[i]);
    if (outcome) sqlite3_bind_text(st, 15, outcome, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 16, ended_ms);
    return store_end(s, st, store_change(s, st, 0, "save run", errstr, errstr_size));
}

/* Reads execute_ms and the metrics from columns 0..12 of st. */
static void read_metrics(sqlite3_stmt *st, k2td_metrics_t *m) {
    m->execute_ms = sqlite3_column_int64(st, 0);
    for (int i = 0; i < K2TD_METRIC_COUNT; i++)
        m->v[i] = (uint64_t)sqlite3_column_double(st, 1 + i);
}

int k2td_task_store_metrics(k2td_task_store_t *s, int64_t task_id, k2td_metrics_t *total,
                            k2td_metrics_t *last, int64_t *last_start_ms, char *errstr,
                            size_t errstr_size) {
    memset(total, 0, sizeof(*total));
    memset(last, 0, sizeof(*last));
    *last_start_ms = 0;
    sqlite3_stmt *st = store_begin(s, Q_TOTALS);
    sqlite3_bind_int64(st, 1, task_id);
    int rc = 0;
    if (sqlite3_step(st) == SQLITE_ROW) {
        read_metrics(st, total);
        total->execute_ms = (int64_t)sqlite3_column_double(st, 0);
    } else {
        rc = store_fail(s, "sum runs", errstr, errstr_size);
    }
    sqlite3_reset(st);
    st = store_stmt(s, Q_LAST_RUN);
    sqlite3_bind_int64(st, 1, task_id);
    int step = rc == 0 ? sqlite3_step(st) : SQLITE_DONE;
    if (step == SQLITE_ROW) {
        read_metrics(st, last);
        *last_start_ms = sqlite3_column_int64(st, 13);
    } else if (step != SQLITE_DONE) {
        rc = store_fail(s, "read last run", errstr, errstr_size);
    }
    return store_end(s, st, rc);
}

int k2td_task_store_add_events(k2td_task_store_t *s, int64_t task_id, int errors,
                               const k2td_watch_event_t *ev, size_t n, size_t keep,
                               char *errstr, size_t errstr_size) {
    if (!n) return 0;
    pthread_mutex_lock(&s->lock);
    int rc = store_exec(s, "BEGIN", errstr, errstr_size);
    for (size_t i = 0; i < n && rc == 0; i++) {
        sqlite3_stmt *st = store_stmt(s, Q_EVENT_ADD);
        sqlite3_bind_int64(st, 1, task_id);
        sqlite3_bind_int(st, 2, errors);
        sqlite3_bind_int64(st, 3, ev[i].time_ms);
        sqlite3_bind_int(st, 4, (int)ev[i].level);
        sqlite3_bind_text(st, 5, ev[i].message, -1, SQLITE_TRANSIENT);
        if (ev[i].topic) {
            sqlite3_bind_text(st, 6, ev[i].topic, -1, SQLITE_TRANSIENT);
            sqlite3_bind_int(st, 7, ev[i].partition);
            sqlite3_bind_int64(st, 8, ev[i].offset);
        }
        rc = store_change(s, st, 0, "add event", errstr, errstr_size);
        sqlite3_reset(st);
    }
    if (rc == 0) {
        sqlite3_stmt *st = store_stmt(s, Q_EVENT_TRIM);
        sqlite3_bind_int64(st, 1, task_id);
        sqlite3_bind_int(st, 2, errors);
        sqlite3_bind_int64(st, 3, (sqlite3_int64)keep);
        rc = store_change(s, st, 0, "trim events", errstr, errstr_size);
        sqlite3_reset(st);
    }
    /* a task deleted meanwhile: its events are not wanted */
    if (rc == K2TD_STORE_CONFLICT) rc = 0;
    if (rc == 0) rc = store_exec(s, "COMMIT", errstr, errstr_size);
    if (rc != 0) sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    pthread_mutex_unlock(&s->lock);
    return rc;
}

cJSON *k2td_task_store_events_json(k2td_task_store_t *s, int64_t task_id, int errors,
                                   size_t limit, char *errstr, size_t errstr_size) {
    static const char *const levels[] = {"error", "warn", "info", "debug"};
    sqlite3_stmt *st = store_begin(s, Q_EVENTS);
    sqlite3_bind_int64(st, 1, task_id);
    sqlite3_bind_int(st, 2, errors);
    sqlite3_bind_int64(st, 3, (sqlite3_int64)limit);
    cJSON *arr = cJSON_CreateArray();
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        cJSON *e = cJSON_CreateObject();
        char when[32];
        k2td_clock_rfc3339(sqlite3_column_int64(st, 0), when);
        cJSON_AddStringToObject(e, "time", when);
        int level = sqlite3_column_int(st, 1);
        if (!errors) cJSON_AddStringToObject(e, "level", levels[level & 3]);
        if (errors && sqlite3_column_type(st, 3) != SQLITE_NULL) {
            cJSON_AddStringToObject(e, "topic", (const char *)sqlite3_column_text(st, 3));
            cJSON_AddNumberToObject(e, "partition", sqlite3_column_int(st, 4));
            cJSON_AddNumberToObject(e, "offset", (double)sqlite3_column_int64(st, 5));
        } else if (errors) {
            cJSON_AddNullToObject(e, "topic");
            cJSON_AddNullToObject(e, "partition");
            cJSON_AddNullToObject(e, "offset");
        }
        cJSON_AddStringToObject(e, "message", (const char *)sqlite3_column_text(st, 2));
        cJSON_AddItemToArray(arr, e);
    }
    return store_end_array(s, st, step, arr, "read events", errstr, errstr_size);
}

int k2td_task_store_admin_get(k2td_task_store_t *s, k2td_admin_cred_t *c, char *errstr,
                              size_t errstr_size) {
    memset(c, 0, sizeof(*c));
    sqlite3_stmt *st = store_begin(s, Q_ADMIN_GET);
    int step = sqlite3_step(st), rc = K2TD_STORE_NOT_FOUND;
    if (step == SQLITE_ROW && sqlite3_column_bytes(st, 1) == (int)sizeof(c->salt) &&
        sqlite3_column_bytes(st, 2) == (int)sizeof(c->hash)) {
        snprintf(c->user, sizeof(c->user), "%s", (const char *)sqlite3_column_text(st, 0));
        memcpy(c->salt, sqlite3_column_blob(st, 1), sizeof(c->salt));
        memcpy(c->hash, sqlite3_column_blob(st, 2), sizeof(c->hash));
        c->iterations = sqlite3_column_int(st, 3);
        rc = 0;
    } else if (step != SQLITE_ROW && step != SQLITE_DONE) {
        rc = store_fail(s, "read credentials", errstr, errstr_size);
    }
    return store_end(s, st, rc);
}

int k2td_task_store_admin_set(k2td_task_store_t *s, const k2td_admin_cred_t *c, char *errstr,
                              size_t errstr_size) {
    pthread_mutex_lock(&s->lock);
    int rc = store_exec(s, "BEGIN", errstr, errstr_size);
    if (rc == 0) {
        sqlite3_stmt *st = store_stmt(s, Q_ADMIN_DEL);
        rc = store_change(s, st, 0, "replace credentials", errstr, errstr_size);
        sqlite3_reset(st);
    }
    if (rc == 0) {
        sqlite3_stmt *st = store_stmt(s, Q_ADMIN_ADD);
        sqlite3_bind_text(st, 1, c->user, -1, SQLITE_TRANSIENT);
        sqlite3_bind_blob(st, 2, c->salt, sizeof(c->salt), SQLITE_TRANSIENT);
        sqlite3_bind_blob(st, 3, c->hash, sizeof(c->hash), SQLITE_TRANSIENT);
        sqlite3_bind_int(st, 4, c->iterations);
        rc = store_change(s, st, 0, "store credentials", errstr, errstr_size);
        sqlite3_reset(st);
    }
    if (rc == 0) rc = store_exec(s, "COMMIT", errstr, errstr_size);
    if (rc != 0) sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    pthread_mutex_unlock(&s->lock);
    return rc;
}

int k2td_task_store_upload_add(k2td_task_store_t *s, const char *name, int64_t size,
                               int64_t *id, char *errstr, size_t errstr_size) {
    sqlite3_stmt *st = store_begin(s, Q_UPLOAD_ADD);
    sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, size);
    sqlite3_bind_int64(st, 3, k2td_clock_wall_ms());
    int rc = store_change(s, st, 0, "add upload", errstr, errstr_size);
    if (rc == 0) *id = sqlite3_last_insert_rowid(s->db);
    return store_end(s, st, rc);
}

cJSON *k2td_task_store_uploads_json(k2td_task_store_t *s, char *errstr, size_t errstr_size) {
    sqlite3_stmt *st = store_begin(s, Q_UPLOADS);
    cJSON *arr = cJSON_CreateArray();
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        cJSON *u = cJSON_CreateObject();
        char when[32];
        k2td_clock_rfc3339(sqlite3_column_int64(st, 3), when);
        cJSON_AddNumberToObject(u, "id", (double)sqlite3_column_int64(st, 0));
        cJSON_AddStringToObject(u, "name", (const char *)sqlite3_column_text(st, 1));
        cJSON_AddNumberToObject(u, "size", (double)sqlite3_column_int64(st, 2));
        cJSON_AddStringToObject(u, "created_at", when);
        cJSON_AddItemToArray(arr, u);
    }
    return store_end_array(s, st, step, arr, "list uploads", errstr, errstr_size);
}

int k2td_task_store_upload_delete(k2td_task_store_t *s, int64_t id, char **name, char *errstr,
                                  size_t errstr_size) {
    *name = NULL;
    pthread_mutex_lock(&s->lock);
    sqlite3_stmt *st = store_stmt(s, Q_UPLOAD_NAME);
    sqlite3_bind_int64(st, 1, id);
    int step = sqlite3_step(st), rc = 0;
    if (step == SQLITE_ROW)
        *name = col_text(st, 0);
    else
        rc = step == SQLITE_DONE ? K2TD_STORE_NOT_FOUND
                                 : store_fail(s, "find upload", errstr, errstr_size);
    sqlite3_reset(st);
    if (rc == 0) {
        st = store_stmt(s, Q_UPLOAD_DEL);
        sqlite3_bind_int64(st, 1, id);
        rc = store_change(s, st, 1, "delete upload", errstr, errstr_size);
        sqlite3_reset(st);
    }
    if (rc != 0) {
        free(*name);
        *name = NULL;
    }
    pthread_mutex_unlock(&s->lock);
    return rc;
}

void k2td_task_rec_clear(k2td_task_rec_t *rec) {
    free(rec->name);
    free(rec->def);
    free(rec->state);
    free(rec->last_error);
    memset(rec, 0, sizeof(*rec));
}

void k2td_task_recs_free(k2td_task_rec_t *recs, size_t n) {
    for (size_t i = 0; i < n; i++) k2td_task_rec_clear(&recs[i]);
    free(recs);
}
