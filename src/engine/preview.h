/*
 * preview.h - shows what a task would do with some sample messages, stage by
 * stage, without writing anything: the parsed rows, the rows after each
 * mutate stage (and why each dropped row was dropped), the values mapped to
 * each target column, the subtable names and the INSERT statements.
 *
 * The supertable's schema is read from TDengine (a read-only query), or
 * taken from a schema file or the mapping (k2td_preview_opts_t); Kafka is
 * never contacted here (the caller brings the samples: from a file, or read
 * with kafka_sample.h). The result is one JSON document (layout below) that
 * the command line prints and a web page can serve as is:
 *
 *   {"task": "meters", "target": {"db": "kdb", "stable": "meters",
 *                                 "precision": "ms",
 *                                 "schema_from": "tdengine" | "file" | "mapping",
 *                                 "schema_file": "s.json"   (with "file")
 *                                 "unreachable": "TDengine is unreachable ..."
 *                                   (with "mapping": why TDengine was not read)},
 *    "messages": [{"message": 0, "payload": "...", "rows": 1}
 *                 | {"message": 1, "payload": "...", "error": "..."}],
 *                 (plus "topic", "partition" and "offset" for a sample
 *                  that came from Kafka)
 *    "parsed": [ROW, ...],
 *    "stages": [{"stage": 0, "kind": "filter", "rule": {...},
 *                "rows": [ROW, ...],
 *                "dropped": [{"message": 0, "fields": [FIELD, ...],
 *                             "reason": "..."}]}],
 *    "mapped": [{"message": 2, "subtable": "t_2",
 *                "columns": [{"name": "ts", "type": "TIMESTAMP",
 *                             "value": "1700000000000"}, ...],
 *                "tags": [...]}
 *               | {"message": 3, "error": "column `v` (VARCHAR(4)): ..."}],
 *    "subtables": ["t_2", ...],
 *    "sql": ["INSERT INTO ...", ...],
 *    "existing": [{"subtable": "t_2", "stable": "other",
 *                  "preview_stable": "meters", "message": "..."}, ...],
 *                 (subtables that already exist elsewhere or with other
 *                  tags: preview_existing.h)
 *    "warnings": [{"path": "parser.mutate[1].filter[0]",
 *                  "message": "field `idd` is in none of the sample rows that
 *                              reach it (did you mean `id`?)"}]}
 *                 (names no sample row carries: preview_lint.h; each
 *                  "existing" entry again, at its model's "name" path, which
 *                  is how `k2td preview` and the web page show them)
 *
 *   ROW   = {"message": <index of the sample>, "fields": [FIELD, ...]}
 *   FIELD = {"name": "id", "type": "int", "value": "2"}   (type one of null,
 *           bool, int, uint, float, string; value as text, null or a bool)
 *
 * A task whose parser has no model (a draft read K2TD_PARSER_MODEL_OPTIONAL,
 * parser_config.h) shows parsing and its shared mutate stages only:
 * "target" is null, "mapped", "subtables", "sql" and "existing" are empty,
 * and TDengine is not contacted.
 *
 * Mapped values are the SQL literals that would be sent. In every text a NUL
 * byte and bytes that are not UTF-8 are shown as \xNN.
 */
#ifndef K2TD_PREVIEW_H
#define K2TD_PREVIEW_H

#include <stddef.h>
#include <stdint.h>

#include <cJSON.h>

#include "../task/schema_file.h"
#include "../task/task_file.h"
#include "engine.h"

/* One sample message: len bytes at data (not NUL-terminated); topic is
 * NULL, or names where in Kafka the message was read (with partition and
 * offset). */
typedef struct k2td_preview_sample {
    const char *data;
    size_t len;
    const char *topic;
    int32_t partition;
    int64_t offset;
} k2td_preview_sample_t;

/* Where the preview takes the schema from. */
typedef struct k2td_preview_opts {
    const k2td_schema_file_t *schema; /* not NULL: from this file, TDengine is not
                                       * contacted (the caller keeps it) */
    int mapping_fallback;             /* TDengine unreachable: take the schema from
                                       * the mapping (schema_source.h) */
} k2td_preview_opts_t;

/*
 * Previews task on samples[0..nsamples), with the schema as opts says (NULL:
 * read from TDengine, nothing else). Returns K2TD_ENGINE_OK with *out
 * set to the document above (the caller releases it with cJSON_Delete), or
 * another k2td_engine_rc_t (TD_DOWN, TD_AUTH, TD_NO_DB, TD_NO_STABLE, CONFIG,
 * FAILED) with *out NULL and errstr naming the part and the reason. A sample
 * that does not parse, a dropped row or a refused value is part of the
 * result, not a failure.
 */
k2td_engine_rc_t k2td_preview_run(const k2td_task_t *task, const k2td_preview_sample_t *samples,
                                  size_t nsamples, const k2td_preview_opts_t *opts, cJSON **out,
                                  char *errstr, size_t errstr_size);

/*
 * Runs samples[0..nsamples) through task's parsing, mutate stages and
 * routes only - TDengine is not contacted - and returns the "warnings"
 * array of preview_lint.h (the caller releases it with cJSON_Delete), or
 * NULL with errstr set when the task's parsing part cannot be built.
 */
cJSON *k2td_preview_warnings(const k2td_task_t *task, const k2td_preview_sample_t *samples,
                             size_t nsamples, char *errstr, size_t errstr_size);

#endif
