/*
 * test_transform_fixture.h - helpers shared by the transformation stages'
 * tests: rows from JSON messages, field checks and a drop recorder.
 */
#ifndef K2TD_TEST_TRANSFORM_FIXTURE_H
#define K2TD_TEST_TRANSFORM_FIXTURE_H

#include <string.h>

#include "model/value.h"
#include "parse/json_flat.h"
#include "test.h"
#include "transform/stage.h"

#define DROPS_MAX 16

/* What the stages reported as dropped. */
typedef struct drops {
    size_t n;
    size_t rows[DROPS_MAX], msgs[DROPS_MAX];
    int filtered[DROPS_MAX];
    char reasons[DROPS_MAX][512];
} drops_t;

static inline void record_drop(void *opaque, const k2td_rowset_t *in, size_t row, int filtered,
                               const char *reason) {
    drops_t *d = opaque;
    if (d->n == DROPS_MAX) return;
    d->rows[d->n] = row;
    d->filtered[d->n] = filtered;
    d->msgs[d->n] = in->row_msg[row];
    snprintf(d->reasons[d->n], sizeof(d->reasons[0]), "%s", reason);
    d->n++;
}

/* Fills ctx (now = 1700000000123 ms) to record drops into d. */
static inline void fixture_ctx(k2td_transform_ctx_t *ctx, drops_t *d) {
    memset(d, 0, sizeof(*d));
    k2td_transform_ctx_init(ctx, 1700000000123LL);
    ctx->on_drop = record_drop;
    ctx->opaque = d;
}

/* Parses each JSON message (index = message number msg_base + i) into rs. */
static inline void load_json(k2td_rowset_t *rs, const char *const *msgs, size_t n, size_t msg_base) {
    char err[256];
    for (size_t i = 0; i < n; i++)
        if (k2td_json_flat_parse(msgs[i], strlen(msgs[i]), msg_base + i, rs, err, sizeof(err)) < 0)
            fprintf(stderr, "fixture: bad JSON %s: %s\n", msgs[i], err);
}

/* Returns the field `name` of row `row`, or NULL. */
static inline const k2td_field_t *field_of(const k2td_rowset_t *rs, size_t row, const char *name) {
    size_t hint = 0;
    return row < rs->nrows ? k2td_rowset_find(rs, row, name, strlen(name), &hint) : NULL;
}

/* Checks that field `name` of row `row` is the string expected. */
#define CHECK_FIELD_STR(rs, row, name, expected)                                     \
    do {                                                                             \
        const k2td_field_t *f_ = field_of((rs), (row), (name));                      \
        CHECK(f_ && f_->v.type == K2TD_VAL_STRING);                                  \
        if (f_ && f_->v.type == K2TD_VAL_STRING) CHECK_MEM(f_->v.str, f_->v.len, expected); \
    } while (0)

/* Checks that field `name` of row `row` is the integer expected. */
#define CHECK_FIELD_INT(rs, row, name, expected)                      \
    do {                                                              \
        const k2td_field_t *f_ = field_of((rs), (row), (name));       \
        CHECK(f_ && f_->v.type == K2TD_VAL_INT);                      \
        if (f_ && f_->v.type == K2TD_VAL_INT) CHECK_INT(f_->v.n.i, expected); \
    } while (0)

/* Checks that row `row` has a field `name` holding NULL. */
#define CHECK_FIELD_NULL(rs, row, name)                          \
    do {                                                         \
        const k2td_field_t *f_ = field_of((rs), (row), (name));  \
        CHECK(f_ && f_->v.type == K2TD_VAL_NULL);                \
    } while (0)

/* Returns the number of fields of row `row`. */
static inline size_t nfields_of(const k2td_rowset_t *rs, size_t row) {
    const k2td_field_t *f;
    return k2td_rowset_row(rs, row, &f);
}

#endif
