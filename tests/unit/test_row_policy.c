/*
 * test_row_policy.c - archive.on_fail when the archive cannot be written:
 * wait tries again through the back-off hook until the row goes in (the
 * hook sees the archive's error and its growing waits), and gives the row
 * up when the hook says stop; break and skip never wait.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/row_policy.h"
#include "test.h"

static char root[64]; /* this run's temporary directory: the task's folder */
static char blocker[128]; /* a file where the archive's parent folder should be */
static char location[64]; /* archive.location: <the blocker's name>/archived */

/* The back-off hook's record. */
static struct {
    int calls;
    int free_at;   /* call at which the blocker is removed (0: never) */
    int stop_at;   /* call at which it says stop (0: never) */
    int waits[8];
    char reason[512];
} hook;

/* Records the call; removes the blocker or says stop when told to. */
static int test_backoff(void *ctx, int *wait_ms, const char *reason) {
    (void)ctx;
    if (hook.calls < 8) hook.waits[hook.calls] = *wait_ms;
    hook.calls++;
    snprintf(hook.reason, sizeof(hook.reason), "%s", reason);
    *wait_ms *= 2;
    if (hook.calls == hook.free_at) unlink(blocker);
    return hook.calls == hook.stop_at;
}

/* Makes the archive's folder impossible to create: a file named name takes
 * its parent's place. */
static void block_archive(const char *name) {
    snprintf(blocker, sizeof(blocker), "%s/%s", root, name);
    snprintf(location, sizeof(location), "%s/archived", name);
    int fd = open(blocker, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd >= 0) close(fd);
    memset(&hook, 0, sizeof(hook));
}

/* Settles one row refused for a NULL timestamp (archived by default)
 * under archive.on_fail = on_fail into the blocked location; *archived gets
 * the archived rows counted. */
static k2td_row_verdict_t settle(k2td_policy_action_t on_fail, char *err, size_t err_size,
                                 uint64_t *archived) {
    k2td_write_policy_t p;
    k2td_write_policy_defaults(&p);
    free(p.archive.location);
    p.archive.location = strdup(location);
    p.archive.on_fail = on_fail;
    k2td_row_policy_t *rp = k2td_row_policy_new(&p, root, NULL, test_backoff, NULL);
    k2td_map_outcome_t o = {.fault = K2TD_FAULT_TS_NULL};
    k2td_row_origin_t origin = {"meters", 0, 42, "{}", 2};
    k2td_row_verdict_t v =
        k2td_row_policy_settle(rp, &o, NULL, 0, &origin, "no timestamp", err, err_size);
    *archived = k2td_row_policy_stats(rp)->archived_rows;
    k2td_row_policy_free(rp);
    k2td_write_policy_free(&p);
    return v;
}

/* Under wait: the hook frees the archive at its 3rd call (the row goes in,
 * the waits grew 200, 400, 800 ms), or says stop at its 2nd (given up). */
static void test_wait(void) {
    static const struct {
        const char *name;
        int free_at, stop_at;
        k2td_row_verdict_t verdict;
        int calls;
        uint64_t archived;
    } cases[] = {
        {"freed", 3, 0, K2TD_ROW_ARCHIVED, 3, 1},
        {"stopped", 0, 2, K2TD_ROW_GIVE_UP, 2, 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char err[512] = "", want[256], path[256];
        uint64_t archived;
        block_archive(cases[i].name);
        hook.free_at = cases[i].free_at;
        hook.stop_at = cases[i].stop_at;
        CHECK_INT(settle(K2TD_ACT_WAIT, err, sizeof(err), &archived), cases[i].verdict);
        CHECK_INT(hook.calls, cases[i].calls);
        CHECK_INT(archived, cases[i].archived);
        CHECK_INT(hook.waits[0], 200);
        CHECK_INT(hook.waits[cases[i].calls - 1], 200 << (cases[i].calls - 1));
        snprintf(want, sizeof(want),
                 "archive %s/archived: cannot create directory: Not a directory", blocker);
        CHECK(strstr(hook.reason, want) != NULL);
        snprintf(path, sizeof(path), "%s/archived/archive.jsonl", blocker);
        struct stat st;
        CHECK((stat(path, &st) == 0 && st.st_size > 0) == (cases[i].archived == 1));
        unlink(blocker);
    }
}

static void test_break_and_skip_do_not_wait(void) {
    char err[512] = "";
    uint64_t archived;
    block_archive("other");
    CHECK_INT(settle(K2TD_ACT_BREAK, err, sizeof(err), &archived), K2TD_ROW_BREAK);
    CHECK(strstr(err, "meters [0] offset 42: cannot archive a refused row: archive ") != NULL);
    CHECK_INT(settle(K2TD_ACT_SKIP, err, sizeof(err), &archived), K2TD_ROW_SKIPPED);
    CHECK_INT(settle(K2TD_ACT_ROTATE, err, sizeof(err), &archived), K2TD_ROW_BREAK);
    CHECK_INT(hook.calls, 0);
    unlink(blocker);
}

int main(void) {
    const char *tmp = getenv("TMPDIR");
    snprintf(root, sizeof(root), "%s/k2td_policy_XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(root)) {
        perror("mkdtemp");
        return 1;
    }
    RUN(test_wait);
    RUN(test_break_and_skip_do_not_wait);
    char cmd[200];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", root);
    return test_finish();
}
