/*
 * cli_serve.c - `k2td serve`: arguments, the data directory, the admin
 * credentials, signals, and the service's start and clean stop.
 *
 * SIGTERM and SIGINT are blocked in every thread and taken by the main
 * thread with sigwait(), so no handler runs inside a task's engine. On
 * either, the HTTP server stops (requests being served finish), every task
 * is stopped (its engine writes its open batch and commits) and keeps the
 * stored state "running", so the next start resumes it; the exit code is 0.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../common/alloc.h"
#include "../common/errstr.h"
#include "../common/log.h"
#include "../common/secret_source.h"
#include "../service/service.h"
#include "../task/json_doc.h"
#include "cli.h"

#define SERVE_BODY_LIMIT (4u * 1024 * 1024)
#define SERVE_UPLOAD_LIMIT (16u * 1024 * 1024)
#define SERVE_CONNECTIONS 64

static const char serve_usage[] =
    "usage: k2td serve [--listen HOST:PORT] [--data-dir DIR] [--config FILE] "
    "[--log-level LEVEL]\n"
    "Runs the HTTP API and the web page, and the tasks created through them.\n"
    "  --listen HOST:PORT  address to serve on (default 127.0.0.1:6060; port 0 = any free)\n"
    "  --data-dir DIR      tasks, history and uploads (default ./k2td-data, created 0700)\n"
    "  --config FILE       JSON {\"user\": \"admin\", \"password\": \"...\", \"kafka\": {\n"
    "                      \"sasl.kerberos.kinit.cmd\": \"...\", \"allow_kinit_override\": false}}:\n"
    "                      the login, and the Kerberos kinit command of every task\n"
    "  --log-level LEVEL   error, warn, info (default) or debug\n"
    "The config's password may be \"${env:NAME}\" or \"${file:PATH}\" (read from there).\n"
    "Without --config the password comes from K2TD_ADMIN_PASSWORD, else the first start\n"
    "writes a random one to DIR/admin-password (mode 0600).\n";

typedef struct serve_args {
    char host[256];
    int port;
    const char *data_dir;
    const char *config;
    const char *log_level;
} serve_args_t;

/* Parses "HOST:PORT" or "[V6]:PORT" into a. Returns 0 or -1 (printed). */
static int serve_listen(const char *text, serve_args_t *a) {
    const char *colon = strrchr(text, ':');
    char *end;
    long port = colon ? strtol(colon + 1, &end, 10) : -1;
    size_t hlen = colon ? (size_t)(colon - text) : 0;
    if (hlen && text[0] == '[' && text[hlen - 1] == ']') text++, hlen -= 2;
    if (!colon || !colon[1] || *end || port < 0 || port > 65535 || hlen == 0 ||
        hlen >= sizeof(a->host)) {
        fprintf(stderr, "k2td serve: --listen: `%s` is not HOST:PORT (port 0 to 65535)\n", text);
        return -1;
    }
    memcpy(a->host, text, hlen);
    a->host[hlen] = '\0';
    a->port = (int)port;
    return 0;
}

/* Parses argv. Returns 0, 1 for --help, or -1 (printed). */
static int serve_args(int argc, char **argv, serve_args_t *a) {
    static const struct option longopts[] = {
        {"listen", required_argument, NULL, 'l'},   {"data-dir", required_argument, NULL, 'd'},
        {"config", required_argument, NULL, 'c'},   {"log-level", required_argument, NULL, 'v'},
        {"help", no_argument, NULL, 'h'},           {NULL, 0, NULL, 0},
    };
    memset(a, 0, sizeof(*a));
    snprintf(a->host, sizeof(a->host), "127.0.0.1");
    a->port = 6060;
    a->data_dir = "k2td-data";
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 'l':
            if (serve_listen(optarg, a) != 0) return -1;
            break;
        case 'd': a->data_dir = optarg; break;
        case 'c': a->config = optarg; break;
        case 'v': a->log_level = optarg; break;
        case 'h': fputs(serve_usage, stdout); return 1;
        default: fputs(serve_usage, stderr); return -1;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "k2td serve: unexpected argument `%s`\n%s", argv[optind], serve_usage);
        return -1;
    }
    if (a->log_level && k2td_log_level_from_name(a->log_level) < 0) {
        fprintf(stderr, "k2td serve: --log-level: `%s` is not one of error, warn, info, debug\n",
                a->log_level);
        return -1;
    }
    return 0;
}

/* Creates dir (and missing parents) with mode 0700. Returns 0 or -1. */
static int serve_mkdirs(const char *dir) {
    char path[PATH_MAX];
    if (snprintf(path, sizeof(path), "%s", dir) >= (int)sizeof(path)) return -1;
    for (char *p = path + 1; *p; p++) {
        if (*p != '/') continue;
        *p = '\0';
        if (mkdir(path, 0700) != 0 && errno != EEXIST) return -1;
        *p = '/';
    }
    return mkdir(path, 0700) != 0 && errno != EEXIST ? -1 : 0;
}

/* What the operator's config file says. */
typedef struct serve_config {
    char *user;              /* NULL = "admin" */
    char *password;          /* NULL without a config file */
    char *kinit_cmd;         /* kafka."sasl.kerberos.kinit.cmd", or NULL */
    int allow_kinit_override; /* kafka.allow_kinit_override */
} serve_config_t;

static void serve_config_free(serve_config_t *cfg) {
    free(cfg->user);
    if (cfg->password) memset(cfg->password, 0, strlen(cfg->password));
    free(cfg->password);
    free(cfg->kinit_cmd);
    memset(cfg, 0, sizeof(*cfg));
}

/* Reads the config's optional "kafka" object into cfg. Returns 0 or -1
 * with errstr naming the key. */
static int serve_config_kafka(const cJSON *root, serve_config_t *cfg, char *errstr,
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
    if (cmd) cfg->kinit_cmd = k2td_strdup(cmd->valuestring);
    cfg->allow_kinit_override = cJSON_IsTrue(allow);
    return 0;
}

/* Reads the config file at path into *cfg (zeroed first; the caller frees
 * it with serve_config_free). Returns 0 or -1 (printed). */
static int serve_config(const char *path, serve_config_t *cfg) {
    static const char *const keys[] = {"user", "password", "kafka", NULL};
    char err[1024];
    memset(cfg, 0, sizeof(*cfg));
    cJSON *root = k2td_json_load_file(path, err, sizeof(err));
    int rc = -1;
    if (!root) {
        fprintf(stderr, "k2td serve: --config: %s\n", err);
        return -1;
    }
    const cJSON *user = cJSON_GetObjectItemCaseSensitive(root, "user");
    const cJSON *pw = cJSON_GetObjectItemCaseSensitive(root, "password");
    if (!cJSON_IsObject(root))
        fprintf(stderr, "k2td serve: %s: must be a JSON object\n", path);
    else if (k2td_json_check_keys(root, "config", keys, NULL, err, sizeof(err)) != 0 ||
             serve_config_kafka(root, cfg, err, sizeof(err)) != 0)
        fprintf(stderr, "k2td serve: %s: %s\n", path, err);
    else if (user && (!cJSON_IsString(user) || !user->valuestring[0] ||
                      strlen(user->valuestring) >= sizeof(((k2td_admin_cred_t *)0)->user)))
        fprintf(stderr, "k2td serve: %s: config.user: must be a non-empty string\n", path);
    else if (!cJSON_IsString(pw) || !pw->valuestring[0])
        fprintf(stderr, "k2td serve: %s: config.password: required, a non-empty string\n",
                path);
    else if (k2td_secret_source_read(pw->valuestring, &cfg->password, err, sizeof(err)) < 0)
        fprintf(stderr, "k2td serve: %s: config.password: %s\n", path, err);
    else {
        if (user) cfg->user = k2td_strdup(user->valuestring);
        if (!cfg->password) cfg->password = k2td_strdup(pw->valuestring);
        rc = 0;
    }
    cJSON_Delete(root);
    if (rc != 0) serve_config_free(cfg);
    return rc;
}

/* Writes a new random password to <data_dir>/admin-password (0600) and
 * returns it (caller frees), or NULL (logged). */
static char *serve_first_password(const char *data_dir) {
    char path[PATH_MAX], pw[21];
    snprintf(path, sizeof(path), "%s/admin-password", data_dir);
    k2td_auth_random_password(pw);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0 || write(fd, pw, strlen(pw)) != (ssize_t)strlen(pw) || write(fd, "\n", 1) != 1) {
        k2td_log_error("cannot write %s: %s", path, strerror(errno));
        if (fd >= 0) close(fd);
        return NULL;
    }
    fchmod(fd, 0600);
    close(fd);
    k2td_log_info("first start: the password of user `admin` was written to %s", path);
    return k2td_strdup(pw);
}

/* Sets up the admin credentials in the store: from the config file cfg,
 * else K2TD_ADMIN_PASSWORD, else those stored, else a new random password.
 * Fills *c. Returns 0 or -1 (printed). */
static int serve_credentials(const serve_config_t *cfg, const char *data_dir,
                             k2td_task_store_t *store, k2td_admin_cred_t *c) {
    char err[512], *password = NULL;
    memset(c, 0, sizeof(*c));
    snprintf(c->user, sizeof(c->user), "%s", cfg->user ? cfg->user : "admin");
    if (cfg->password) password = k2td_strdup(cfg->password);
    if (!password && getenv("K2TD_ADMIN_PASSWORD") && *getenv("K2TD_ADMIN_PASSWORD"))
        password = k2td_strdup(getenv("K2TD_ADMIN_PASSWORD"));
    if (!password) {
        int got = k2td_task_store_admin_get(store, c, err, sizeof(err));
        if (got == 0) return 0;
        if (got != K2TD_STORE_NOT_FOUND) {
            k2td_log_error("%s", err);
            return -1;
        }
        snprintf(c->user, sizeof(c->user), "admin"); /* the failed read cleared it */
        if (!(password = serve_first_password(data_dir))) return -1;
    }
    int rc = k2td_auth_hash_password(password, c);
    memset(password, 0, strlen(password));
    free(password);
    if (rc != 0 || k2td_task_store_admin_set(store, c, err, sizeof(err)) != 0) {
        k2td_log_error("cannot store the credentials: %s", rc ? "hashing failed" : err);
        return -1;
    }
    return 0;
}

/* Opens the data directory's store and the service around it. Returns 0
 * or -1 (logged); svc then holds what was opened. */
static int serve_open(const serve_args_t *a, k2td_service_t *svc) {
    char err[1024], path[PATH_MAX];
    serve_config_t cfg = {0};
    if (a->config && serve_config(a->config, &cfg) != 0) return -1;
    svc->kinit_cmd = cfg.kinit_cmd;
    cfg.kinit_cmd = NULL;
    svc->policy.kinit_cmd = svc->kinit_cmd;
    svc->policy.allow_kinit_override = cfg.allow_kinit_override;
    if (serve_mkdirs(a->data_dir) != 0 || !realpath(a->data_dir, path)) {
        k2td_log_error("--data-dir %s: %s", a->data_dir, strerror(errno));
        serve_config_free(&cfg);
        return -1;
    }
    svc->data_dir = k2td_strdup(path);
    snprintf(path, sizeof(path), "%s/uploads", svc->data_dir);
    svc->uploads_dir = k2td_strdup(path);
    svc->policy.uploads_dir = svc->uploads_dir;
    int rc = -1;
    k2td_admin_cred_t cred;
    snprintf(path, sizeof(path), "%s/k2td.db", svc->data_dir);
    if (serve_mkdirs(svc->uploads_dir) != 0)
        k2td_log_error("%s: %s", svc->uploads_dir, strerror(errno));
    else if (!(svc->store = k2td_task_store_open(path, err, sizeof(err))))
        k2td_log_error("%s", err);
    else if (serve_credentials(&cfg, svc->data_dir, svc->store, &cred) == 0)
        rc = 0;
    serve_config_free(&cfg);
    if (rc == 0) svc->auth = k2td_auth_new(&cred);
    return rc;
}

static void serve_close(k2td_service_t *svc) {
    k2td_http_server_stop(svc->http);
    k2td_task_manager_free(svc->tasks);
    k2td_auth_free(svc->auth);
    k2td_task_store_close(svc->store);
    free(svc->data_dir);
    free(svc->uploads_dir);
    free(svc->kinit_cmd);
}

int k2td_cli_serve(int argc, char **argv) {
    serve_args_t a;
    int parsed = serve_args(argc, argv, &a);
    if (parsed != 0) return parsed > 0 ? K2TD_EXIT_OK : K2TD_EXIT_USAGE;
    if (a.log_level) k2td_log_set_level((k2td_log_level_t)k2td_log_level_from_name(a.log_level));
    /* blocked before any thread starts, so every thread inherits the mask */
    sigset_t stop_sigs;
    sigemptyset(&stop_sigs);
    sigaddset(&stop_sigs, SIGTERM);
    sigaddset(&stop_sigs, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop_sigs, NULL);

    k2td_service_t svc = {0};
    if (serve_open(&a, &svc) != 0) {
        serve_close(&svc);
        return K2TD_EXIT_USAGE;
    }
    svc.tasks = k2td_task_manager_new(svc.store, svc.data_dir, &svc.policy);
    int resumed = k2td_task_manager_resume(svc.tasks);
    static const char *const upload_paths[] = {"/api/uploads", "/api/samples/upload", NULL};
    k2td_http_opts_t ho = {a.host, a.port, SERVE_BODY_LIMIT, SERVE_UPLOAD_LIMIT, upload_paths,
                           SERVE_CONNECTIONS, k2td_service_handle, &svc};
    char err[1024];
    if (!(svc.http = k2td_http_server_start(&ho, err, sizeof(err)))) {
        k2td_log_error("%s", err);
        serve_close(&svc);
        return K2TD_EXIT_USAGE;
    }
    int ipv6 = strchr(a.host, ':') != NULL;
    k2td_log_info("k2td serve %s listening on http://%s%s%s:%d (data in %s; %d task(s) resumed)",
                  K2TD_VERSION, ipv6 ? "[" : "", a.host, ipv6 ? "]" : "",
                  k2td_http_server_port(svc.http), svc.data_dir, resumed);
    int sig = 0;
    sigwait(&stop_sigs, &sig);
    k2td_log_info("%s: stopping: no new requests; every task writes its open batch and "
                  "commits", sig == SIGINT ? "SIGINT" : "SIGTERM");
    serve_close(&svc);
    k2td_log_info("k2td serve stopped");
    return K2TD_EXIT_OK;
}
