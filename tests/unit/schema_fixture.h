/*
 * schema_fixture.h - the canonical "meters" supertable of perf-baselines.md
 * for unit tests and benchmarks: db.meters (ts TIMESTAMP, current FLOAT,
 * voltage INT, phase FLOAT) TAGS (groupid INT, location VARCHAR(24)), ms
 * precision, KEEP 3650 days.
 */
#ifndef K2TD_SCHEMA_FIXTURE_H
#define K2TD_SCHEMA_FIXTURE_H

#include <string.h>

#include "common/alloc.h"
#include "model/schema.h"

static inline void fixture_meters(k2td_stable_schema_t *s, const char *db) {
    static const struct {
        const char *name;
        k2td_coltype_t type;
        int length, tag;
    } cols[] = {{"ts", K2TD_COL_TIMESTAMP, 8, 0},  {"current", K2TD_COL_FLOAT, 4, 0},
                {"voltage", K2TD_COL_INT, 4, 0},   {"phase", K2TD_COL_FLOAT, 4, 0},
                {"groupid", K2TD_COL_INT, 4, 1},   {"location", K2TD_COL_VARCHAR, 24, 1}};
    memset(s, 0, sizeof(*s));
    s->db = k2td_strdup(db);
    s->stable = k2td_strdup("meters");
    s->ncols = sizeof(cols) / sizeof(cols[0]);
    s->cols = k2td_calloc(s->ncols, sizeof(k2td_column_t));
    for (size_t i = 0; i < s->ncols; i++) {
        s->cols[i].name = k2td_strdup(cols[i].name);
        s->cols[i].type = cols[i].type;
        s->cols[i].length = cols[i].length;
        s->cols[i].is_tag = cols[i].tag;
    }
    s->precision = K2TD_PREC_MS;
    s->keep_days = 3650;
}

#endif
