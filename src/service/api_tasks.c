/*
 * api_tasks.c - /api/tasks: create, list, get, update, delete, start, stop,
 * copy and status. A task's definition is exactly what `k2td run` reads
 * (k2td_task_from_json validates it); answers hide its secrets.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/alloc.h"
#include "../common/errstr.h"
#include "../task/taos_dsn.h"
#include "../task/task_file.h"
#include "api.h"
#include "secrets.h"
#include "../common/clock.h"

/* Keys of a TASK answer that a client may send back; they are ignored. */
static const char *const task_readonly[] = {"id", "state", "health", "created_at",
                                            "updated_at", "last_error", "written_rows",
                                            "rate", NULL};

/* Replaces the string obj[key] by fn(its value, arg) when it is a string. */
static void task_rewrite(cJSON *obj, const char *key, char *(*fn)(const char *, const char *),
                         const char *arg) {
    cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!cJSON_IsString(item)) return;
    char *v = fn(item->valuestring, arg);
    cJSON_ReplaceItemInObjectCaseSensitive(obj, key, cJSON_CreateString(v));
    free(v);
}

static char *redact_from(const char *v, const char *unused) {
    return k2td_secret_redact_from(v);
}

static char *redact_to(const char *v, const char *unused) {
    return k2td_secret_redact_to(v);
}

/* Returns the string old[key] or NULL. */
static const char *task_old(const cJSON *old, const char *key) {
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(old, key);
    return cJSON_IsString(item) ? item->valuestring : NULL;
}

void k2td_api_restore_secrets(cJSON *body, const char *old_def) {
    cJSON *old = cJSON_Parse(old_def);
    const char *of = task_old(old, "from"), *ot = task_old(old, "to");
    if (of) task_rewrite(body, "from", k2td_secret_restore_from, of);
    if (ot) task_rewrite(body, "to", k2td_secret_restore_to, ot);
    cJSON_Delete(old);
}

/*
 * Checks the body as a task definition and returns it as stored JSON text
 * (*name gets its name, both for the caller to free). old_def (may be NULL)
 * gives the values of secrets sent back masked. Returns 0, or -1 after
 * answering 400 naming the field.
 */
static int task_def_of(k2td_api_call_t *c, cJSON *body, const char *old_def, char **def,
                       char **name) {
    for (int i = 0; task_readonly[i]; i++)
        cJSON_DeleteItemFromObjectCaseSensitive(body, task_readonly[i]);
    const cJSON *parser = cJSON_GetObjectItemCaseSensitive(body, "parser");
    if (parser && !cJSON_IsObject(parser)) {
        k2td_api_bad(c, "parser", "task.parser: must be a JSON object in the service");
        return -1;
    }
    if (old_def) k2td_api_restore_secrets(body, old_def);
    /* checked with an id, so with_task_id passes: the service gives one */
    cJSON_AddStringToObject(body, "id", "0");
    k2td_task_t task;
    char err[1024], field[128];
    int rc = k2td_task_read(body, NULL, 0, &c->svc->policy, &task, err, sizeof(err));
    cJSON_DeleteItemFromObjectCaseSensitive(body, "id");
    if (rc != 0) {
        k2td_api_bad(c, k2td_api_task_field(err, field, sizeof(field)), err);
        return -1;
    }
    k2td_taos_dsn_t dsn;
    rc = k2td_taos_dsn_parse_as(task.to, &c->svc->policy, &dsn, err, sizeof(err));
    k2td_taos_dsn_clear(&dsn);
    if (rc != 0) {
        k2td_errstr_prefix(err, sizeof(err), "task.to: ");
        k2td_api_bad(c, "to", err);
    } else {
        *name = k2td_strdup(task.name);
        *def = cJSON_PrintUnformatted(body);
    }
    k2td_task_free(&task);
    return rc;
}

/* Returns the metrics m as {"<prefix><name>": n, ..., "<prefix>execute_time": s}. */
static cJSON *task_metrics_json(const k2td_metrics_t *m, const char *prefix) {
    cJSON *o = cJSON_CreateObject();
    char key[96];
    for (int i = 0; i < K2TD_METRIC_COUNT; i++) {
        snprintf(key, sizeof(key), "%s%s", prefix, k2td_metric_names[i]);
        cJSON_AddNumberToObject(o, key, (double)m->v[i]);
    }
    snprintf(key, sizeof(key), "%sexecute_time", prefix);
    cJSON_AddNumberToObject(o, key, (double)m->execute_ms / 1000.0);
    return o;
}

/* The counters of a task: this run (the live one, else the last stored)
 * and the total over all runs. Returns 0 or -1 with errstr. */
static int task_counters(k2td_api_call_t *c, int64_t id, const k2td_task_live_t *live,
                         int running, k2td_metrics_t *run, k2td_metrics_t *total,
                         int64_t *start_ms, char *errstr, size_t errstr_size) {
    k2td_metrics_t last;
    if (k2td_task_store_metrics(c->svc->store, id, total, &last, start_ms, errstr,
                                errstr_size) != 0)
        return -1;
    *run = last;
    if (running) {
        /* the stored row of the live run lags by up to a second */
        memset(run, 0, sizeof(*run));
        run->execute_ms = live->execute_ms;
        k2td_metrics_from_stats(run, &live->stats);
        for (int i = 0; i < K2TD_METRIC_COUNT; i++) total->v[i] += run->v[i] - last.v[i];
        total->execute_ms += run->execute_ms - last.execute_ms;
        *start_ms = live->started_ms;
    }
    return 0;
}

/* Returns the health of a task that is not running. */
static cJSON *task_idle_health(const char *state) {
    return strcmp(state, "failed") == 0 ? cJSON_CreateString("Fatal") : cJSON_CreateNull();
}

/* Adds "last_error" to t: the failure that ended rec's last run, else, when
 * its current or last run (counters run) archived rows and wrote none, that
 * with the count and the newest row error (its origin and reason), else
 * null. */
static void task_last_error(k2td_api_call_t *c, const k2td_task_rec_t *rec,
                            const k2td_metrics_t *run, cJSON *t) {
    char when[32];
    if (rec->last_error) {
        cJSON *e = cJSON_AddObjectToObject(t, "last_error");
        k2td_clock_rfc3339(rec->last_error_ms, when);
        cJSON_AddStringToObject(e, "time", when);
        cJSON_AddStringToObject(e, "message", rec->last_error);
        return;
    }
    uint64_t archived = run->v[K2TD_M_ARCHIVED];
    if (run->v[K2TD_M_WRITTEN] != 0 || archived == 0) {
        cJSON_AddNullToObject(t, "last_error");
        return;
    }
    char err[256];
    cJSON *newest = k2td_task_store_events_json(c->svc->store, rec->id, 1, 1, err, sizeof(err));
    const cJSON *ev = cJSON_GetArrayItem(newest, 0);
    const cJSON *time = cJSON_GetObjectItemCaseSensitive(ev, "time");
    const cJSON *topic = cJSON_GetObjectItemCaseSensitive(ev, "topic");
    const cJSON *part = cJSON_GetObjectItemCaseSensitive(ev, "partition");
    const cJSON *offset = cJSON_GetObjectItemCaseSensitive(ev, "offset");
    const cJSON *msg = cJSON_GetObjectItemCaseSensitive(ev, "message");
    k2td_buf_t b = K2TD_BUF_INIT;
    k2td_buf_printf(&b, "no row written: all %llu rows of the run were archived",
                    (unsigned long long)archived);
    if (cJSON_IsString(topic) && cJSON_IsNumber(part) && cJSON_IsNumber(offset) &&
        cJSON_IsString(msg))
        k2td_buf_printf(&b, "; the newest, %s [%d] offset %.0f: %s", topic->valuestring,
                        part->valueint, offset->valuedouble, msg->valuestring);
    cJSON *e = cJSON_AddObjectToObject(t, "last_error");
    if (cJSON_IsString(time)) {
        cJSON_AddStringToObject(e, "time", time->valuestring);
    } else {
        k2td_clock_rfc3339(k2td_clock_wall_ms(), when);
        cJSON_AddStringToObject(e, "time", when);
    }
    cJSON_AddStringToObject(e, "message", b.data);
    k2td_buf_free(&b);
    cJSON_Delete(newest);
}

/* Returns the TASK object for rec, or NULL after answering 500. */
static cJSON *task_json(k2td_api_call_t *c, const k2td_task_rec_t *rec) {
    cJSON *t = cJSON_Parse(rec->def);
    if (!cJSON_IsObject(t)) {
        cJSON_Delete(t);
        k2td_api_internal(c, "a stored task definition is not JSON");
        return NULL;
    }
    task_rewrite(t, "from", redact_from, NULL);
    task_rewrite(t, "to", redact_to, NULL);
    cJSON_DeleteItemFromObjectCaseSensitive(t, "id");
    cJSON_AddNumberToObject(t, "id", (double)rec->id);
    k2td_task_live_t live;
    int running = k2td_task_manager_live(c->svc->tasks, rec->id, 0, &live);
    cJSON_AddStringToObject(t, "state", rec->state);
    if (running)
        cJSON_AddStringToObject(t, "health", live.health);
    else
        cJSON_AddItemToObject(t, "health", task_idle_health(rec->state));
    char when[32];
    k2td_clock_rfc3339(rec->created_ms, when);
    cJSON_AddStringToObject(t, "created_at", when);
    k2td_clock_rfc3339(rec->updated_ms, when);
    cJSON_AddStringToObject(t, "updated_at", when);
    k2td_metrics_t run, total;
    int64_t start_ms;
    char err[512];
    if (task_counters(c, rec->id, &live, running, &run, &total, &start_ms, err, sizeof(err))) {
        cJSON_Delete(t);
        k2td_api_internal(c, err);
        return NULL;
    }
    task_last_error(c, rec, &run, t);
    cJSON_AddNumberToObject(t, "written_rows", (double)total.v[K2TD_M_WRITTEN]);
    cJSON_AddNumberToObject(t, "rate", running ? live.rate : 0);
    return t;
}

/* Reads the call's task into *rec. Returns 0, or -1 after answering 404
 * (unknown or bad id) or 500. */
static int task_load(k2td_api_call_t *c, k2td_task_rec_t *rec) {
    char err[512];
    int rc = c->match->id < 0 ? K2TD_STORE_NOT_FOUND
                              : k2td_task_store_get(c->svc->store, c->match->id, rec, err,
                                                    sizeof(err));
    if (rc == K2TD_STORE_NOT_FOUND) k2td_api_no_task(c);
    else if (rc != 0) k2td_api_internal(c, err);
    return rc == 0 ? 0 : -1;
}

/* Answers status with the TASK of task id (404 when it is gone). */
static void task_reply(k2td_api_call_t *c, int64_t id, int status) {
    k2td_task_rec_t rec;
    char err[512];
    int rc = k2td_task_store_get(c->svc->store, id, &rec, err, sizeof(err));
    if (rc == K2TD_STORE_NOT_FOUND)
        k2td_api_no_task(c);
    else if (rc != 0)
        k2td_api_internal(c, err);
    else {
        cJSON *t = task_json(c, &rec);
        if (t) k2td_api_reply(c, status, t);
    }
    k2td_task_rec_clear(&rec);
}

/* Answers 409 for a taken name. */
static void task_name_taken(k2td_api_call_t *c, const char *name) {
    k2td_http_error(c->resp, 409, "name", "a task named `%s` already exists", name);
}

void k2td_api_tasks_list(k2td_api_call_t *c) {
    k2td_task_rec_t *recs;
    size_t n;
    if (k2td_api_tasks_read(c, &recs, &n) != 0) return;
    cJSON *doc = cJSON_CreateObject();
    cJSON *arr = cJSON_AddArrayToObject(doc, "tasks");
    for (size_t i = 0; i < n; i++) {
        cJSON *t = task_json(c, &recs[i]);
        if (!t) {
            cJSON_Delete(doc);
            doc = NULL;
            break;
        }
        cJSON_AddItemToArray(arr, t);
    }
    k2td_task_recs_free(recs, n);
    if (doc) k2td_api_reply(c, 200, doc);
}

void k2td_api_task_create(k2td_api_call_t *c) {
    cJSON *body = k2td_api_body(c);
    char *def = NULL, *name = NULL;
    if (!body || task_def_of(c, body, NULL, &def, &name) != 0) goto done;
    int64_t id;
    char err[512];
    int rc = k2td_task_store_insert(c->svc->store, name, def, &id, err, sizeof(err));
    if (rc == K2TD_STORE_CONFLICT)
        task_name_taken(c, name);
    else if (rc != 0)
        k2td_api_store_failed(c, rc, err);
    else
        task_reply(c, id, 201);
done:
    cJSON_Delete(body);
    free(def);
    free(name);
}

void k2td_api_task_get(k2td_api_call_t *c) {
    task_reply(c, c->match->id, 200);
}

/* Answers 409 when the task runs (before doing what); returns running. */
static int task_refuse_running(k2td_api_call_t *c, int running, const char *what) {
    if (running)
        k2td_http_error(c->resp, 409, NULL, "task %lld is running: stop it before %s it",
                        (long long)c->match->id, what);
    return running;
}

/* The update, run under the task manager's lock (ctx is the call). */
static int task_update_locked(void *ctx, int running) {
    k2td_api_call_t *c = ctx;
    if (task_refuse_running(c, running, "changing")) return -1;
    k2td_task_rec_t old;
    char err[512];
    if (task_load(c, &old) != 0) return -1;
    cJSON *body = k2td_api_body(c);
    char *def = NULL, *name = NULL;
    int rc = -1;
    if (body && task_def_of(c, body, old.def, &def, &name) == 0) {
        rc = k2td_task_store_update(c->svc->store, old.id, name, def, err, sizeof(err));
        if (rc == K2TD_STORE_CONFLICT) task_name_taken(c, name);
        else if (rc != 0) k2td_api_store_failed(c, rc, err);
    }
    cJSON_Delete(body);
    free(def);
    free(name);
    k2td_task_rec_clear(&old);
    return rc;
}

void k2td_api_task_update(k2td_api_call_t *c) {
    if (c->match->id < 0) {
        k2td_api_no_task(c);
        return;
    }
    if (k2td_task_manager_with_lock(c->svc->tasks, c->match->id, task_update_locked, c) == 0)
        task_reply(c, c->match->id, 200);
}

/* The delete, run under the task manager's lock (ctx is the call). */
static int task_delete_locked(void *ctx, int running) {
    k2td_api_call_t *c = ctx;
    if (task_refuse_running(c, running, "deleting")) return -1;
    char err[512];
    int rc = k2td_task_store_delete(c->svc->store, c->match->id, err, sizeof(err));
    if (rc == K2TD_STORE_NOT_FOUND) k2td_api_no_task(c);
    else if (rc != 0) k2td_api_store_failed(c, rc, err);
    else k2td_api_reply(c, 204, NULL);
    return rc;
}

void k2td_api_task_delete(k2td_api_call_t *c) {
    if (c->match->id < 0) {
        k2td_api_no_task(c);
        return;
    }
    k2td_task_manager_with_lock(c->svc->tasks, c->match->id, task_delete_locked, c);
}

void k2td_api_task_start(k2td_api_call_t *c) {
    char err[1024];
    int rc = c->match->id < 0 ? K2TD_TM_NOT_FOUND
                              : k2td_task_manager_start(c->svc->tasks, c->match->id, err,
                                                        sizeof(err));
    if (rc == K2TD_TM_NOT_FOUND)
        k2td_api_no_task(c);
    else if (rc == K2TD_TM_CONFLICT)
        k2td_http_error(c->resp, 409, NULL, "task %lld is already running",
                        (long long)c->match->id);
    else if (rc == K2TD_TM_UNWRITABLE)
        k2td_api_store_failed(c, K2TD_STORE_UNWRITABLE, err);
    else if (rc != 0)
        k2td_api_internal(c, err);
    else
        task_reply(c, c->match->id, 200);
}

void k2td_api_task_stop(k2td_api_call_t *c) {
    int rc = c->match->id < 0 ? K2TD_TM_NOT_FOUND
                              : k2td_task_manager_stop(c->svc->tasks, c->match->id);
    if (rc == K2TD_TM_NOT_FOUND)
        k2td_api_no_task(c);
    else if (rc == K2TD_TM_CONFLICT)
        k2td_http_error(c->resp, 409, NULL, "task %lld is not running",
                        (long long)c->match->id);
    else
        task_reply(c, c->match->id, 200);
}

/* Writes into out the first free name of "<name> (copy)", "<name> (copy 2)"...,
 * name cut (at a character boundary) so that the copy's name stays within
 * K2TD_TASK_NAME_MAX. Returns 0, or -1 with errstr. */
static int task_copy_name(k2td_api_call_t *c, const char *name, k2td_buf_t *out, char *errstr,
                          size_t errstr_size) {
    for (int n = 1;; n++) {
        char suffix[32];
        if (n == 1) snprintf(suffix, sizeof(suffix), " (copy)");
        else snprintf(suffix, sizeof(suffix), " (copy %d)", n);
        size_t keep = strlen(name), room = K2TD_TASK_NAME_MAX - strlen(suffix);
        if (keep > room)
            for (keep = room; keep > 0 && ((unsigned char)name[keep] & 0xc0) == 0x80;) keep--;
        k2td_buf_reset(out);
        k2td_buf_printf(out, "%.*s%s", (int)keep, name, suffix);
        int taken = k2td_task_store_name_taken(c->svc->store, out->data, errstr, errstr_size);
        if (taken <= 0) return taken;
    }
}

void k2td_api_task_copy(k2td_api_call_t *c) {
    k2td_task_rec_t rec;
    char err[512];
    int rc = 0;
    if (task_load(c, &rec) != 0) return;
    k2td_buf_t name = K2TD_BUF_INIT;
    cJSON *def = cJSON_Parse(rec.def);
    int64_t id = 0;
    /* a copy made at the same time may take the name first: try again */
    for (int tries = 0; tries < 5 && rc == 0; tries++) {
        if ((rc = task_copy_name(c, rec.name, &name, err, sizeof(err))) != 0) break;
        cJSON_ReplaceItemInObjectCaseSensitive(def, "name", cJSON_CreateString(name.data));
        char *text = cJSON_PrintUnformatted(def);
        rc = k2td_task_store_insert(c->svc->store, name.data, text, &id, err, sizeof(err));
        free(text);
        if (rc != K2TD_STORE_CONFLICT) break;
        rc = 0;
    }
    if (rc == 0 && id > 0)
        task_reply(c, id, 201);
    else
        k2td_api_store_failed(c, rc, rc ? err : "no free name for the copy");
    cJSON_Delete(def);
    k2td_buf_free(&name);
    k2td_task_rec_clear(&rec);
}

void k2td_api_task_status(k2td_api_call_t *c) {
    k2td_task_rec_t rec;
    char err[512];
    if (task_load(c, &rec) != 0) return;
    k2td_task_live_t live;
    int running = k2td_task_manager_live(c->svc->tasks, rec.id, 1, &live);
    k2td_metrics_t run, total;
    int64_t start_ms;
    cJSON *doc = cJSON_CreateObject();
    cJSON_AddNumberToObject(doc, "id", (double)rec.id);
    cJSON_AddStringToObject(doc, "state", rec.state);
    if (running)
        cJSON_AddStringToObject(doc, "health", live.health);
    else
        cJSON_AddItemToObject(doc, "health", task_idle_health(rec.state));
    cJSON *errors = k2td_task_store_events_json(c->svc->store, rec.id, 1, 50, err, sizeof(err));
    cJSON *activity =
        errors ? k2td_task_store_events_json(c->svc->store, rec.id, 0, 200, err, sizeof(err))
               : NULL;
    if (!activity ||
        task_counters(c, rec.id, &live, running, &run, &total, &start_ms, err, sizeof(err))) {
        cJSON_Delete(doc);
        cJSON_Delete(errors);
        cJSON_Delete(activity);
        cJSON_Delete(live.lag);
        k2td_api_internal(c, err);
        k2td_task_rec_clear(&rec);
        return;
    }
    cJSON *r = task_metrics_json(&run, "");
    if (start_ms) {
        char when[32];
        k2td_clock_rfc3339(start_ms, when);
        cJSON_AddStringToObject(r, "start_time", when);
    } else {
        cJSON_AddNullToObject(r, "start_time");
    }
    cJSON_AddItemToObject(doc, "run", r);
    cJSON_AddItemToObject(doc, "total", task_metrics_json(&total, "total_"));
    cJSON_AddItemToObject(doc, "errors", errors);
    cJSON_AddItemToObject(doc, "lag", live.lag ? live.lag : cJSON_CreateArray());
    cJSON_AddItemToObject(doc, "activity", activity);
    k2td_api_reply(c, 200, doc);
    k2td_task_rec_clear(&rec);
}
