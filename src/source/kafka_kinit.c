/*
 * kafka_kinit.c - kinit's error output kept for a GSSAPI consumer's
 * messages (kafka_kinit.h).
 */
#include "kafka_kinit.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../common/alloc.h"
#include "../common/log.h"
#include "../task/kafka_security.h"

/* The most of the file's end that is read for the reason. */
#define KINIT_READ_MAX 4096

struct k2td_kinit {
    char *path; /* the private file kinit's error output goes to */
    char *cmd;  /* the command given to librdkafka */
};

/* Returns the folder for the private file: $TMPDIR when it is absolute and
 * can stand single-quoted in a shell line that librdkafka renders (no ',
 * no %, no control character), else /tmp. */
static const char *kinit_dir(void) {
    const char *d = getenv("TMPDIR");
    if (!d || d[0] != '/') return "/tmp";
    for (const unsigned char *p = (const unsigned char *)d; *p; p++)
        if (*p == '\'' || *p == '%' || *p < 0x20 || *p == 0x7f) return "/tmp";
    return d;
}

k2td_kinit_t *k2td_kinit_new(const k2td_kafka_conf_t *c) {
    const char *mechanism = k2td_kafka_conf_mechanism(c);
    if (!mechanism || strcmp(mechanism, "GSSAPI") != 0) return NULL;
    k2td_buf_t path = K2TD_BUF_INIT;
    k2td_buf_printf(&path, "%s/k2td-kinit-XXXXXX", kinit_dir());
    int fd = mkstemp(path.data); /* mode 0600 */
    if (fd < 0) {
        k2td_log_warn("kafka: cannot make a file for kinit's error output in %s (%s); "
                      "kinit writes its errors to stderr", kinit_dir(), strerror(errno));
        k2td_buf_free(&path);
        return NULL;
    }
    close(fd);
    k2td_kinit_t *k = k2td_calloc(1, sizeof(*k));
    k->path = k2td_buf_detach(&path);
    const char *own = k2td_kafka_conf_kinit_cmd(c);
    k2td_buf_t cmd = K2TD_BUF_INIT;
    k2td_buf_printf(&cmd, "{ %s\n} 2>'%s'", own ? own : K2TD_KAFKA_KINIT_CMD, k->path);
    k->cmd = k2td_buf_detach(&cmd);
    return k;
}

const char *k2td_kinit_cmd(const k2td_kinit_t *k) {
    return k->cmd;
}

int k2td_kinit_reason(const k2td_kinit_t *k, char *reason, size_t size) {
    char text[KINIT_READ_MAX + 1];
    ssize_t n = 0;
    struct stat st;
    int fd = open(k->path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd >= 0 && fstat(fd, &st) == 0 &&
        lseek(fd, st.st_size > KINIT_READ_MAX ? st.st_size - KINIT_READ_MAX : 0, SEEK_SET) >= 0)
        n = read(fd, text, KINIT_READ_MAX);
    if (fd >= 0) close(fd);
    n = n > 0 ? n : 0;
    while (n > 0 && strchr(" \t\r\n", text[n - 1])) n--;
    text[n] = '\0';
    const char *line = strrchr(text, '\n');
    line = line ? line + 1 : text;
    if (strncmp(line, "kinit: ", 7) == 0) line += 7;
    snprintf(reason, size, "%s", line);
    return reason[0] != '\0';
}

int k2td_kinit_describe(const k2td_kinit_t *k, const k2td_kafka_conf_t *c, char *out,
                        size_t size) {
    char reason[512];
    out[0] = '\0';
    if (!k || !k2td_kinit_reason(k, reason, sizeof(reason))) return 0;
    k2td_buf_t shown = K2TD_BUF_INIT;
    k2td_kafka_conf_redact(c, reason, &shown);
    snprintf(out, size, "kinit failed: %s; ", shown.data);
    k2td_buf_free(&shown);
    return 1;
}

void k2td_kinit_failed(const k2td_kinit_t *k, const char *line, k2td_buf_t *out) {
    char reason[512];
    if (k2td_kinit_reason(k, reason, sizeof(reason))) {
        k2td_buf_printf(out, "kinit failed: %s", reason);
        return;
    }
    const char *how = strstr(line, "exited with code");
    if (!how) how = strstr(line, "received signal");
    if (how)
        k2td_buf_printf(out, "the kinit command %s and wrote no error", how);
    else
        k2td_buf_puts(out, "the kinit command failed and wrote no error");
}

void k2td_kinit_free(k2td_kinit_t *k) {
    if (!k) return;
    unlink(k->path);
    free(k->path);
    free(k->cmd);
    free(k);
}
