/*
 * udt_conv.h - the UDT's two conversions: JSON payload -> Lua value, and
 * the script's Lua result -> rows. Internal to udt_lua.c.
 *
 * Both run inside a protected Lua call: a Lua API call may raise a memory
 * error (the state's memory cap), which unwinds past them, so they keep no
 * heap memory of their own outside the scratch buffer the caller owns.
 */
#ifndef K2TD_UDT_CONV_H
#define K2TD_UDT_CONV_H

#include <stddef.h>

#include <lua.h>

#include "../common/buf.h"
#include "../model/value.h"

/* JSON null in Lua: one light userdata, the global `null` of the scripts. */
extern const char k2td_udt_null_tag;
#define K2TD_UDT_NULL ((void *)&k2td_udt_null_tag)

/*
 * Pushes the Lua value of the JSON payload buf[0..len) (one value; a
 * leading UTF-8 BOM and whitespace are skipped). scratch is for unescaping.
 * Returns 0 with the value pushed, or -1 with errstr saying where and why
 * ("offset 17: expected ':' after object key"); the stack above its entry
 * top is then unspecified.
 */
int k2td_udt_json_push(lua_State *L, const char *buf, size_t len, k2td_buf_t *scratch,
                       char *errstr, size_t errstr_size);

/*
 * Appends to out the rows of the script's result at stack index idx (an
 * array of row tables, see udt_lua.h), each tagged with msg_index; names
 * and strings are copied into out->arena and scratch builds flattened
 * names. Returns the number of rows appended, or -1 with errstr naming the
 * row (1-based, as in the script) and field; rows already appended are the
 * caller's to roll back.
 */
int k2td_udt_rows_collect(lua_State *L, int idx, size_t msg_index, k2td_rowset_t *out,
                          k2td_buf_t *scratch, char *errstr, size_t errstr_size);

#endif
