/*
 * metrics_prom.c - GET /metrics: every task's cumulative counters and
 * state in Prometheus' text format (version 0.0.4).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/alloc.h"
#include "../common/utf8.h"
#include "api.h"

/* Appends s as a label value by the text format's rules (backslash, quote
 * and newline escaped); any other control character and any byte that is
 * not UTF-8 becomes U+FFFD, so the exposition stays valid UTF-8 on lines of
 * their own. */
static void prom_label(k2td_buf_t *b, const char *s) {
    const unsigned char *u = (const unsigned char *)s;
    size_t n = strlen(s);
    for (size_t i = 0; i < n;) {
        size_t len = k2td_utf8_seq_len(u + i, n - i);
        if (len == 1 && (u[i] == '\\' || u[i] == '"'))
            k2td_buf_printf(b, "\\%c", u[i]);
        else if (len == 1 && u[i] == '\n')
            k2td_buf_puts(b, "\\n");
        else if (!len || k2td_utf8_is_control(u + i, len))
            k2td_buf_puts(b, "\xef\xbf\xbd");
        else
            k2td_buf_append(b, s + i, len);
        i += len ? len : 1;
    }
}

/* Appends the HELP and TYPE lines of a metric. */
static void prom_head(k2td_buf_t *b, const char *name, const char *type, const char *help) {
    k2td_buf_printf(b, "# HELP k2td_%s %s\n# TYPE k2td_%s %s\n", name, help, name, type);
}

/* Appends one sample of task rec. */
static void prom_task(k2td_buf_t *b, const char *name, const k2td_task_rec_t *rec,
                      double value) {
    k2td_buf_printf(b, "k2td_%s{task_id=\"%lld\",task=\"", name, (long long)rec->id);
    prom_label(b, rec->name);
    k2td_buf_printf(b, "\"} %.17g\n", value);
}

void k2td_api_metrics(k2td_api_call_t *c) {
    static const char *const states[] = {"created", "running", "stopped", "finished", "failed"};
    k2td_task_rec_t *recs;
    size_t n;
    char err[512];
    if (k2td_api_tasks_read(c, &recs, &n) != 0) return;
    k2td_metrics_t *totals = k2td_calloc(n ? n : 1, sizeof(*totals));
    for (size_t i = 0; i < n; i++) {
        k2td_metrics_t last;
        int64_t start;
        if (k2td_task_store_metrics(c->svc->store, recs[i].id, &totals[i], &last, &start, err,
                                    sizeof(err)) != 0) {
            free(totals);
            k2td_task_recs_free(recs, n);
            k2td_api_internal(c, err);
            return;
        }
    }
    k2td_buf_t *b = &c->resp->body;
    k2td_buf_reset(b);
    char name[96], help[160];
    for (int m = 0; m < K2TD_METRIC_COUNT; m++) {
        snprintf(name, sizeof(name), "task_%s", k2td_metric_names[m]);
        snprintf(help, sizeof(help), "Cumulative %s of the task over all its runs.",
                 k2td_metric_names[m]);
        prom_head(b, name, "counter", help);
        for (size_t i = 0; i < n; i++) prom_task(b, name, &recs[i], (double)totals[i].v[m]);
    }
    prom_head(b, "task_execute_time_seconds", "counter", "Time the task has spent running.");
    for (size_t i = 0; i < n; i++)
        prom_task(b, "task_execute_time_seconds", &recs[i],
                  (double)totals[i].execute_ms / 1000.0);
    prom_head(b, "task_up", "gauge", "1 while the task runs, else 0.");
    for (size_t i = 0; i < n; i++)
        prom_task(b, "task_up", &recs[i], strcmp(recs[i].state, "running") == 0);
    prom_head(b, "tasks", "gauge", "Tasks by state.");
    for (size_t s = 0; s < sizeof(states) / sizeof(states[0]); s++) {
        size_t count = 0;
        for (size_t i = 0; i < n; i++) count += strcmp(recs[i].state, states[s]) == 0;
        k2td_buf_printf(b, "k2td_tasks{state=\"%s\"} %zu\n", states[s], count);
    }
    prom_head(b, "running_tasks", "gauge", "Tasks whose engine runs now.");
    k2td_buf_printf(b, "k2td_running_tasks %d\n", k2td_task_manager_running(c->svc->tasks));
    c->resp->status = 200;
    c->resp->content_type = "text/plain; version=0.0.4; charset=utf-8";
    free(totals);
    k2td_task_recs_free(recs, n);
}
