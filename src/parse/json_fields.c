/*
 * json_fields.c - compiling `parse.value.json` field specs and applying them
 * to parsed rows.
 *
 * Compiling turns every spec into (source name, output name, type): a path
 * is resolved once into the flattened name the parser produces. Applying
 * appends each row's selected fields after the batch's last field, then
 * slides the whole block down over the original rows, so the rows being
 * read are never overwritten and nothing is malloc'ed per row.
 */
#include "../common/errstr.h"
#include "json_fields.h"

#include <ctype.h>
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../common/alloc.h"
#include "../common/buf.h"
#include "../model/schema.h"
#include "json_flat.h"

typedef struct json_field_spec {
    char *source; /* flattened field name to select (NUL-terminated, owned) */
    size_t source_len;
    char *alias;  /* output name (owned; may equal source's text) */
    size_t alias_len;
    k2td_coltype_t type; /* K2TD_COL_UNKNOWN: keep the JSON type */
    int32_t length;      /* varchar(n) / nchar(n): n; 0 when not given */
    k2td_ts_unit_t ts_unit;
} json_field_spec_t;

struct k2td_json_fields {
    json_field_spec_t *specs;
    size_t n; /* 0: keep every field */
};

/* ---- compiling -------------------------------------------------------- */

/* Returns the position of the first "::" in s at or after from, or len. */
static size_t find_type_sep(const char *s, size_t len, size_t from) {
    for (size_t i = from; i + 1 < len; i++)
        if (s[i] == ':' && s[i + 1] == ':') return i;
    return len;
}

/*
 * Reads the type text t[0..n) (spaces around and between words allowed)
 * into spec. Returns 0, or -1 with a reason in why[0..why_size).
 */
static int spec_type(const char *t, size_t n, json_field_spec_t *spec, char *why, size_t why_size) {
    char norm[64];
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        char c = (char)tolower((unsigned char)t[i]);
        if (c == ' ' || c == '\t') {
            if (o && norm[o - 1] != ' ' && norm[o - 1] != '(') c = ' ';
            else continue;
        } else if ((c == '(' || c == ')') && o && norm[o - 1] == ' ') {
            o--;
        }
        if (o + 1 >= sizeof(norm))
            return k2td_errstr_set(why, why_size, "unknown type '%.*s'", (int)n, t);
        norm[o++] = c;
    }
    if (o && norm[o - 1] == ' ') o--;
    norm[o] = '\0';
    char *arg = strchr(norm, '(');
    if (arg) {
        if (norm[o - 1] != ')' || o - 1 == (size_t)(arg - norm) + 1)
            return k2td_errstr_set(why, why_size, "bad type '%s': expected name(argument)", norm);
        *arg++ = '\0';
        norm[o - 1] = '\0';
    }
    k2td_coltype_t type = k2td_coltype_from_name(norm);
    switch (type) {
    case K2TD_COL_UNKNOWN:
    case K2TD_COL_VARBINARY:
    case K2TD_COL_GEOMETRY:
    case K2TD_COL_JSON:
    case K2TD_COL_DECIMAL:
        return k2td_errstr_set(why, why_size,
                           "unknown type '%s' (expected bool, tinyint, smallint, int, bigint, "
                           "<int type> unsigned, float, double, varchar, binary, nchar or "
                           "timestamp[(s|ms|us|ns)])",
                           norm);
    default: break;
    }
    spec->type = type;
    spec->ts_unit = K2TD_TS_AUTO;
    if (!arg) return 0;
    if (type == K2TD_COL_TIMESTAMP) {
        static const struct {
            const char *name;
            k2td_ts_unit_t unit;
        } units[] = {{"s", K2TD_TS_S}, {"ms", K2TD_TS_MS}, {"us", K2TD_TS_US}, {"ns", K2TD_TS_NS}};
        for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
            if (strcmp(arg, units[i].name) == 0) {
                spec->ts_unit = units[i].unit;
                return 0;
            }
        }
        return k2td_errstr_set(why, why_size, "bad timestamp unit '%s' (expected s, ms, us or ns)",
                           arg);
    }
    if (type == K2TD_COL_VARCHAR || type == K2TD_COL_NCHAR) {
        unsigned long len = strtoul(arg, NULL, 10);
        if (strspn(arg, "0123456789") != strlen(arg) || len == 0)
            return k2td_errstr_set(why, why_size, "bad length '%s' for %s", arg, norm);
        spec->length = len > INT32_MAX ? INT32_MAX : (int32_t)len;
        return 0;
    }
    return k2td_errstr_set(why, why_size, "type %s takes no '(%s)'", norm, arg);
}

/*
 * Reads the JSON path at s[*pos] (just after '$') up to '=', "::" or the
 * end, appending its flattened name to flat. Returns 0 with *pos past the
 * path, or -1 with a reason in why.
 */
static int spec_path(const char *s, size_t len, size_t *pos, k2td_buf_t *flat, char *why,
                     size_t why_size) {
    size_t i = *pos, nseg = 0;
    if (i >= len || (s[i] != '.' && s[i] != '['))
        return k2td_errstr_set(why, why_size, "expected '.key' or '[...]' after '$' (e.g. $.a.b[0])");
    while (i < len && (s[i] == '.' || s[i] == '[')) {
        if (nseg++) k2td_buf_putc(flat, '_');
        if (s[i] == '.') {
            size_t k = ++i;
            while (i < len && s[i] != '.' && s[i] != '[' && s[i] != '=' &&
                   !(s[i] == ':' && i + 1 < len && s[i + 1] == ':'))
                i++;
            if (i == k) return k2td_errstr_set(why, why_size, "empty key at position %zu", k);
            k2td_buf_append(flat, s + k, i - k);
            continue;
        }
        size_t open = i++;
        if (i < len && (s[i] == '\'' || s[i] == '"')) {
            const char *close = memchr(s + i + 1, s[i], len - i - 1);
            if (!close || (size_t)(close - s) + 1 >= len || close[1] != ']')
                return k2td_errstr_set(why, why_size, "unterminated quoted key at position %zu", open);
            k2td_buf_append(flat, s + i + 1, (size_t)(close - s) - i - 1);
            i = (size_t)(close - s) + 2;
            continue;
        }
        if (nseg == 1)
            return k2td_errstr_set(why, why_size, "a path must start with a key, not an index");
        uint64_t idx = 0;
        size_t d = i;
        for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
            if (idx > (UINT64_MAX - 9) / 10)
                return k2td_errstr_set(why, why_size, "index too large at position %zu", open);
            idx = idx * 10 + (uint64_t)(s[i] - '0');
        }
        if (i == d || i >= len || s[i] != ']')
            return k2td_errstr_set(why, why_size,
                               "expected a number or a quoted key in '[...]' at position %zu",
                               open);
        i++;
        k2td_buf_put_u64(flat, idx);
    }
    *pos = i;
    return 0;
}

/*
 * Compiles the spec text s into spec (whose strings it allocates).
 * Returns 0, or -1 with a reason in why.
 */
static int spec_compile(const char *s, json_field_spec_t *spec, char *why, size_t why_size) {
    size_t len = strlen(s), pos = 0;
    k2td_buf_t source = K2TD_BUF_INIT;
    int is_path = s[0] == '$';
    if (len == 0) return k2td_errstr_set(why, why_size, "empty field spec");
    if (is_path) {
        pos = 1;
        if (spec_path(s, len, &pos, &source, why, why_size) != 0) goto fail;
    } else {
        pos = find_type_sep(s, len, 0);
        const char *eq = memchr(s, '=', pos);
        if (eq) pos = (size_t)(eq - s);
        if (pos == 0) {
            k2td_errstr_set(why, why_size, "missing field name");
            goto fail;
        }
        if (memchr(s, '.', pos) || memchr(s, '[', pos)) {
            k2td_errstr_set(why, why_size,
                        "a bare name cannot contain '.' or '['; select nested fields by their "
                        "flattened name (a_b_0) or by a path with an alias, "
                        "e.g. \"$['%.*s']=alias\"",
                        (int)pos, s);
            goto fail;
        }
        k2td_buf_append(&source, s, pos);
    }
    size_t alias_at = 0, alias_len = 0;
    if (pos < len && s[pos] == '=') {
        alias_at = ++pos;
        pos = find_type_sep(s, len, pos);
        alias_len = pos - alias_at;
        if (alias_len == 0) {
            k2td_errstr_set(why, why_size, "empty alias after '='");
            goto fail;
        }
    }
    if (pos + 1 < len && s[pos] == ':' && s[pos + 1] == ':') {
        if (spec_type(s + pos + 2, len - pos - 2, spec, why, why_size) != 0) goto fail;
        pos = len;
    }
    if (pos != len) {
        k2td_errstr_set(why, why_size, "unexpected '%c' at position %zu", s[pos], pos);
        goto fail;
    }
    spec->source_len = source.len;
    spec->source = k2td_buf_detach(&source);
    if (alias_len) {
        spec->alias = k2td_strndup(s + alias_at, alias_len);
        spec->alias_len = alias_len;
    } else {
        spec->alias = k2td_strndup(spec->source, spec->source_len);
        spec->alias_len = spec->source_len;
    }
    /* on these errors the caller frees what spec holds */
    if (spec->alias_len == 0)
        return k2td_errstr_set(why, why_size,
                           "the selected key is empty: give it an alias (path=alias)");
    if (memchr(spec->alias, '.', spec->alias_len))
        return k2td_errstr_set(why, why_size,
                           alias_len ? "alias '%s' cannot contain '.'"
                                     : "the selected key '%s' contains '.': give it an alias "
                                       "(path=alias)",
                           spec->alias);
    return 0;
fail:
    k2td_buf_free(&source);
    return -1;
}

k2td_json_fields_t *k2td_json_fields_compile(const char *const *specs, size_t n, char *errstr,
                                             size_t errstr_size) {
    k2td_json_fields_t *f = k2td_calloc(1, sizeof(*f));
    if (n == 0 || (n == 1 && (!specs[0] || !specs[0][0]))) return f; /* keep every field */
    if (n > K2TD_JSON_FIELDS_MAX) {
        k2td_errstr_set(errstr, errstr_size, "%zu field specs: at most %d are allowed", n,
                    K2TD_JSON_FIELDS_MAX);
        free(f);
        return NULL;
    }
    f->specs = k2td_calloc(n, sizeof(json_field_spec_t));
    for (size_t i = 0; i < n; i++) {
        char why[320];
        const char *text = specs[i] ? specs[i] : "";
        json_field_spec_t *spec = &f->specs[i];
        f->n = i + 1; /* so that a failure frees what this spec got */
        if (spec_compile(text, spec, why, sizeof(why)) != 0) {
            k2td_errstr_set(errstr, errstr_size, "spec %zu (\"%.80s\"): %s", i, text, why);
            k2td_json_fields_free(f);
            return NULL;
        }
        for (size_t j = 0; j < i; j++) {
            if (strcmp(f->specs[j].alias, spec->alias) == 0) {
                k2td_errstr_set(errstr, errstr_size,
                            "spec %zu (\"%.80s\"): output name '%s' is already used by spec %zu", i,
                            text, spec->alias, j);
                k2td_json_fields_free(f);
                return NULL;
            }
        }
    }
    return f;
}

size_t k2td_json_fields_count(const k2td_json_fields_t *f) {
    return f->n;
}

const char *k2td_json_fields_spec(const k2td_json_fields_t *f, size_t i, k2td_coltype_t *type,
                                  int32_t *length) {
    *type = f->specs[i].type;
    *length = f->specs[i].length;
    return f->specs[i].alias;
}

void k2td_json_fields_free(k2td_json_fields_t *f) {
    if (!f) return;
    for (size_t i = 0; i < f->n; i++) {
        free(f->specs[i].source);
        free(f->specs[i].alias);
    }
    free(f->specs);
    free(f);
}

/* ---- casting ---------------------------------------------------------- */

static const char *val_type_name(k2td_val_type_t t) {
    switch (t) {
    case K2TD_VAL_NULL: return "null";
    case K2TD_VAL_BOOL: return "bool";
    case K2TD_VAL_INT:
    case K2TD_VAL_UINT: return "integer";
    case K2TD_VAL_FLOAT: return "number";
    case K2TD_VAL_STRING: return "string";
    }
    return "value";
}

/* Sets v to the integer i (or u when is_unsigned), its decimal text
 * written to the arena. */
static void set_int_text(k2td_value_t *v, int64_t i, uint64_t u, int is_unsigned, k2td_arena_t *a) {
    char tmp[24];
    int n = is_unsigned ? snprintf(tmp, sizeof(tmp), "%" PRIu64, u)
                        : snprintf(tmp, sizeof(tmp), "%" PRId64, i);
    v->type = is_unsigned ? K2TD_VAL_UINT : K2TD_VAL_INT;
    if (is_unsigned) v->n.u = u;
    else v->n.i = i;
    v->str = k2td_arena_strndup(a, tmp, (size_t)n);
    v->len = (size_t)n;
}

/* Turns a bool or a string holding a JSON number into a number value.
 * Returns 0, or -1 with *why set. */
static int cast_to_number(k2td_value_t *v, const char **why) {
    if (v->type == K2TD_VAL_BOOL) {
        int b = v->n.b;
        v->type = K2TD_VAL_INT;
        v->n.i = b;
        v->str = b ? "1" : "0";
        v->len = 1;
        return 0;
    }
    if (v->type == K2TD_VAL_STRING && k2td_json_parse_number(v->str, v->len, v) != 0) {
        *why = "not a number";
        return -1;
    }
    return 0;
}

/*
 * Casts the number v to an integer type holding [min, max] (max as uint64
 * so the unsigned types fit). A float must have no fraction; its new text
 * goes to the arena. Returns 0, or -1 with *why set.
 */
static int cast_to_int(k2td_value_t *v, int64_t min, uint64_t max, k2td_arena_t *a,
                       const char **why) {
    *why = "out of range";
    switch (v->type) {
    case K2TD_VAL_INT:
        return v->n.i < min || (v->n.i > 0 && (uint64_t)v->n.i > max) ? -1 : 0;
    case K2TD_VAL_UINT:
        return v->n.u > max ? -1 : 0;
    case K2TD_VAL_FLOAT: {
        double f = v->n.f;
        if (!isfinite(f)) return -1;
        if (f != trunc(f)) {
            *why = "has a fraction";
            return -1;
        }
        if (f >= -9223372036854775808.0 && f < 9223372036854775808.0) {
            int64_t i = (int64_t)f;
            if (i < min || (i > 0 && (uint64_t)i > max)) return -1;
            set_int_text(v, i, 0, 0, a);
            return 0;
        }
        if (f < 0 || f >= 18446744073709551616.0 || (uint64_t)f > max) return -1;
        set_int_text(v, 0, (uint64_t)f, 1, a);
        return 0;
    }
    default: return -1;
    }
}

/* Casts a number to FLOAT (4 bytes) or DOUBLE, keeping its text.
 * Returns 0, or -1 with *why set. */
static int cast_to_float(k2td_value_t *v, int is_float32, const char **why) {
    if (v->type == K2TD_VAL_INT) v->n.f = (double)v->n.i;
    else if (v->type == K2TD_VAL_UINT) v->n.f = (double)v->n.u;
    v->type = K2TD_VAL_FLOAT;
    if (!isfinite(v->n.f) || (is_float32 && fabs(v->n.f) > FLT_MAX)) {
        *why = "out of range";
        return -1;
    }
    return 0;
}

/* Reads a string as a bool: true/yes/on/1, false/no/off/0 (any case).
 * Returns 0, or -1 with *why set. */
static int cast_string_to_bool(k2td_value_t *v, const char **why) {
    static const char *const words[] = {"false", "no", "off", "0", "true", "yes", "on", "1"};
    for (int i = 0; i < 8; i++) {
        if (v->len == strlen(words[i]) && strncasecmp(v->str, words[i], v->len) == 0) {
            v->type = K2TD_VAL_BOOL;
            v->n.b = i >= 4;
            v->str = NULL;
            v->len = 0;
            return 0;
        }
    }
    *why = "not a boolean";
    return -1;
}

/*
 * Casts v in place to the spec's type. Returns 0, or -1 with *why set.
 */
static int cast_value(k2td_value_t *v, const json_field_spec_t *spec, k2td_arena_t *a,
                      const char **why) {
    if (v->type == K2TD_VAL_NULL || spec->type == K2TD_COL_UNKNOWN) return 0;
    switch (spec->type) {
    case K2TD_COL_BOOL:
        if (v->type == K2TD_VAL_STRING) return cast_string_to_bool(v, why);
        if (v->type != K2TD_VAL_BOOL) {
            int b = v->type == K2TD_VAL_FLOAT ? v->n.f != 0 : v->n.u != 0;
            v->type = K2TD_VAL_BOOL;
            v->n.b = b;
            v->str = NULL;
            v->len = 0;
        }
        return 0;
    case K2TD_COL_VARCHAR:
    case K2TD_COL_NCHAR:
        if (v->type == K2TD_VAL_BOOL) {
            v->str = v->n.b ? "1" : "0";
            v->len = 1;
        }
        v->type = K2TD_VAL_STRING; /* numbers keep their text */
        return 0;
    case K2TD_COL_TIMESTAMP:
        v->ts_unit = spec->ts_unit;
        if (v->type == K2TD_VAL_STRING) return 0; /* a date text for the mapper */
        if (v->type == K2TD_VAL_BOOL) {
            *why = "a bool is not a time";
            return -1;
        }
        return cast_to_int(v, INT64_MIN, INT64_MAX, a, why);
    case K2TD_COL_FLOAT:
    case K2TD_COL_DOUBLE:
        if (cast_to_number(v, why) != 0) return -1;
        return cast_to_float(v, spec->type == K2TD_COL_FLOAT, why);
    default: break;
    }
    static const struct {
        k2td_coltype_t type;
        int64_t min;
        uint64_t max;
    } ranges[] = {
        {K2TD_COL_TINYINT, INT8_MIN, INT8_MAX},       {K2TD_COL_SMALLINT, INT16_MIN, INT16_MAX},
        {K2TD_COL_INT, INT32_MIN, INT32_MAX},         {K2TD_COL_BIGINT, INT64_MIN, INT64_MAX},
        {K2TD_COL_UTINYINT, 0, UINT8_MAX},            {K2TD_COL_USMALLINT, 0, UINT16_MAX},
        {K2TD_COL_UINT, 0, UINT32_MAX},               {K2TD_COL_UBIGINT, 0, UINT64_MAX},
    };
    for (size_t i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++) {
        if (ranges[i].type != spec->type) continue;
        if (cast_to_number(v, why) != 0) return -1;
        return cast_to_int(v, ranges[i].min, ranges[i].max, a, why);
    }
    *why = "unsupported type";
    return -1;
}

/* ---- applying --------------------------------------------------------- */

int k2td_json_fields_apply(const k2td_json_fields_t *f, k2td_rowset_t *rs, size_t first_row,
                           char *errstr, size_t errstr_size) {
    size_t nrows = rs->nrows;
    if (f->n == 0 || first_row >= nrows) return 0;
    /* hints[j]: where spec j's field sat in the previous row (rows of one
     * topic usually share a layout, so lookups hit at once) */
    size_t hints[K2TD_JSON_FIELDS_MAX];
    memset(hints, 0, f->n * sizeof(size_t));
    size_t base = rs->row_start[first_row], tail = rs->nfields;
    /* An empty row after the last one ends it at `tail` while the output
     * fields are appended behind it. */
    k2td_rowset_begin_row(rs, rs->row_msg[nrows - 1]);
    for (size_t r = first_row; r < nrows; r++) {
        size_t out_start = rs->nfields;
        for (size_t j = 0; j < f->n; j++) {
            const json_field_spec_t *spec = &f->specs[j];
            const k2td_field_t *src =
                k2td_rowset_find(rs, r, spec->source, spec->source_len, &hints[j]);
            if (!src) continue;
            k2td_value_t v = src->v; /* copied: adding a field may move the array */
            const char *why = NULL;
            if (cast_value(&v, spec, &rs->arena, &why) != 0) {
                int renamed = strcmp(spec->alias, spec->source) != 0;
                k2td_errstr_set(errstr, errstr_size, "field '%s'%s%s%s: cannot cast %s to %s: %s",
                            spec->source, renamed ? " (as '" : "", renamed ? spec->alias : "",
                            renamed ? "')" : "", val_type_name(src->v.type),
                            k2td_coltype_name(spec->type), why);
                /* row_start[first_row] still (or again) holds base */
                k2td_rowset_truncate(rs, first_row);
                return -1;
            }
            k2td_field_t *dst = k2td_rowset_add_field(rs, spec->alias, spec->alias_len);
            dst->v = v;
        }
        /* row r is done and row r + 1 starts where it did: record r's
         * final start */
        rs->row_start[r] = base + (out_start - tail);
    }
    size_t nout = rs->nfields - tail;
    if (nout) memmove(rs->fields + base, rs->fields + tail, nout * sizeof(k2td_field_t));
    rs->nfields = base + nout;
    rs->nrows = nrows;
    return 0;
}
