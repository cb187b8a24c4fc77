/*
 * api.h - the handlers of the HTTP API (one file per group of routes) and
 * the helpers they share for JSON bodies and answers.
 *
 * Every handler answers through call->resp; an error is
 * {"error": "...", "field": "<JSON path>" | null} with a 4xx/5xx status.
 */
#ifndef K2TD_API_H
#define K2TD_API_H

#include <cJSON.h>

#include "../engine/preview.h"
#include "../task/task_file.h"
#include "service.h"

/* api_session.c */
void k2td_api_health(k2td_api_call_t *c);
void k2td_api_login(k2td_api_call_t *c);
void k2td_api_logout(k2td_api_call_t *c);
void k2td_api_session(k2td_api_call_t *c);

/* api_tasks.c */
void k2td_api_tasks_list(k2td_api_call_t *c);
void k2td_api_task_create(k2td_api_call_t *c);
void k2td_api_task_get(k2td_api_call_t *c);
void k2td_api_task_update(k2td_api_call_t *c);
void k2td_api_task_delete(k2td_api_call_t *c);
void k2td_api_task_start(k2td_api_call_t *c);
void k2td_api_task_stop(k2td_api_call_t *c);
void k2td_api_task_copy(k2td_api_call_t *c);
void k2td_api_task_status(k2td_api_call_t *c);

/* Puts back in body's "from" and "to" (strings) every secret sent masked
 * ("******"), from the stored definition old_def (JSON text), as
 * PUT /api/tasks/{id} does. */
void k2td_api_restore_secrets(cJSON *body, const char *old_def);

/* metrics_prom.c */
void k2td_api_metrics(k2td_api_call_t *c);

/* api_drafts.c */
void k2td_api_check(k2td_api_call_t *c);
void k2td_api_samples(k2td_api_call_t *c);
void k2td_api_samples_upload(k2td_api_call_t *c);
void k2td_api_preview(k2td_api_call_t *c);

/* Parses the body of a draft endpoint (/api/check, /api/samples,
 * /api/preview, /api/target/...) as a JSON object; with "task_id" (a stored
 * task's id), its masked secrets in "from" and "to" are restored from that
 * task. Returns the body (the caller deletes it), or NULL after answering
 * 400, or 404 naming "task_id". */
cJSON *k2td_api_draft_body(k2td_api_call_t *c);

/* Builds the task a draft body describes (its "to", "parser" and optional
 * "from"; the parser may have no model, as only previews use it). Returns 0, or -1 after answering 400 naming the field. */
int k2td_api_draft_task(k2td_api_call_t *c, const cJSON *body, k2td_task_t *task);

/* Reads body.samples (1 to 1000 strings) into a new array the caller frees;
 * the samples point into body. Returns 0, or -1 after answering 400. */
int k2td_api_draft_samples(k2td_api_call_t *c, const cJSON *body, k2td_preview_sample_t **out,
                           size_t *n);

/* Answers why a draft's runtime did not open (400 naming the field, or 502
 * when TDengine failed). */
void k2td_api_runtime_failed(k2td_api_call_t *c, k2td_engine_rc_t rc, const char *err);

/* api_target.c */
void k2td_api_databases(k2td_api_call_t *c);
void k2td_api_database_create(k2td_api_call_t *c);
void k2td_api_stables(k2td_api_call_t *c);
void k2td_api_stable_propose(k2td_api_call_t *c);
void k2td_api_stable_create(k2td_api_call_t *c);

/* api_config.c */
void k2td_api_config(k2td_api_call_t *c);

/* api_uploads.c */
void k2td_api_upload_create(k2td_api_call_t *c);
void k2td_api_uploads_list(k2td_api_call_t *c);
void k2td_api_upload_delete(k2td_api_call_t *c);

/* api_util.c: the shared helpers */

/* Answers status with doc as JSON (doc is consumed; NULL answers no body). */
void k2td_api_reply(k2td_api_call_t *c, int status, cJSON *doc);

/* Answers 400 with errstr naming field. */
void k2td_api_bad(k2td_api_call_t *c, const char *field, const char *errstr);

/* Parses the body as a JSON object. Returns it (the caller deletes it), or
 * NULL after answering 400. */
cJSON *k2td_api_body(k2td_api_call_t *c);

/* Returns the string body[key]: NULL after answering 400 when it is missing
 * (and required) or not a string; NULL without answering when it is absent
 * and optional. */
const char *k2td_api_string(k2td_api_call_t *c, const cJSON *body, const char *key,
                            int required);

/* Reads the optional integer body[key] within [min, max] into *out (def
 * when absent). Returns 0, or -1 after answering 400. */
int k2td_api_int(k2td_api_call_t *c, const cJSON *body, const char *key, long min, long max,
                 long def, long *out);

/* Returns a JSON string of s[0..n): a NUL byte and bytes that are not
 * UTF-8 become \xNN, so the answer is always valid JSON. */
cJSON *k2td_api_text(const char *s, size_t n);

/* Answers 404 "no task with id ..." for the call's {id}. */
void k2td_api_no_task(k2td_api_call_t *c);

/* Answers 500 with errstr (a store failure). */
void k2td_api_internal(k2td_api_call_t *c, const char *errstr);

/* Answers a store failure rc (a K2TD_STORE_ code) with errstr: 503 when the
 * store cannot be written (K2TD_STORE_UNWRITABLE: its disk is full or
 * read-only; nothing was changed and the same call may be made again), else
 * 500. */
void k2td_api_store_failed(k2td_api_call_t *c, int rc, const char *errstr);

/* Sets *recs and *n to every stored task (k2td_task_recs_free) and returns 0,
 * or answers 500 and returns -1. */
int k2td_api_tasks_read(k2td_api_call_t *c, k2td_task_rec_t **recs, size_t *n);

/* Returns the key a configuration message starts with ("key `topics` is
 * required", "unknown key `x`": points at the key, which ends at a
 * backquote), or NULL. */
const char *k2td_api_error_key(const char *msg);

/* Returns the JSON path a task error message names ("task.from: key
 * `topics` ..." -> "from.topics"); field must hold 128 bytes. */
const char *k2td_api_task_field(const char *errstr, char *field, size_t field_size);

#endif
