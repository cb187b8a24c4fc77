/*
 * row_policy.c - settling refused rows by the task's policies (row_policy.h).
 */
#include "row_policy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../common/alloc.h"
#include "../common/errstr.h"
#include "../common/log.h"
#include "../sink/archive.h"
#include "../sink/sql_text.h"

/* Longest column name TDengine accepts, in bytes. */
#define ROW_POLICY_COLUMN_NAME_MAX 64

/* Widest VARCHAR/VARBINARY (bytes) and NCHAR (characters) k2td widens to. */
#define ROW_POLICY_TEXT_MAX 65531
#define ROW_POLICY_NCHAR_MAX 16374

struct k2td_row_policy {
    const k2td_write_policy_t *p;
    char *archive_dir;
    k2td_rest_t *rest;
    k2td_archive_t *archive; /* opened at the first record */
    k2td_row_policy_backoff_fn backoff;
    void *backoff_ctx;
    k2td_row_policy_stats_t stats;
};

/* How often "still cannot archive" is logged while waiting. */
#define ROW_POLICY_WAIT_LOG_MS 10000

/* The policy key that decides each fault, and its JSON name. */
static const struct {
    size_t offset;
    const char *key;
} fault_policy[] = {
    [K2TD_FAULT_NONE] = {offsetof(k2td_write_policy_t, ingesting_error), "ingesting_error"},
#define FAULT(f, key) [f] = {offsetof(k2td_write_policy_t, key), #key}
    FAULT(K2TD_FAULT_TS_NULL, primary_timestamp_null),
    FAULT(K2TD_FAULT_TS_RANGE, primary_timestamp_overflow),
    FAULT(K2TD_FAULT_NAME_LONG, table_name_length_overflow),
    FAULT(K2TD_FAULT_NAME_CHAR, table_name_contains_illegal_char),
    FAULT(K2TD_FAULT_NAME_VAR, variable_not_exist_in_table_name_template),
    FAULT(K2TD_FAULT_VALUE_LONG, field_length_overflow),
    FAULT(K2TD_FAULT_FIELD_UNKNOWN, field_name_not_found),
    FAULT(K2TD_FAULT_STABLE_MISSING, table_not_exist),
    FAULT(K2TD_FAULT_DATA, ingesting_error),
#undef FAULT
};

k2td_row_policy_t *k2td_row_policy_new(const k2td_write_policy_t *policy, const char *task_dir,
                                       k2td_rest_t *rest, k2td_row_policy_backoff_fn backoff,
                                       void *backoff_ctx) {
    k2td_row_policy_t *rp = k2td_calloc(1, sizeof(*rp));
    rp->p = policy;
    rp->rest = rest;
    rp->backoff = backoff;
    rp->backoff_ctx = backoff_ctx;
    const char *loc = policy->archive.location;
    size_t n = strlen(task_dir) + strlen(loc) + 2;
    rp->archive_dir = k2td_malloc(n);
    if (loc[0] == '/')
        snprintf(rp->archive_dir, n, "%s", loc);
    else
        snprintf(rp->archive_dir, n, "%s/%s", task_dir, loc);
    return rp;
}

void k2td_row_policy_free(k2td_row_policy_t *rp) {
    if (!rp) return;
    k2td_archive_close(rp->archive);
    free(rp->archive_dir);
    free(rp);
}

const k2td_row_policy_stats_t *k2td_row_policy_stats(const k2td_row_policy_t *rp) {
    return &rp->stats;
}

/* Returns the wall clock in epoch milliseconds. */
static int64_t row_policy_now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Appends rec to the archive (opening it first), freeing room by deleting
 * rotated files when archive.on_fail is rotate. Returns 0, or -1 with
 * errstr set. */
static int row_policy_archive_once(k2td_row_policy_t *rp, const k2td_archive_record_t *rec,
                                   char *errstr, size_t errstr_size) {
    if (!rp->archive) {
        rp->archive = k2td_archive_open(rp->archive_dir,
                                        k2td_write_policy_archive_file_bytes(rp->p),
                                        rp->p->archive.rotate_count, errstr, errstr_size);
        if (!rp->archive) return -1;
        k2td_log_info("archiving refused rows into %s", k2td_archive_path(rp->archive));
        int64_t keep_ms = (int64_t)rp->p->archive.keep_days * 86400000;
        char err[256];
        if (keep_ms &&
            k2td_archive_remove_old(rp->archive, row_policy_now_ms() - keep_ms, err, sizeof(err)))
            k2td_log_warn("%s", err);
    }
    if (k2td_archive_write(rp->archive, rec, errstr, errstr_size) == 0) return 0;
    if (rp->p->archive.on_fail != K2TD_ACT_ROTATE) return -1;
    k2td_log_warn("%s: deleting the rotated archive files to make room", errstr);
    if (k2td_archive_remove_old(rp->archive, INT64_MAX, errstr, errstr_size) != 0) return -1;
    return k2td_archive_write(rp->archive, rec, errstr, errstr_size);
}

/* Archives the row; under archive.on_fail = wait, tries again through the
 * back-off hook until it goes in. Returns 0, -1 with errstr set (the
 * archive failed, on_fail is not wait), or 1 when the wait was given up. */
static int row_policy_archive(k2td_row_policy_t *rp, const k2td_row_origin_t *origin,
                              const char *table, const char *reason, char *errstr,
                              size_t errstr_size) {
    k2td_archive_record_t rec = {origin->topic, origin->partition, origin->offset, reason,
                                 origin->payload, origin->len,       table,
                                 row_policy_now_ms()};
    if (row_policy_archive_once(rp, &rec, errstr, errstr_size) == 0) return 0;
    if (rp->p->archive.on_fail != K2TD_ACT_WAIT || !rp->backoff) return -1;
    int64_t since = row_policy_now_ms(), logged = 0;
    int wait_ms = 200;
    for (;;) {
        int64_t now = row_policy_now_ms();
        if (!logged || now - logged >= ROW_POLICY_WAIT_LOG_MS) {
            logged = now;
            k2td_log_warn("%s: waiting %lld s so far to archive a row of %s [%d] offset %lld "
                          "(archive.on_fail: wait; the batch is not committed, reading is "
                          "paused)",
                          errstr, (long long)((now - since) / 1000), origin->topic,
                          (int)origin->partition, (long long)origin->offset);
        }
        if (rp->backoff(rp->backoff_ctx, &wait_ms, errstr)) return 1;
        rec.time_ms = row_policy_now_ms();
        if (row_policy_archive_once(rp, &rec, errstr, errstr_size) == 0) break;
    }
    k2td_log_info("archive %s is writable again after %lld s: going on",
                  k2td_archive_path(rp->archive),
                  (long long)((row_policy_now_ms() - since) / 1000));
    return 0;
}

/* Archives a row, or settles it by archive.on_fail when that fails.
 * Returns the verdict. */
static k2td_row_verdict_t row_policy_archive_or(k2td_row_policy_t *rp,
                                                const k2td_row_origin_t *origin,
                                                const char *table, const char *reason,
                                                char *errstr, size_t errstr_size) {
    char err[512];
    int rc = row_policy_archive(rp, origin, table, reason, err, sizeof(err));
    if (rc == 0) {
        rp->stats.archived_rows++;
        return K2TD_ROW_ARCHIVED;
    }
    if (rc > 0) return K2TD_ROW_GIVE_UP;
    if (rp->p->archive.on_fail == K2TD_ACT_SKIP) {
        k2td_log_warn("skipped a row of %s [%d] offset %lld that could not be archived (%s): %s",
                      origin->topic, (int)origin->partition, (long long)origin->offset, err,
                      reason);
        rp->stats.skipped_rows++;
        return K2TD_ROW_SKIPPED;
    }
    k2td_errstr_set(errstr, errstr_size, "%s [%d] offset %lld: cannot archive a refused row: %s",
                    origin->topic, (int)origin->partition, (long long)origin->offset, err);
    return K2TD_ROW_BREAK;
}

/* Runs one ALTER statement. Returns ALTERED, UNREACHABLE, or BREAK with
 * errstr holding TDengine's answer (the caller falls back to the policy). */
static k2td_row_verdict_t row_policy_alter(k2td_row_policy_t *rp, const k2td_buf_t *sql,
                                           char *errstr, size_t errstr_size) {
    k2td_rest_answer_t a;
    k2td_rest_class_t c = k2td_rest_exec(rp->rest, sql->data, sql->len, &a, errstr, errstr_size);
    /* another writer added the column first: 3.3.7 answers 0x036B "Column
     * already exists" (older servers' parser said 0x263C "Duplicated column
     * names") */
    int duplicate = a.code == 0x036B || a.code == 0x263C ||
                    (a.desc && (strstr(a.desc, "Column already exists") ||
                                strstr(a.desc, "Duplicated column")));
    k2td_rest_answer_clear(&a);
    if (c == K2TD_REST_OK || duplicate) {
        k2td_log_info("%s", sql->data);
        rp->stats.altered_columns++;
        return K2TD_ROW_ALTERED;
    }
    return c == K2TD_REST_TRANSIENT ? K2TD_ROW_UNREACHABLE : K2TD_ROW_BREAK;
}

/* Appends "ALTER STABLE `db`.`stb` " for target t to sql. */
static void row_policy_alter_head(const k2td_target_t *t, k2td_buf_t *sql) {
    k2td_buf_puts(sql, "ALTER STABLE ");
    k2td_sql_append_ident(sql, t->schema.db, strlen(t->schema.db));
    k2td_buf_putc(sql, '.');
    k2td_sql_append_ident(sql, t->schema.stable, strlen(t->schema.stable));
}

/* add_field: adds a column for field f, typed from its value. */
static k2td_row_verdict_t row_policy_add_field(k2td_row_policy_t *rp, const k2td_target_t *t,
                                               const k2td_field_t *f, char *errstr,
                                               size_t errstr_size) {
    k2td_buf_t sql = K2TD_BUF_INIT;
    row_policy_alter_head(t, &sql);
    k2td_buf_puts(&sql, " ADD COLUMN ");
    k2td_sql_append_ident(&sql, f->name, f->name_len);
    size_t width = 64;
    switch (f->v.type) {
    case K2TD_VAL_BOOL: k2td_buf_puts(&sql, " BOOL"); break;
    case K2TD_VAL_INT: k2td_buf_puts(&sql, " BIGINT"); break;
    case K2TD_VAL_UINT: k2td_buf_puts(&sql, " BIGINT UNSIGNED"); break;
    case K2TD_VAL_FLOAT: k2td_buf_puts(&sql, " DOUBLE"); break;
    default:
        while (width < f->v.len && width < ROW_POLICY_TEXT_MAX) width *= 2;
        k2td_buf_printf(&sql, " VARCHAR(%zu)", width < ROW_POLICY_TEXT_MAX ? width
                                                                            : ROW_POLICY_TEXT_MAX);
    }
    k2td_row_verdict_t v = row_policy_alter(rp, &sql, errstr, errstr_size);
    k2td_buf_free(&sql);
    return v;
}

/* field_length_extend: widens column o->col of t to fit o->need. Returns
 * BREAK without a message when the value cannot fit any width. */
static k2td_row_verdict_t row_policy_widen(k2td_row_policy_t *rp, const k2td_target_t *t,
                                           const k2td_map_outcome_t *o, char *errstr,
                                           size_t errstr_size) {
    const k2td_column_t *col = &t->schema.cols[o->col];
    size_t max = col->type == K2TD_COL_NCHAR ? ROW_POLICY_NCHAR_MAX : ROW_POLICY_TEXT_MAX;
    if (o->need > max) {
        k2td_errstr_set(errstr, errstr_size, "%zu bytes do not fit even %zu", o->need, max);
        return K2TD_ROW_BREAK;
    }
    size_t width = (size_t)col->length * 2 > o->need ? (size_t)col->length * 2 : o->need;
    k2td_buf_t sql = K2TD_BUF_INIT;
    row_policy_alter_head(t, &sql);
    k2td_buf_puts(&sql, col->is_tag ? " MODIFY TAG " : " MODIFY COLUMN ");
    k2td_sql_append_ident(&sql, col->name, strlen(col->name));
    k2td_buf_printf(&sql, " %s(%zu)", k2td_coltype_name(col->type), width < max ? width : max);
    k2td_row_verdict_t v = row_policy_alter(rp, &sql, errstr, errstr_size);
    k2td_buf_free(&sql);
    return v;
}

/* Tries the schema change the policy asks for (add_field, or
 * field_length_extend). Returns ALTERED or UNREACHABLE, or BREAK when
 * there is none to make or it failed (then the row policy decides). */
static k2td_row_verdict_t row_policy_change_schema(k2td_row_policy_t *rp,
                                                   const k2td_map_outcome_t *o,
                                                   const k2td_target_t *t,
                                                   const k2td_row_origin_t *origin) {
    char err[512];
    k2td_row_verdict_t v = K2TD_ROW_BREAK;
    if (!t || !t->mapper) return v;
    if (o->fault == K2TD_FAULT_VALUE_LONG && rp->p->field_length_extend)
        v = row_policy_widen(rp, t, o, err, sizeof(err));
    else if (o->fault == K2TD_FAULT_FIELD_UNKNOWN &&
             rp->p->field_name_not_found.action == K2TD_ACT_ADD_FIELD &&
             o->field->name_len <= ROW_POLICY_COLUMN_NAME_MAX)
        v = row_policy_add_field(rp, t, o->field, err, sizeof(err));
    else
        return v;
    if (v == K2TD_ROW_BREAK)
        k2td_log_warn("%s [%d] offset %lld: could not change `%s`.`%s` for the row: %s",
                      origin->topic, (int)origin->partition, (long long)origin->offset,
                      t->schema.db, t->schema.stable, err);
    return v;
}

/* Returns the policy that decides fault f (a too long name of a field to
 * add has a policy of its own). */
static const k2td_policy_t *row_policy_for(const k2td_write_policy_t *p,
                                           const k2td_map_outcome_t *o, const char **key) {
    k2td_row_fault_t f = o->fault;
    if (f == K2TD_FAULT_FIELD_UNKNOWN && p->field_name_not_found.action == K2TD_ACT_ADD_FIELD) {
        if (o->field->name_len > ROW_POLICY_COLUMN_NAME_MAX) {
            *key = "field_name_length_overflow";
            return &p->field_name_length_overflow;
        }
        f = K2TD_FAULT_DATA; /* the column could not be added */
    }
    *key = fault_policy[f].key;
    return (const k2td_policy_t *)((const char *)p + fault_policy[f].offset);
}

void k2td_row_policy_describe(const k2td_write_policy_t *p, const k2td_map_outcome_t *o,
                              char *out, size_t size) {
    const char *key;
    const k2td_policy_t *pol = row_policy_for(p, o, &key);
    int widen = o->fault == K2TD_FAULT_VALUE_LONG && p->field_length_extend;
    int add = o->fault == K2TD_FAULT_FIELD_UNKNOWN &&
              p->field_name_not_found.action == K2TD_ACT_ADD_FIELD &&
              o->field->name_len <= ROW_POLICY_COLUMN_NAME_MAX;
    snprintf(out, size, "%s%s: %s", widen ? "field_length_extend, else " : "", key,
             add ? "add_field" : k2td_policy_action_name(pol->action));
}

k2td_row_verdict_t k2td_row_policy_settle(k2td_row_policy_t *rp, const k2td_map_outcome_t *o,
                                          const k2td_target_t *t, int may_alter,
                                          const k2td_row_origin_t *origin, const char *reason,
                                          char *errstr, size_t errstr_size) {
    k2td_row_verdict_t v = may_alter ? row_policy_change_schema(rp, o, t, origin) : K2TD_ROW_BREAK;
    if (v != K2TD_ROW_BREAK) return v;
    const char *key;
    const k2td_policy_t *pol = row_policy_for(rp->p, o, &key);
    switch (pol->action) {
    case K2TD_ACT_BREAK:
        k2td_errstr_set(errstr, errstr_size, "%s [%d] offset %lld: %s (policy %s: break)",
                        origin->topic, (int)origin->partition, (long long)origin->offset, reason,
                        key);
        return K2TD_ROW_BREAK;
    case K2TD_ACT_ARCHIVE:
    case K2TD_ACT_TRUNCATE_AND_ARCHIVE:
    case K2TD_ACT_RETRY:
    case K2TD_ACT_ADD_FIELD:
    case K2TD_ACT_LEAVE_BLANK: /* a repair that could not make a name */
    case K2TD_ACT_REPLACE:
        v = row_policy_archive_or(rp, origin, NULL, reason, errstr, errstr_size);
        if (v == K2TD_ROW_ARCHIVED)
            k2td_log_warn("archived a row of %s [%d] offset %lld: %s (policy %s)", origin->topic,
                          (int)origin->partition, (long long)origin->offset, reason, key);
        return v;
    default:
        rp->stats.skipped_rows++;
        k2td_log_warn("skipped a row of %s [%d] offset %lld: %s (policy %s)", origin->topic,
                      (int)origin->partition, (long long)origin->offset, reason, key);
        return K2TD_ROW_SKIPPED;
    }
}

k2td_row_verdict_t k2td_row_policy_repaired(k2td_row_policy_t *rp, int archive_too,
                                            const k2td_row_origin_t *origin, const char *table,
                                            char *errstr, size_t errstr_size) {
    rp->stats.repaired_rows++;
    if (!archive_too) return K2TD_ROW_ARCHIVED;
    char err[512];
    int rc = row_policy_archive(rp, origin, table, "written truncated (truncate_and_archive)", err,
                                sizeof(err));
    if (rc == 0) {
        rp->stats.archived_rows++;
        return K2TD_ROW_ARCHIVED;
    }
    if (rc > 0) return K2TD_ROW_GIVE_UP;
    if (rp->p->archive.on_fail == K2TD_ACT_SKIP) {
        k2td_log_warn("could not archive a truncated row: %s", err);
        return K2TD_ROW_ARCHIVED;
    }
    k2td_errstr_set(errstr, errstr_size, "%s [%d] offset %lld: cannot archive: %s",
                    origin->topic, (int)origin->partition, (long long)origin->offset, err);
    return K2TD_ROW_BREAK;
}

int k2td_row_policy_sync(k2td_row_policy_t *rp, char *errstr, size_t errstr_size) {
    return rp->archive ? k2td_archive_sync(rp->archive, errstr, errstr_size) : 0;
}
