/*
 * cli_preview.c - `k2td preview`: takes sample messages (from Kafka, or one
 * per line from a file) and prints what the task would do with them, stage
 * by stage, as aligned text tables or as the JSON document of
 * src/engine/preview.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/alloc.h"
#include "../common/buf.h"
#include "../engine/preview.h"
#include "../engine/preview_kafka.h"
#include "cli.h"
#include "cli_task.h"

/* --count's upper bound, and how long reading samples from Kafka may take. */
#define PREVIEW_MAX_COUNT 1000
#define PREVIEW_KAFKA_TIMEOUT_MS 10000

static const char preview_usage[] =
    "usage: k2td preview TASK.json [--from KAFKA_DSN] [--count N | --sample FILE|-]\n"
    "                    [--schema FILE] [--json]\n"
    "       k2td preview --from KAFKA_DSN --to TAOS_DSN --parser @parser.json|JSON\n"
    "                    [--count N | --sample FILE|-] [--schema FILE] [--json]\n"
    "Shows what the task would do with sample messages: the parsed rows, the rows after each\n"
    "mutate stage and why rows were dropped, the values for each target column, the subtables\n"
    "and the SQL. Writes nothing.\n"
    "The supertable's schema comes from --schema FILE when given, else from TDengine, else\n"
    "(TDengine unreachable) from the mapping; the output says which (\"schema from:\").\n"
    "--schema FILE is JSON as DESCRIBE lists the supertable, used for every supertable:\n"
    "  [{\"name\": \"ts\", \"type\": \"TIMESTAMP\"}, {\"name\": \"v\", \"type\": \"VARCHAR\",\n"
    "    \"length\": 16}, {\"name\": \"id\", \"type\": \"INT\", \"note\": \"TAG\"}]\n"
    "or {\"precision\": \"ms\", \"keep\": 3650, \"stables\": {\"NAME\": [...], ...}}.\n"
    "From the mapping, the supertable has the model's `columns` (else the JSON field list's\n"
    "names that are not tags) and `tags`: the first column TIMESTAMP, the others as the JSON\n"
    "field list casts them, else VARCHAR(4096); ms precision.\n"
    "The samples are up to N (default 10, at most 1000) messages read from the Kafka topics\n"
    "where the task would start - its group's committed offsets, else fallback_offset, where\n"
    "latest means the last N messages - spread over the partitions; the group is not joined\n"
    "and nothing is committed. --from with a task file reads from that source instead.\n"
    "--sample reads one sample per line from FILE (or stdin with -) and does not contact\n"
    "Kafka.\n";

/* Reads all of f into *out (caller frees). Returns 0 or -1 on a read error. */
static int preview_slurp(FILE *f, k2td_buf_t *out) {
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) k2td_buf_append(out, chunk, n);
    return ferror(f) ? -1 : 0;
}

/* Splits text into one sample per line (a trailing "\r" is not part of the
 * line; the empty piece after a final newline is no sample). Returns the
 * array (caller frees; the samples point into text) and sets *n. */
static k2td_preview_sample_t *preview_lines(const k2td_buf_t *text, size_t *n) {
    size_t cap = 16;
    k2td_preview_sample_t *s = k2td_malloc(cap * sizeof(*s));
    *n = 0;
    const char *p = text->data, *end = text->data ? text->data + text->len : NULL;
    while (p && p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *stop = nl ? nl : end;
        if (*n == cap) s = k2td_realloc(s, (cap *= 2) * sizeof(*s));
        size_t len = (size_t)(stop - p);
        if (len && p[len - 1] == '\r') len--;
        s[(*n)++] = (k2td_preview_sample_t){.data = p, .len = len};
        p = nl ? nl + 1 : end;
    }
    return s;
}

/* Appends s to b with control bytes escaped, so a cell stays on one line. */
static void cell_put(k2td_buf_t *b, const char *s) {
    for (; s && *s; s++) {
        if ((unsigned char)*s < 0x20)
            k2td_buf_printf(b, "\\x%02x", (unsigned char)*s);
        else
            k2td_buf_putc(b, *s);
    }
}

/* Returns a table cell (a JSON string) showing value. */
static cJSON *cell_of(const cJSON *value) {
    k2td_buf_t b = K2TD_BUF_INIT;
    if (cJSON_IsString(value))
        cell_put(&b, value->valuestring);
    else if (cJSON_IsBool(value))
        k2td_buf_puts(&b, cJSON_IsTrue(value) ? "true" : "false");
    else if (cJSON_IsNumber(value))
        k2td_buf_printf(&b, "%.0f", value->valuedouble);
    else
        k2td_buf_puts(&b, "NULL");
    cJSON *c = cJSON_CreateString(b.data ? b.data : "");
    k2td_buf_free(&b);
    return c;
}

/* Returns the display width of UTF-8 text s (code points). */
static size_t text_width(const char *s) {
    size_t w = 0;
    for (; *s; s++) w += ((unsigned char)*s & 0xc0) != 0x80;
    return w;
}

/* Prints a table (an array of rows, each an array of strings; the first rows
 * are the header, then a rule) with columns aligned, indented by two. */
static void print_table(const cJSON *table, int header_rows) {
    size_t ncols = 0, *width;
    for (const cJSON *r = table->child; r; r = r->next)
        if ((size_t)cJSON_GetArraySize(r) > ncols) ncols = (size_t)cJSON_GetArraySize(r);
    width = k2td_calloc(ncols ? ncols : 1, sizeof(*width));
    for (const cJSON *r = table->child; r; r = r->next) {
        size_t c = 0;
        for (const cJSON *v = r->child; v; v = v->next, c++)
            if (text_width(v->valuestring) > width[c]) width[c] = text_width(v->valuestring);
    }
    size_t total = 0;
    for (size_t c = 0; c < ncols; c++) total += width[c] + (c ? 2 : 0);
    int row = 0;
    for (const cJSON *r = table->child; r; r = r->next, row++) {
        if (row == header_rows) {
            fputs("  ", stdout);
            for (size_t i = 0; i < total; i++) putchar('-');
            putchar('\n');
        }
        size_t c = 0;
        fputs("  ", stdout);
        for (const cJSON *v = r->child; v; v = v->next, c++) {
            fputs(v->valuestring, stdout);
            if (v->next)
                for (size_t i = text_width(v->valuestring); i < width[c] + 2; i++) putchar(' ');
        }
        putchar('\n');
    }
    free(width);
}

/* Returns the index of name in header (adding it, and its type, when new). */
static int table_column(cJSON *header, cJSON *types, const char *name, const char *type) {
    int i = 0;
    for (const cJSON *h = header->child; h; h = h->next, i++)
        if (strcmp(h->valuestring, name) == 0) {
            cJSON *t = cJSON_GetArrayItem(types, i);
            if (strcmp(t->valuestring, type) != 0 && strcmp(t->valuestring, "-") != 0)
                cJSON_ReplaceItemInArray(types, i, cJSON_CreateString("mixed"));
            return i;
        }
    cJSON_AddItemToArray(header, cJSON_CreateString(name));
    cJSON_AddItemToArray(types, cJSON_CreateString(type));
    return i;
}

/* Prints rows (objects with "message", maybe "subtable", and arrays of
 * {name, type, value} under keys) as a table: a column per name, the type
 * under the name. Rows with an "error" are left out. */
static void print_rows(const cJSON *rows, const char *const *keys, int with_table) {
    cJSON *table = cJSON_CreateArray(), *header = cJSON_CreateArray(),
          *types = cJSON_CreateArray();
    cJSON_AddItemToArray(table, header);
    cJSON_AddItemToArray(table, types);
    table_column(header, types, "msg", "-");
    if (with_table) table_column(header, types, "subtable", "-");
    for (const cJSON *r = rows->child; r; r = r->next) {
        if (cJSON_GetObjectItem(r, "error")) continue;
        cJSON *line = cJSON_CreateArray();
        cJSON_AddItemToArray(line, cell_of(cJSON_GetObjectItem(r, "message")));
        if (with_table) cJSON_AddItemToArray(line, cell_of(cJSON_GetObjectItem(r, "subtable")));
        for (size_t k = 0; keys[k]; k++) {
            const cJSON *fields = cJSON_GetObjectItem(r, keys[k]);
            for (const cJSON *f = fields ? fields->child : NULL; f; f = f->next) {
                const char *name = cJSON_GetObjectItem(f, "name")->valuestring;
                int c = table_column(header, types, name,
                                     cJSON_GetObjectItem(f, "type")->valuestring);
                while (cJSON_GetArraySize(line) <= c)
                    cJSON_AddItemToArray(line, cJSON_CreateString(""));
                cJSON_ReplaceItemInArray(line, c, cell_of(cJSON_GetObjectItem(f, "value")));
            }
        }
        cJSON_AddItemToArray(table, line);
    }
    if (cJSON_GetArraySize(table) > 2)
        print_table(table, 2);
    else
        puts("  (no rows)");
    cJSON_Delete(table);
}

/* Prints "  msg N: <key>" for each entry of arr that has key. */
static void print_reasons(const cJSON *arr, const char *key, const char *what) {
    for (const cJSON *e = arr->child; e; e = e->next) {
        const cJSON *reason = cJSON_GetObjectItem(e, key);
        if (!reason) continue;
        k2td_buf_t b = K2TD_BUF_INIT;
        cell_put(&b, reason->valuestring);
        printf("  %s msg %.0f: %s\n", what, cJSON_GetObjectItem(e, "message")->valuedouble,
               b.data ? b.data : "");
        k2td_buf_free(&b);
    }
}

/* Prints, for messages read from Kafka, where each one was read. */
static void print_origins(const cJSON *msgs) {
    static const char *const keys[] = {"message", "topic", "partition", "offset"};
    static const char *const header[] = {"msg", "topic", "partition", "offset"};
    if (!cJSON_GetObjectItem(cJSON_GetArrayItem(msgs, 0), "topic")) return;
    cJSON *table = cJSON_CreateArray();
    cJSON_AddItemToArray(table, cJSON_CreateStringArray(header, 4));
    for (const cJSON *m = msgs->child; m; m = m->next) {
        cJSON *line = cJSON_CreateArray();
        for (size_t k = 0; k < 4; k++)
            cJSON_AddItemToArray(line, cell_of(cJSON_GetObjectItem(m, keys[k])));
        cJSON_AddItemToArray(table, line);
    }
    print_table(table, 1);
    cJSON_Delete(table);
}

/* Prints "schema from: ..." (the file's name with "file") and, when
 * TDengine was not read, why, then a blank line. */
static void print_schema_from(const cJSON *target) {
    static const char *const keys[] = {"schema_file", "unreachable"};
    static const char *const formats[] = {" (%s)", "\n  because %s"};
    printf("schema from: %s", cJSON_GetObjectItem(target, "schema_from")->valuestring);
    for (size_t k = 0; k < 2; k++) {
        const cJSON *text = cJSON_GetObjectItem(target, keys[k]);
        if (!text) continue;
        k2td_buf_t b = K2TD_BUF_INIT;
        cell_put(&b, text->valuestring);
        printf(formats[k], b.data ? b.data : "");
        k2td_buf_free(&b);
    }
    puts("\n");
}

/* Prints the preview document as text. */
static void print_preview(const cJSON *doc) {
    static const char *const fields[] = {"fields", NULL};
    static const char *const values[] = {"columns", "tags", NULL};
    const cJSON *target = cJSON_GetObjectItem(doc, "target");
    printf("task `%s` -> `%s`.`%s` (%s precision)\n",
           cJSON_GetObjectItem(doc, "task")->valuestring,
           cJSON_GetObjectItem(target, "db")->valuestring,
           cJSON_GetObjectItem(target, "stable")->valuestring,
           cJSON_GetObjectItem(target, "precision")->valuestring);
    print_schema_from(target);
    const cJSON *msgs = cJSON_GetObjectItem(doc, "messages");
    printf("messages: %d\n", cJSON_GetArraySize(msgs));
    print_origins(msgs);
    print_reasons(msgs, "error", "parse error,");
    puts("\nparsed rows:");
    print_rows(cJSON_GetObjectItem(doc, "parsed"), fields, 0);
    const cJSON *stages = cJSON_GetObjectItem(doc, "stages");
    for (const cJSON *s = stages->child; s; s = s->next) {
        char *rule = cJSON_PrintUnformatted(cJSON_GetObjectItem(s, "rule"));
        printf("\nafter stage %.0f (%s) %s:\n", cJSON_GetObjectItem(s, "stage")->valuedouble,
               cJSON_GetObjectItem(s, "kind")->valuestring, rule);
        free(rule);
        print_rows(cJSON_GetObjectItem(s, "rows"), fields, 0);
        print_reasons(cJSON_GetObjectItem(s, "dropped"), "reason", "dropped");
    }
    const cJSON *mapped = cJSON_GetObjectItem(doc, "mapped");
    puts("\nmapped rows:");
    print_rows(mapped, values, 1);
    print_reasons(mapped, "error", "refused");
    puts("\nsubtables:");
    const cJSON *tables = cJSON_GetObjectItem(doc, "subtables");
    for (const cJSON *t = tables->child; t; t = t->next) printf("  %s\n", t->valuestring);
    puts("\nsql:");
    const cJSON *sql = cJSON_GetObjectItem(doc, "sql");
    for (const cJSON *q = sql->child; q; q = q->next) {
        k2td_buf_t b = K2TD_BUF_INIT;
        cell_put(&b, q->valuestring);
        printf("  %s\n", b.data ? b.data : "");
        k2td_buf_free(&b);
    }
    const cJSON *warnings = cJSON_GetObjectItem(doc, "warnings");
    if (cJSON_GetArraySize(warnings)) puts("\nwarnings:");
    for (const cJSON *w = warnings ? warnings->child : NULL; w; w = w->next)
        printf("  %s: %s\n", cJSON_GetObjectItem(w, "path")->valuestring,
               cJSON_GetObjectItem(w, "message")->valuestring);
}

/* Reads the samples named by path ("-" = stdin) into text. Returns 0 or -1
 * with the error printed. */
static int preview_read(const char *path, k2td_buf_t *text) {
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "k2td: --sample: cannot open `%s`\n", path);
        return -1;
    }
    int rc = preview_slurp(f, text);
    if (f != stdin) fclose(f);
    if (rc != 0) fprintf(stderr, "k2td: --sample: cannot read `%s`\n", path);
    return rc;
}

/* The options only `preview` has. */
typedef struct preview_opts {
    int json;
    const char *sample;     /* NULL: read the samples from Kafka */
    const char *schema;     /* --schema FILE; NULL when not given */
    int schema_missing;     /* --schema came last, without its file */
    const char *count_text; /* --count as given; NULL when not given */
    int count_missing;      /* --count came last, without its value */
    size_t count;
} preview_opts_t;

/* Moves --json, --sample, --schema and --count out of argv into o and the rest (the
 * shared task arguments) into rest. Returns how many went into rest. */
static int preview_opts_take(int argc, char **argv, preview_opts_t *o, char **rest) {
    int nrest = 0;
    for (int i = 0; i < argc; i++) {
        if (i > 0 && strcmp(argv[i], "--json") == 0)
            o->json = 1;
        else if (i > 0 && strcmp(argv[i], "--sample") == 0 && i + 1 < argc)
            o->sample = argv[++i];
        else if (i > 0 && strncmp(argv[i], "--sample=", 9) == 0)
            o->sample = argv[i] + 9;
        else if (i > 0 && strcmp(argv[i], "--schema") == 0 && i + 1 < argc)
            o->schema = argv[++i];
        else if (i > 0 && strcmp(argv[i], "--schema") == 0)
            o->schema_missing = 1;
        else if (i > 0 && strncmp(argv[i], "--schema=", 9) == 0)
            o->schema = argv[i] + 9;
        else if (i > 0 && strcmp(argv[i], "--count") == 0 && i + 1 < argc)
            o->count_text = argv[++i];
        else if (i > 0 && strcmp(argv[i], "--count") == 0)
            o->count_missing = 1;
        else if (i > 0 && strncmp(argv[i], "--count=", 8) == 0)
            o->count_text = argv[i] + 8;
        else
            rest[nrest++] = argv[i];
    }
    return nrest;
}

/* Checks --count (1..1000, default 10) and that it is not given with
 * --sample, and that --schema has its file. Returns 0, or -1 with the error
 * printed. */
static int preview_opts_check(preview_opts_t *o) {
    o->count = 10;
    if (o->schema_missing || (o->schema && !o->schema[0])) {
        fprintf(stderr, "k2td: --schema needs a file\n");
        return -1;
    }
    if (o->count_missing) {
        fprintf(stderr, "k2td: --count needs a number from 1 to %d\n", PREVIEW_MAX_COUNT);
        return -1;
    }
    if (!o->count_text) return 0;
    if (o->sample) {
        fprintf(stderr, "k2td: --count is for messages read from Kafka; it does not go with "
                        "--sample\n");
        return -1;
    }
    char *end;
    errno = 0;
    long v = strtol(o->count_text, &end, 10);
    if (o->count_text[0] < '0' || o->count_text[0] > '9' || *end || errno || v < 1 ||
        v > PREVIEW_MAX_COUNT) {
        k2td_buf_t q = K2TD_BUF_INIT;
        cell_put(&q, o->count_text);
        fprintf(stderr, "k2td: --count: `%s` is not a whole number from 1 to %d\n",
                q.data ? q.data : "", PREVIEW_MAX_COUNT);
        k2td_buf_free(&q);
        return -1;
    }
    o->count = (size_t)v;
    return 0;
}

/* Previews task on the lines of the file at path ("-" = stdin). Returns the
 * exit code; *doc is set on success. */
static int preview_file(const k2td_task_t *task, const char *path,
                        const k2td_preview_opts_t *opts, cJSON **doc) {
    k2td_buf_t text = K2TD_BUF_INIT;
    int code = K2TD_EXIT_USAGE;
    *doc = NULL;
    if (preview_read(path, &text) == 0) {
        size_t n;
        k2td_preview_sample_t *samples = preview_lines(&text, &n);
        char err[1024];
        k2td_engine_rc_t rc = k2td_preview_run(task, samples, n, opts, doc, err, sizeof(err));
        code = k2td_cli_exit_code(rc);
        if (rc != K2TD_ENGINE_OK) fprintf(stderr, "k2td: %s\n", err);
        free(samples);
    }
    k2td_buf_free(&text);
    return code;
}

/* Previews task on up to count messages from its topics. Returns the exit
 * code; *doc is set on success. */
static int preview_kafka(const k2td_task_t *task, size_t count, const k2td_preview_opts_t *opts,
                         cJSON **doc) {
    char err[1024];
    int timed_out;
    k2td_engine_rc_t rc = k2td_preview_kafka(task, count, PREVIEW_KAFKA_TIMEOUT_MS, opts, doc,
                                             &timed_out, err, sizeof(err));
    if (rc != K2TD_ENGINE_OK) {
        fprintf(stderr, "k2td: %s\n", err);
        return k2td_cli_exit_code(rc);
    }
    int got = cJSON_GetArraySize(cJSON_GetObjectItem(*doc, "messages"));
    if (timed_out)
        fprintf(stderr, "k2td: stopped reading Kafka after %d ms with %d of the %zu messages "
                        "asked for\n", PREVIEW_KAFKA_TIMEOUT_MS, got, count);
    else if (got == 0)
        fprintf(stderr, "k2td: no messages in Kafka where the task would start (the topics are "
                        "empty there, or its group has read everything)\n");
    return K2TD_EXIT_OK;
}

int k2td_cli_preview(int argc, char **argv) {
    char **rest = k2td_calloc((size_t)argc + 1, sizeof(*rest));
    preview_opts_t o = {0};
    int nrest = preview_opts_take(argc, argv, &o, rest);
    k2td_cli_args_t args;
    int a = k2td_cli_args_parse_from_override(nrest, rest, preview_usage, &args);
    free(rest);
    if (a != 0) return a > 0 ? K2TD_EXIT_OK : K2TD_EXIT_USAGE;
    k2td_task_t task;
    if (preview_opts_check(&o) != 0 || k2td_cli_task_load(&args, &task) != 0)
        return K2TD_EXIT_USAGE;
    k2td_schema_file_t schema = {0};
    char err[1024];
    if (o.schema && k2td_schema_file_load(o.schema, &schema, err, sizeof(err)) != 0) {
        fprintf(stderr, "k2td: --schema: %s\n", err);
        k2td_schema_file_free(&schema);
        k2td_task_free(&task);
        return K2TD_EXIT_USAGE;
    }
    const k2td_preview_opts_t popts = {.schema = o.schema ? &schema : NULL,
                                       .mapping_fallback = 1};
    cJSON *doc;
    int code = o.sample ? preview_file(&task, o.sample, &popts, &doc)
                        : preview_kafka(&task, o.count, &popts, &doc);
    if (code == K2TD_EXIT_OK && o.json) {
        char *out = cJSON_Print(doc);
        puts(out);
        free(out);
    } else if (code == K2TD_EXIT_OK) {
        print_preview(doc);
    }
    cJSON_Delete(doc);
    k2td_schema_file_free(&schema);
    k2td_task_free(&task);
    return code;
}
