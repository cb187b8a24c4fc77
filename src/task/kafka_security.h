/*
 * kafka_security.h - taosX's SASL and SSL keys of the source DSN, read as
 * the librdkafka properties they stand for:
 *
 *   sasl_mechanism=PLAIN|SCRAM-SHA-256|SCRAM-SHA-512|GSSAPI  sasl.mechanisms
 *   sasl_username, sasl_password         sasl.username, sasl.password
 *   sasl_kerberos_service_name, sasl_kerberos_principal, sasl_kerberos_kinit_cmd
 *                                        sasl.kerberos.service.name, ...principal, ...kinit.cmd
 *   sasl_kerberos_keytab=@path           sasl.kerberos.keytab
 *   ca, cert, cert_key                   inline PEM text: ssl.ca.pem, ssl.certificate.pem,
 *                                        ssl.key.pem; "@path": ssl.ca.location,
 *                                        ssl.certificate.location, ssl.key.location
 *   ca_password                          ssl.key.password (the key's passphrase)
 *
 * and, as taosX derives it, security.protocol: sasl_ssl with both, sasl_plaintext
 * with SASL only, ssl with certificates only — unless the DSN sets
 * security.protocol itself. A "@path" is a file on the machine running k2td;
 * an API client of `k2td serve` names an upload instead, "@upload:<id>"
 * (upload_ref.h, kafka_allow.h).
 *
 * Kerberos: the principal and service name must be made of [A-Za-z0-9._/@-]
 * and a keytab path must not hold a single quote, whoever gives them, so
 * they cannot break out of the kinit command line. k2td sets its own kinit
 * command, K2TD_KAFKA_KINIT_CMD, which quotes both; the DSN's (operator) or
 * the service's config may replace it. Unlike taosX, k2td keeps
 * librdkafka's broker host name verification on (an IP address SAN counts);
 * turn it off explicitly with ssl.endpoint.identification.algorithm=none for
 * a broker whose certificate does not name the address used.
 * When the same setting is given both ways, the later one in the DSN wins.
 */
#ifndef K2TD_KAFKA_SECURITY_H
#define K2TD_KAFKA_SECURITY_H

#include <stddef.h>

#include "../common/buf.h"
#include "kafka_dsn.h"

/* What the taosX keys of a DSN asked for, to derive security.protocol. */
enum { K2TD_KAFKA_SEC_SASL = 1, K2TD_KAFKA_SEC_SSL = 2 };

/*
 * Translates taosX key=value into the librdkafka property it stands for:
 * returns 1 with *out set (key and value newly allocated, owned by the
 * caller) and *flags or'ed with what it asks for; 0 when key is not one of
 * taosX's security keys; -1 with errstr naming the key for an empty value
 * or an unknown sasl_mechanism.
 */
int k2td_kafka_security_translate(const char *key, const char *value, k2td_kv_t *out,
                                  unsigned *flags, char *errstr, size_t errstr_size);

/* The kinit command k2td gives librdkafka: its default with the keytab and
 * the principal single-quoted (librdkafka's own leaves the principal bare). */
#define K2TD_KAFKA_KINIT_CMD                                                        \
    "kinit -R -t '%{sasl.kerberos.keytab}' -k '%{sasl.kerberos.principal}' || "   \
    "kinit -t '%{sasl.kerberos.keytab}' -k '%{sasl.kerberos.principal}'"

/* Checks the value of librdkafka property prop (asked for by DSN key key)
 * where it reaches a command line: the Kerberos principal and service name
 * ([A-Za-z0-9._/@-] only) and the keytab path (no single quote). Returns 0,
 * or -1 with errstr naming key (never quoting the value). */
int k2td_kafka_security_check_value(const char *key, const char *prop, const char *value,
                                    char *errstr, size_t errstr_size);

/* Returns the security.protocol that flags call for, or NULL for none. */
const char *k2td_kafka_security_protocol(unsigned flags);

/* Appends the list of taosX's security keys and what each becomes (for
 * `k2td keys`). */
void k2td_kafka_security_help(k2td_buf_t *out);

#endif
