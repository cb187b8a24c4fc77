/*
 * plugin.c - loads taosX-ABI parser plugins with dlopen and runs them.
 */
#include "plugin.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../common/alloc.h"
#include "../common/buf.h"
#include "../common/errstr.h"
#include "json_flat.h"

/* parser_new's result; see plugin.h for how `e` is read. */
typedef struct plugin_resp {
    int e;
    void *p;
} plugin_resp_t;

typedef const char *(*plugin_name_fn)(void);
typedef plugin_resp_t (*plugin_new_fn)(char *ctx, uint32_t len);
typedef const char *(*plugin_mutate_fn)(void *parser, const uint8_t *in, uint32_t in_len,
                                        const uint8_t **out, uint32_t *out_len);
typedef void (*plugin_free_fn)(void *parser);

struct k2td_plugin {
    void *dl;
    char *path;
    char *name;
    char *version;
    char *ctx;   /* the copy given to parser_new, kept until parser_free */
    void *state; /* parser_new's p */
    plugin_mutate_fn mutate;
    plugin_free_fn free_state;
};

/* Returns the symbol sym of dl, or NULL. */
static void *plugin_sym(void *dl, const char *sym) {
    dlerror();
    return dlsym(dl, sym);
}

/* Returns 1 when name is a plain plugin name: letters, digits, '_', '-',
 * '.', '+', not starting with '.' (so it cannot step out of the directory). */
static int plugin_name_ok(const char *name) {
    if (!name[0] || name[0] == '.') return 0;
    for (const char *c = name; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
              strchr("_-.+", *c)))
            return 0;
    return 1;
}

/*
 * Opens path and checks that its parser_name() is name. Returns the handle,
 * or NULL with reason saying why: "cannot load it: <dlerror>", "missing
 * symbol parser_name" or `its parser_name() is "x"`.
 */
static void *plugin_try(const char *path, const char *name, char *reason, size_t reason_size) {
    void *dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!dl) {
        const char *why = dlerror();
        k2td_errstr_set(reason, reason_size, "cannot load it: %s", why ? why : "unknown error");
        return NULL;
    }
    plugin_name_fn fn = (plugin_name_fn)plugin_sym(dl, "parser_name");
    if (!fn) {
        k2td_errstr_set(reason, reason_size, "missing symbol parser_name");
        dlclose(dl);
        return NULL;
    }
    const char *got = fn();
    if (!got || strcmp(got, name) != 0) {
        k2td_errstr_set(reason, reason_size, "its parser_name() is %s%s%s", got ? "\"" : "",
                        got ? got : "NULL", got ? "\"" : "");
        dlclose(dl);
        return NULL;
    }
    return dl;
}

/* Compares two directory entries by name, for scandir. */
static int plugin_entry_cmp(const struct dirent **a, const struct dirent **b) {
    return strcmp((*a)->d_name, (*b)->d_name);
}

/* Keeps directory entries named lib*.so. */
static int plugin_entry_is_lib(const struct dirent *e) {
    size_t n = strlen(e->d_name);
    return n > 6 && strncmp(e->d_name, "lib", 3) == 0 && strcmp(e->d_name + n - 3, ".so") == 0;
}

/*
 * Finds and opens the library of plugin name in dir (see plugin.h). Returns
 * the handle with path set to its file, or NULL with errstr set.
 */
static void *plugin_find(const char *dir, const char *name, k2td_buf_t *path, char *errstr,
                         size_t errstr_size) {
    char reason[512];
    struct stat st;
    k2td_buf_reset(path);
    k2td_buf_printf(path, "%s/lib%s.so", dir, name);
    if (stat(path->data, &st) == 0) {
        void *dl = plugin_try(path->data, name, reason, sizeof(reason));
        if (!dl)
            k2td_errstr_set(errstr, errstr_size, "parser plugin \"%s\" (%s): %s", name,
                            path->data, reason);
        return dl;
    }
    struct dirent **list;
    int n = scandir(dir, &list, plugin_entry_is_lib, plugin_entry_cmp);
    if (n < 0) {
        k2td_errstr_set(errstr, errstr_size,
                        "parser plugin \"%s\": cannot read the plugin directory %s: %s", name,
                        dir, strerror(errno));
        return NULL;
    }
    void *dl = NULL;
    for (int i = 0; i < n; i++) {
        if (!dl) {
            k2td_buf_reset(path);
            k2td_buf_printf(path, "%s/%s", dir, list[i]->d_name);
            dl = plugin_try(path->data, name, reason, sizeof(reason));
        }
        free(list[i]);
    }
    free(list);
    if (!dl)
        k2td_errstr_set(errstr, errstr_size,
                        "no parser plugin named \"%s\" in %s (no lib%s.so, and no lib*.so there "
                        "whose parser_name() is \"%s\")",
                        name, dir, name, name);
    return dl;
}

k2td_plugin_t *k2td_plugin_open(const char *home, const char *name, const char *ctx,
                                size_t ctx_len, char *errstr, size_t errstr_size) {
    if (!home || !home[0]) home = K2TD_PLUGIN_HOME_DEFAULT;
    if (!name || !plugin_name_ok(name)) {
        k2td_errstr_set(errstr, errstr_size,
                        "parser plugin name \"%s\" is not valid (letters, digits, '_', '-', '.', "
                        "'+', not starting with '.')",
                        name ? name : "");
        return NULL;
    }
    if (ctx_len > UINT32_MAX) {
        k2td_errstr_set(errstr, errstr_size, "parser plugin \"%s\": configuration too long", name);
        return NULL;
    }
    k2td_buf_t dir = K2TD_BUF_INIT, path = K2TD_BUF_INIT;
    k2td_buf_printf(&dir, "%s/parsers", home);
    void *dl = plugin_find(dir.data, name, &path, errstr, errstr_size);
    k2td_buf_free(&dir);
    if (!dl) {
        k2td_buf_free(&path);
        return NULL;
    }
    k2td_plugin_t *p = k2td_calloc(1, sizeof(*p));
    p->dl = dl;
    p->path = k2td_buf_detach(&path);
    p->name = k2td_strdup(name);

    static const char *const syms[] = {"parser_version", "parser_new", "parser_mutate",
                                       "parser_free"};
    void *fn[4];
    for (int i = 0; i < 4; i++) {
        fn[i] = plugin_sym(dl, syms[i]);
        if (!fn[i]) {
            k2td_errstr_set(errstr, errstr_size, "parser plugin \"%s\" (%s): missing symbol %s",
                            name, p->path, syms[i]);
            k2td_plugin_free(p);
            return NULL;
        }
    }
    const char *version = ((plugin_name_fn)fn[0])();
    p->version = k2td_strdup(version ? version : "");
    p->mutate = (plugin_mutate_fn)fn[2];
    p->ctx = k2td_strndup(ctx ? ctx : "", ctx_len);
    plugin_resp_t r = ((plugin_new_fn)fn[1])(p->ctx, (uint32_t)ctx_len);
    if (r.e != 0) {
        k2td_errstr_set(errstr, errstr_size,
                        "parser plugin \"%s\" (%s): parser_new failed (e = %d)", name, p->path,
                        r.e);
        k2td_plugin_free(p); /* parser_free is not set yet: a failed parser_new has no state */
        return NULL;
    }
    p->state = r.p;
    p->free_state = (plugin_free_fn)fn[3];
    return p;
}

void k2td_plugin_free(k2td_plugin_t *p) {
    if (!p) return;
    if (p->free_state && p->state) p->free_state(p->state);
    if (p->dl) dlclose(p->dl);
    free(p->path);
    free(p->name);
    free(p->version);
    free(p->ctx);
    free(p);
}

const char *k2td_plugin_name(const k2td_plugin_t *p) { return p->name; }

const char *k2td_plugin_version(const k2td_plugin_t *p) { return p->version; }

const char *k2td_plugin_path(const k2td_plugin_t *p) { return p->path; }

int k2td_plugin_parse(k2td_plugin_t *p, const char *buf, size_t len, size_t msg_index,
                      k2td_rowset_t *out, char *errstr, size_t errstr_size) {
    if (len > UINT32_MAX)
        return k2td_errstr_set(errstr, errstr_size,
                               "parser plugin \"%s\": message of %zu bytes is too long for the "
                               "plugin interface (at most 4 GiB)",
                               p->name, len);
    const uint8_t *o = NULL;
    uint32_t olen = 0;
    const char *err = p->mutate(p->state, (const uint8_t *)(buf ? buf : ""), (uint32_t)len, &o,
                                &olen);
    if (err)
        return k2td_errstr_set(errstr, errstr_size,
                               "parser plugin \"%s\": parser_mutate failed: %s", p->name, err);
    if (!o && olen)
        return k2td_errstr_set(errstr, errstr_size,
                               "parser plugin \"%s\": parser_mutate returned no output but a "
                               "length of %u",
                               p->name, (unsigned)olen);
    char *copy = k2td_arena_alloc(&out->arena, olen ? olen : 1);
    if (olen) memcpy(copy, o, olen);
    int n = k2td_json_flat_parse(copy, olen, msg_index, out, errstr, errstr_size);
    if (n < 0) k2td_errstr_prefix(errstr, errstr_size, "parser plugin \"%s\": output: ", p->name);
    return n;
}
