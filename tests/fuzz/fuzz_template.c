/*
 * fuzz_template.c - libFuzzer target: arbitrary bytes as a table-name
 * template, compiled, listed and expanded against a fixed small rowset, the
 * result checked as a table name.
 *
 * Invariants checked beyond "no crash, no sanitizer report": a failed
 * expansion leaves the buffer unchanged, every listed variable name is
 * non-empty and brace-free, and a template without variables expands to
 * its own text.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "model/template.h"
#include "model/value.h"

static k2td_rowset_t rows;

static void add(const char *name, k2td_val_type_t type, const char *s, size_t n) {
    k2td_field_t *f = k2td_rowset_add_field(&rows, name, strlen(name));
    f->v.type = type;
    f->v.str = s;
    f->v.len = n;
}

/* Three rows: all kinds of values, the same names in another order, and an
 * almost empty row. */
static void build_rows(void) {
    static const char nul_text[] = "a\0b";
    static char long_text[300];
    memset(long_text, 'x', sizeof(long_text));
    k2td_rowset_init(&rows);
    k2td_rowset_begin_row(&rows, 0);
    add("id", K2TD_VAL_INT, "7", 1);
    rows.fields[rows.nfields - 1].v.n.i = 7;
    add("groupid", K2TD_VAL_INT, NULL, 0);
    rows.fields[rows.nfields - 1].v.n.i = -3;
    add("location", K2TD_VAL_STRING, "北京.a", strlen("北京.a"));
    add("ok", K2TD_VAL_BOOL, NULL, 0);
    add("f", K2TD_VAL_FLOAT, NULL, 0);
    rows.fields[rows.nfields - 1].v.n.f = -1.25e-300;
    add("u", K2TD_VAL_UINT, "18446744073709551615", 20);
    add("n", K2TD_VAL_NULL, NULL, 0);
    add("z", K2TD_VAL_STRING, nul_text, 3);
    add("e", K2TD_VAL_STRING, "", 0);
    add("long", K2TD_VAL_STRING, long_text, sizeof(long_text));
    add(" a", K2TD_VAL_STRING, "sp", 2);
    add("$", K2TD_VAL_STRING, "dollar", 6);
    k2td_rowset_begin_row(&rows, 1);
    add("location", K2TD_VAL_STRING, "SF", 2);
    add("id", K2TD_VAL_STRING, "x`y'z", 5);
    add("groupid", K2TD_VAL_BOOL, NULL, 0);
    k2td_rowset_begin_row(&rows, 2);
    add("e", K2TD_VAL_STRING, "", 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (rows.nrows == 0) build_rows();
    char *text = malloc(size + 1);
    if (!text) return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    char err[256];
    k2td_template_t *t = k2td_template_compile(text, err, sizeof(err));
    if (t) {
        for (size_t i = 0; i < k2td_template_nvars(t); i++) {
            const char *name = k2td_template_var(t, i);
            if (!name[0] || strpbrk(name, "{}")) __builtin_trap();
        }
        k2td_buf_t out = K2TD_BUF_INIT;
        for (size_t r = 0; r < rows.nrows; r++) {
            k2td_buf_reset(&out);
            k2td_buf_puts(&out, "p:");
            if (k2td_template_expand(t, &rows, r, &out, err, sizeof(err)) == 0) {
                if (k2td_template_nvars(t) == 0 && strcmp(out.data + 2, text) != 0)
                    __builtin_trap();
                k2td_table_name_check(out.data + 2, out.len - 2, err, sizeof(err));
            } else if (out.len != 2 || strcmp(out.data, "p:") != 0) {
                __builtin_trap();
            }
        }
        k2td_buf_free(&out);
        k2td_template_free(t);
    }
    free(text);
    return 0;
}
