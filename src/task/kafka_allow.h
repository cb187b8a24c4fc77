/*
 * kafka_allow.h - the librdkafka properties an API client of `k2td serve`
 * may set in a task's source DSN: one table (kafka_allow.c), each entry
 * with the reason it is safe. `k2td keys` prints it; docs/security.md
 * points to that listing.
 *
 * Anything else - properties that run commands (sasl.kerberos.kinit.cmd,
 * sasl.oauthbearer.*), load code (plugin.library.paths, ssl.engine.*,
 * ssl.providers), read host files (any *.location or keytab outside the
 * upload store), or tune what k2td sets itself (enable.auto.commit,
 * log.queue, debug) - only the operator sets: on `k2td run`'s command line
 * or task file, or in `k2td serve --config`. taosX's keys (sasl_password,
 * ca, ...) are judged by the property they stand for.
 */
#ifndef K2TD_KAFKA_ALLOW_H
#define K2TD_KAFKA_ALLOW_H

#include <stddef.h>

#include "../common/buf.h"
#include "dsn_policy.h"
#include "kafka_dsn.h"

/*
 * Checks that an API client may set librdkafka property kv->key, asked for
 * by the DSN key key (as written), under policy. A file property's value
 * must name an upload ("upload:<id>"); kv->value then becomes the stored
 * file's path and kv->ref the reference (both owned by kv). Returns 0, or
 * -1 with errstr naming key; the message never quotes the value and is the
 * same for every path on the host, so it tells nothing about the host's
 * files.
 */
int k2td_kafka_allow_check(const char *key, k2td_kv_t *kv, const k2td_dsn_policy_t *policy,
                           char *errstr, size_t errstr_size);

/* Appends the allowlist, one property a line with its reason (for `k2td keys`). */
void k2td_kafka_allow_help(k2td_buf_t *out);

#endif
