/*
 * kafka_security.c - taosX's SASL/SSL DSN keys as librdkafka properties
 * (kafka_security.h).
 */
#include "kafka_security.h"

#include <string.h>

#include "../common/alloc.h"
#include "../common/buf.h"
#include "../common/errstr.h"

static const struct {
    const char *taosx;
    const char *inline_key; /* the property for a value given inline */
    const char *file_key;   /* the property for "@path", or NULL: taken as written */
    unsigned flag;
} security_keys[] = {
    {"sasl_mechanism", "sasl.mechanisms", NULL, K2TD_KAFKA_SEC_SASL},
    {"sasl_username", "sasl.username", NULL, 0},
    {"sasl_password", "sasl.password", NULL, 0},
    {"sasl_kerberos_service_name", "sasl.kerberos.service.name", NULL, 0},
    {"sasl_kerberos_principal", "sasl.kerberos.principal", NULL, 0},
    {"sasl_kerberos_kinit_cmd", "sasl.kerberos.kinit.cmd", NULL, 0},
    {"sasl_kerberos_keytab", "sasl.kerberos.keytab", "sasl.kerberos.keytab", 0},
    {"ca", "ssl.ca.pem", "ssl.ca.location", K2TD_KAFKA_SEC_SSL},
    {"cert", "ssl.certificate.pem", "ssl.certificate.location", K2TD_KAFKA_SEC_SSL},
    {"cert_key", "ssl.key.pem", "ssl.key.location", K2TD_KAFKA_SEC_SSL},
    {"ca_password", "ssl.key.password", NULL, 0},
};

static const char *const mechanisms[] = {"PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512", "GSSAPI",
                                         "OAUTHBEARER", NULL};

int k2td_kafka_security_translate(const char *key, const char *value, k2td_kv_t *out,
                                  unsigned *flags, char *errstr, size_t errstr_size) {
    for (size_t i = 0; i < sizeof(security_keys) / sizeof(security_keys[0]); i++) {
        if (strcmp(key, security_keys[i].taosx) != 0) continue;
        if (!*value)
            return k2td_errstr_set(errstr, errstr_size, "key `%s`: must not be empty", key);
        if (security_keys[i].flag == K2TD_KAFKA_SEC_SASL) {
            size_t m = 0;
            while (mechanisms[m] && strcmp(mechanisms[m], value) != 0) m++;
            if (!mechanisms[m])
                return k2td_errstr_set(errstr, errstr_size,
                                       "key `sasl_mechanism`: `%s` is not one of PLAIN, "
                                       "SCRAM-SHA-256, SCRAM-SHA-512, GSSAPI, OAUTHBEARER",
                                       value);
        }
        int file = security_keys[i].file_key && value[0] == '@';
        *out = (k2td_kv_t){
            k2td_strdup(file ? security_keys[i].file_key : security_keys[i].inline_key),
            k2td_strdup(file ? value + 1 : value), NULL};
        *flags |= security_keys[i].flag;
        return 1;
    }
    return 0;
}

int k2td_kafka_security_check_value(const char *key, const char *prop, const char *value,
                                    char *errstr, size_t errstr_size) {
    static const char name_chars[] =
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._/@-";
    if ((strcmp(prop, "sasl.kerberos.principal") == 0 ||
         strcmp(prop, "sasl.kerberos.service.name") == 0) &&
        value[strspn(value, name_chars)] != '\0')
        return k2td_errstr_set(errstr, errstr_size,
                               "key `%s`: a Kerberos name may hold only letters, digits and "
                               ". _ / @ -", key);
    if (strcmp(prop, "sasl.kerberos.keytab") == 0 && strchr(value, '\''))
        return k2td_errstr_set(errstr, errstr_size,
                               "key `%s`: a keytab path must not hold a single quote", key);
    return 0;
}

const char *k2td_kafka_security_protocol(unsigned flags) {
    switch (flags & (K2TD_KAFKA_SEC_SASL | K2TD_KAFKA_SEC_SSL)) {
    case K2TD_KAFKA_SEC_SASL | K2TD_KAFKA_SEC_SSL: return "sasl_ssl";
    case K2TD_KAFKA_SEC_SASL: return "sasl_plaintext";
    case K2TD_KAFKA_SEC_SSL: return "ssl";
    default: return NULL;
    }
}

void k2td_kafka_security_help(k2td_buf_t *out) {
    k2td_buf_puts(out, "\ntaosX's security keys, read as librdkafka properties (a value "
                       "\"@path\" names a file;\nthrough `k2td serve`'s API, \"@upload:<id>\" "
                       "names an upload):\n");
    for (size_t i = 0; i < sizeof(security_keys) / sizeof(security_keys[0]); i++) {
        k2td_buf_printf(out, "  %-28s %s", security_keys[i].taosx, security_keys[i].inline_key);
        if (security_keys[i].file_key && strcmp(security_keys[i].file_key,
                                                security_keys[i].inline_key) != 0)
            k2td_buf_printf(out, " (\"@path\": %s)", security_keys[i].file_key);
        k2td_buf_putc(out, '\n');
    }
    k2td_buf_puts(out, "  security.protocol is derived from them (sasl_plaintext, ssl, "
                       "sasl_ssl) unless given.\n");
}
