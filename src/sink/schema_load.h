/*
 * schema_load.h - asks TDengine what the target database and supertable look
 * like (precision, KEEP, columns and tags), and tells apart the reasons it
 * cannot: unreachable, credentials rejected, database or supertable missing.
 */
#ifndef K2TD_SCHEMA_LOAD_H
#define K2TD_SCHEMA_LOAD_H

#include <stddef.h>

#include "../model/schema.h"
#include "rest_client.h"

typedef enum k2td_schema_rc {
    K2TD_SCHEMA_OK = 0,
    K2TD_SCHEMA_UNREACHABLE, /* no answer, or TDengine cannot serve now (retry later) */
    K2TD_SCHEMA_AUTH,        /* credentials rejected */
    K2TD_SCHEMA_NO_DB,       /* the database does not exist */
    K2TD_SCHEMA_NO_STABLE,   /* the supertable does not exist */
    K2TD_SCHEMA_INVALID,     /* anything else: a type k2td does not know, not a
                              * supertable, an unexpected answer, another error */
} k2td_schema_rc_t;

/* Fills *out (which the caller releases with k2td_stable_schema_clear,
 * whatever this returns) with db's precision and KEEP (in days, rounded up)
 * and the columns and tags of db.stable, as DESCRIBE lists them (stable NULL:
 * the database alone, no columns). Names are
 * matched exactly (case-sensitive). Returns K2TD_SCHEMA_OK, or another
 * k2td_schema_rc_t with errstr saying what is wrong, e.g. "database `db` does
 * not exist" or "supertable `db`.`stb` does not exist". */
int k2td_schema_load(k2td_rest_t *r, const char *db, const char *stable, k2td_stable_schema_t *out,
                     char *errstr, size_t errstr_size);

/* Checks that TDengine answers, accepts the credentials, and has db and (when
 * stable is not NULL) db.stable with a schema k2td can write. Returns a
 * k2td_schema_rc_t as k2td_schema_load() does, with the same messages. */
int k2td_schema_check(k2td_rest_t *r, const char *db, const char *stable, char *errstr,
                      size_t errstr_size);

#endif
