#include "engine.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../common/alloc.h"
#include "../common/log.h"
#include "../sink/schema_load.h"
#include "../sink/sink_writer.h"
#include "../source/kafka_source.h"
#include "broker_wait.h"
#include "engine_watch.h"
#include "preview.h"
#include "row_policy.h"
#include "runtime.h"

#define ENGINE_POLL_MS 100
/* A batch is written once its payloads reach this many bytes, whatever
 * batch_size says: with messages of megabytes, batch_size messages would
 * hold gigabytes (librdkafka's prefetch bound counts only the messages it
 * still queues, not those handed over). 10,000 canonical messages of 130
 * bytes stay far below it; 10 MB messages make batches of two. */
#define ENGINE_BATCH_MAX_BYTES (16u << 20)
/* how many of the first batch's messages the run's name check reads, and
 * the largest it takes: a preview holds every field of its samples as JSON,
 * several times their size, so megabyte messages are left out */
#define ENGINE_LINT_SAMPLES 10
#define ENGINE_LINT_MAX_BYTES (64u << 10)
/* how often "still waiting for partitions" is logged */
#define ENGINE_WAIT_LOG_MS 10000

struct k2td_engine {
    const k2td_task_t *task;
    k2td_engine_opts_t opts;
    k2td_runtime_t rt;
    k2td_kafka_source_t *source;
    volatile sig_atomic_t *stop;
    int64_t stop_seen_ms; /* when a request in flight first saw *stop; 0 before */

    rd_kafka_message_t **msgs; /* the open batch, owned */
    size_t nmsgs;
    size_t nbytes;              /* the open batch's payload bytes */
    rd_kafka_message_t **carry; /* arrived while paused: next batch */
    size_t ncarry;
    rd_kafka_message_t **carried; /* the carry being added to a new batch (engine_flush) */
    k2td_rowset_t rows;  /* parsed rows of the open batch */
    k2td_rowset_t rows2; /* the other buffer of the mutate stages */
    uint64_t epoch;

    k2td_row_policy_t *policy;  /* settles refused rows */
    k2td_target_t *writing;     /* the target whose batch the sink writes */
    uint8_t *row_state;         /* per row and model of the batch: an engine_row_state_t */
    size_t row_state_cap;
    int broke;                  /* a row policy said break: fatal[] says why */
    int gave_up;                /* waiting for the archive was cut short: drop the batch */
    int linted;                 /* the first batch's names were checked (engine_lint) */
    char fatal[512];

    k2td_engine_stats_t stats;
    int64_t started_ms;
    int64_t first_msg_ms; /* 0 until the first message */
    int64_t last_status_ms;
    uint64_t last_status_msgs;
    int64_t waiting_since_ms; /* since when no partition is held; 0 while some are */
    int64_t waiting_logged_ms;
};

static int64_t engine_now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int engine_archive_backoff(void *ctx, int *wait_ms, const char *reason);

static const char *engine_topic(const rd_kafka_message_t *m) {
    return rd_kafka_topic_name(m->rkt);
}

/* The REST client's abort hook: a request in flight is given up once a stop
 * was requested more than the task's stop_timeout ago. Returns non-zero
 * then. */
static int engine_abort_request(void *ctx) {
    k2td_engine_t *e = ctx;
    if (!e->stop || !*e->stop) return 0;
    int64_t now = engine_now_ms();
    if (!e->stop_seen_ms) e->stop_seen_ms = now;
    return now - e->stop_seen_ms >= e->task->options.stop_timeout_ms;
}

k2td_engine_t *k2td_engine_new(const k2td_task_t *task, const k2td_engine_opts_t *opts,
                               k2td_engine_rc_t *rc, char *errstr, size_t errstr_size) {
    k2td_engine_t *e = k2td_calloc(1, sizeof(*e));
    e->task = task;
    e->opts = *opts;
    k2td_rowset_init(&e->rows);
    k2td_rowset_init(&e->rows2);
    e->msgs = k2td_calloc((size_t)task->kafka.batch_size, sizeof(*e->msgs));
    e->carry = k2td_calloc((size_t)task->kafka.batch_size, sizeof(*e->carry));
    e->carried = k2td_calloc((size_t)task->kafka.batch_size, sizeof(*e->carried));
    /* the consumer first: a bad librdkafka property is a configuration
     * error, reported before anything is contacted */
    e->source = k2td_kafka_source_new(&task->kafka, task->id, errstr, errstr_size);
    if (!e->source) {
        *rc = K2TD_ENGINE_CONFIG;
        goto fail;
    }
    const k2td_rest_opts_t ro = {.timeout_ms = task->parser.policy.connection_timeout_s * 1000L,
                                 .abort = engine_abort_request,
                                 .abort_ctx = e};
    *rc = k2td_runtime_open(&e->rt, task, &ro, errstr, errstr_size);
    if (*rc != K2TD_ENGINE_OK) goto fail;
    k2td_buf_t dir = K2TD_BUF_INIT;
    k2td_buf_printf(&dir, "%s/tasks/%s", task->options.data_dir, task->id ? task->id : task->name);
    e->policy = k2td_row_policy_new(&task->parser.policy, dir.data, e->rt.rest,
                                    engine_archive_backoff, e);
    k2td_buf_free(&dir);
    return e;
fail:
    k2td_engine_free(e);
    return NULL;
}

const k2td_engine_stats_t *k2td_engine_stats(const k2td_engine_t *e) {
    return &e->stats;
}

/* Logs a payload snippet safely: printable ASCII kept, the rest as \xNN. */
static void engine_snippet(const rd_kafka_message_t *m, char *out, size_t size) {
    const unsigned char *p = m->payload;
    size_t o = 0;
    for (size_t i = 0; i < m->len && o + 5 < size; i++) {
        if (i == 96) {
            o += (size_t)snprintf(out + o, size - o, "...");
            break;
        }
        if (p[i] >= 0x20 && p[i] < 0x7f && p[i] != '\\')
            out[o++] = (char)p[i];
        else
            o += (size_t)snprintf(out + o, size - o, "\\x%02x", p[i]);
    }
    out[o < size ? o : size - 1] = '\0';
}

static k2td_row_verdict_t engine_settle(k2td_engine_t *e, size_t msg_index,
                                        const k2td_map_outcome_t *o, const k2td_target_t *t,
                                        int may_alter, const char *reason);

/* Parses message m (index i of the batch) into the rowset; a malformed
 * payload is logged with its topic/partition/offset and settled by the
 * ingesting_error policy (archived by default). */
static void engine_parse(k2td_engine_t *e, const rd_kafka_message_t *m, size_t i) {
    char err[256];
    int n = k2td_runtime_parse(&e->rt, m->payload, m->len, i, &e->rows, err, sizeof(err));
    if (n < 0) {
        char snip[512];
        engine_snippet(m, snip, sizeof(snip));
        e->stats.malformed_messages++;
        k2td_log_warn("malformed message %s [%d] offset %lld: %s; payload: %s", engine_topic(m),
                      (int)m->partition, (long long)m->offset, err, snip);
        k2td_map_outcome_t o = {.fault = K2TD_FAULT_DATA};
        engine_settle(e, i, &o, NULL, 0, err);
        return;
    }
    e->stats.parsed_rows += (uint64_t)n;
}

static void engine_add(k2td_engine_t *e, rd_kafka_message_t *m) {
    e->msgs[e->nmsgs] = m;
    engine_parse(e, m, e->nmsgs);
    e->nmsgs++;
    e->nbytes += m->len;
    e->stats.kafka_consumed_messages++;
}

/* Frees the open batch's messages and rows. */
static void engine_clear_batch(k2td_engine_t *e) {
    for (size_t i = 0; i < e->nmsgs; i++) rd_kafka_message_destroy(e->msgs[i]);
    e->nmsgs = 0;
    e->nbytes = 0;
    k2td_rowset_reset(&e->rows);
    k2td_rowset_reset(&e->rows2);
    k2td_router_reset(e->rt.router);
    k2td_target_set_reset(e->rt.targets);
}

/* Drops the unwritten batch, given up after a rebalance or a stop request,
 * so it is read again (by this process or the partitions' next owner). */
static void engine_abandon(k2td_engine_t *e) {
    if (e->nmsgs)
        k2td_log_info("%s: %zu unwritten message(s) will be read again",
                      *e->stop ? "stopping" : "partitions were revoked", e->nmsgs);
    k2td_kafka_source_rewind(e->source, e->msgs, e->nmsgs);
    engine_clear_batch(e);
    for (size_t i = 0; i < e->ncarry; i++) rd_kafka_message_destroy(e->carry[i]);
    e->ncarry = 0;
    e->gave_up = 0;
    e->epoch = k2td_kafka_source_epoch(e->source);
}

/* Settles, by the task's policies, a row of message msg_index that cannot
 * be written as it is (outcome o, for target t or NULL). Returns the
 * verdict; a break is kept in e->broke/e->fatal for the batch to stop. */
static k2td_row_verdict_t engine_settle(k2td_engine_t *e, size_t msg_index,
                                        const k2td_map_outcome_t *o, const k2td_target_t *t,
                                        int may_alter, const char *reason) {
    const rd_kafka_message_t *m = e->msgs[msg_index];
    k2td_row_origin_t origin = {engine_topic(m), m->partition, m->offset, m->payload, m->len};
    k2td_row_verdict_t v = k2td_row_policy_settle(e->policy, o, t, may_alter, &origin, reason,
                                                  e->fatal, sizeof(e->fatal));
    if (v == K2TD_ROW_BREAK) e->broke = 1;
    if (v == K2TD_ROW_GIVE_UP) e->gave_up = 1;
    return v;
}

/* The sink's hook for a row TDengine refused: ingesting_error decides. */
static void engine_row_failed(void *ctx, size_t origin, const char *table, const char *reason) {
    k2td_engine_t *e = ctx;
    char why[640];
    snprintf(why, sizeof(why), "TDengine refused the row for subtable `%s`: %s", table, reason);
    k2td_map_outcome_t o = {.fault = K2TD_FAULT_DATA};
    engine_settle(e, origin, &o, NULL, 0, why);
}

/* The mutate stages' and the router's drop callback: a row a filter or the
 * routing rules left out is counted as filtered; a row a rule could not
 * handle (an extract or map rule, a filter that cannot be evaluated) is
 * settled as bad data, with its origin. */
static void engine_row_dropped(void *ctx, k2td_stage_kind_t kind, const k2td_rowset_t *in,
                               size_t row, int filtered, const char *reason) {
    k2td_engine_t *e = ctx;
    const rd_kafka_message_t *m = e->msgs[in->row_msg[row]];
    (void)kind;
    if (!filtered) {
        k2td_map_outcome_t o = {.fault = K2TD_FAULT_DATA};
        engine_settle(e, in->row_msg[row], &o, NULL, 0, reason);
        return;
    }
    e->stats.filtered_rows++;
    k2td_log_debug("a row of %s [%d] offset %lld was filtered out: %s", engine_topic(m),
                   (int)m->partition, (long long)m->offset, reason);
}

/* Publishes the engine's view when a watch is attached (engine_watch.h). */
static void engine_publish(k2td_engine_t *e, int sink_waiting) {
    if (e->opts.watch)
        k2td_engine_watch_tick(e->opts.watch, &e->stats, e->source, e->nmsgs,
                               (size_t)e->task->kafka.batch_size, sink_waiting,
                               e->waiting_since_ms != 0);
}

/* Keeps the consumer alive (paused) for wait_ms. Returns non-zero when the
 * batch must be given up (stop requested or partitions revoked). */
static int engine_hold(k2td_engine_t *e, int wait_ms) {
    k2td_kafka_source_pause(e->source);
    int64_t until = engine_now_ms() + wait_ms;
    while (!*e->stop) {
        int64_t left = until - engine_now_ms();
        if (left <= 0) return 0;
        rd_kafka_message_t *m =
            k2td_kafka_source_poll(e->source, left < ENGINE_POLL_MS ? (int)left : ENGINE_POLL_MS,
                                   NULL);
        if (m && e->ncarry < (size_t)e->task->kafka.batch_size) {
            e->carry[e->ncarry++] = m;
        } else if (m) {
            /* no room: its partition's position has passed it, so seek back
             * to it (the carried messages of that partition come before it)
             * or the partition would go on after it */
            k2td_kafka_source_rewind(e->source, &m, 1);
            rd_kafka_message_destroy(m);
        }
        if (k2td_kafka_source_epoch(e->source) != e->epoch) return 1;
        engine_publish(e, 1);
    }
    return 1;
}

/* The sink's wait hook, after TDengine did not answer (reason): logs the
 * retry and keeps the consumer alive (paused) for wait_ms. Returns non-zero
 * when the batch must be given up; under database_connection_error = break
 * at once, with e->broke set. */
static int engine_wait(void *ctx, int wait_ms, const char *reason) {
    k2td_engine_t *e = ctx;
    if (e->task->parser.policy.database_connection_error.action == K2TD_ACT_BREAK) {
        snprintf(e->fatal, sizeof(e->fatal),
                 "TDengine cannot be reached: %.400s (database_connection_error is break)",
                 reason);
        e->broke = 1;
        return 1;
    }
    k2td_log_warn("tdengine: %s; retrying in %d ms (consumption paused)", reason, wait_ms);
    return engine_hold(e, wait_ms);
}

/* Doubles a back-off wait, up to 5 s. */
static void engine_grow_wait(int *wait_ms) {
    *wait_ms = *wait_ms < 2500 ? *wait_ms * 2 : 5000;
}

/* The row policies' back-off while the archive cannot be written
 * (k2td_row_policy_backoff_fn; ctx is the engine, reason is logged by the
 * policies): holds the batch for *wait_ms, then doubles it up to 5 s.
 * Returns non-zero when the batch must be given up. */
static int engine_archive_backoff(void *ctx, int *wait_ms, const char *reason) {
    (void)reason;
    if (engine_hold(ctx, *wait_ms)) return 1;
    engine_grow_wait(wait_ms);
    return 0;
}

/* Counts a retry and waits *wait_ms (keeping the consumer alive), then
 * doubles *wait_ms up to 5 s. Returns non-zero when the batch must be given
 * up (stop requested or partitions revoked). */
static int engine_backoff(k2td_engine_t *e, int *wait_ms, const char *reason) {
    if (engine_wait(e, *wait_ms, reason)) return 1;
    e->stats.retries++;
    engine_grow_wait(wait_ms);
    return 0;
}

/* The sink's hook for a statement refused because its supertable (that of
 * e->writing) does not exist: looks the supertable up again, waiting while
 * TDengine does not answer. When it exists again the statement goes again;
 * when it is gone each of the rows [first, first+count) is settled by the
 * table_not_exist policy. Either way the target is read afresh at the next
 * batch. */
static k2td_sink_missing_t engine_stable_missing(void *ctx, const k2td_insert_batch_t *batch,
                                                 size_t first, size_t count) {
    k2td_engine_t *e = ctx;
    k2td_target_t *t = e->writing;
    char err[512];
    int wait_ms = 200, rc;
    while ((rc = k2td_schema_check(e->rt.rest, t->schema.db, t->schema.stable, err,
                                   sizeof(err))) == K2TD_SCHEMA_UNREACHABLE)
        if (engine_backoff(e, &wait_ms, err)) return K2TD_SINK_MISSING_GIVE_UP;
    t->missing = 1; /* dropped at the batch's end, loaded again by the next one */
    if (rc == K2TD_SCHEMA_OK) {
        k2td_log_info("supertable `%s`.`%s` exists again: writing the statement again",
                      t->schema.db, t->schema.stable);
        return K2TD_SINK_MISSING_BACK;
    }
    if (rc != K2TD_SCHEMA_NO_STABLE) {
        k2td_log_error("%s", err);
        return K2TD_SINK_MISSING_FAILED;
    }
    k2td_map_outcome_t o = {.fault = K2TD_FAULT_STABLE_MISSING};
    for (size_t i = first; i < first + count && !e->broke && !e->gave_up; i++)
        engine_settle(e, k2td_insert_batch_origin(batch, i), &o, t, 0, err);
    return K2TD_SINK_MISSING_SETTLED;
}

/* How mapping one row onto one model ended. */
typedef enum engine_map_rc {
    ENGINE_MAPPED = 0, /* in the batch */
    ENGINE_REPAIRED,   /* in the batch after a policy repair (see engine_map_one) */
    ENGINE_SETTLED,    /* archived or skipped by a policy */
    ENGINE_ALTERED,    /* a supertable changed: map the batch again */
    ENGINE_GIVE_UP,    /* stop or rebalance while waiting for TDengine */
    ENGINE_BREAK,      /* a policy stops the task (e->fatal) */
} engine_map_rc_t;

/* Maps row r of rs (route ro's final rows) onto model m, settling a
 * refused row by the policies (schema changes only when may_alter). A
 * repaired row is ENGINE_REPAIRED with *archive_too set; its repair is
 * reported once the batch is mapped for good (engine_report_repairs). While
 * TDengine does not answer it waits, keeping the consumer alive. */
static engine_map_rc_t engine_map_one(k2td_engine_t *e, size_t ro, size_t m,
                                      const k2td_rowset_t *rs, size_t r, int may_alter,
                                      int *archive_too) {
    char err[512];
    size_t msg = rs->row_msg[r];
    int wait_ms = 200;
    for (;;) {
        k2td_target_t *t;
        k2td_map_outcome_t o;
        k2td_map_rc_t rc = k2td_runtime_map(&e->rt, ro, m, rs, r, msg, &t, &o, err, sizeof(err));
        k2td_row_verdict_t v = K2TD_ROW_UNREACHABLE;
        if (rc == K2TD_MAP_OK) {
            *archive_too = o.archive_too;
            return o.repairs ? ENGINE_REPAIRED : ENGINE_MAPPED;
        }
        if (rc == K2TD_MAP_REFUSED) v = engine_settle(e, msg, &o, t, may_alter, err);
        switch (v) {
        case K2TD_ROW_ARCHIVED:
        case K2TD_ROW_SKIPPED: return ENGINE_SETTLED;
        case K2TD_ROW_ALTERED: return ENGINE_ALTERED;
        case K2TD_ROW_BREAK: return ENGINE_BREAK;
        case K2TD_ROW_GIVE_UP: return ENGINE_GIVE_UP;
        case K2TD_ROW_UNREACHABLE: break;
        }
        if (engine_backoff(e, &wait_ms, err)) return ENGINE_GIVE_UP;
    }
}

/* Rebuilds every target after an ALTER: the batches are emptied and the
 * schemas read again (a target that cannot be read is dropped until the
 * next batch, and its rows are settled as a missing supertable's). */
static void engine_reload_targets(k2td_engine_t *e) {
    char err[512];
    k2td_target_set_reset(e->rt.targets);
    for (size_t i = 0; i < k2td_target_set_count(e->rt.targets); i++) {
        k2td_target_t *t = k2td_target_set_at(e->rt.targets, i);
        if (k2td_target_set_reload(e->rt.targets, t, err, sizeof(err)) != K2TD_SCHEMA_OK)
            k2td_log_warn("cannot read supertable `%s` again: %s", t->schema.stable, err);
    }
}

/* Where a row of the batch stands for one model (engine_map_batch). */
typedef enum engine_row_state {
    ENGINE_ROW_PENDING = 0,     /* to map (again, after a schema change) */
    ENGINE_ROW_SETTLED,         /* archived or skipped: never mapped again */
    ENGINE_ROW_REPAIRED,        /* mapped after a repair, to count */
    ENGINE_ROW_REPAIRED_ARCHIVE /* the same, to count and archive */
} engine_row_state_t;

/* Counts (and archives, for truncate_and_archive) every repaired row of the
 * mapped batch, once. Returns ENGINE_MAPPED, ENGINE_BREAK when an archive
 * failed under archive.on_fail = break, or ENGINE_GIVE_UP when waiting for
 * the archive was cut short. */
static engine_map_rc_t engine_report_repairs(k2td_engine_t *e) {
    size_t k = 0, nroutes = k2td_router_count(e->rt.router);
    for (size_t ro = 0; ro < nroutes; ro++) {
        const k2td_rowset_t *rs = k2td_router_rows(e->rt.router, ro);
        size_t nmodels = k2td_runtime_models(&e->rt, ro);
        for (size_t r = 0; r < rs->nrows; r++) {
            for (size_t m = 0; m < nmodels; m++, k++) {
                if (e->row_state[k] < ENGINE_ROW_REPAIRED) continue;
                const rd_kafka_message_t *km = e->msgs[rs->row_msg[r]];
                k2td_row_origin_t origin = {engine_topic(km), km->partition, km->offset,
                                            km->payload, km->len};
                int archive_too = e->row_state[k] == ENGINE_ROW_REPAIRED_ARCHIVE;
                k2td_row_verdict_t v = k2td_row_policy_repaired(e->policy, archive_too, &origin,
                                                                NULL, e->fatal, sizeof(e->fatal));
                if (v == K2TD_ROW_ARCHIVED) continue;
                if (v == K2TD_ROW_GIVE_UP) return ENGINE_GIVE_UP;
                e->broke = 1;
                return ENGINE_BREAK;
            }
        }
    }
    return ENGINE_MAPPED;
}

/* Maps every route's rows onto its models. A schema change (add_field,
 * field_length_extend) maps the batch again with the new schema; rows a
 * policy settled stay settled, and repairs are counted only for the pass
 * that stands. Returns ENGINE_MAPPED, ENGINE_GIVE_UP or ENGINE_BREAK. */
static engine_map_rc_t engine_map_batch(k2td_engine_t *e) {
    enum { MAX_PASSES = 8 };
    size_t total = 0, nroutes = k2td_router_count(e->rt.router);
    for (size_t ro = 0; ro < nroutes; ro++)
        total += k2td_router_rows(e->rt.router, ro)->nrows * k2td_runtime_models(&e->rt, ro);
    if (total > e->row_state_cap) {
        e->row_state = k2td_realloc(e->row_state, total);
        e->row_state_cap = total;
    }
    memset(e->row_state, ENGINE_ROW_PENDING, total);
    for (int pass = 0;; pass++) {
        int altered = 0;
        size_t k = 0;
        for (size_t ro = 0; ro < nroutes; ro++) {
            const k2td_rowset_t *rs = k2td_router_rows(e->rt.router, ro);
            size_t nmodels = k2td_runtime_models(&e->rt, ro);
            for (size_t r = 0; r < rs->nrows; r++) {
                for (size_t m = 0; m < nmodels; m++, k++) {
                    if (e->row_state[k] == ENGINE_ROW_SETTLED) continue;
                    int archive_too = 0;
                    engine_map_rc_t rc =
                        engine_map_one(e, ro, m, rs, r, pass + 1 < MAX_PASSES, &archive_too);
                    if (rc == ENGINE_GIVE_UP || rc == ENGINE_BREAK) return rc;
                    e->row_state[k] = rc == ENGINE_SETTLED    ? ENGINE_ROW_SETTLED
                                      : rc != ENGINE_REPAIRED ? ENGINE_ROW_PENDING
                                      : archive_too           ? ENGINE_ROW_REPAIRED_ARCHIVE
                                                              : ENGINE_ROW_REPAIRED;
                    altered |= rc == ENGINE_ALTERED;
                }
            }
        }
        if (!altered) return engine_report_repairs(e);
        engine_reload_targets(e);
    }
}

/* Writes every target's batch. Returns the worst k2td_sink_result_t. */
static k2td_sink_result_t engine_write(k2td_engine_t *e, char *errstr, size_t errstr_size) {
    k2td_sink_hooks_t hooks = {engine_row_failed, engine_wait, engine_stable_missing, e};
    k2td_sink_result_t res = K2TD_SINK_OK;
    for (size_t i = 0; i < k2td_target_set_count(e->rt.targets) && res == K2TD_SINK_OK; i++) {
        k2td_target_t *t = k2td_target_set_at(e->rt.targets, i);
        if (!t->batch || !k2td_insert_batch_rows(t->batch)) continue;
        k2td_sink_stats_t ss = {0};
        e->writing = t;
        res = k2td_sink_write(e->rt.rest, t->batch, &hooks, &ss, errstr, errstr_size);
        e->stats.inserted_sqls += ss.inserted_sqls;
        e->stats.failed_sqls += ss.failed_sqls;
        e->stats.written_rows += ss.written_rows;
        e->stats.written_points += ss.written_points;
        e->stats.failed_rows += ss.failed_rows;
        e->stats.retries += ss.retries;
    }
    return res;
}

/* Copies the row policies' counters into the stats. */
static void engine_count_policies(k2td_engine_t *e) {
    const k2td_row_policy_stats_t *ps = k2td_row_policy_stats(e->policy);
    e->stats.invalid_rows = ps->skipped_rows;
    e->stats.archived_rows = ps->archived_rows;
    e->stats.repaired_rows = ps->repaired_rows;
    e->stats.altered_columns = ps->altered_columns;
}

/* Logs, once per run, the warnings of the preview's name check
 * (preview_lint.h) on the first messages of the first batch (up to
 * ENGINE_LINT_SAMPLES of at most ENGINE_LINT_MAX_BYTES each): a filter on a
 * misspelt field keeps or drops every row alike, a misspelt placeholder
 * archives every row. The check reads no TDengine; a task whose parsing
 * part cannot be built has already failed to start, so its error here is
 * only logged at debug. */
static void engine_lint(k2td_engine_t *e) {
    k2td_preview_sample_t samples[ENGINE_LINT_SAMPLES];
    size_t n = 0;
    for (size_t i = 0; i < e->nmsgs && n < ENGINE_LINT_SAMPLES; i++) {
        const rd_kafka_message_t *m = e->msgs[i];
        if (m->len > ENGINE_LINT_MAX_BYTES) continue;
        samples[n++] = (k2td_preview_sample_t){m->payload, m->len, engine_topic(m), m->partition,
                                               m->offset};
    }
    if (!n) return;
    char err[256];
    cJSON *warnings = k2td_preview_warnings(e->task, samples, n, err, sizeof(err));
    if (!warnings) k2td_log_debug("the name check of the first messages failed: %s", err);
    const cJSON *w;
    cJSON_ArrayForEach(w, warnings) {
        const char *path = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(w, "path"));
        const char *msg = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(w, "message"));
        k2td_log_warn("task `%s`: %s: %s (checked on %zu message(s) of the first batch)",
                      e->task->name, path ? path : "parser", msg ? msg : "", n);
    }
    cJSON_Delete(warnings);
}

/* Maps and writes the open batch, then stores its offsets. Returns 0, or -1
 * on a fatal error (errstr set; nothing stored). */
static int engine_flush(k2td_engine_t *e, char *errstr, size_t errstr_size) {
    if (!e->nmsgs) return 0;
    if (!e->linted) {
        e->linted = 1;
        engine_lint(e);
    }
    int64_t now_ms = k2td_runtime_refresh(&e->rt);
    int32_t tz = e->task->options.timezone_offset_s;
    char err[512];
    k2td_rowset_t *rows = &e->rows, *spare = &e->rows2;
    k2td_pipeline_run(e->rt.pipeline, &rows, &spare, now_ms, tz, engine_row_dropped, e);
    k2td_router_run(e->rt.router, rows, now_ms, tz, engine_row_dropped, e);
    engine_map_rc_t mrc = e->broke     ? ENGINE_BREAK
                          : e->gave_up ? ENGINE_GIVE_UP
                                       : engine_map_batch(e);
    if (mrc == ENGINE_GIVE_UP && !e->broke) {
        k2td_kafka_source_resume(e->source);
        engine_abandon(e);
        return 0;
    }
    if (mrc == ENGINE_BREAK || mrc == ENGINE_GIVE_UP)
        return k2td_errstr_set(errstr, errstr_size, "%s", e->fatal);
    uint64_t written_before = e->stats.written_rows;
    int64_t write_start_ms = engine_now_ms();
    k2td_sink_result_t res = engine_write(e, errstr, errstr_size);
    k2td_kafka_source_resume(e->source);
    k2td_log_debug("batch of %zu messages: %llu rows written in %lld ms", e->nmsgs,
                   (unsigned long long)(e->stats.written_rows - written_before),
                   (long long)(engine_now_ms() - write_start_ms));
    if (res == K2TD_SINK_FATAL) return -1;
    if (res == K2TD_SINK_ABANDONED && e->broke)
        return k2td_errstr_set(errstr, errstr_size, "%s", e->fatal);
    if (res == K2TD_SINK_ABANDONED || e->gave_up) {
        engine_abandon(e);
        return 0;
    }
    engine_count_policies(e);
    if (e->broke) return k2td_errstr_set(errstr, errstr_size, "%s", e->fatal);
    if (k2td_row_policy_sync(e->policy, err, sizeof(err)) != 0)
        return k2td_errstr_set(errstr, errstr_size, "%s", err);
    if (k2td_kafka_source_store(e->source, e->msgs, e->nmsgs, err, sizeof(err)) != 0)
        k2td_log_warn("%s (the rows were written; they will be written again, harmlessly)", err);
    e->stats.processed_batches++;
    e->stats.active_ms = engine_now_ms() - e->first_msg_ms;
    engine_clear_batch(e);
    /* what arrived while paused starts the next batch; adding it may wait
     * for the archive, which carries into the emptied e->carry */
    rd_kafka_message_t **carried = e->carry;
    size_t ncarry = e->ncarry;
    e->carry = e->carried;
    e->carried = carried;
    e->ncarry = 0;
    for (size_t i = 0; i < ncarry; i++) engine_add(e, carried[i]);
    return 0;
}

/* Puts a new consumer, subscribed, in the place of one that fenced itself
 * (k2td_kafka_source_self_fenced). The open batch and the carried messages
 * are dropped unwritten: the new consumer reads them again from the
 * committed offsets. Returns 0, or -1 with errstr set. */
static int engine_renew_source(k2td_engine_t *e, char *errstr, size_t errstr_size) {
    k2td_log_warn("kafka: a new consumer takes the place of the fenced one; %zu unwritten "
                  "message(s) will be read again", e->nmsgs + e->ncarry);
    engine_clear_batch(e);
    for (size_t i = 0; i < e->ncarry; i++) rd_kafka_message_destroy(e->carry[i]);
    e->ncarry = 0;
    k2td_kafka_source_close(e->source);
    e->source = k2td_kafka_source_new(&e->task->kafka, e->task->id, errstr, errstr_size);
    if (!e->source || k2td_kafka_source_subscribe(e->source, errstr, errstr_size) != 0)
        return -1;
    e->epoch = k2td_kafka_source_epoch(e->source);
    return 0;
}

/* Prints the status line when status lines are on and one is due. */
static void engine_status(k2td_engine_t *e, int64_t now) {
    int64_t interval = e->task->options.status_interval_ms;
    if (!e->opts.status_lines || now - e->last_status_ms < interval) return;
    double secs = (double)(now - e->last_status_ms) / 1000.0;
    uint64_t msgs = e->stats.kafka_consumed_messages - e->last_status_msgs;
    k2td_log_info("status: %.0f msg/s, consumed %llu, rows written %llu, failed %llu, skipped "
                  "%llu, lag %lld, partitions %zu",
                  secs > 0 ? (double)msgs / secs : 0.0,
                  (unsigned long long)e->stats.kafka_consumed_messages,
                  (unsigned long long)e->stats.written_rows,
                  (unsigned long long)e->stats.failed_rows,
                  (unsigned long long)(e->stats.invalid_rows + e->stats.malformed_messages),
                  (long long)k2td_kafka_source_lag(e->source),
                  k2td_kafka_source_assigned(e->source));
    e->last_status_ms = now;
    e->last_status_msgs = e->stats.kafka_consumed_messages;
}

/* Logs when the task starts and stops waiting for partitions (joining,
 * rebalancing, coordinator unreachable), and every ENGINE_WAIT_LOG_MS while
 * it waits; the watch shows it as health Waiting meanwhile. */
static void engine_log_waiting(k2td_engine_t *e, int64_t now) {
    size_t held = k2td_kafka_source_assigned(e->source);
    const char *group = k2td_kafka_source_group_id(e->source);
    if (held) {
        if (e->waiting_since_ms)
            k2td_log_info("holding %zu partition(s) of group `%s` after waiting %lld ms", held,
                          group, (long long)(now - e->waiting_since_ms));
        e->waiting_since_ms = 0;
        return;
    }
    if (!e->waiting_since_ms) {
        e->waiting_since_ms = e->waiting_logged_ms = now;
        k2td_log_info("waiting for partitions: group `%s` is joining or rebalancing", group);
    } else if (now - e->waiting_logged_ms >= ENGINE_WAIT_LOG_MS) {
        e->waiting_logged_ms = now;
        k2td_log_warn("still waiting for partitions of group `%s` after %lld s: the group is "
                      "rebalancing (a member that crashed holds its partitions until its "
                      "session times out) or its coordinator is unreachable",
                      group, (long long)((now - e->waiting_since_ms) / 1000));
    }
}

/* The source DSN's timeout: the task finishes when it has held its
 * partitions at their end (lag 0, nothing open) for timeout_ms without a
 * message. *end_since_ms is when that began (0: not at the end now); it is
 * set to -1 when the task is finished. When timeout_ms passed since the last
 * message (last_msg_ms) while the task is not at the end, it is not finished:
 * returns K2TD_ENGINE_NOT_FINISHED with errstr saying why (no partition held,
 * messages waiting, end unknown). Returns K2TD_ENGINE_OK otherwise. */
static k2td_engine_rc_t engine_check_end(k2td_engine_t *e, int64_t now, int64_t last_msg_ms,
                                         int64_t *end_since_ms, char *errstr,
                                         size_t errstr_size) {
    int64_t timeout = e->task->kafka.timeout_ms;
    size_t held = k2td_kafka_source_assigned(e->source);
    int64_t lag = held ? k2td_kafka_source_lag(e->source) : -1;
    if (lag == 0 && !e->nmsgs) {
        if (!*end_since_ms) *end_since_ms = now;
        if (now - *end_since_ms >= timeout) {
            k2td_log_info("no message for %lld ms with every assigned partition read to its "
                          "end: the task is finished", (long long)timeout);
            *end_since_ms = -1;
        }
        return K2TD_ENGINE_OK;
    }
    *end_since_ms = 0;
    if (now - last_msg_ms < timeout) return K2TD_ENGINE_OK;
    if (!held)
        k2td_errstr_set(errstr, errstr_size,
                        "not finished: no message for %lld ms and no partition assigned in group "
                        "`%s` (the group is joining or rebalancing, or its coordinator is "
                        "unreachable; a member that crashed holds its partitions until its "
                        "session times out)",
                        (long long)timeout, k2td_kafka_source_group_id(e->source));
    else if (lag > 0)
        k2td_errstr_set(errstr, errstr_size,
                        "not finished: no message for %lld ms while %lld messages wait in the "
                        "%zu assigned partition(s)", (long long)timeout, (long long)lag, held);
    else
        k2td_errstr_set(errstr, errstr_size,
                        "not finished: no message for %lld ms and the end of the %zu assigned "
                        "partition(s) is not known (no fetch was answered: are the brokers "
                        "reachable?)", (long long)timeout, held);
    return K2TD_ENGINE_NOT_FINISHED;
}

k2td_engine_rc_t k2td_engine_run(k2td_engine_t *e, volatile sig_atomic_t *stop, char *errstr,
                                 size_t errstr_size) {
    const k2td_kafka_conf_t *kc = &e->task->kafka;
    e->stop = stop;
    k2td_engine_rc_t rc =
        k2td_broker_wait(e->source, kc->brokers, e->task->options.startup_timeout_ms, stop,
                         errstr, errstr_size);
    if (rc != K2TD_ENGINE_OK || *stop) return rc;
    if (k2td_kafka_source_subscribe(e->source, errstr, errstr_size) != 0)
        return K2TD_ENGINE_FAILED;
    k2td_buf_t from = K2TD_BUF_INIT;
    k2td_kafka_conf_print(kc, &from);
    char *to = k2td_taos_dsn_redacted(&e->rt.dsn);
    k2td_log_info("task `%s` running: from %s to %s", e->task->name, from.data, to);
    const char *instance_id = k2td_kafka_source_instance_id(e->source);
    k2td_log_info("task `%s`: group.id=%s client.id=%s%s%s, database `%s` (%s precision)",
                  e->task->name, k2td_kafka_source_group_id(e->source),
                  k2td_kafka_source_client_id(e->source),
                  instance_id ? " group.instance.id=" : "", instance_id ? instance_id : "",
                  e->rt.db.db,
                  k2td_precision_name(e->rt.db.precision));
    free(to);
    k2td_buf_free(&from);
    e->started_ms = e->last_status_ms = engine_now_ms();
    int64_t last_msg_ms = e->started_ms, batch_start_ms = 0;
    size_t held = 0; /* the partitions held, as last seen */
    int64_t end_since_ms = 0, last_end_check_ms = 0;
    while (!*stop) {
        int64_t now = engine_now_ms();
        int wait = ENGINE_POLL_MS;
        if (e->nmsgs) {
            int64_t left = batch_start_ms + kc->batch_timeout_ms - now;
            wait = left <= 0 ? 0 : left < wait ? (int)left : wait;
        }
        int fatal = 0;
        rd_kafka_message_t *m = k2td_kafka_source_poll(e->source, wait, &fatal);
        now = engine_now_ms();
        /* a rebalance (partitions revoked, assigned) restarts the idle
         * clock: the partitions now held get the whole timeout */
        size_t held_now = k2td_kafka_source_assigned(e->source);
        if (k2td_kafka_source_epoch(e->source) != e->epoch || held_now != held) {
            if (k2td_kafka_source_epoch(e->source) != e->epoch) engine_abandon(e);
            held = held_now;
            last_msg_ms = now;
        }
        if (m) {
            if (!e->first_msg_ms) e->first_msg_ms = now;
            if (!e->nmsgs) batch_start_ms = now;
            engine_add(e, m);
            last_msg_ms = now;
        }
        int denied = k2td_kafka_source_denied(e->source, errstr, errstr_size);
        if (denied) return k2td_broker_rc(denied);
        if (fatal && !k2td_kafka_source_self_fenced(e->source)) {
            snprintf(errstr, errstr_size, "kafka consumer failed fatally (see the log)");
            return K2TD_ENGINE_FAILED;
        }
        if (fatal) {
            if (engine_renew_source(e, errstr, errstr_size) != 0) return K2TD_ENGINE_FAILED;
            continue;
        }
        engine_log_waiting(e, now);
        engine_publish(e, 0);
        if (e->nmsgs >= (size_t)kc->batch_size || e->nbytes >= ENGINE_BATCH_MAX_BYTES ||
            (e->nmsgs && now - batch_start_ms >= kc->batch_timeout_ms)) {
            if (engine_flush(e, errstr, errstr_size) != 0) return K2TD_ENGINE_FAILED;
            /* time spent writing (or waiting for TDengine) is not idle time */
            batch_start_ms = last_msg_ms = engine_now_ms();
        }
        if (m) end_since_ms = 0;
        if (kc->timeout_ms > 0 && !m && now - last_end_check_ms >= ENGINE_POLL_MS) {
            last_end_check_ms = now;
            rc = engine_check_end(e, now, last_msg_ms, &end_since_ms, errstr, errstr_size);
            if (rc != K2TD_ENGINE_OK || end_since_ms < 0) break;
        }
        engine_status(e, now);
    }
    char ferr[512];
    if (engine_flush(e, ferr, sizeof(ferr)) != 0) {
        rc = K2TD_ENGINE_FAILED;
        k2td_errstr_set(errstr, errstr_size, "%s", ferr);
    }
    e->stats.kafka_errors = k2td_kafka_source_errors(e->source);
    return rc;
}

void k2td_engine_free(k2td_engine_t *e) {
    if (!e) return;
    if (e->source) {
        if (e->rt.targets) engine_clear_batch(e);
        for (size_t i = 0; i < e->ncarry; i++) rd_kafka_message_destroy(e->carry[i]);
        k2td_kafka_source_close(e->source);
    }
    k2td_rowset_free(&e->rows);
    k2td_rowset_free(&e->rows2);
    k2td_row_policy_free(e->policy);
    free(e->row_state);
    k2td_runtime_close(&e->rt);
    free(e->msgs);
    free(e->carry);
    free(e->carried);
    free(e);
}
