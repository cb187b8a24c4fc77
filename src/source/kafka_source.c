#include "kafka_source.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../common/alloc.h"
#include "../common/buf.h"
#include "../common/log.h"
#include "../task/kafka_security.h"
#include "kafka_consumer_conf.h"
#include "kafka_kinit.h"

struct k2td_kafka_source {
    rd_kafka_t *rk;
    const k2td_kafka_conf_t *conf;
    char *group_id;
    char *client_id;
    char *instance_id; /* group.instance.id, NULL without static membership */
    int member_claim;  /* the socket holding instance_id's member slot, or -1 */
    uint64_t epoch;
    uint64_t errors;
    size_t assigned;
    int ever_assigned;
    int paused;
    int fatal;                /* librdkafka reported a fatal error (error callback) */
    int lost;                 /* the assignment was lost (the session timed out) and
                                 no partition was assigned since */
    int self_fenced;          /* the fatal error came while lost (see _self_fenced) */
    char cause[1024];         /* the last broker failure librdkafka reported, or "" */
    int cause_is_login;       /* cause is a refused login or TLS handshake */
    int all_down;             /* librdkafka said every broker is down (since the
                               * current k2td_kafka_source_topics began) */
    int denied;               /* K2TD_KAFKA_NO_TOPIC or _NO_GROUP polling met, or 0 */
    char denied_why[600];     /* what was denied to whom, when denied */
    rd_kafka_topic_partition_list_t *stored; /* offsets stored this run, per partition */
    rd_kafka_topic_partition_list_t *start;  /* committed offsets read at assignment */
    k2td_kinit_t *kinit;      /* kinit's error output with GSSAPI, else NULL */
};

/* librdkafka's own log lines, routed to ours. A source's come through its
 * log queue, served on the thread that polls it: they are redacted
 * (k2td_kafka_conf_redact), and a failed kinit run is told by kinit's own
 * reason instead of the command line. Others (a sample's consumer, no
 * opaque) come from librdkafka's threads and go to stderr as they are. */
static void source_log_cb(const rd_kafka_t *rk, int level, const char *fac, const char *buf) {
    k2td_log_level_t l = level <= 4 ? K2TD_LOG_WARN : level <= 5 ? K2TD_LOG_INFO : K2TD_LOG_DEBUG;
    const k2td_kafka_source_t *s = rk ? rd_kafka_opaque(rk) : NULL;
    if (!s) {
        k2td_log(l, "kafka: %s: %s", fac, buf);
        return;
    }
    k2td_buf_t line = K2TD_BUF_INIT, shown = K2TD_BUF_INIT;
    if (s->kinit && level <= 3 && strcmp(fac, "SASLREFRESH") == 0)
        k2td_kinit_failed(s->kinit, buf, &line);
    else
        k2td_buf_puts(&line, buf);
    k2td_kafka_conf_redact(s->conf, line.data ? line.data : "", &shown);
    k2td_log(l, "kafka: %s: %s", fac, shown.data ? shown.data : "");
    k2td_buf_free(&line);
    k2td_buf_free(&shown);
}

/* Reads the committed offsets of the newly assigned parts into s->start
 * (kept for the end-of-partition check). Returns 0, or the error of the
 * request (logged; s->start then holds no offset for parts). */
static rd_kafka_resp_err_t source_read_committed(k2td_kafka_source_t *s,
                                                 const rd_kafka_topic_partition_list_t *parts) {
    rd_kafka_topic_partition_list_t *committed = rd_kafka_topic_partition_list_copy(parts);
    rd_kafka_resp_err_t err = rd_kafka_committed(s->rk, committed, 30000);
    int resolves = s->conf->fallback_offset == K2TD_KAFKA_OFFSET_LATEST ||
                   s->conf->fallback_offset == K2TD_KAFKA_OFFSET_BYTIME;
    if (err)
        k2td_log_warn("kafka: cannot read committed offsets (%s)%s", rd_kafka_err2str(err),
                      resolves ? "; the start position applies to all assigned partitions" : "");
    if (!s->start) s->start = rd_kafka_topic_partition_list_new(parts->cnt);
    for (int i = 0; i < committed->cnt; i++) {
        const rd_kafka_topic_partition_t *c = &committed->elems[i];
        rd_kafka_topic_partition_t *q =
            rd_kafka_topic_partition_list_find(s->start, c->topic, c->partition);
        if (!q) q = rd_kafka_topic_partition_list_add(s->start, c->topic, c->partition);
        q->offset = err || c->err ? RD_KAFKA_OFFSET_INVALID : c->offset;
    }
    rd_kafka_topic_partition_list_destroy(committed);
    return err;
}

/* Returns the committed offset of topic [partition] read at its assignment,
 * or RD_KAFKA_OFFSET_INVALID when it has none. */
static int64_t source_committed_at_start(const k2td_kafka_source_t *s, const char *topic,
                                         int32_t partition) {
    const rd_kafka_topic_partition_t *q =
        s->start ? rd_kafka_topic_partition_list_find(s->start, topic, partition) : NULL;
    return q ? q->offset : RD_KAFKA_OFFSET_INVALID;
}

/* Returns where partition p (its offset field set by rd_kafka_position)
 * stands: the next message to consume, else the offset stored this run, else
 * the committed offset read at its assignment, else -1 (it starts at the
 * auto.offset.reset position). */
static int64_t source_position(const k2td_kafka_source_t *s, const rd_kafka_topic_partition_t *p) {
    if (p->offset >= 0) return p->offset;
    const rd_kafka_topic_partition_t *st =
        s->stored ? rd_kafka_topic_partition_list_find(s->stored, p->topic, p->partition) : NULL;
    if (st && st->offset >= 0) return st->offset;
    return source_committed_at_start(s, p->topic, p->partition);
}

/* librdkafka's error callback (served by polling, on the polling thread):
 * counts and logs the error as the consumer's errors, remembers a fatal
 * one for k2td_kafka_source_poll, and keeps the reason of the last broker
 * failure for the messages of failed checks; a refused login or TLS
 * handshake is kept over the disconnections that follow it, and a failure
 * over the "all brokers are down" that sums it up. */
static void source_error_cb(rd_kafka_t *rk, int err, const char *reason, void *opaque) {
    k2td_kafka_source_t *s = opaque;
    s->errors++;
    if (err == RD_KAFKA_RESP_ERR__FATAL) {
        s->fatal = 1;
        s->self_fenced = s->lost && rd_kafka_fatal_error(rk, NULL, 0) ==
                                        RD_KAFKA_RESP_ERR_FENCED_INSTANCE_ID;
        return;
    }
    k2td_buf_t shown = K2TD_BUF_INIT;
    k2td_kafka_conf_redact(s->conf, reason, &shown);
    const char *text = shown.data ? shown.data : "";
    k2td_log_warn("kafka: %s", text);
    int login = err == RD_KAFKA_RESP_ERR__AUTHENTICATION || err == RD_KAFKA_RESP_ERR__SSL;
    if (err == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN) s->all_down = 1;
    /* "1/1 brokers are down" sums up the failures reported before it */
    int summary = err == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN && s->cause[0];
    if (login || (!s->cause_is_login && !summary)) {
        snprintf(s->cause, sizeof(s->cause), "%s", text);
        s->cause_is_login = login;
    }
    k2td_buf_free(&shown);
}

/* Gives partitions without a committed offset (read into s->start just
 * before) an explicit start offset: for latest the current end (resolved
 * now, so "latest" means the messages produced after the assignment), for
 * ByTime the first message at or after start_time (or the end when there is
 * none). Earliest is left to auto.offset.reset. Returns the partitions given
 * an offset (a new list the caller destroys) or NULL when there are none.
 * Errors are logged; such partitions fall back to auto.offset.reset. */
static rd_kafka_topic_partition_list_t *source_resolve_start(
    k2td_kafka_source_t *s, rd_kafka_topic_partition_list_t *parts) {
    int mode = s->conf->fallback_offset;
    if (mode != K2TD_KAFKA_OFFSET_LATEST && mode != K2TD_KAFKA_OFFSET_BYTIME) return NULL;
    rd_kafka_topic_partition_list_t *todo = rd_kafka_topic_partition_list_new(parts->cnt);
    for (int i = 0; i < parts->cnt; i++) {
        const rd_kafka_topic_partition_t *p = &parts->elems[i];
        if (source_committed_at_start(s, p->topic, p->partition) >= 0)
            continue; /* a committed offset always wins */
        rd_kafka_topic_partition_list_add(todo, p->topic, p->partition)->offset =
            s->conf->start_time_ms;
    }
    rd_kafka_resp_err_t err = 0;
    if (mode == K2TD_KAFKA_OFFSET_BYTIME && todo->cnt) {
        err = rd_kafka_offsets_for_times(s->rk, todo, 30000);
        if (err)
            k2td_log_error("kafka: offsets for time %lld failed: %s; those partitions start "
                           "at the earliest offset", (long long)s->conf->start_time_ms,
                           rd_kafka_err2str(err));
    }
    rd_kafka_topic_partition_list_t *resolved = rd_kafka_topic_partition_list_new(todo->cnt);
    for (int i = 0; i < todo->cnt && !err; i++) {
        rd_kafka_topic_partition_t *t = &todo->elems[i];
        int64_t lo, hi;
        if (mode == K2TD_KAFKA_OFFSET_LATEST || t->offset < 0) {
            rd_kafka_resp_err_t werr =
                rd_kafka_query_watermark_offsets(s->rk, t->topic, t->partition, &lo, &hi, 30000);
            if (werr) {
                k2td_log_error("kafka: %s [%d]: cannot read the end offset: %s", t->topic,
                               (int)t->partition, rd_kafka_err2str(werr));
                continue;
            }
            t->offset = hi;
        }
        rd_kafka_topic_partition_list_find(parts, t->topic, t->partition)->offset = t->offset;
        rd_kafka_topic_partition_list_add(resolved, t->topic, t->partition)->offset = t->offset;
        k2td_log_info("kafka: %s [%d] has no committed offset; starting at offset %lld (%s)",
                      t->topic, (int)t->partition, (long long)t->offset,
                      mode == K2TD_KAFKA_OFFSET_LATEST ? "latest" : "start_time");
    }
    rd_kafka_topic_partition_list_destroy(todo);
    if (resolved->cnt) return resolved;
    rd_kafka_topic_partition_list_destroy(resolved);
    return NULL;
}

/* Records l's offsets (those without an error) as stored this run. */
static void source_remember(k2td_kafka_source_t *s, const rd_kafka_topic_partition_list_t *l) {
    if (!s->stored) s->stored = rd_kafka_topic_partition_list_new(l->cnt);
    for (int i = 0; i < l->cnt; i++) {
        const rd_kafka_topic_partition_t *p = &l->elems[i];
        if (p->err) continue;
        rd_kafka_topic_partition_t *q =
            rd_kafka_topic_partition_list_find(s->stored, p->topic, p->partition);
        if (!q) q = rd_kafka_topic_partition_list_add(s->stored, p->topic, p->partition);
        q->offset = p->offset;
    }
}

/* Stores the start offsets just resolved for newly assigned partitions, so
 * that the group commits them even when no message arrives: the messages
 * before them were skipped on purpose, and without a commit the next run
 * would resolve latest or start_time again (latest would then skip what was
 * produced in between). Takes ownership of resolved (may be NULL). */
static void source_store_start(k2td_kafka_source_t *s, rd_kafka_topic_partition_list_t *resolved) {
    if (!resolved) return;
    rd_kafka_resp_err_t err = rd_kafka_offsets_store(s->rk, resolved);
    if (err)
        k2td_log_warn("kafka: cannot store the start offsets for commit: %s",
                      rd_kafka_err2str(err));
    source_remember(s, resolved);
    rd_kafka_topic_partition_list_destroy(resolved);
}

/* Returns non-zero when the group uses the cooperative protocol now. */
static int source_cooperative_now(rd_kafka_t *rk) {
    const char *proto = rd_kafka_rebalance_protocol(rk);
    return proto && strcmp(proto, "COOPERATIVE") == 0;
}

/* Returns non-zero when the configured assignor is cooperative-sticky,
 * whether or not the group has formed yet. */
static int source_cooperative_configured(rd_kafka_t *rk) {
    char v[256];
    size_t n = sizeof(v);
    if (rd_kafka_conf_get(rd_kafka_conf(rk), "partition.assignment.strategy", v, &n) !=
        RD_KAFKA_CONF_OK)
        return 0;
    return strstr(v, "cooperative") != NULL;
}

static void source_rebalance_cb(rd_kafka_t *rk, rd_kafka_resp_err_t err,
                                rd_kafka_topic_partition_list_t *parts, void *opaque) {
    k2td_kafka_source_t *s = opaque;
    int cooperative = source_cooperative_now(rk);
    if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
        source_read_committed(s, parts);
        rd_kafka_topic_partition_list_t *resolved = source_resolve_start(s, parts);
        if (cooperative) {
            rd_kafka_error_t *e = rd_kafka_incremental_assign(rk, parts);
            if (e) {
                k2td_log_error("kafka: assign failed: %s", rd_kafka_error_string(e));
                rd_kafka_error_destroy(e);
            }
            s->assigned += (size_t)parts->cnt;
        } else {
            rd_kafka_assign(rk, parts);
            s->assigned = (size_t)parts->cnt;
        }
        if (parts->cnt) s->ever_assigned = 1;
        s->lost = 0;
        source_store_start(s, resolved);
        k2td_log_info("kafka: assigned %d partition(s), %zu in all", parts->cnt, s->assigned);
        if (s->paused && parts->cnt) rd_kafka_pause_partitions(rk, parts);
        return;
    }
    /* revoke (or lost): commit what was confirmed, then let go */
    s->epoch++;
    if (rd_kafka_assignment_lost(rk)) s->lost = 1;
    rd_kafka_resp_err_t cerr = rd_kafka_commit(rk, NULL, 0);
    if (cerr && cerr != RD_KAFKA_RESP_ERR__NO_OFFSET)
        k2td_log_warn("kafka: commit on revoke failed: %s", rd_kafka_err2str(cerr));
    if (cooperative) {
        rd_kafka_error_t *e = rd_kafka_incremental_unassign(rk, parts);
        if (e) rd_kafka_error_destroy(e);
        s->assigned = s->assigned >= (size_t)parts->cnt ? s->assigned - (size_t)parts->cnt : 0;
    } else {
        rd_kafka_assign(rk, NULL);
        s->assigned = 0;
    }
    k2td_log_info("kafka: revoked %d partition(s)", parts->cnt);
}

void k2td_kafka_source_new_failed(const k2td_kafka_conf_t *conf, const char *err, char *errstr,
                                  size_t errstr_size) {
    /* librdkafka 2.0.2 says only "PEM lib" when it cannot decrypt the key */
    int key = strstr(err, "ssl.key") && strstr(err, "PEM lib");
    k2td_buf_t shown = K2TD_BUF_INIT;
    k2td_kafka_conf_redact(conf, err, &shown);
    snprintf(errstr, errstr_size, "kafka: cannot create consumer: %s%s",
             shown.data ? shown.data : "",
             key ? " (the client key cannot be read: a wrong key password, ca_password, or "
                   "a key that is not PEM)"
                 : "");
    k2td_buf_free(&shown);
}

rd_kafka_conf_t *k2td_kafka_source_conf(const k2td_kafka_conf_t *conf, const char *task_id,
                                        const k2td_kinit_t *kinit, char *errstr,
                                        size_t errstr_size) {
    char *group_id, *client_id;
    k2td_kafka_consumer_ids(conf, task_id, &group_id, &client_id);
    rd_kafka_conf_t *rc =
        k2td_kafka_consumer_conf(conf, group_id, client_id, NULL, kinit, errstr, errstr_size);
    free(group_id);
    free(client_id);
    if (rc) rd_kafka_conf_set_log_cb(rc, source_log_cb);
    return rc;
}

k2td_kafka_source_t *k2td_kafka_source_new(const k2td_kafka_conf_t *conf, const char *task_id,
                                           char *errstr, size_t errstr_size) {
    k2td_kafka_source_t *s = k2td_calloc(1, sizeof(*s));
    s->conf = conf;
    k2td_kafka_consumer_ids(conf, task_id, &s->group_id, &s->client_id);
    s->instance_id =
        k2td_kafka_consumer_instance_id(conf, s->group_id, task_id, &s->member_claim);
    s->kinit = k2td_kinit_new(conf);
    rd_kafka_conf_t *rc = k2td_kafka_consumer_conf(conf, s->group_id, s->client_id,
                                                   s->instance_id, s->kinit, errstr, errstr_size);
    if (!rc) goto fail;
    rd_kafka_conf_set_log_cb(rc, source_log_cb);
    rd_kafka_conf_set_rebalance_cb(rc, source_rebalance_cb);
    rd_kafka_conf_set_error_cb(rc, source_error_cb);
    rd_kafka_conf_set_opaque(rc, s);
    /* librdkafka's log lines are served by the thread that polls, so they
     * reach that thread's log hook (a service task's activity) */
    if (k2td_kafka_conf_set(rc, "log.queue", "true", errstr, errstr_size)) {
        rd_kafka_conf_destroy(rc);
        goto fail;
    }
    char err[512];
    s->rk = rd_kafka_new(RD_KAFKA_CONSUMER, rc, err, sizeof(err));
    if (!s->rk) {
        rd_kafka_conf_destroy(rc); /* rd_kafka_new owns rc only on success */
        k2td_kafka_source_new_failed(conf, err, errstr, errstr_size);
        goto fail;
    }
    rd_kafka_set_log_queue(s->rk, NULL); /* the main queue, which polling serves */
    rd_kafka_poll_set_consumer(s->rk);
    return s;
fail:
    if (s->member_claim >= 0) close(s->member_claim);
    k2td_kinit_free(s->kinit);
    free(s->group_id);
    free(s->client_id);
    free(s->instance_id);
    free(s);
    return NULL;
}

const char *k2td_kafka_source_group_id(const k2td_kafka_source_t *s) {
    return s->group_id;
}

const char *k2td_kafka_source_client_id(const k2td_kafka_source_t *s) {
    return s->client_id;
}

const char *k2td_kafka_source_instance_id(const k2td_kafka_source_t *s) {
    return s->instance_id;
}

int k2td_kafka_source_check(k2td_kafka_source_t *s, int timeout_ms, char *errstr,
                            size_t errstr_size) {
    return k2td_kafka_source_topics(s, timeout_ms, NULL, NULL, errstr, errstr_size);
}

const char *k2td_kafka_source_cause(const k2td_kafka_source_t *s, int *refused) {
    if (refused) *refused = s->cause_is_login;
    return s->cause;
}

/* How long a question about one topic or the group may take. */
#define SOURCE_ASK_MS 5000

/* Returns the monotonic clock in milliseconds. */
static int64_t source_now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Writes why the brokers refused s's login (its cause) in plain words to
 * out: a mechanism the broker does not offer is named with what it offers;
 * a refused SASL login with its mechanism and user (never the password); a
 * SCRAM login of a librdkafka older than 2.6.1 gets the Kafka 4 hint. */
static void source_refusal(const k2td_kafka_source_t *s, char *out, size_t size) {
    static const char offers[] = "broker's supported mechanisms: ";
    const char *list = strstr(s->cause, offers);
    const char *mechanism = k2td_kafka_conf_mechanism(s->conf);
    if (list && mechanism) {
        list += sizeof(offers) - 1;
        snprintf(out, size, "SASL mechanism %s is not enabled on the broker, which offers: %.*s",
                 mechanism, (int)strcspn(list, " ("), list);
        return;
    }
    /* a refused SASL login names the mechanism and the user it tried */
    char who[400] = "";
    if (mechanism && (strstr(s->cause, "uthentication") || strstr(s->cause, "credentials"))) {
        char user[300];
        k2td_kafka_conf_user(s->conf, user, sizeof(user));
        snprintf(who, sizeof(who), " (SASL %s as %s)", mechanism, user);
    }
    int hint = k2td_kafka_scram_at_risk(s->conf);
    snprintf(out, size, "%s%s%s%s", s->cause, who, hint ? "; " : "",
             hint ? K2TD_KAFKA_SCRAM_HINT : "");
}

/* Writes "kafka: <what> `name` is not authorised for user `u` on brokers"
 * (the user of conf) to out; what is "topic", "group" or "a topic of" (name
 * then the task's topics). */
static void source_denied_text(const k2td_kafka_conf_t *conf, const char *what,
                               const char *name, char *out, size_t size) {
    char user[300];
    k2td_kafka_conf_user(conf, user, sizeof(user));
    snprintf(out, size, "kafka: %s `%s` is not authorised for %s on %s", what, name, user,
             conf->brokers);
}

/* Returns non-zero when the brokers refuse rk's user topic `name`, which their
 * list of every topic left out: asked for by name, a broker answers
 * TOPIC_AUTHORIZATION_FAILED for a topic the user may not describe, where
 * the full list omits it as if it did not exist. 0 also when the question
 * fails (the topic then counts as missing). */
static int source_topic_denied(rd_kafka_t *rk, const char *name, int timeout_ms) {
    rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, name, NULL);
    if (!rkt) return 0;
    const struct rd_kafka_metadata *md = NULL;
    int denied = 0;
    if (rd_kafka_metadata(rk, 0, rkt, &md, timeout_ms) == RD_KAFKA_RESP_ERR_NO_ERROR) {
        for (int i = 0; i < md->topic_cnt; i++)
            if (strcmp(md->topics[i].topic, name) == 0 &&
                md->topics[i].err == RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED)
                denied = 1;
        rd_kafka_metadata_destroy(md);
    }
    rd_kafka_topic_destroy(rkt);
    return denied;
}

/* Returns non-zero when the brokers refuse s's user its consumer group
 * (describing the group answers GROUP_AUTHORIZATION_FAILED: the user may not
 * even look it up, let alone join it). 0 when they do not, and when the
 * question fails otherwise or gets no answer within timeout_ms: joining the
 * group then tells. */
static int source_group_denied(k2td_kafka_source_t *s, int timeout_ms) {
    if (!s->group_id || !s->group_id[0]) return 0;
    rd_kafka_queue_t *q = rd_kafka_queue_new(s->rk);
    rd_kafka_AdminOptions_t *o =
        rd_kafka_AdminOptions_new(s->rk, RD_KAFKA_ADMIN_OP_DESCRIBECONSUMERGROUPS);
    rd_kafka_AdminOptions_set_request_timeout(o, timeout_ms, NULL, 0);
    const char *groups[] = {s->group_id};
    rd_kafka_DescribeConsumerGroups(s->rk, groups, 1, o, q);
    rd_kafka_event_t *ev = rd_kafka_queue_poll(q, timeout_ms + 1000);
    int denied = 0;
    const rd_kafka_DescribeConsumerGroups_result_t *r =
        ev ? rd_kafka_event_DescribeConsumerGroups_result(ev) : NULL;
    if (r) {
        denied = rd_kafka_event_error(ev) == RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED;
        size_t n = 0;
        const rd_kafka_ConsumerGroupDescription_t **d =
            rd_kafka_DescribeConsumerGroups_result_groups(r, &n);
        for (size_t i = 0; i < n; i++) {
            const rd_kafka_error_t *e = rd_kafka_ConsumerGroupDescription_error(d[i]);
            if (e && rd_kafka_error_code(e) == RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED)
                denied = 1;
        }
    }
    if (ev) rd_kafka_event_destroy(ev);
    rd_kafka_AdminOptions_destroy(o);
    rd_kafka_queue_destroy(q);
    return denied;
}

void k2td_kafka_topic_missing(rd_kafka_t *rk, const k2td_kafka_conf_t *conf, const char *topic,
                              char *errstr, size_t errstr_size) {
    if (source_topic_denied(rk, topic, SOURCE_ASK_MS))
        source_denied_text(conf, "topic", topic, errstr, errstr_size);
    else
        snprintf(errstr, errstr_size, "kafka: topic `%s` does not exist on %s", topic,
                 conf->brokers);
}

int k2td_kafka_source_topics(k2td_kafka_source_t *s, int timeout_ms, k2td_kafka_topic_fn fn,
                             void *ctx, char *errstr, size_t errstr_size) {
    const struct rd_kafka_metadata *md = NULL;
    rd_kafka_resp_err_t err;
    /* in steps, serving librdkafka's callbacks in between: a refused login
     * or TLS handshake, or every broker down (each refused the connection or
     * failed to resolve), ends the wait as soon as it is reported; a broker
     * that does not answer at all is waited for until the deadline */
    int64_t deadline = source_now_ms() + timeout_ms;
    s->all_down = 0;
    for (;;) {
        int64_t left = deadline - source_now_ms();
        err = rd_kafka_metadata(s->rk, 1, NULL, &md, left < 250 ? (int)(left > 0 ? left : 1) : 250);
        rd_kafka_message_t *m;
        while ((m = rd_kafka_consumer_poll(s->rk, 0)) != NULL) rd_kafka_message_destroy(m);
        if (!err || s->cause_is_login || s->all_down || source_now_ms() >= deadline) break;
    }
    if (err) {
        char kinit[600];
        k2td_kinit_describe(s->kinit, s->conf, kinit, sizeof(kinit));
        char why[sizeof(s->cause) + 400 + sizeof(K2TD_KAFKA_SCRAM_HINT) + 2];
        if (s->cause_is_login) {
            source_refusal(s, why, sizeof(why));
            snprintf(errstr, errstr_size, "kafka: brokers %s refused the connection: %s%s",
                     s->conf->brokers, kinit, why);
        } else if (s->all_down && s->cause[0])
            snprintf(errstr, errstr_size, "kafka: brokers %s cannot be reached: %s%s",
                     s->conf->brokers, kinit, s->cause);
        else
            snprintf(errstr, errstr_size, "kafka: brokers %s did not answer within %d ms: %s%s",
                     s->conf->brokers, timeout_ms, kinit,
                     s->cause[0] ? s->cause : rd_kafka_err2str(err));
        return -1;
    }
    int rc = 0;
    for (size_t t = 0; t < s->conf->topics.n && rc == 0; t++) {
        const char *want = s->conf->topics.items[t];
        int found = 0;
        for (int i = 0; i < md->topic_cnt; i++) {
            if (strcmp(md->topics[i].topic, want) == 0 && md->topics[i].err == 0 &&
                md->topics[i].partition_cnt > 0)
                found = md->topics[i].partition_cnt;
        }
        if (found && fn) fn(ctx, want, found);
        if (!found) {
            k2td_kafka_topic_missing(s->rk, s->conf, want, errstr, errstr_size);
            rc = K2TD_KAFKA_NO_TOPIC;
        }
    }
    rd_kafka_metadata_destroy(md);
    if (rc == 0 && source_group_denied(s, SOURCE_ASK_MS)) {
        source_denied_text(s->conf, "group", s->group_id, errstr, errstr_size);
        rc = K2TD_KAFKA_NO_GROUP;
    }
    return rc;
}

int k2td_kafka_source_subscribe(k2td_kafka_source_t *s, char *errstr, size_t errstr_size) {
    rd_kafka_topic_partition_list_t *topics =
        rd_kafka_topic_partition_list_new((int)s->conf->topics.n);
    for (size_t i = 0; i < s->conf->topics.n; i++)
        rd_kafka_topic_partition_list_add(topics, s->conf->topics.items[i], RD_KAFKA_PARTITION_UA);
    rd_kafka_resp_err_t err = rd_kafka_subscribe(s->rk, topics);
    rd_kafka_topic_partition_list_destroy(topics);
    if (err) {
        snprintf(errstr, errstr_size, "kafka: subscribe failed: %s", rd_kafka_err2str(err));
        return -1;
    }
    return 0;
}

/* Logs librdkafka's fatal error, naming the usual cause of a fenced one. */
static void source_log_fatal(k2td_kafka_source_t *s) {
    char fatal_err[512];
    rd_kafka_resp_err_t ferr = rd_kafka_fatal_error(s->rk, fatal_err, sizeof(fatal_err));
    if (s->self_fenced)
        k2td_log_warn("kafka: the consumer's session in group `%s` timed out (its coordinator "
                      "was unreachable) and its own rejoin as group.instance.id `%s` fenced it "
                      "(librdkafka 2.0.2)", s->group_id, s->instance_id);
    else if (ferr == RD_KAFKA_RESP_ERR_FENCED_INSTANCE_ID)
        k2td_log_error("kafka: another consumer joined group `%s` as group.instance.id `%s` "
                       "and took this one's place: a process on another host of the same "
                       "name, in another network namespace, or with the same --member; give "
                       "each its own with k2td run --member NAME", s->group_id,
                       s->instance_id);
    else
        k2td_log_error("kafka: fatal consumer error: %s", fatal_err);
}

/* Remembers a consumer error m that refuses s's user its topic or group,
 * the first one only: it does not fix itself, the task must end. */
static void source_note_denied(k2td_kafka_source_t *s, const rd_kafka_message_t *m) {
    if (s->denied) return;
    if (m->err == RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED) {
        s->denied = K2TD_KAFKA_NO_TOPIC;
        /* the message's topic, else (librdkafka did not say which) the task's */
        k2td_buf_t topics = K2TD_BUF_INIT;
        if (m->rkt) k2td_buf_puts(&topics, rd_kafka_topic_name(m->rkt));
        for (size_t i = 0; !m->rkt && i < s->conf->topics.n; i++)
            k2td_buf_printf(&topics, "%s%s", i ? "," : "", s->conf->topics.items[i]);
        source_denied_text(s->conf, m->rkt ? "topic" : "a topic of", topics.data ? topics.data : "",
                           s->denied_why, sizeof(s->denied_why));
        k2td_buf_free(&topics);
    } else if (m->err == RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED) {
        s->denied = K2TD_KAFKA_NO_GROUP;
        source_denied_text(s->conf, "group", s->group_id, s->denied_why,
                           sizeof(s->denied_why));
    }
}

int k2td_kafka_source_denied(const k2td_kafka_source_t *s, char *errstr, size_t errstr_size) {
    if (s->denied) snprintf(errstr, errstr_size, "%s", s->denied_why);
    return s->denied;
}

rd_kafka_message_t *k2td_kafka_source_poll(k2td_kafka_source_t *s, int timeout_ms, int *fatal) {
    rd_kafka_message_t *m = rd_kafka_consumer_poll(s->rk, timeout_ms);
    if (m && m->err && m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
        s->errors++;
        source_note_denied(s, m);
        if (rd_kafka_fatal_error(s->rk, NULL, 0))
            s->fatal = s->fatal ? s->fatal : 1;
        else if (m->rkt)
            k2td_log_warn("kafka: %s [%d]: %s", rd_kafka_topic_name(m->rkt), (int)m->partition,
                          rd_kafka_message_errstr(m));
        else
            k2td_log_warn("kafka: %s", rd_kafka_message_errstr(m));
    }
    if (s->fatal) { /* from the message above or from the error callback */
        if (s->fatal == 1) source_log_fatal(s);
        s->fatal = 2; /* logged once */
        if (fatal) *fatal = 1;
    }
    if (m && m->err) {
        rd_kafka_message_destroy(m);
        return NULL;
    }
    return m;
}

uint64_t k2td_kafka_source_epoch(const k2td_kafka_source_t *s) {
    return s->epoch;
}

/* Returns a list with, per partition in msgs, the lowest (want_max == 0) or
 * the highest + 1 (want_max == 1) offset. */
static rd_kafka_topic_partition_list_t *source_offsets(rd_kafka_message_t *const *msgs, size_t n,
                                                       int want_max) {
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(16);
    for (size_t i = 0; i < n; i++) {
        const char *topic = rd_kafka_topic_name(msgs[i]->rkt);
        int64_t off = want_max ? msgs[i]->offset + 1 : msgs[i]->offset;
        rd_kafka_topic_partition_t *p =
            rd_kafka_topic_partition_list_find(l, topic, msgs[i]->partition);
        if (!p) {
            rd_kafka_topic_partition_list_add(l, topic, msgs[i]->partition)->offset = off;
        } else if (want_max ? off > p->offset : off < p->offset) {
            p->offset = off;
        }
    }
    return l;
}

int k2td_kafka_source_store(k2td_kafka_source_t *s, rd_kafka_message_t *const *msgs, size_t n,
                            char *errstr, size_t errstr_size) {
    if (!n) return 0;
    rd_kafka_topic_partition_list_t *l = source_offsets(msgs, n, 1);
    rd_kafka_resp_err_t err = rd_kafka_offsets_store(s->rk, l);
    int rc = 0;
    if (err) {
        for (int i = 0; i < l->cnt; i++) {
            if (l->elems[i].err) {
                snprintf(errstr, errstr_size, "kafka: storing offset %lld of %s [%d] failed: %s",
                         (long long)l->elems[i].offset, l->elems[i].topic,
                         (int)l->elems[i].partition, rd_kafka_err2str(l->elems[i].err));
                break;
            }
        }
        rc = -1;
    }
    source_remember(s, l);
    rd_kafka_topic_partition_list_destroy(l);
    return rc;
}

void k2td_kafka_source_partitions(k2td_kafka_source_t *s, k2td_kafka_part_fn fn, void *ctx) {
    rd_kafka_topic_partition_list_t *assigned = NULL;
    if (rd_kafka_assignment(s->rk, &assigned) || !assigned) return;
    int have_pos = rd_kafka_position(s->rk, assigned) == RD_KAFKA_RESP_ERR_NO_ERROR;
    for (int i = 0; i < assigned->cnt; i++) {
        const rd_kafka_topic_partition_t *p = &assigned->elems[i];
        int64_t lo, hi;
        if (rd_kafka_get_watermark_offsets(s->rk, p->topic, p->partition, &lo, &hi)) hi = -1;
        const rd_kafka_topic_partition_t *st =
            s->stored ? rd_kafka_topic_partition_list_find(s->stored, p->topic, p->partition)
                      : NULL;
        fn(ctx, p->topic, p->partition, st ? st->offset : -1,
           have_pos ? source_position(s, p) : -1, hi);
    }
    rd_kafka_topic_partition_list_destroy(assigned);
}

void k2td_kafka_source_rewind(k2td_kafka_source_t *s, rd_kafka_message_t *const *msgs, size_t n) {
    if (!n) return;
    rd_kafka_topic_partition_list_t *assigned = NULL;
    if (rd_kafka_assignment(s->rk, &assigned) || !assigned) return;
    rd_kafka_topic_partition_list_t *l = source_offsets(msgs, n, 0);
    rd_kafka_topic_partition_list_t *seek = rd_kafka_topic_partition_list_new(l->cnt);
    for (int i = 0; i < l->cnt; i++) {
        if (rd_kafka_topic_partition_list_find(assigned, l->elems[i].topic, l->elems[i].partition))
            rd_kafka_topic_partition_list_add(seek, l->elems[i].topic, l->elems[i].partition)
                ->offset = l->elems[i].offset;
    }
    if (seek->cnt) {
        rd_kafka_error_t *e = rd_kafka_seek_partitions(s->rk, seek, 10000);
        if (e) {
            k2td_log_error("kafka: rewinding %d partition(s) failed: %s", seek->cnt,
                           rd_kafka_error_string(e));
            rd_kafka_error_destroy(e);
        }
    }
    rd_kafka_topic_partition_list_destroy(seek);
    rd_kafka_topic_partition_list_destroy(l);
    rd_kafka_topic_partition_list_destroy(assigned);
}

static void source_pause_resume(k2td_kafka_source_t *s, int pause) {
    rd_kafka_topic_partition_list_t *assigned = NULL;
    if (rd_kafka_assignment(s->rk, &assigned) || !assigned) return;
    if (pause)
        rd_kafka_pause_partitions(s->rk, assigned);
    else
        rd_kafka_resume_partitions(s->rk, assigned);
    rd_kafka_topic_partition_list_destroy(assigned);
}

void k2td_kafka_source_pause(k2td_kafka_source_t *s) {
    if (s->paused) return;
    s->paused = 1;
    source_pause_resume(s, 1);
}

void k2td_kafka_source_resume(k2td_kafka_source_t *s) {
    if (!s->paused) return;
    s->paused = 0;
    source_pause_resume(s, 0);
}

int64_t k2td_kafka_source_lag(k2td_kafka_source_t *s) {
    rd_kafka_topic_partition_list_t *assigned = NULL;
    if (rd_kafka_assignment(s->rk, &assigned) || !assigned) return -1;
    int64_t lag = assigned->cnt ? 0 : -1;
    if (rd_kafka_position(s->rk, assigned) != RD_KAFKA_RESP_ERR_NO_ERROR) lag = -1;
    for (int i = 0; i < assigned->cnt && lag >= 0; i++) {
        int64_t lo, hi;
        const rd_kafka_topic_partition_t *p = &assigned->elems[i];
        if (rd_kafka_get_watermark_offsets(s->rk, p->topic, p->partition, &lo, &hi) || hi < 0) {
            lag = -1; /* no fetch answered for it yet */
            break;
        }
        int64_t pos = source_position(s, p);
        if (pos < 0) /* at auto.offset.reset: earliest, or latest (the end) */
            pos = s->conf->fallback_offset == K2TD_KAFKA_OFFSET_LATEST ? hi : lo;
        lag += hi > pos ? hi - pos : 0;
    }
    rd_kafka_topic_partition_list_destroy(assigned);
    return lag;
}

size_t k2td_kafka_source_assigned(const k2td_kafka_source_t *s) {
    return s->assigned;
}

uint64_t k2td_kafka_source_errors(const k2td_kafka_source_t *s) {
    return s->errors;
}

int k2td_kafka_source_self_fenced(const k2td_kafka_source_t *s) {
    return s->fatal && s->self_fenced;
}

int k2td_kafka_source_close(k2td_kafka_source_t *s) {
    int rc = 0;
    /* with no partition ever assigned nothing can have been stored */
    rd_kafka_resp_err_t err = s->ever_assigned ? rd_kafka_commit(s->rk, NULL, 0) : 0;
    if (err && err != RD_KAFKA_RESP_ERR__NO_OFFSET) {
        k2td_log_warn("kafka: final commit failed: %s", rd_kafka_err2str(err));
        rc = -1;
    }
    if (source_cooperative_configured(s->rk) && !s->ever_assigned) {
        /* librdkafka 2.0.2 aborts when a cooperative-sticky consumer that
         * never had a partition is closed (#4312): leave without closing;
         * there is nothing to commit or revoke */
        rd_kafka_destroy_flags(s->rk, RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
    } else {
        rd_kafka_consumer_close(s->rk);
        rd_kafka_destroy(s->rk);
    }
    if (s->stored) rd_kafka_topic_partition_list_destroy(s->stored);
    if (s->start) rd_kafka_topic_partition_list_destroy(s->start);
    k2td_kinit_free(s->kinit); /* librdkafka's threads are gone: no kinit runs */
    /* the member has left or is left behind: a restart may take its slot */
    if (s->member_claim >= 0) close(s->member_claim);
    free(s->group_id);
    free(s->client_id);
    free(s->instance_id);
    free(s);
    return rc;
}
