/*
 * preview_existing.c - which of a preview's subtables already exist, under
 * which supertable and with which tags (see preview_existing.h).
 */
#include "preview_existing.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../common/alloc.h"
#include "../common/buf.h"
#include "../model/schema.h"
#include "../sink/sql_text.h"
#include "preview_lint.h"

/* How many names one information_schema query asks about (a name is at most
 * 192 bytes, so a query stays far below TDengine's 1 MiB statement limit). */
#define EXISTING_BATCH 500

/* A subtable the preview would write. Every pointer is into the document. */
typedef struct wanted {
    const char *table;  /* its name */
    const char *stable; /* the supertable the preview writes it through */
    const cJSON *entry; /* its first "mapped" entry, whose tags a run would create it with */
    size_t seq;         /* that entry's position in "mapped" */
    int same;           /* it exists under that supertable */
} wanted_t;

typedef struct existing {
    const k2td_task_t *task;
    k2td_rest_t *rest;
    const char *db;
    wanted_t *w; /* sorted by name, one per name; owned */
    size_t n;
    cJSON *list;     /* the document's "existing" (borrowed) */
    cJSON *warnings; /* the document's "warnings" (borrowed) */
} existing_t;

/* Orders by name, then by position in "mapped". */
static int wanted_cmp(const void *a, const void *b) {
    const wanted_t *x = a, *y = b;
    int c = strcmp(x->table, y->table);
    return c ? c : (x->seq > y->seq) - (x->seq < y->seq);
}

/* Fills e->w with each subtable of the mapped rows of doc, once, with the
 * first row that writes it. */
static void existing_collect(existing_t *e, const cJSON *doc) {
    const cJSON *mapped = cJSON_GetObjectItemCaseSensitive(doc, "mapped");
    int cap = cJSON_GetArraySize(mapped);
    e->w = k2td_calloc(cap > 0 ? (size_t)cap : 1, sizeof(*e->w));
    size_t seq = 0;
    const cJSON *m;
    cJSON_ArrayForEach(m, mapped) {
        const cJSON *t = cJSON_GetObjectItemCaseSensitive(m, "subtable");
        const cJSON *s = cJSON_GetObjectItemCaseSensitive(m, "stable");
        if (cJSON_IsString(t) && cJSON_IsString(s) &&
            !cJSON_GetObjectItemCaseSensitive(m, "error"))
            e->w[e->n++] = (wanted_t){.table = t->valuestring, .stable = s->valuestring,
                                      .entry = m, .seq = seq};
        seq++;
    }
    if (e->n) qsort(e->w, e->n, sizeof(*e->w), wanted_cmp);
    size_t k = 0;
    for (size_t i = 0; i < e->n; i++)
        if (k == 0 || strcmp(e->w[k - 1].table, e->w[i].table) != 0) e->w[k++] = e->w[i];
    e->n = k;
}

/* Returns the subtable called name among e->w[from..to), or NULL. */
static wanted_t *existing_find(existing_t *e, size_t from, size_t to, const char *name) {
    while (from < to) {
        size_t mid = from + (to - from) / 2;
        int c = strcmp(name, e->w[mid].table);
        if (c == 0) return &e->w[mid];
        if (c < 0)
            to = mid;
        else
            from = mid + 1;
    }
    return NULL;
}

/* Adds a warning at path with message to the document. */
static void existing_warn(existing_t *e, const char *path, const char *message) {
    cJSON *w = cJSON_CreateObject();
    cJSON_AddStringToObject(w, "path", path);
    cJSON_AddStringToObject(w, "message", message);
    cJSON_AddItemToArray(e->warnings, w);
}

/* Records a clash: entry (which gets message) goes into "existing" and
 * message into "warnings" at the "name" path of w's model. */
static void existing_report(existing_t *e, const wanted_t *w, cJSON *entry, const char *message) {
    const cJSON *r = cJSON_GetObjectItemCaseSensitive(w->entry, "route");
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(w->entry, "model");
    const k2td_parser_conf_t *pc = &e->task->parser;
    size_t ro = cJSON_IsNumber(r) && r->valuedouble >= 0 ? (size_t)r->valuedouble : 0;
    if (ro >= pc->nroutes) ro = 0;
    size_t mo = cJSON_IsNumber(m) && m->valuedouble >= 0 ? (size_t)m->valuedouble : 0;
    if (mo >= pc->routes[ro].nmodels) mo = 0;
    k2td_buf_t path = K2TD_BUF_INIT;
    k2td_preview_model_path(&pc->routes[ro], mo, "name", &path);
    cJSON_AddStringToObject(entry, "message", message);
    cJSON_AddItemToArray(e->list, entry);
    existing_warn(e, path.data, message);
    k2td_buf_free(&path);
}

/* Adds a string, or null when s is NULL, to obj under key. */
static void existing_add(cJSON *obj, const char *key, const char *s) {
    cJSON_AddItemToObject(obj, key, s ? cJSON_CreateString(s) : cJSON_CreateNull());
}

/* Reports that w's name is taken by something its rows cannot go into:
 * a subtable of supertable `stable`, or (stable NULL) a table of its own or
 * (is_stable) a supertable. */
static void existing_taken(existing_t *e, const wanted_t *w, const char *stable, int is_stable) {
    k2td_buf_t msg = K2TD_BUF_INIT;
    if (stable)
        k2td_buf_printf(&msg, "subtable `%s` already exists under supertable `%s`", w->table,
                        stable);
    else
        k2td_buf_printf(&msg, "`%s` already exists as %s, not as a subtable of `%s`", w->table,
                        is_stable ? "a supertable" : "a table of its own", w->stable);
    k2td_buf_puts(&msg, ": its rows would be refused");
    cJSON *entry = cJSON_CreateObject();
    cJSON_AddStringToObject(entry, "subtable", w->table);
    existing_add(entry, "stable", stable);
    cJSON_AddStringToObject(entry, "preview_stable", w->stable);
    existing_report(e, w, entry, msg.data);
    k2td_buf_free(&msg);
}

/* Notes that the check stopped, and why. */
static void existing_skipped(existing_t *e, const char *why) {
    k2td_buf_t msg = K2TD_BUF_INIT;
    k2td_buf_printf(&msg, "whether the subtables already exist was not checked: %s", why);
    existing_warn(e, "to", msg.data);
    k2td_buf_free(&msg);
}

/*
 * Runs "<select> WHERE db_name='<db>' [AND stable_name='<stable>'] AND
 * <column> IN (<names>)" with the names of e->w[from..to) (only those that
 * exist under stable, when stable is given). Returns 0 with *a filled, or
 * -1 with *a holding no rows after noting why the check stops; the caller
 * clears *a either way.
 */
static int existing_ask(existing_t *e, const char *select, const char *stable,
                        const char *column, size_t from, size_t to, k2td_rest_answer_t *a) {
    k2td_buf_t sql = K2TD_BUF_INIT;
    k2td_buf_printf(&sql, "%s WHERE db_name=", select);
    k2td_sql_append_string(&sql, e->db, strlen(e->db));
    if (stable) {
        k2td_buf_puts(&sql, " AND stable_name=");
        k2td_sql_append_string(&sql, stable, strlen(stable));
    }
    k2td_buf_printf(&sql, " AND %s IN (", column);
    int first = 1;
    for (size_t i = from; i < to; i++) {
        if (stable && (!e->w[i].same || strcmp(e->w[i].stable, stable) != 0)) continue;
        if (!first) k2td_buf_putc(&sql, ',');
        first = 0;
        k2td_sql_append_string(&sql, e->w[i].table, strlen(e->w[i].table));
    }
    k2td_buf_putc(&sql, ')');
    char why[1024];
    k2td_rest_class_t cls = k2td_rest_exec(e->rest, sql.data, sql.len, a, why, sizeof(why));
    k2td_buf_free(&sql);
    if (cls == K2TD_REST_OK) return 0;
    k2td_rest_answer_clear(a);
    existing_skipped(e, why);
    return -1;
}

/* Returns the text in column i of an answer row, or NULL (null, or not
 * text). */
static const char *existing_cell(const cJSON *row, int i) {
    const cJSON *c = cJSON_GetArrayItem(row, i);
    return cJSON_IsString(c) ? c->valuestring : NULL;
}

/* Finds which of e->w[from..to) exist as tables, or as supertables, and
 * reports those under another supertable or none. Returns 0, or -1 when the
 * check stops. */
static int existing_tables(existing_t *e, size_t from, size_t to) {
    k2td_rest_answer_t a = {0};
    int rc = existing_ask(e, "SELECT table_name, stable_name FROM information_schema.ins_tables",
                          NULL, "table_name", from, to, &a);
    const cJSON *row;
    cJSON_ArrayForEach(row, a.data) {
        const char *name = existing_cell(row, 0), *stable = existing_cell(row, 1);
        wanted_t *w = name ? existing_find(e, from, to, name) : NULL;
        if (!w) continue;
        if (stable && strcmp(stable, w->stable) == 0)
            w->same = 1;
        else
            existing_taken(e, w, stable, 0);
    }
    k2td_rest_answer_clear(&a);
    if (rc != 0) return -1;
    rc = existing_ask(e, "SELECT stable_name FROM information_schema.ins_stables", NULL,
                      "stable_name", from, to, &a);
    cJSON_ArrayForEach(row, a.data) {
        const char *name = existing_cell(row, 0);
        wanted_t *w = name ? existing_find(e, from, to, name) : NULL;
        if (w) existing_taken(e, w, NULL, 1);
    }
    k2td_rest_answer_clear(&a);
    return rc;
}

/*
 * Sets shown to how information_schema.ins_tags shows the value the SQL
 * literal lit gives a tag of type `type` (as the preview names it, e.g.
 * "VARCHAR(16)"); *kind to its column type. Returns 1, 0 for NULL, or -1
 * when the two are not comparable as text (GEOMETRY, which TDengine shows in
 * a form of its own; a type this does not know).
 */
static int existing_shown(const char *type, const char *lit, k2td_buf_t *shown,
                          k2td_coltype_t *kind) {
    k2td_column_t col = {0};
    if (k2td_column_set_type(&col, type) != 0) return -1;
    *kind = col.type;
    if (strcmp(lit, "NULL") == 0) return 0;
    size_t n = strlen(lit);
    int quoted = n >= 2 && lit[0] == '\'' && lit[n - 1] == '\'';
    const char *body = quoted ? lit + 1 : lit;
    size_t len = quoted ? n - 2 : n;
    char num[64];
    char *end;
    switch (col.type) {
    case K2TD_COL_FLOAT:
    case K2TD_COL_DOUBLE: {
        if (len >= sizeof(num)) return -1;
        memcpy(num, body, len);
        num[len] = '\0';
        double d = strtod(num, &end);
        if (end == num) return -1;
        /* ins_tags prints a FLOAT with 5 decimals, a DOUBLE with 9 */
        if (col.type == K2TD_COL_FLOAT)
            k2td_buf_printf(shown, "%.5f", (double)(float)d);
        else
            k2td_buf_printf(shown, "%.9f", d);
        return 1;
    }
    case K2TD_COL_VARBINARY: /* '\x<hex>' or '', shown as \x<HEX> */
        k2td_buf_puts(shown, "\\x");
        for (size_t i = 2; len >= 2 && i < len; i++)
            k2td_buf_putc(shown, (char)toupper((unsigned char)body[i]));
        return 1;
    case K2TD_COL_VARCHAR:
    case K2TD_COL_NCHAR:
    case K2TD_COL_JSON: /* a backslash escapes the byte after it */
        if (!quoted) return -1;
        for (size_t i = 0; i < len; i++) {
            if (body[i] == '\\' && i + 1 < len) i++;
            k2td_buf_putc(shown, body[i]);
        }
        return 1;
    case K2TD_COL_GEOMETRY:
    case K2TD_COL_DECIMAL:
    case K2TD_COL_UNKNOWN: return -1;
    default: /* integers, BOOL and TIMESTAMP are shown as written */
        k2td_buf_append(shown, lit, n);
        return 1;
    }
}

/* Returns 1 when text a and b show the same value of a tag of type kind. */
static int existing_same_value(k2td_coltype_t kind, const char *a, const char *b) {
    if (kind == K2TD_COL_VARBINARY) return strcasecmp(a, b) == 0;
    if (kind != K2TD_COL_JSON) return strcmp(a, b) == 0;
    /* TDengine may reorder or respace a JSON tag: compare the values */
    cJSON *x = cJSON_Parse(a), *y = cJSON_Parse(b);
    int same = x && y ? cJSON_Compare(x, y, 1) : strcmp(a, b) == 0;
    cJSON_Delete(x);
    cJSON_Delete(y);
    return same;
}

/* Compares tag `tag` of w, which exists with value (NULL for NULL), with
 * what the preview maps, and reports a difference. */
static void existing_compare(existing_t *e, const wanted_t *w, const char *tag,
                             const char *value) {
    const cJSON *t, *mapped = NULL;
    cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(w->entry, "tags")) {
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(t, "name");
        if (cJSON_IsString(name) && strcmp(name->valuestring, tag) == 0) mapped = t;
    }
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(mapped, "type");
    const cJSON *lit = cJSON_GetObjectItemCaseSensitive(mapped, "value");
    if (!cJSON_IsString(type) || !cJSON_IsString(lit)) return; /* a tag the model does not write */
    k2td_buf_t shown = K2TD_BUF_INIT, msg = K2TD_BUF_INIT;
    k2td_coltype_t kind = K2TD_COL_UNKNOWN;
    int rc = existing_shown(type->valuestring, lit->valuestring, &shown, &kind);
    const char *preview = rc == 1 ? (shown.data ? shown.data : "") : NULL;
    int same = rc < 0 || (preview && value ? existing_same_value(kind, preview, value)
                                           : !preview && !value);
    if (!same) {
        k2td_buf_printf(&msg, "subtable `%s` exists with tag %s=", w->table, tag);
        k2td_buf_printf(&msg, value ? "`%s`" : "%s", value ? value : "NULL");
        k2td_buf_puts(&msg, " where the preview maps ");
        k2td_buf_printf(&msg, preview ? "`%s`" : "%s", preview ? preview : "NULL");
        k2td_buf_puts(&msg, ": TDengine keeps the existing tags");
        cJSON *entry = cJSON_CreateObject();
        cJSON_AddStringToObject(entry, "subtable", w->table);
        cJSON_AddStringToObject(entry, "stable", w->stable);
        cJSON_AddStringToObject(entry, "tag", tag);
        existing_add(entry, "value", value);
        existing_add(entry, "preview_value", preview);
        existing_report(e, w, entry, msg.data);
    }
    k2td_buf_free(&shown);
    k2td_buf_free(&msg);
}

/* Compares the tags of the subtables of e->w[from..to) that exist under
 * the supertable the preview writes them through. Returns 0, or -1 when the
 * check stops. */
static int existing_tags(existing_t *e, size_t from, size_t to) {
    /* one query per supertable: the first subtable not yet asked about
     * names it, and the query takes every subtable under it */
    for (size_t i = from; i < to; i++) {
        if (e->w[i].same != 1) continue;
        const char *stable = e->w[i].stable;
        k2td_rest_answer_t a = {0};
        int rc = existing_ask(e, "SELECT table_name, tag_name, tag_value FROM "
                                 "information_schema.ins_tags",
                              stable, "table_name", from, to, &a);
        const cJSON *row;
        cJSON_ArrayForEach(row, a.data) {
            const char *name = existing_cell(row, 0), *tag = existing_cell(row, 1);
            wanted_t *w = name ? existing_find(e, from, to, name) : NULL;
            if (w && tag) existing_compare(e, w, tag, existing_cell(row, 2));
        }
        k2td_rest_answer_clear(&a);
        if (rc != 0) return -1;
        for (size_t k = i; k < to; k++)
            if (e->w[k].same == 1 && strcmp(e->w[k].stable, stable) == 0) e->w[k].same = 2;
    }
    return 0;
}

void k2td_preview_existing(cJSON *doc, const k2td_task_t *task, k2td_rest_t *rest, const char *db) {
    existing_t e = {.task = task, .rest = rest, .db = db};
    e.list = cJSON_AddArrayToObject(doc, "existing");
    e.warnings = cJSON_GetObjectItemCaseSensitive(doc, "warnings");
    if (!e.warnings) e.warnings = cJSON_AddArrayToObject(doc, "warnings");
    existing_collect(&e, doc);
    if (e.n && (!rest || !db))
        existing_skipped(&e, "TDengine was not reached");
    for (size_t from = 0; rest && db && from < e.n; from += EXISTING_BATCH) {
        size_t to = e.n - from > EXISTING_BATCH ? from + EXISTING_BATCH : e.n;
        if (existing_tables(&e, from, to) != 0 || existing_tags(&e, from, to) != 0) break;
    }
    free(e.w);
}
