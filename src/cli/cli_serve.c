/*
 * cli_serve.c - `k2td serve`: arguments, the data directory (kept 0700),
 * the admin credentials, TLS files and public URLs, signals, and the
 * service's start and clean stop.
 *
 * SIGTERM and SIGINT are blocked in every thread and taken by the main
 * thread with sigwait(), so no handler runs inside a task's engine. On
 * either, the HTTP server stops (requests being served finish), every task
 * is stopped (its engine writes its open batch and commits) and keeps the
 * stored state "running", so the next start resumes it; the exit code is 0.
 * SIGHUP, taken the same way, sets the log level from the --config file
 * again (log_reload.h).
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
#include "../common/file_read.h"
#include "../common/log.h"
#include "../service/origin.h"
#include "../service/service.h"
#include "cli.h"
#include "log_reload.h"
#include "serve_conf.h"

#define SERVE_PUBLIC_BODY_LIMIT (64u * 1024) /* without a session: the login */
#define SERVE_BODY_LIMIT (4u * 1024 * 1024)
#define SERVE_UPLOAD_LIMIT (16u * 1024 * 1024)
#define SERVE_CONNECTIONS 256
#define SERVE_CONNECTIONS_PER_ADDRESS 16
#define SERVE_PUBLIC_TIMEOUT_S 10  /* idle, until a request shows a session */
#define SERVE_SESSION_TIMEOUT_S 120
#define SERVE_PEM_MAX (1u << 20)
#define SERVE_PUBLIC_URLS_MAX 16

static const char serve_usage[] =
    "usage: k2td serve [--listen HOST:PORT] [--data-dir DIR] [--config FILE] "
    "[--tls-cert FILE --tls-key FILE] [--public-url URL]... [--log-level LEVEL]\n"
    "Runs the HTTP API and the web page, and the tasks created through them.\n"
    "  --listen HOST:PORT  address to serve on (default 127.0.0.1:6060; port 0 = any free)\n"
    "  --data-dir DIR      tasks, history and uploads (default ./k2td-data, kept 0700)\n"
    "  --config FILE       JSON {\"user\": \"admin\", \"password\": \"...\"}: the login,\n"
    "                      and optionally \"tls_cert\", \"tls_key\", \"public_urls\" and\n"
    "                      \"kafka\": {\"sasl.kerberos.kinit.cmd\": \"...\",\n"
    "                      \"allow_kinit_override\": false} (every task's kinit command),\n"
    "                      \"target_ca\": \"FILE\" (PEM CAs for https targets)\n"
    "                      and \"log_level\" (SIGHUP reads it again)\n"
    "  --tls-cert FILE     PEM certificate (chain): serve HTTPS only (with --tls-key)\n"
    "  --tls-key FILE      PEM private key of the certificate, unencrypted\n"
    "  --public-url URL    a URL browsers reach the service by (a DNS name, a reverse\n"
    "                      proxy): its origin may send requests with the session cookie\n"
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
    const char *tls_cert, *tls_key;
    const char *public_urls[SERVE_PUBLIC_URLS_MAX];
    int npublic_urls;
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
        {"tls-cert", required_argument, NULL, 'C'}, {"tls-key", required_argument, NULL, 'K'},
        {"public-url", required_argument, NULL, 'u'},
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
        case 'C': a->tls_cert = optarg; break;
        case 'K': a->tls_key = optarg; break;
        case 'u':
            if (a->npublic_urls == SERVE_PUBLIC_URLS_MAX) {
                fprintf(stderr, "k2td serve: --public-url: at most %d\n", SERVE_PUBLIC_URLS_MAX);
                return -1;
            }
            a->public_urls[a->npublic_urls++] = optarg;
            break;
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

/* Sets up the admin credentials in the store: from the config file, else
 * K2TD_ADMIN_PASSWORD, else those stored, else a new random password.
 * Fills *c. Returns 0 or -1 (printed). */
static int serve_credentials(const k2td_serve_conf_t *conf, const char *data_dir,
                             k2td_task_store_t *store, k2td_admin_cred_t *c) {
    char err[512], *password = k2td_strdup(conf->password);
    memset(c, 0, sizeof(*c));
    snprintf(c->user, sizeof(c->user), "%s", conf->user[0] ? conf->user : "admin");
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

/* Keeps the data directory dir to its owner: refuses one owned by another
 * user, tightens a looser mode to 0700. Returns 0 or -1 (logged). */
static int serve_own_dir(const char *dir) {
    struct stat st;
    if (stat(dir, &st) != 0) {
        k2td_log_error("--data-dir %s: %s", dir, strerror(errno));
        return -1;
    }
    if (st.st_uid != geteuid()) {
        k2td_log_error("--data-dir %s: owned by uid %u, not by this user (uid %u); the "
                       "directory holds secrets and must be the service's own",
                       dir, (unsigned)st.st_uid, (unsigned)geteuid());
        return -1;
    }
    if ((st.st_mode & 07777) == 0700) return 0;
    if (chmod(dir, 0700) != 0) {
        k2td_log_error("--data-dir %s: cannot set mode 0700: %s", dir, strerror(errno));
        return -1;
    }
    k2td_log_warn("--data-dir %s had mode %04o; set to 0700 (it holds secrets)", dir,
                  (unsigned)(st.st_mode & 07777));
    return 0;
}

/* Opens the data directory's store and the service around it. Returns 0
 * or -1 (logged); svc then holds what was opened. */
static int serve_open(const serve_args_t *a, const k2td_serve_conf_t *conf,
                      k2td_service_t *svc) {
    char err[1024], path[PATH_MAX];
    if (serve_mkdirs(a->data_dir) != 0 || !realpath(a->data_dir, path)) {
        k2td_log_error("--data-dir %s: %s", a->data_dir, strerror(errno));
        return -1;
    }
    if (serve_own_dir(path) != 0) return -1;
    svc->data_dir = k2td_strdup(path);
    snprintf(path, sizeof(path), "%s/uploads", svc->data_dir);
    svc->uploads_dir = k2td_strdup(path);
    svc->policy.uploads_dir = svc->uploads_dir;
    svc->kinit_cmd = conf->kinit_cmd ? k2td_strdup(conf->kinit_cmd) : NULL;
    svc->policy.kinit_cmd = svc->kinit_cmd;
    svc->policy.allow_kinit_override = conf->allow_kinit_override;
    svc->target_ca = k2td_strdup(conf->target_ca);
    if (serve_mkdirs(svc->uploads_dir) != 0) {
        k2td_log_error("%s: %s", svc->uploads_dir, strerror(errno));
        return -1;
    }
    snprintf(path, sizeof(path), "%s/k2td.db", svc->data_dir);
    if (!(svc->store = k2td_task_store_open(path, err, sizeof(err)))) {
        k2td_log_error("%s", err);
        return -1;
    }
    k2td_admin_cred_t cred;
    if (serve_credentials(conf, svc->data_dir, svc->store, &cred) != 0) return -1;
    svc->auth = k2td_auth_new(&cred);
    return 0;
}

/* Reads the PEM file at path (label names it in errors) into a new string
 * the caller frees. Returns it, or NULL (printed). */
static char *serve_read_pem(const char *path, const char *label) {
    k2td_buf_t text = K2TD_BUF_INIT;
    char err[256];
    int rc = k2td_file_read(path, SERVE_PEM_MAX, &text, err, sizeof(err));
    if (rc == 0 && strstr(text.data, "-----BEGIN ")) return k2td_buf_detach(&text);
    fprintf(stderr, "k2td serve: %s %s: %s\n", label, path,
            rc == -1 ? err : "not a PEM file of at most 1 MiB");
    k2td_buf_free(&text);
    return NULL;
}

/* Sets the server's TLS certificate and key (new strings, caller frees)
 * from the arguments, else the config file; both stay NULL without TLS.
 * Returns 0 or -1 (printed). */
static int serve_tls(const serve_args_t *a, const k2td_serve_conf_t *conf, char **cert,
                     char **key) {
    const char *cert_path = a->tls_cert ? a->tls_cert : conf->tls_cert;
    const char *key_path = a->tls_key ? a->tls_key : conf->tls_key;
    *cert = *key = NULL;
    if (!cert_path && !key_path) return 0;
    if (!cert_path || !key_path) {
        fprintf(stderr, "k2td serve: --tls-cert and --tls-key (tls_cert, tls_key) go "
                        "together\n");
        return -1;
    }
    if (!(*cert = serve_read_pem(cert_path, "--tls-cert")) ||
        !(*key = serve_read_pem(key_path, "--tls-key"))) {
        free(*cert);
        *cert = NULL;
        return -1;
    }
    return 0;
}

/* Sets svc->public_origins from --public-url and the config's public_urls.
 * Returns 0 or -1 (printed). */
static int serve_public_origins(const serve_args_t *a, const k2td_serve_conf_t *conf,
                                k2td_service_t *svc) {
    size_t nargs = (size_t)a->npublic_urls, total = nargs + conf->public_urls.n;
    svc->public_origins = k2td_calloc(total + 1, sizeof(char *));
    for (size_t i = 0; i < total; i++) {
        const char *url = i < nargs ? a->public_urls[i] : conf->public_urls.items[i - nargs];
        char origin[512], err[600];
        if (k2td_origin_from_url(url, origin, sizeof(origin), err, sizeof(err)) != 0) {
            fprintf(stderr, "k2td serve: --public-url: %s\n", err);
            return -1;
        }
        svc->public_origins[i] = k2td_strdup(origin);
    }
    return 0;
}

static void serve_close(k2td_service_t *svc) {
    k2td_http_server_stop(svc->http);
    k2td_task_manager_free(svc->tasks);
    k2td_auth_free(svc->auth);
    k2td_task_store_close(svc->store);
    free(svc->data_dir);
    free(svc->uploads_dir);
    free(svc->kinit_cmd);
    free(svc->target_ca);
    for (char **o = svc->public_origins; o && *o; o++) free(*o);
    free(svc->public_origins);
}

/* k2td_log_level_read_fn for SIGHUP: the config file's log_level (info
 * when it names none). */
static int serve_read_level(void *ctx, const char *file, k2td_log_level_t *level, char *errstr,
                            size_t errstr_size) {
    k2td_serve_conf_t conf;
    (void)ctx;
    if (k2td_serve_conf_load(file, &conf, errstr, errstr_size) != 0) return -1;
    *level = conf.log_level >= 0 ? (k2td_log_level_t)conf.log_level : K2TD_LOG_INFO;
    k2td_serve_conf_free(&conf);
    return 0;
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
    sigaddset(&stop_sigs, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &stop_sigs, NULL);

    k2td_serve_conf_t conf = {0};
    k2td_service_t svc = {0};
    char err[1024], *cert = NULL, *key = NULL;
    if (a.config && k2td_serve_conf_load(a.config, &conf, err, sizeof(err)) != 0) {
        fprintf(stderr, "k2td serve: --config: %s\n", err);
        return K2TD_EXIT_USAGE;
    }
    if (a.config && !a.log_level && conf.log_level >= 0)
        k2td_log_set_level((k2td_log_level_t)conf.log_level);
    if (serve_tls(&a, &conf, &cert, &key) != 0 || serve_public_origins(&a, &conf, &svc) != 0 ||
        serve_open(&a, &conf, &svc) != 0) {
        k2td_serve_conf_free(&conf);
        serve_close(&svc);
        free(cert);
        free(key);
        return K2TD_EXIT_USAGE;
    }
    k2td_serve_conf_free(&conf);
    svc.tasks = k2td_task_manager_new(svc.store, svc.data_dir, &svc.policy, svc.target_ca);
    int resumed = k2td_task_manager_resume(svc.tasks);
    static const char *const upload_paths[] = {"/api/uploads", "/api/samples/upload", NULL};
    k2td_http_opts_t ho = {
        .host = a.host, .port = a.port, .public_body_limit = SERVE_PUBLIC_BODY_LIMIT,
        .body_limit = SERVE_BODY_LIMIT, .upload_limit = SERVE_UPLOAD_LIMIT,
        .upload_prefixes = upload_paths, .connection_limit = SERVE_CONNECTIONS,
        .per_address_limit = SERVE_CONNECTIONS_PER_ADDRESS,
        .public_timeout_s = SERVE_PUBLIC_TIMEOUT_S, .session_timeout_s = SERVE_SESSION_TIMEOUT_S,
        .tls_cert_pem = cert, .tls_key_pem = key, .admit = k2td_service_admit,
        .handler = k2td_service_handle, .ctx = &svc};
    int tls = cert != NULL;
    svc.http = k2td_http_server_start(&ho, err, sizeof(err));
    if (key) memset(key, 0, strlen(key)); /* libmicrohttpd has loaded it */
    free(cert);
    free(key);
    if (!svc.http) {
        k2td_log_error("%s", err);
        serve_close(&svc);
        return K2TD_EXIT_USAGE;
    }
    int ipv6 = strchr(a.host, ':') != NULL;
    k2td_log_info("k2td serve %s listening on %s://%s%s%s:%d (data in %s; %d task(s) resumed)",
                  K2TD_VERSION, tls ? "https" : "http", ipv6 ? "[" : "", a.host,
                  ipv6 ? "]" : "", k2td_http_server_port(svc.http), svc.data_dir, resumed);
    if (!tls && !k2td_http_server_loopback(svc.http))
        k2td_log_warn("--listen %s: other machines can reach this service, and without TLS "
                      "the password and session cookies cross the network readable; use "
                      "--tls-cert and --tls-key, or a TLS reverse proxy", a.host);
    int sig = 0;
    while (sigwait(&stop_sigs, &sig) == 0 && sig == SIGHUP)
        k2td_log_reload(a.config, serve_read_level, NULL);
    k2td_log_info("%s: stopping: no new requests; every task writes its open batch and "
                  "commits", sig == SIGINT ? "SIGINT" : "SIGTERM");
    serve_close(&svc);
    k2td_log_info("k2td serve stopped");
    return K2TD_EXIT_OK;
}
