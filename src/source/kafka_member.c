/*
 * kafka_member.c - claiming a member slot for a group.instance.id (see
 * kafka_member.h).
 */
#define _GNU_SOURCE /* SOCK_CLOEXEC */
#include "kafka_member.h"

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "../common/buf.h"
#include "../common/log.h"

/* Returns the instance id of slot (a new string). */
static char *member_id(const char *head, const char *name, const char *tail, int slot) {
    k2td_buf_t b = K2TD_BUF_INIT;
    if (slot)
        k2td_buf_printf(&b, "%s%s-%d%s", head, name, slot, tail);
    else
        k2td_buf_printf(&b, "%s%s%s", head, name, tail);
    return b.data;
}

/* Binds fd to the abstract socket name of id (a 64-bit FNV-1a hash: an id
 * may be longer than a socket name). Returns bind's result. */
static int member_bind(int fd, const char *id) {
    uint64_t h = 14695981039346656037ull;
    for (const unsigned char *p = (const unsigned char *)id; *p; p++)
        h = (h ^ *p) * 1099511628211ull;
    struct sockaddr_un a;
    memset(&a, 0, sizeof(a));
    a.sun_family = AF_UNIX;
    /* sun_path[0] stays '\0': the abstract namespace, no file */
    int n = snprintf(a.sun_path + 1, sizeof(a.sun_path) - 1, "k2td-member-%016llx",
                     (unsigned long long)h);
    return bind(fd, (const struct sockaddr *)&a,
                (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + (size_t)n));
}

char *k2td_kafka_member_claim(const char *head, const char *name, const char *tail,
                              int *claim) {
    *claim = -1;
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        k2td_log_warn("kafka: cannot claim a member slot (socket: %s); joining as slot 0",
                      strerror(errno));
        return member_id(head, name, tail, 0);
    }
    for (int slot = 0;; slot++) {
        char *id = member_id(head, name, tail, slot);
        if (member_bind(fd, id) == 0) {
            *claim = fd;
            return id;
        }
        int err = errno;
        if (err != EADDRINUSE || slot == K2TD_KAFKA_MEMBER_SLOTS) {
            if (err == EADDRINUSE)
                k2td_log_warn("kafka: the %d member slots of this task on this host are all "
                              "taken; joining as `%s` without a claim", slot + 1, id);
            else
                k2td_log_warn("kafka: cannot claim the member slot `%s` (bind: %s); joining "
                              "without a claim", id, strerror(err));
            close(fd);
            return id;
        }
        free(id);
    }
}
