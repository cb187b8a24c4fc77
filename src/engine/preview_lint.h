/*
 * preview_lint.h - warnings about what a preview shows: names that the
 * sample rows never carry, read by a filter, a map expression or mapping,
 * or a subtable name template. Such a name is most often misspelt (`idd`
 * for `id`): a filter on it keeps or drops every row alike, a template
 * placeholder on it archives every row. The preview still runs; the
 * warnings tell the user before the task does.
 */
#ifndef K2TD_PREVIEW_LINT_H
#define K2TD_PREVIEW_LINT_H

#include <cJSON.h>

#include "../common/buf.h"
#include "../task/task_file.h"

/* Adds "warnings": [{"path": "parser.mutate[1].filter[0]", "message": "..."}]
 * to the preview document doc (preview.h) of task: one per name that no
 * row reaching its stage has, with "did you mean `x`?" when a near name is
 * there. A stage no row reaches gives no warning. */
void k2td_preview_lint(cJSON *doc, const k2td_task_t *task);

/* Sets out to the JSON path, from the parser on, of key ("name", "using")
 * of model m of route r: "parser.model.name", "parser.rules[1].model[0].using". */
void k2td_preview_model_path(const k2td_route_conf_t *r, size_t m, const char *key,
                             k2td_buf_t *out);

#endif
