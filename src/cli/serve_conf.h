/*
 * serve_conf.h - the config file of `k2td serve` (--config FILE):
 *
 *     {"user": "admin",                      optional, default admin
 *      "password": "...",                    required: the login
 *      "tls_cert": "/etc/k2td/cert.pem",     optional, with tls_key: HTTPS
 *      "tls_key": "/etc/k2td/key.pem",       (PEM files; --tls-cert/--tls-key win)
 *      "public_urls": ["https://k2td.example.com"],  optional: the URLs browsers
 *                                            use when they are not the listen
 *                                            address (added to --public-url)
 *      "kafka": {"sasl.kerberos.kinit.cmd": "...",   optional: every task's
 *                "allow_kinit_override": false},     kinit command (docs/security.md)
 *      "target_ca": "/etc/k2td/td-ca.pem",   optional: the PEM file of CAs every
 *                                            https target is checked against
 *                                            (instead of the system's store)
 *      "log_level": "info"}                  optional: error, warn, info or debug
 *                                            (--log-level wins at start; SIGHUP
 *                                            sets it from the file again)
 *
 * The password may be "${env:NAME}" or "${file:PATH}" (common/secret_source.h).
 *
 * Unknown keys are errors.
 */
#ifndef K2TD_SERVE_CONF_H
#define K2TD_SERVE_CONF_H

#include <stddef.h>

#include "../task/config_map.h"

typedef struct k2td_serve_conf {
    char user[128];           /* "" when not given */
    char *password;           /* owned; wiped by k2td_serve_conf_free */
    char *tls_cert, *tls_key; /* owned file paths, NULL when not given */
    k2td_strlist_t public_urls;
    char *kinit_cmd;          /* owned; kafka."sasl.kerberos.kinit.cmd", NULL when not given */
    char *target_ca;          /* owned file path, NULL when not given */
    int allow_kinit_override; /* kafka.allow_kinit_override */
    int log_level;            /* a k2td_log_level_t, -1 when not given */
} k2td_serve_conf_t;

/* Reads the config file at path into *conf (zeroed first). Returns 0, or -1
 * with errstr naming the file and the key. */
int k2td_serve_conf_load(const char *path, k2td_serve_conf_t *conf, char *errstr,
                         size_t errstr_size);

/* Releases what conf owns, wiping the password; safe on a zeroed struct. */
void k2td_serve_conf_free(k2td_serve_conf_t *conf);

#endif
