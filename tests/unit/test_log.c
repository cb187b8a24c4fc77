/*
 * test_log.c - log lines: control characters and bytes that are not UTF-8
 * in a message come out escaped, on stderr and to a thread's hook.
 */
#include <stdlib.h>
#include <unistd.h>

#include "common/log.h"
#include "test.h"

static char hook_got[512];

static void hook(void *ctx, k2td_log_level_t level, int64_t time_ms, const char *message) {
    (void)ctx, (void)level, (void)time_ms;
    snprintf(hook_got, sizeof(hook_got), "%s", message);
}

/* Logs message (as a %s argument) with stderr sent to a file; returns what
 * was written, the caller frees it. */
static char *logged(const char *message) {
    fflush(stderr);
    FILE *tmp = tmpfile();
    int saved = dup(STDERR_FILENO);
    dup2(fileno(tmp), STDERR_FILENO);
    k2td_log_warn("task `%s` failed", message);
    fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);
    long n = ftell(tmp);
    char *out = calloc(1, (size_t)(n > 0 ? n : 0) + 1);
    rewind(tmp);
    if (n > 0 && fread(out, 1, (size_t)n, tmp) != (size_t)n) out[0] = '\0';
    fclose(tmp);
    return out;
}

static void test_controls_are_escaped(void) {
    char *out = logged("a\r\n2026-01-01T00:00:00.000Z ERROR forged\x1b[2J\t\x7f\xc2\x9b");
    const char *msg = strstr(out, "WARN  ");
    CHECK(msg != NULL);
    if (msg)
        CHECK_STR(msg, "WARN  task `a\\r\\n2026-01-01T00:00:00.000Z ERROR forged\\x1b[2J\\t"
                       "\\x7f\\xc2\\x9b` failed\n");
    free(out);
}

static void test_utf8_is_kept_and_bad_bytes_escaped(void) {
    char *out = logged("Z\xc3\xa4hler \xe6\xb8\xa9 bad\xff");
    CHECK(strstr(out, "task `Z\xc3\xa4hler \xe6\xb8\xa9 bad\\xff` failed\n") != NULL);
    free(out);
}

static void test_the_hook_gets_the_escaped_line(void) {
    k2td_log_set_thread_hook(hook, NULL, K2TD_LOG_DEBUG, NULL);
    free(logged("x\ny"));
    k2td_log_set_thread_hook(NULL, NULL, K2TD_LOG_ERROR, NULL);
    CHECK_STR(hook_got, "task `x\\ny` failed");
}

int main(void) {
    RUN(test_controls_are_escaped);
    RUN(test_utf8_is_kept_and_bad_bytes_escaped);
    RUN(test_the_hook_gets_the_escaped_line);
    return test_finish();
}
