/*
 * cli_preview.c - `k2td preview`: reads sample messages (one per line) and
 * prints what the task would do with them, stage by stage, as aligned text
 * tables or as the JSON document of src/engine/preview.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/alloc.h"
#include "../common/buf.h"
#include "../engine/preview.h"
#include "cli.h"
#include "cli_task.h"

static const char preview_usage[] =
    "usage: k2td preview TASK.json --sample FILE|- [--json]\n"
    "       k2td preview --from KAFKA_DSN --to TAOS_DSN --parser @parser.json|JSON\n"
    "                    --sample FILE|- [--json]\n"
    "Shows what the task would do with the sample messages (one per line, from FILE or\n"
    "stdin with -): the parsed rows, the rows after each mutate stage and why rows were\n"
    "dropped, the values for each target column, the subtables and the SQL. Reads the\n"
    "supertable's schema from TDengine; writes nothing and does not contact Kafka.\n";

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
        s[(*n)++] = (k2td_preview_sample_t){p, len};
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

/* Prints the preview document as text. */
static void print_preview(const cJSON *doc) {
    static const char *const fields[] = {"fields", NULL};
    static const char *const values[] = {"columns", "tags", NULL};
    const cJSON *target = cJSON_GetObjectItem(doc, "target");
    printf("task `%s` -> `%s`.`%s` (%s precision)\n\n",
           cJSON_GetObjectItem(doc, "task")->valuestring,
           cJSON_GetObjectItem(target, "db")->valuestring,
           cJSON_GetObjectItem(target, "stable")->valuestring,
           cJSON_GetObjectItem(target, "precision")->valuestring);
    const cJSON *msgs = cJSON_GetObjectItem(doc, "messages");
    printf("messages: %d\n", cJSON_GetArraySize(msgs));
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

int k2td_cli_preview(int argc, char **argv) {
    /* take out --sample and --json; the rest are the shared task arguments */
    char **rest = k2td_calloc((size_t)argc + 1, sizeof(*rest));
    int nrest = 0, json = 0, code = K2TD_EXIT_USAGE;
    const char *sample = NULL;
    for (int i = 0; i < argc; i++) {
        if (i > 0 && strcmp(argv[i], "--json") == 0)
            json = 1;
        else if (i > 0 && strcmp(argv[i], "--sample") == 0 && i + 1 < argc)
            sample = argv[++i];
        else if (i > 0 && strncmp(argv[i], "--sample=", 9) == 0)
            sample = argv[i] + 9;
        else
            rest[nrest++] = argv[i];
    }
    k2td_cli_args_t args;
    int a = k2td_cli_args_parse(nrest, rest, preview_usage, &args);
    if (a != 0) {
        free(rest);
        return a > 0 ? K2TD_EXIT_OK : K2TD_EXIT_USAGE;
    }
    if (!sample) {
        fprintf(stderr, "k2td: --sample FILE (or - for stdin) is required\n%s", preview_usage);
        free(rest);
        return K2TD_EXIT_USAGE;
    }
    k2td_task_t task;
    k2td_buf_t text = K2TD_BUF_INIT;
    if (k2td_cli_task_load(&args, &task) != 0) {
        free(rest);
        return K2TD_EXIT_USAGE;
    }
    if (preview_read(sample, &text) == 0) {
        size_t n;
        k2td_preview_sample_t *samples = preview_lines(&text, &n);
        char err[1024];
        cJSON *doc;
        k2td_engine_rc_t rc = k2td_preview_run(&task, samples, n, &doc, err, sizeof(err));
        code = k2td_cli_exit_code(rc);
        if (rc != K2TD_ENGINE_OK) {
            fprintf(stderr, "k2td: %s\n", err);
        } else if (json) {
            char *out = cJSON_Print(doc);
            puts(out);
            free(out);
        } else {
            print_preview(doc);
        }
        cJSON_Delete(doc);
        free(samples);
    }
    k2td_buf_free(&text);
    k2td_task_free(&task);
    free(rest);
    return code;
}
