/*
 * kafka_consumer_conf.c - the librdkafka configuration of a task's consumer
 * (see kafka_consumer_conf.h).
 */
#include "kafka_consumer_conf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "../common/alloc.h"
#include "../common/buf.h"
#include "../common/log.h"
#include "../task/kafka_security.h"
#include "kafka_member.h"

int k2td_kafka_conf_set(rd_kafka_conf_t *c, const char *key, const char *value, char *errstr,
                        size_t errstr_size) {
    char err[512];
    if (rd_kafka_conf_set(c, key, value, err, sizeof(err)) != RD_KAFKA_CONF_OK) {
        /* librdkafka's message may quote the value: not for a secret */
        snprintf(errstr, errstr_size, "librdkafka property `%s`: %s", key,
                 k2td_kafka_key_is_secret(key) ? "the value was rejected" : err);
        return -1;
    }
    return 0;
}

static int consumer_set_int(rd_kafka_conf_t *c, const char *key, long long v, char *errstr,
                            size_t errstr_size) {
    char num[32];
    snprintf(num, sizeof(num), "%lld", v);
    return k2td_kafka_conf_set(c, key, num, errstr, errstr_size);
}

void k2td_kafka_consumer_ids(const k2td_kafka_conf_t *c, const char *task_id, char **group_id,
                             char **client_id) {
    const char *group_tid = c->with_task_id || c->group_with_task_id ? task_id : NULL;
    const char *client_tid = c->with_task_id || c->client_with_task_id ? task_id : NULL;
    *group_id = k2td_kafka_id_generate(c->id_prefix, group_tid, c->group);
    *client_id = k2td_kafka_id_generate(c->id_prefix, client_tid, c->client_id);
    if (!*group_id) *group_id = k2td_kafka_id_generate(c->id_prefix, group_tid, "k2td");
    if (!*client_id) *client_id = k2td_strdup("");
}

/* Returns a 32-bit FNV-1a hash of c's topics, sorted, each followed by ','. */
static uint32_t consumer_topics_hash(const k2td_kafka_conf_t *c) {
    size_t n = c->topics.n;
    const char **sorted = k2td_malloc((n ? n : 1) * sizeof(*sorted));
    for (size_t i = 0; i < n; i++) sorted[i] = c->topics.items[i];
    for (size_t i = 1; i < n; i++) /* a handful of topics: insertion sort */
        for (size_t j = i; j > 0 && strcmp(sorted[j - 1], sorted[j]) > 0; j--) {
            const char *t = sorted[j];
            sorted[j] = sorted[j - 1];
            sorted[j - 1] = t;
        }
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        for (const unsigned char *p = (const unsigned char *)sorted[i];; p++) {
            h = (h ^ (*p ? *p : ',')) * 16777619u;
            if (!*p) break;
        }
    free(sorted);
    return h;
}

char *k2td_kafka_consumer_instance_id(const k2td_kafka_conf_t *c, const char *group_id,
                                      const char *task_id, int *claim) {
    *claim = -1;
    if (!c->static_membership) return NULL;
    char host[256] = "";
    const char *name = c->instance_name;
    if (!name || !name[0]) {
        if (gethostname(host, sizeof(host) - 1) != 0 || !host[0])
            snprintf(host, sizeof(host), "k2td");
        name = host;
    }
    k2td_buf_t head = K2TD_BUF_INIT, tail = K2TD_BUF_INIT;
    k2td_buf_printf(&head, "%s-%s%s", group_id, task_id ? task_id : "", task_id ? "-" : "");
    k2td_buf_printf(&tail, "-%08x", (unsigned)consumer_topics_hash(c));
    char *id = k2td_kafka_member_claim(head.data, name, tail.data, claim);
    k2td_buf_free(&head);
    k2td_buf_free(&tail);
    return id;
}

int k2td_kafka_scram_at_risk(const k2td_kafka_conf_t *c) {
    const char *mechanism = k2td_kafka_conf_mechanism(c);
    return rd_kafka_version() < 0x020601ff && mechanism && strncasecmp(mechanism, "SCRAM", 5) == 0;
}

rd_kafka_conf_t *k2td_kafka_consumer_conf(const k2td_kafka_conf_t *c, const char *group_id,
                                          const char *client_id, const char *instance_id,
                                          const k2td_kinit_t *kinit, char *errstr,
                                          size_t errstr_size) {
    rd_kafka_conf_t *rc = rd_kafka_conf_new();
    const char *reset = c->fallback_offset == K2TD_KAFKA_OFFSET_LATEST  ? "latest"
                        : c->fallback_offset == K2TD_KAFKA_OFFSET_ERROR ? "error"
                                                                  : "earliest";
    if (k2td_kafka_conf_set(rc, "bootstrap.servers", c->brokers, errstr, errstr_size) ||
        k2td_kafka_conf_set(rc, "group.id", group_id, errstr, errstr_size) ||
        (client_id[0] && k2td_kafka_conf_set(rc, "client.id", client_id, errstr, errstr_size)) ||
        (instance_id &&
         k2td_kafka_conf_set(rc, "group.instance.id", instance_id, errstr, errstr_size)) ||
        k2td_kafka_conf_set(rc, "enable.auto.offset.store", "false", errstr, errstr_size) ||
        k2td_kafka_conf_set(rc, "enable.auto.commit", "true", errstr, errstr_size) ||
        consumer_set_int(rc, "auto.commit.interval.ms", c->commit_interval_ms, errstr,
                         errstr_size) ||
        k2td_kafka_conf_set(rc, "auto.offset.reset", reset, errstr, errstr_size) ||
        consumer_set_int(rc, "fetch.wait.max.ms", c->fetch_max_wait_ms, errstr, errstr_size) ||
        consumer_set_int(rc, "fetch.min.bytes", c->fetch_min_bytes, errstr, errstr_size) ||
        consumer_set_int(rc, "fetch.message.max.bytes", c->fetch_max_bytes_per_partition,
                         errstr, errstr_size) ||
        /* bounded prefetch: fetching stops at 250,000 queued messages or
         * 64 MiB of their payloads, whichever comes first. librdkafka 2.0.2
         * keeps ~500 bytes per small message queued (its op and the fetch
         * buffer), so for small messages the count is the bound: 250,000
         * canonical messages took ~130 MiB, 1,000,000 (the byte limit then
         * applied) ~245 MiB and a 10 M backlog above 256 MiB. The count is
         * above librdkafka's default (100000), at which a drained queue
         * waited up to ~0.8 s for the next fetch, capping a 4-partition
         * topic at ~190k msg/s; the trade-off is in bench/README.md */
        k2td_kafka_conf_set(rc, "queued.max.messages.kbytes", "65536", errstr, errstr_size) ||
        k2td_kafka_conf_set(rc, "queued.min.messages", "250000", errstr, errstr_size) ||
        /* eager assignment: cooperative-sticky aborts on close in librdkafka
         * 2.0.2 (issue #4312); users may still choose it by passthrough */
        k2td_kafka_conf_set(rc, "partition.assignment.strategy", "range,roundrobin", errstr,
                            errstr_size) ||
        k2td_kafka_conf_set(rc, "socket.keepalive.enable", "true", errstr, errstr_size) ||
        /* librdkafka's default kinit leaves the principal unquoted in a
         * shell line; a DSN (operator) or the service's config may replace it */
        k2td_kafka_conf_set(rc, "sasl.kerberos.kinit.cmd", K2TD_KAFKA_KINIT_CMD, errstr,
                            errstr_size))
        goto fail;
    for (size_t i = 0; i < c->npassthrough; i++)
        if (k2td_kafka_conf_set(rc, c->passthrough[i].key, c->passthrough[i].value, errstr,
                                errstr_size))
            goto fail;
    if (kinit && k2td_kafka_conf_set(rc, "sasl.kerberos.kinit.cmd", k2td_kinit_cmd(kinit),
                                     errstr, errstr_size))
        goto fail;
    if (k2td_kafka_scram_at_risk(c))
        k2td_log_warn("kafka: SCRAM with librdkafka %s: " K2TD_KAFKA_SCRAM_HINT,
                      rd_kafka_version_str());
    return rc;
fail:
    rd_kafka_conf_destroy(rc);
    return NULL;
}

