/*
 * serve_conf.c - the config file of `k2td serve` (see serve_conf.h).
 */
#include "serve_conf.h"

#include <stdlib.h>
#include <string.h>

#include "../common/alloc.h"
#include "../common/errstr.h"
#include "../common/log.h"
#include "../common/secret_source.h"
#include "../task/json_doc.h"

/* Copies the optional non-empty string root[key] into *out (NULL when
 * absent). Returns 0, or -1 with errstr. */
static int conf_string(const cJSON *root, const char *key, char **out, char *errstr,
                       size_t errstr_size) {
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(root, key);
    if (!item) return 0;
    if (!cJSON_IsString(item) || !item->valuestring[0]) {
        k2td_errstr_set(errstr, errstr_size, "config.%s: must be a non-empty string", key);
        return -1;
    }
    *out = k2td_strdup(item->valuestring);
    return 0;
}

/* Reads the optional "kafka" object of root into conf. Returns 0, or -1
 * with errstr naming the key. */
static int conf_kafka(const cJSON *root, k2td_serve_conf_t *conf, char *errstr,
                      size_t errstr_size) {
    static const char *const keys[] = {"sasl.kerberos.kinit.cmd", "allow_kinit_override", NULL};
    const cJSON *kafka = cJSON_GetObjectItemCaseSensitive(root, "kafka");
    if (!kafka) return 0;
    if (!cJSON_IsObject(kafka))
        return k2td_errstr_set(errstr, errstr_size, "config.kafka: must be an object");
    if (k2td_json_check_keys(kafka, "config.kafka", keys, NULL, errstr, errstr_size) != 0)
        return -1;
    const cJSON *cmd = cJSON_GetObjectItemCaseSensitive(kafka, "sasl.kerberos.kinit.cmd");
    const cJSON *allow = cJSON_GetObjectItemCaseSensitive(kafka, "allow_kinit_override");
    if (cmd && (!cJSON_IsString(cmd) || !cmd->valuestring[0]))
        return k2td_errstr_set(errstr, errstr_size,
                               "config.kafka.sasl.kerberos.kinit.cmd: must be a non-empty string");
    if (allow && !cJSON_IsBool(allow))
        return k2td_errstr_set(errstr, errstr_size,
                               "config.kafka.allow_kinit_override: must be true or false");
    if (cmd) conf->kinit_cmd = k2td_strdup(cmd->valuestring);
    conf->allow_kinit_override = cJSON_IsTrue(allow);
    return 0;
}

/* Reads the optional "log_level" of root into conf->log_level (-1 when
 * absent). Returns 0, or -1 with errstr. */
static int conf_log_level(const cJSON *root, k2td_serve_conf_t *conf, char *errstr,
                          size_t errstr_size) {
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(root, "log_level");
    conf->log_level = -1;
    if (!item) return 0;
    if (cJSON_IsString(item)) conf->log_level = k2td_log_level_from_name(item->valuestring);
    if (conf->log_level < 0)
        return k2td_errstr_set(errstr, errstr_size,
                               "config.log_level: must be one of error, warn, info, debug");
    return 0;
}

/* Replaces conf->password by what it names when it is "${env:NAME}" or
 * "${file:PATH}". Returns 0, or -1 with errstr (never the secret). */
static int conf_password_source(k2td_serve_conf_t *conf, char *errstr, size_t errstr_size) {
    char *read = NULL, err[512];
    if (k2td_secret_source_read(conf->password, &read, err, sizeof(err)) < 0)
        return k2td_errstr_set(errstr, errstr_size, "config.password: %s", err);
    if (!read) return 0;
    memset(conf->password, 0, strlen(conf->password));
    free(conf->password);
    conf->password = read;
    return 0;
}

/* Fills conf from the parsed file root. Returns 0, or -1 with errstr. */
static int conf_read(const cJSON *root, k2td_serve_conf_t *conf, char *errstr,
                     size_t errstr_size) {
    static const char *const keys[] = {"user",        "password",  "tls_cert", "tls_key",
                                       "public_urls", "kafka",     "log_level", "target_ca",
                                       NULL};
    char *user = NULL;
    int rc = -1;
    if (!cJSON_IsObject(root))
        k2td_errstr_set(errstr, errstr_size, "must be a JSON object");
    else if (k2td_json_check_keys(root, "config", keys, NULL, errstr, errstr_size) == 0 &&
             conf_string(root, "user", &user, errstr, errstr_size) == 0 &&
             conf_string(root, "password", &conf->password, errstr, errstr_size) == 0 &&
             conf_string(root, "tls_cert", &conf->tls_cert, errstr, errstr_size) == 0 &&
             conf_string(root, "tls_key", &conf->tls_key, errstr, errstr_size) == 0 &&
             conf_string(root, "target_ca", &conf->target_ca, errstr, errstr_size) == 0 &&
             conf_kafka(root, conf, errstr, errstr_size) == 0 &&
             conf_log_level(root, conf, errstr, errstr_size) == 0) {
        const cJSON *urls = cJSON_GetObjectItemCaseSensitive(root, "public_urls");
        if (user && strlen(user) >= sizeof(conf->user))
            k2td_errstr_set(errstr, errstr_size, "config.user: longer than %zu bytes",
                            sizeof(conf->user) - 1);
        else if (!conf->password)
            k2td_errstr_set(errstr, errstr_size,
                            "config.password: required, a non-empty string");
        else if ((!urls || k2td_json_strlist(urls, "config.public_urls", &conf->public_urls,
                                             errstr, errstr_size) == 0) &&
                 conf_password_source(conf, errstr, errstr_size) == 0)
            rc = 0;
    }
    if (user && rc == 0) strcpy(conf->user, user);
    free(user);
    return rc;
}

int k2td_serve_conf_load(const char *path, k2td_serve_conf_t *conf, char *errstr,
                         size_t errstr_size) {
    memset(conf, 0, sizeof(*conf));
    cJSON *root = k2td_json_load_file(path, errstr, errstr_size);
    if (!root) return -1;
    int rc = conf_read(root, conf, errstr, errstr_size);
    cJSON_Delete(root);
    if (rc != 0) {
        k2td_errstr_prefix(errstr, errstr_size, "%s: ", path);
        k2td_serve_conf_free(conf);
    }
    return rc;
}

void k2td_serve_conf_free(k2td_serve_conf_t *conf) {
    if (conf->password) memset(conf->password, 0, strlen(conf->password));
    free(conf->password);
    free(conf->tls_cert);
    free(conf->tls_key);
    free(conf->kinit_cmd);
    free(conf->target_ca);
    k2td_strlist_free(&conf->public_urls);
    memset(conf, 0, sizeof(*conf));
}
