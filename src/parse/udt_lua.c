/*
 * udt_lua.c - the UDT's Lua state: sandbox, limits, and one run per message.
 *
 * Layout of the state. The base functions and libraries are opened
 * normally, then an allow-list of them is copied into a "library" table
 * (string, table, math and utf8 as read-only proxies). Every message gets a
 * fresh globals table whose metatable (hidden from getmetatable) reads
 * through to the library table, and becomes the compiled chunk's _ENV. So a
 * script may assign globals freely, but they vanish with the message; the
 * only values shared between messages are the library's, and those cannot
 * be changed (no rawset, protected metatables, __gc refused, so no code
 * runs later in another message's globals).
 *
 * Limits. An instruction-count hook raises an error once the budget is
 * spent and then at every instruction, so a script that catches the error
 * with pcall cannot keep going (and xpcall skips the script's handler then,
 * since Lua runs it with hooks off). The hook only runs between VM
 * instructions, so the two library functions whose loop is bounded by
 * neither their input nor memory (string.rep of nothing, table.move over a
 * huge range) are wrapped; a pattern that backtracks badly remains a way to
 * spend time inside one call. The allocator refuses growth beyond the
 * memory cap, which Lua turns into a memory error (after a full collection).
 */
#include "udt_lua.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include "../common/alloc.h"
#include "../common/buf.h"
#include "../common/errstr.h"
#include "udt_conv.h"

struct k2td_udt {
    lua_State *L;
    size_t mem_used, mem_limit;
    int budget;        /* instructions per message */
    int over_budget;   /* set by the hook during the current message */
    int over_line;     /* script line where the budget ran out, or -1 */
    int chunk_ref;     /* registry: the compiled script */
    int env_mt_ref;    /* registry: metatable of each message's globals */
    k2td_buf_t scratch;
};

/* Base functions a script may call; the others are left out. */
static const char *const udt_base_allowed[] = {
    "assert", "error",  "getmetatable", "ipairs",   "next",     "pairs", "pcall",
    "rawequal", "rawget", "rawlen",     "select",   "tonumber", "tostring", "type",
    "_VERSION",
};

static int udt_str_rep(lua_State *L);
static int udt_tab_move(lua_State *L);

/* Libraries a script may use (as read-only tables), with what is removed
 * and what is wrapped to bound a loop that the hook cannot interrupt. */
static const struct {
    const char *name;
    lua_CFunction open;
    const char *removed;   /* NULL or a function taken out of the library */
    const char *wrapped;   /* NULL or a function replaced by wrapper, */
    lua_CFunction wrapper; /* which gets the original as upvalue 1 */
} udt_libs[] = {
    {LUA_STRLIBNAME, luaopen_string, "dump", "rep", udt_str_rep},
    {LUA_TABLIBNAME, luaopen_table, NULL, "move", udt_tab_move},
    {LUA_MATHLIBNAME, luaopen_math, "randomseed", NULL, NULL},
    {LUA_UTF8LIBNAME, luaopen_utf8, NULL, NULL, NULL},
};

/* lua_Alloc that keeps the state within u->mem_limit (shrinking never fails). */
static void *udt_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
    k2td_udt_t *u = ud;
    size_t old = ptr ? osize : 0;
    if (nsize == 0) {
        free(ptr);
        u->mem_used -= old;
        return NULL;
    }
    if (nsize > old && nsize - old > u->mem_limit - u->mem_used) return NULL;
    void *p = k2td_realloc(ptr, nsize);
    u->mem_used = u->mem_used - old + nsize;
    return p;
}

/* Returns the UDT that owns L (the allocator's user data). */
static k2td_udt_t *udt_of(lua_State *L) {
    void *ud;
    lua_getallocf(L, &ud);
    return ud;
}

/* Count hook: the message's budget is spent. Raises an error now and at
 * every following instruction until the script has unwound. */
static void udt_hook(lua_State *L, lua_Debug *ar) {
    k2td_udt_t *u = udt_of(L);
    if (!u->over_budget) {
        u->over_budget = 1;
        u->over_line = lua_getinfo(L, "l", ar) ? ar->currentline : -1;
        lua_sethook(L, udt_hook, LUA_MASKCOUNT, 1);
    }
    lua_pushliteral(L, "script exceeded its instruction budget");
    lua_error(L);
}

/* __newindex of the library proxies. */
static int udt_readonly(lua_State *L) {
    return luaL_error(L, "the %s library is read-only", lua_tostring(L, lua_upvalueindex(1)));
}

/* The scripts' setmetatable: the usual checks, and no __gc, since a
 * finalizer would run later, in another message's globals. */
static int udt_setmetatable(lua_State *L) {
    int t = lua_type(L, 2);
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_argexpected(L, t == LUA_TNIL || t == LUA_TTABLE, 2, "nil or table");
    if (t == LUA_TTABLE) {
        lua_pushliteral(L, "__gc");
        if (lua_rawget(L, 2) != LUA_TNIL) return luaL_error(L, "__gc metamethods are not allowed");
        lua_pop(L, 1);
    }
    if (luaL_getmetafield(L, 1, "__metatable") != LUA_TNIL)
        return luaL_error(L, "cannot change a protected metatable");
    lua_settop(L, 2);
    lua_setmetatable(L, 1);
    return 1;
}

/* Message handler of the scripts' xpcall: runs the script's handler
 * (upvalue 1) unless the budget is spent. An error raised by the count
 * hook reaches the handler with hooks off, so a handler that loops would
 * never be stopped. */
static int udt_xpcall_handler(lua_State *L) {
    if (udt_of(L)->over_budget) return 1;
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, 1);
    return 1;
}

/* The scripts' xpcall(f, handler, ...): returns true and f's results, or
 * false and the handler's result. */
static int udt_xpcall(lua_State *L) {
    int n = lua_gettop(L);
    luaL_checktype(L, 2, LUA_TFUNCTION);
    luaL_checkstack(L, n + 2, "xpcall arguments");
    lua_pushvalue(L, 2);
    lua_pushcclosure(L, udt_xpcall_handler, 1); /* index n + 1 */
    lua_pushboolean(L, 1);
    lua_pushvalue(L, 1);
    for (int i = 3; i <= n; i++) lua_pushvalue(L, i);
    if (lua_pcall(L, n - 2, LUA_MULTRET, n + 1) != LUA_OK) {
        lua_pushboolean(L, 0);
        lua_insert(L, -2);
        return 2;
    }
    return lua_gettop(L) - (n + 1);
}

/* Calls upvalue 1 (the wrapped library function) with the arguments and
 * returns its results. */
static int udt_call_wrapped(lua_State *L) {
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
    return lua_gettop(L);
}

/* string.rep, except that it does not loop n times to repeat nothing. */
static int udt_str_rep(lua_State *L) {
    size_t len, sep_len;
    luaL_checklstring(L, 1, &len);
    luaL_checkinteger(L, 2);
    luaL_optlstring(L, 3, "", &sep_len);
    if (len + sep_len == 0) {
        lua_pushliteral(L, "");
        return 1;
    }
    return udt_call_wrapped(L);
}

/* table.move, refusing a range of more elements than the memory limit
 * could ever hold (it would loop over them all, moving nils). */
static int udt_tab_move(lua_State *L) {
    lua_Integer f = luaL_checkinteger(L, 2), e = luaL_checkinteger(L, 3);
    if (e >= f && (lua_Unsigned)e - (lua_Unsigned)f >= udt_of(L)->mem_limit / 16)
        return luaL_error(L, "too many elements to move");
    return udt_call_wrapped(L);
}

/* __tostring of null. */
static int udt_null_tostring(lua_State *L) {
    lua_pushliteral(L, "null");
    return 1;
}

/* Gives the value at idx a new metatable holding __metatable = false (so
 * scripts can neither read nor replace it) and leaves that metatable on
 * the stack for the caller to fill. */
static void udt_protect(lua_State *L, int idx) {
    idx = lua_absindex(L, idx);
    lua_newtable(L);
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_pushvalue(L, -1);
    lua_setmetatable(L, idx);
}

/* Builds the library table (at the top of the stack on return). */
static void udt_build_library(lua_State *L) {
    luaL_requiref(L, LUA_GNAME, luaopen_base, 1);
    lua_pop(L, 1);
    lua_newtable(L); /* the library */
    for (size_t i = 0; i < sizeof(udt_base_allowed) / sizeof(udt_base_allowed[0]); i++) {
        lua_getglobal(L, udt_base_allowed[i]);
        lua_setfield(L, -2, udt_base_allowed[i]);
    }
    lua_pushcfunction(L, udt_setmetatable);
    lua_setfield(L, -2, "setmetatable");
    lua_pushcfunction(L, udt_xpcall);
    lua_setfield(L, -2, "xpcall");

    for (size_t i = 0; i < sizeof(udt_libs) / sizeof(udt_libs[0]); i++) {
        luaL_requiref(L, udt_libs[i].name, udt_libs[i].open, 0);
        if (udt_libs[i].removed) {
            lua_pushnil(L);
            lua_setfield(L, -2, udt_libs[i].removed);
        }
        if (udt_libs[i].wrapped) {
            lua_getfield(L, -1, udt_libs[i].wrapped);
            lua_pushcclosure(L, udt_libs[i].wrapper, 1);
            lua_setfield(L, -2, udt_libs[i].wrapped);
        }
        lua_newtable(L); /* the proxy the script sees */
        udt_protect(L, -1);
        lua_pushvalue(L, -3);
        lua_setfield(L, -2, "__index");
        lua_pushstring(L, udt_libs[i].name);
        lua_pushcclosure(L, udt_readonly, 1);
        lua_setfield(L, -2, "__newindex");
        lua_pop(L, 1);                             /* proxy's metatable */
        lua_setfield(L, -3, udt_libs[i].name);     /* library[name] = proxy */
        lua_pop(L, 1);                             /* the real library */
    }

    /* string methods ("x"):upper() use the string metatable: hide it */
    lua_pushliteral(L, "");
    lua_getmetatable(L, -1);
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_pop(L, 2);

    /* null: the one light userdata, printed as "null" */
    lua_pushlightuserdata(L, K2TD_UDT_NULL);
    udt_protect(L, -1);
    lua_pushcfunction(L, udt_null_tostring);
    lua_setfield(L, -2, "__tostring");
    lua_pushliteral(L, "null");
    lua_setfield(L, -2, "__name");
    lua_pop(L, 1);
    lua_setfield(L, -2, "null");
}

typedef struct udt_setup_args {
    k2td_udt_t *u;
    const char *script;
    size_t len;
    int load_status;
} udt_setup_args_t;

/* Protected part of k2td_udt_compile: builds the sandbox and compiles the
 * script. On a syntax error the message is left at the top of the stack. */
static int udt_setup(lua_State *L) {
    udt_setup_args_t *a = lua_touserdata(L, 1);
    udt_build_library(L);
    lua_createtable(L, 0, 2); /* env_mt: { __index = library, __metatable = false } */
    lua_insert(L, -2);
    lua_setfield(L, -2, "__index");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    a->u->env_mt_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    a->load_status = luaL_loadbufferx(L, a->script, a->len, "=udt", "t");
    if (a->load_status != LUA_OK) return 1;
    a->u->chunk_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    return 0;
}

/*
 * Writes the Lua error at the top of the stack to errstr: "udt:3: msg"
 * becomes "udt line 3: msg", anything else "udt: msg". Returns -1.
 */
static int udt_lua_error(lua_State *L, int status, const k2td_udt_t *u, char *errstr,
                         size_t errstr_size) {
    if (status == LUA_ERRMEM)
        return k2td_errstr_set(errstr, errstr_size,
                               "udt: script exceeded its memory limit (%zu bytes)", u->mem_limit);
    if (lua_type(L, -1) != LUA_TSTRING)
        return k2td_errstr_set(errstr, errstr_size, "udt: the script raised a %s as its error",
                               luaL_typename(L, -1));
    const char *msg = lua_tostring(L, -1);
    if (strncmp(msg, "udt:", 4) == 0) {
        char *end;
        long line = strtol(msg + 4, &end, 10);
        if (end > msg + 4 && *end == ':')
            return k2td_errstr_set(errstr, errstr_size, "udt line %ld:%s", line, end + 1);
        msg += 4 + (msg[4] == ' ');
    }
    return k2td_errstr_set(errstr, errstr_size, "udt: %s", msg);
}

k2td_udt_t *k2td_udt_compile(const char *script, size_t len, const k2td_udt_limits_t *limits,
                             char *errstr, size_t errstr_size) {
    long budget = limits && limits->max_instructions ? limits->max_instructions
                                                     : K2TD_UDT_DEFAULT_INSTRUCTIONS;
    size_t mem = limits && limits->max_memory ? limits->max_memory : K2TD_UDT_DEFAULT_MEMORY;
    if (budget < 1 || budget > INT_MAX) {
        k2td_errstr_set(errstr, errstr_size,
                        "udt: the instruction budget must be between 1 and %d", INT_MAX);
        return NULL;
    }
    k2td_udt_t *u = k2td_calloc(1, sizeof(*u));
    u->mem_limit = mem;
    u->budget = (int)budget;
    u->chunk_ref = u->env_mt_ref = LUA_NOREF;
    u->L = lua_newstate(udt_alloc, u);
    if (!u->L) {
        k2td_errstr_set(errstr, errstr_size,
                        "udt: a memory limit of %zu bytes is too small for a Lua state", mem);
        free(u);
        return NULL;
    }
    udt_setup_args_t a = {u, script, len, LUA_OK};
    lua_pushcfunction(u->L, udt_setup);
    lua_pushlightuserdata(u->L, &a);
    int status = lua_pcall(u->L, 1, 1, 0);
    if (status != LUA_OK || a.load_status != LUA_OK) {
        udt_lua_error(u->L, status != LUA_OK ? status : a.load_status, u, errstr, errstr_size);
        k2td_udt_free(u);
        return NULL;
    }
    lua_settop(u->L, 0);
    return u;
}

void k2td_udt_free(k2td_udt_t *u) {
    if (!u) return;
    lua_close(u->L);
    k2td_buf_free(&u->scratch);
    free(u);
}

typedef struct udt_call {
    k2td_udt_t *u;
    const char *buf;
    size_t len;
    size_t msg_index;
    k2td_rowset_t *out;
    int nrows; /* rows appended, or -1 with errstr set */
    char *errstr;
    size_t errstr_size;
} udt_call_t;

/* Protected part of k2td_udt_parse: fresh globals, `data`, the script, the
 * rows. Payload and result errors set c->nrows = -1; Lua errors unwind. */
static int udt_step(lua_State *L) {
    udt_call_t *c = lua_touserdata(L, 1);
    k2td_udt_t *u = c->u;
    lua_createtable(L, 0, 2); /* index 2: this message's globals */
    lua_rawgeti(L, LUA_REGISTRYINDEX, u->env_mt_ref);
    lua_setmetatable(L, 2);
    lua_pushvalue(L, 2);
    lua_setfield(L, 2, "_G");
    if (k2td_udt_json_push(L, c->buf, c->len, &u->scratch, c->errstr, c->errstr_size) != 0) {
        c->nrows = -1;
        return 0;
    }
    lua_setfield(L, 2, "data");
    lua_rawgeti(L, LUA_REGISTRYINDEX, u->chunk_ref);
    lua_pushvalue(L, 2);
    lua_setupvalue(L, -2, 1); /* the chunk's _ENV */
    lua_sethook(L, udt_hook, LUA_MASKCOUNT, u->budget);
    lua_call(L, 0, 1);
    c->nrows = k2td_udt_rows_collect(L, -1, c->msg_index, c->out, &u->scratch, c->errstr,
                                     c->errstr_size);
    return 0;
}

int k2td_udt_parse(k2td_udt_t *u, const char *buf, size_t len, size_t msg_index,
                   k2td_rowset_t *out, char *errstr, size_t errstr_size) {
    size_t nrows_before = out->nrows;
    if (errstr && errstr_size) errstr[0] = '\0';
    udt_call_t c = {u, buf, len, msg_index, out, -1, errstr, errstr_size};
    u->over_budget = 0;
    lua_pushcfunction(u->L, udt_step);
    lua_pushlightuserdata(u->L, &c);
    int status = lua_pcall(u->L, 1, 0, 0);
    if (u->over_budget) {
        if (u->over_line > 0)
            k2td_errstr_set(errstr, errstr_size,
                            "udt line %d: script exceeded its instruction budget (%d)",
                            u->over_line, u->budget);
        else
            k2td_errstr_set(errstr, errstr_size,
                            "udt: script exceeded its instruction budget (%d)", u->budget);
        c.nrows = -1;
    } else if (status != LUA_OK) {
        udt_lua_error(u->L, status, u, errstr, errstr_size);
        c.nrows = -1;
    }
    lua_settop(u->L, 0);
    if (c.nrows < 0) k2td_rowset_truncate(out, nrows_before);
    return c.nrows;
}
