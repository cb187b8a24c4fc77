/*
 * udt_lua.h - user-defined transforms: a Lua 5.4 script turns a message into rows.
 *
 * taosX runs Rhai scripts here; k2td runs Lua. The script sees the message
 * as the global `data` and returns an array of rows:
 *
 *     local rows = {}
 *     for v in data.voltages:gmatch("[^,]+") do
 *         rows[#rows + 1] = {ts = data.ts, voltage = tonumber(v)}
 *     end
 *     return rows
 *
 * Input. The payload must be one JSON value; `data` is that value built as
 * Lua values: objects are tables keyed by name, arrays are sequences
 * (1-based), integers that fit int64 are Lua integers, other numbers are
 * floats (an integer beyond int64 too, as in Lua itself), JSON null is the
 * global sentinel `null` (so keys and array positions survive; note that
 * `null` is truthy: test `v == null`), tostring(null) is "null".
 *
 * Output. The script must return a sequence of row tables (an empty table
 * means no rows); unlike Rhai, where the last expression is the result, a
 * Lua chunk needs an explicit `return`. A row maps string names to strings, numbers, booleans or
 * `null` (a NULL field); a nested table is flattened like the JSON parser
 * does ({a = {b = 1}} -> a_b, {t = {7, 8}} -> t_0, t_1: integer keys k
 * become k - 1). A row's fields are sorted by name, digit runs compared as
 * numbers (t_2 before t_10), because Lua tables have no order; two fields
 * that end up with the same name are an error.
 *
 * Sandbox. One Lua state per k2td_udt_t. The script is compiled once, from
 * text only (bytecode is refused). It gets the base functions minus
 * dofile, loadfile, load, require, collectgarbage, print, warn and rawset,
 * and the string (minus string.dump), table, math (minus math.randomseed)
 * and utf8 libraries; io, os, debug, package and coroutine are absent.
 * Each message runs with fresh globals, the library tables are read-only
 * and setmetatable refuses __gc, so nothing a script stores survives into
 * the next message. Limits: an instruction budget per message (Lua VM
 * instructions; time spent inside one library call such as a pattern match
 * is not counted) and a memory cap for the whole state, `data` included.
 *
 * A k2td_udt_t is not thread-safe: use one per thread.
 */
#ifndef K2TD_UDT_LUA_H
#define K2TD_UDT_LUA_H

#include <stddef.h>

#include "../model/value.h"

#define K2TD_UDT_DEFAULT_INSTRUCTIONS 10000000L
#define K2TD_UDT_DEFAULT_MEMORY ((size_t)64 << 20)

typedef struct k2td_udt_limits {
    long max_instructions; /* per message, 1..INT_MAX; 0 = the default */
    size_t max_memory;     /* bytes for the whole Lua state; 0 = the default */
} k2td_udt_limits_t;

typedef struct k2td_udt k2td_udt_t;

/*
 * Creates a Lua state and compiles script[0..len) in it. limits may be NULL
 * (defaults). Returns the UDT (the caller frees it with k2td_udt_free(); it
 * keeps no pointer into script), or NULL with errstr saying why, e.g.
 * "udt line 3: 'end' expected (to close 'if' at line 1) near <eof>".
 */
k2td_udt_t *k2td_udt_compile(const char *script, size_t len, const k2td_udt_limits_t *limits,
                             char *errstr, size_t errstr_size);

/* Releases u and its Lua state (NULL is fine). */
void k2td_udt_free(k2td_udt_t *u);

/*
 * Runs the script on the JSON payload buf[0..len) and appends the rows it
 * returns to out, each tagged with msg_index.
 * Returns the number of rows appended, or -1 with out rolled back (arena
 * memory is not reclaimed) and errstr saying why:
 *   "offset 17: expected ':' after object key"       (the payload)
 *   "udt line 3: attempt to index a nil value (field 'x')"
 *   "udt line 2: script exceeded its instruction budget (10000000)"
 *   "udt: script exceeded its memory limit (67108864 bytes)"
 *   "udt: row 2, field \"t_x\": a function cannot be a field value"
 *   "udt: the script returned nothing (it must end with `return rows`, ...)"
 * Ownership: names and string values are copied into out->arena, so the
 * rows do not depend on buf or on the Lua state.
 */
int k2td_udt_parse(k2td_udt_t *u, const char *buf, size_t len, size_t msg_index,
                   k2td_rowset_t *out, char *errstr, size_t errstr_size);

#endif
