/*
 * plugin.h - parser plugins: shared libraries that turn a message into JSON.
 *
 * The C ABI is taosX's, so its parser plugins load unchanged:
 *
 *     typedef struct { int e; void *p; } parser_resp_t;
 *     const char   *parser_name(void);
 *     const char   *parser_version(void);
 *     parser_resp_t parser_new(char *ctx, uint32_t len);
 *     const char   *parser_mutate(void *parser, const uint8_t *in, uint32_t in_len,
 *                                 const uint8_t **out, uint32_t *out_len);
 *     void          parser_free(void *parser);
 *
 * How k2td reads the parts the documentation leaves open:
 *   - parser_new: `e` is read as an int and any non-zero value is a failure
 *     (taosX's pages disagree on int vs char *; a char * error would be
 *     non-zero too, but k2td never reads it as a string). `ctx` is a
 *     NUL-terminated copy of the task's plugin configuration that the
 *     plugin may keep: it stays valid until parser_free. parser_free is
 *     called once per successful parser_new that returned p != NULL.
 *   - parser_mutate returns NULL on success or an error message (the
 *     plugin's memory, copied at once). `*out` is the plugin's memory too,
 *     valid until the next parser_mutate or parser_free on that parser;
 *     k2td copies it before anything else. The output is JSON read by
 *     k2td_json_flat_parse: one object is one row, a root array gives a
 *     row per element, objects one per line give a row each.
 * Plugins run inside the k2td process with its rights: only install
 * libraries you trust in the plugin directory.
 *
 * Finding a plugin by name N in plugin home H: H/parsers/libN.so when that
 * file exists, else the first H/parsers/lib*.so (in byte order of the file
 * names) whose parser_name() is N; files that fail to load or lack
 * parser_name are skipped while searching. Either way parser_name() must
 * return N.
 */
#ifndef K2TD_PLUGIN_H
#define K2TD_PLUGIN_H

#include <stddef.h>

#include "../model/value.h"

/* taosX's default plugin home: plugins are in its "parsers" directory. */
#define K2TD_PLUGIN_HOME_DEFAULT "/usr/local/taos/plugins"

typedef struct k2td_plugin k2td_plugin_t;

/*
 * Loads the parser plugin named name from plugin home home (NULL or "" =
 * K2TD_PLUGIN_HOME_DEFAULT) and creates a parser with parser_new(ctx)
 * (ctx[0..ctx_len) may be NULL when ctx_len is 0). Returns the plugin (the
 * caller frees it with k2td_plugin_free(); it keeps no pointer to its
 * arguments), or NULL with errstr naming the plugin, its file and the
 * cause, e.g. `parser plugin "kv" (/p/parsers/libkv.so): missing symbol
 * parser_mutate` or `no parser plugin named "kv" in /p/parsers`.
 */
k2td_plugin_t *k2td_plugin_open(const char *home, const char *name, const char *ctx,
                                size_t ctx_len, char *errstr, size_t errstr_size);

/* Calls parser_free, unloads the library and releases p (NULL is fine). */
void k2td_plugin_free(k2td_plugin_t *p);

/* Returns what parser_name() / parser_version() returned (copies owned by
 * p; the version is "" when the plugin returned NULL), and the file. */
const char *k2td_plugin_name(const k2td_plugin_t *p);
const char *k2td_plugin_version(const k2td_plugin_t *p);
const char *k2td_plugin_path(const k2td_plugin_t *p);

/*
 * Runs parser_mutate on the payload buf[0..len) and appends the rows of
 * its JSON output to out, each tagged with msg_index.
 * Returns the number of rows appended, or -1 with out rolled back and
 * errstr saying why: `parser plugin "kv": parser_mutate failed: <its
 * message>` or `parser plugin "kv": output: offset 3: expected ':' ...`.
 * Ownership: the output is copied into out->arena, so the rows depend on
 * neither buf nor the plugin. One parser state per k2td_plugin_t: use one
 * per thread.
 */
int k2td_plugin_parse(k2td_plugin_t *p, const char *buf, size_t len, size_t msg_index,
                      k2td_rowset_t *out, char *errstr, size_t errstr_size);

#endif
