/*
 * udt_rows.c - turns a UDT script's result, an array of row tables, into rows.
 *
 * Tables are read with raw accesses only, so no script code (metamethod)
 * runs here. Names and strings are copied into the rowset's arena; a nested
 * table is flattened with '_' like the JSON parser (integer key k is index
 * k - 1, as JSON arrays are 0-based there and 1-based in Lua). Lua tables
 * have no order, so each row's fields are sorted by name, digit runs
 * compared as numbers, which makes the output the same on every run.
 */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "../common/errstr.h"
#include "../common/num_text.h"
#include "json_flat.h"
#include "udt_conv.h"

typedef struct rows_ctx {
    lua_State *L;
    k2td_rowset_t *rs;
    k2td_buf_t *name;  /* the flattened name being built */
    lua_Integer row;   /* 1-based index of the row being read */
    char *errstr;
    size_t errstr_size;
} rows_ctx_t;

/* Writes "udt: row N, field "name": <reason>" with the name built so far.
 * Always returns -1. */
static int rows_field_fail(rows_ctx_t *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int rows_field_fail(rows_ctx_t *c, const char *fmt, ...) {
    if (!c->errstr || c->errstr_size == 0) return -1;
    int n = snprintf(c->errstr, c->errstr_size, "udt: row %lld, field \"%.*s\": ",
                     (long long)c->row, (int)c->name->len, c->name->data);
    if (n >= 0 && (size_t)n < c->errstr_size) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(c->errstr + n, c->errstr_size - (size_t)n, fmt, ap);
        va_end(ap);
    }
    return -1;
}

/* Describes the table key at index idx for an error: "1", "2.5", "a boolean". */
static void rows_key_text(lua_State *L, int idx, char *out, size_t size) {
    if (lua_isinteger(L, idx)) snprintf(out, size, "%lld", (long long)lua_tointeger(L, idx));
    else if (lua_type(L, idx) == LUA_TNUMBER)
        snprintf(out, size, "%g", (double)lua_tonumber(L, idx));
    else snprintf(out, size, "a %s", luaL_typename(L, idx));
}

/* Appends the shortest text that reads back as the finite d, always with a
 * '.' or an exponent (1.0, as Lua's tostring writes it). */
static void rows_put_float(k2td_buf_t *b, double d) {
    char text[K2TD_NUM_TEXT_MAX];
    size_t n = k2td_num_text_double(d, text);
    k2td_buf_append(b, text, n);
    if (!memchr(text, '.', n) && !memchr(text, 'e', n)) k2td_buf_puts(b, ".0");
}

static int rows_table(rows_ctx_t *c, int depth);

/* Appends the value at the top of the stack as a field named by c->name;
 * depth is that of the table holding it (0 = the row). Returns 0 or -1. */
static int rows_value(rows_ctx_t *c, int depth) {
    lua_State *L = c->L;
    k2td_arena_t *arena = &c->rs->arena;
    k2td_value_t v;
    memset(&v, 0, sizeof(v)); /* K2TD_VAL_NULL */
    switch (lua_type(L, -1)) {
    case LUA_TTABLE:
        if (depth + 1 >= K2TD_JSON_MAX_DEPTH)
            return rows_field_fail(c, "nesting deeper than %d levels (a table inside itself?)",
                                   K2TD_JSON_MAX_DEPTH);
        return rows_table(c, depth + 1);
    case LUA_TSTRING: {
        size_t n;
        const char *s = lua_tolstring(L, -1, &n);
        v.type = K2TD_VAL_STRING;
        v.str = k2td_arena_strndup(arena, s, n);
        v.len = n;
        break;
    }
    case LUA_TNUMBER: {
        size_t mark = c->name->len; /* the number's text goes after the name, briefly */
        if (lua_isinteger(L, -1)) {
            v.type = K2TD_VAL_INT;
            v.n.i = (int64_t)lua_tointeger(L, -1);
            k2td_buf_put_i64(c->name, v.n.i);
        } else {
            v.type = K2TD_VAL_FLOAT;
            v.n.f = (double)lua_tonumber(L, -1);
            if (!isfinite(v.n.f))
                return rows_field_fail(c, "a number that is not finite cannot be a field value");
            rows_put_float(c->name, v.n.f);
        }
        v.len = c->name->len - mark;
        v.str = k2td_arena_strndup(arena, c->name->data + mark, v.len);
        k2td_buf_truncate(c->name, mark);
        break;
    }
    case LUA_TBOOLEAN:
        v.type = K2TD_VAL_BOOL;
        v.n.b = lua_toboolean(L, -1);
        break;
    case LUA_TLIGHTUSERDATA:
        if (lua_touserdata(L, -1) == K2TD_UDT_NULL) break;
        /* fall through */
    default:
        return rows_field_fail(c, "a %s cannot be a field value", luaL_typename(L, -1));
    }
    const char *name = k2td_arena_strndup(arena, c->name->data, c->name->len);
    k2td_rowset_add_field(c->rs, name, c->name->len)->v = v;
    return 0;
}

/* Appends the fields of the table at the top of the stack, whose name is in
 * c->name (empty for a row, depth 0). Returns 0 or -1. */
static int rows_table(rows_ctx_t *c, int depth) {
    lua_State *L = c->L;
    size_t prefix = c->name->len;
    luaL_checkstack(L, 3, "nested row tables");
    lua_pushnil(L);
    while (lua_next(L, -2)) {
        k2td_buf_truncate(c->name, prefix);
        if (depth > 0) k2td_buf_putc(c->name, '_');
        if (lua_type(L, -2) == LUA_TSTRING) {
            size_t n;
            const char *k = lua_tolstring(L, -2, &n);
            k2td_buf_append(c->name, k, n);
        } else if (depth > 0 && lua_isinteger(L, -2) && lua_tointeger(L, -2) >= 1) {
            k2td_buf_put_i64(c->name, (int64_t)(lua_tointeger(L, -2) - 1));
        } else {
            char key[64];
            rows_key_text(L, -2, key, sizeof(key));
            k2td_buf_truncate(c->name, prefix);
            if (depth == 0)
                return k2td_errstr_set(c->errstr, c->errstr_size,
                                       "udt: row %lld: field names must be strings, found the "
                                       "key %s",
                                       (long long)c->row, key);
            return rows_field_fail(c, "key %s is neither a name nor a positive integer", key);
        }
        if (rows_value(c, depth) != 0) return -1;
        lua_pop(L, 1);
    }
    k2td_buf_truncate(c->name, prefix);
    return 0;
}

/* Orders fields by name, digit runs compared as numbers (t_2 < t_10); names
 * equal that way ("t_01", "t_1") fall back to byte order, so 0 means the
 * names are the same bytes. */
static int rows_name_cmp(const void *pa, const void *pb) {
    const k2td_field_t *a = pa, *b = pb;
    const unsigned char *x = (const unsigned char *)a->name, *xe = x + a->name_len;
    const unsigned char *y = (const unsigned char *)b->name, *ye = y + b->name_len;
#define ROWS_DIGIT(p, e) ((p) < (e) && *(p) >= '0' && *(p) <= '9')
    while (x < xe && y < ye) {
        if (ROWS_DIGIT(x, xe) && ROWS_DIGIT(y, ye)) {
            while (x < xe && *x == '0') x++;
            while (y < ye && *y == '0') y++;
            const unsigned char *xd = x, *yd = y;
            while (ROWS_DIGIT(xd, xe)) xd++;
            while (ROWS_DIGIT(yd, ye)) yd++;
            if (xd - x != yd - y) return xd - x < yd - y ? -1 : 1;
            int d = memcmp(x, y, (size_t)(xd - x));
            if (d) return d;
            x = xd;
            y = yd;
            continue;
        }
        if (*x != *y) return *x < *y ? -1 : 1;
        x++;
        y++;
    }
#undef ROWS_DIGIT
    if (x < xe || y < ye) return x < xe ? 1 : -1;
    size_t n = a->name_len < b->name_len ? a->name_len : b->name_len;
    int d = memcmp(a->name, b->name, n);
    if (d) return d;
    return a->name_len == b->name_len ? 0 : a->name_len < b->name_len ? -1 : 1;
}

/* Sorts the fields [first, nfields) of the row just read. Returns 0, or -1
 * when two have the same name. */
static int rows_sort(rows_ctx_t *c, size_t first) {
    k2td_field_t *f = k2td_rowset_field_at(c->rs, first);
    size_t n = c->rs->nfields - first;
    if (n > 1) qsort(f, n, sizeof(*f), rows_name_cmp);
    for (size_t i = 1; i < n; i++) {
        if (rows_name_cmp(&f[i - 1], &f[i]) == 0)
            return k2td_errstr_set(c->errstr, c->errstr_size,
                                   "udt: row %lld: two fields are named \"%s\" (a key and a "
                                   "flattened nested table?)",
                                   (long long)c->row, f[i].name);
    }
    return 0;
}

int k2td_udt_rows_collect(lua_State *L, int idx, size_t msg_index, k2td_rowset_t *out,
                          k2td_buf_t *scratch, char *errstr, size_t errstr_size) {
    rows_ctx_t c = {L, out, scratch, 0, errstr, errstr_size};
    k2td_buf_reserve(scratch, 64); /* data is never NULL below */
    idx = lua_absindex(L, idx);
    if (lua_isnil(L, idx))
        return k2td_errstr_set(errstr, errstr_size,
                               "udt: the script returned nothing (it must end with `return rows`, "
                               "an array of row tables)");
    if (!lua_istable(L, idx))
        return k2td_errstr_set(errstr, errstr_size,
                               "udt: the script must return an array of row tables, not a %s",
                               luaL_typename(L, idx));
    lua_Integer n = (lua_Integer)lua_rawlen(L, idx), nkeys = 0;
    luaL_checkstack(L, 4, "the script's result");
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        nkeys++;
        lua_pop(L, 1);
    }
    if (nkeys != n)
        return k2td_errstr_set(errstr, errstr_size,
                               "udt: the script must return an array of row tables, but its "
                               "result has keys other than 1..n (to return one row r, write "
                               "`return {r}`)");
    for (lua_Integer i = 1; i <= n; i++) {
        c.row = i;
        lua_rawgeti(L, idx, i);
        if (!lua_istable(L, -1))
            return k2td_errstr_set(errstr, errstr_size, "udt: row %lld is a %s, not a table",
                                   (long long)i, luaL_typename(L, -1));
        size_t first = out->nfields;
        k2td_rowset_begin_row(out, msg_index);
        k2td_buf_reset(scratch);
        if (rows_table(&c, 0) != 0 || rows_sort(&c, first) != 0) return -1;
        lua_pop(L, 1);
    }
    return (int)n;
}
