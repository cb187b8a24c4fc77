/*
 * kafka_kinit.h - the Kerberos kinit command of a GSSAPI consumer, with
 * kinit's error output kept so that a failed login can name kinit's reason.
 *
 * librdkafka runs the kinit command through the shell when the consumer
 * starts and again every sasl.kerberos.min.time.before.relogin, and says
 * only that it "exited with code 1"; kinit's own reason ("Keytab contains no
 * suitable keys for ...", "Cannot contact any KDC ...") went to stderr. A
 * capture hands librdkafka the command - the DSN's own (the operator's, or
 * a client's where the operator allows it) or k2td's K2TD_KAFKA_KINIT_CMD -
 * as
 *
 *     { CMD
 *     } 2>'FILE'
 *
 * FILE is a private file (mkstemp: mode 0600, under $TMPDIR or /tmp) that
 * each run empties, so it holds the error lines of the last run: nothing
 * after one that succeeded. The newline before '}' ends a comment at the end
 * of CMD. A command that sends its errors elsewhere itself leaves FILE
 * empty, and the failure is then told by its exit code only.
 *
 * A capture belongs to one consumer (its thread); librdkafka's thread writes
 * the file while the consumer reads it, so a line may be read half-written.
 */
#ifndef K2TD_KAFKA_KINIT_H
#define K2TD_KAFKA_KINIT_H

#include <stddef.h>

#include "../common/buf.h"
#include "../task/kafka_dsn.h"

typedef struct k2td_kinit k2td_kinit_t;

/* Returns a capture for a consumer of c, or NULL when c does not log in with
 * GSSAPI or no private file can be made (a warning says so; kinit's output
 * then goes to stderr). The caller frees it with k2td_kinit_free() once the
 * consumer is destroyed. */
k2td_kinit_t *k2td_kinit_new(const k2td_kafka_conf_t *c);

/* Returns the command to give librdkafka as sasl.kerberos.kinit.cmd (owned
 * by k). */
const char *k2td_kinit_cmd(const k2td_kinit_t *k);

/* Writes kinit's reason for the failure of the last run to reason (at most
 * size - 1 bytes): the last line of its error output without the leading
 * "kinit: ". Returns 1, or 0 with reason "" when the last run wrote no
 * error (it succeeded, has not run yet, or wrote its errors elsewhere). The
 * text is kinit's: redact it (k2td_kafka_conf_redact) before showing it. */
int k2td_kinit_reason(const k2td_kinit_t *k, char *reason, size_t size);

/* Writes "kinit failed: <reason>; " to out (at most size - 1 bytes), the
 * reason redacted for c (k2td_kafka_conf_redact), to put before the error
 * of a consumer that could not reach its brokers. Returns 1, or 0 with out
 * "" when k is NULL or the last run wrote no error. */
int k2td_kinit_describe(const k2td_kinit_t *k, const k2td_kafka_conf_t *c, char *out,
                        size_t size);

/* Appends what librdkafka's line about a failed run (line, its log facility
 * SASLREFRESH) means: "kinit failed: <reason>", or, when the run wrote no
 * error, how the command ended as librdkafka tells it ("exited with code
 * 1"). The command line librdkafka quotes is left out. */
void k2td_kinit_failed(const k2td_kinit_t *k, const char *line, k2td_buf_t *out);

/* Removes k's file and frees k; NULL is ignored. */
void k2td_kinit_free(k2td_kinit_t *k);

#endif
