/*
 * preview_existing.h - what a preview's subtables already are in TDengine.
 * A subtable that exists under another supertable (or is a table of its
 * own, or a supertable) refuses the rows a run would write through it; one
 * that exists under the same supertable with other tag values takes the
 * rows but keeps its tags. The preview asks information_schema (read-only
 * queries, at most EXISTING_BATCH names each) and reports both:
 *
 *   "existing": [{"subtable": "t_1", "stable": "other", "preview_stable": "meters",
 *                 "message": "..."}
 *               | {"subtable": "t_2", "stable": "meters", "tag": "location",
 *                  "value": "SF", "preview_value": "LA", "message": "..."}]
 *
 * ("stable" is null for a table of its own or a supertable; a value is null
 * for NULL; values are shown as information_schema.ins_tags shows them),
 * plus one "warnings" entry per clash at the model's "name" path.
 */
#ifndef K2TD_PREVIEW_EXISTING_H
#define K2TD_PREVIEW_EXISTING_H

#include <cJSON.h>

#include "../sink/rest_client.h"
#include "../task/task_file.h"

/*
 * Adds "existing" to the preview document doc (preview.h) of task, whose
 * subtables live in database db, asking TDengine through rest, and adds a
 * warning per clash to doc's "warnings" (created when absent). When rest is
 * NULL or a query fails, "existing" is empty and a warning at path "to"
 * says that the check was skipped and why. Never fails otherwise.
 */
void k2td_preview_existing(cJSON *doc, const k2td_task_t *task, k2td_rest_t *rest, const char *db);

#endif
