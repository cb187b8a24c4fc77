/*
 * fuzz_preview_draft.c - libFuzzer target: a parser definition and sample
 * messages from arbitrary bytes, read as a draft task and previewed.
 *
 * Input: the parser JSON, then optionally a NUL byte and the samples,
 * separated by 0x1E bytes (at most 4). The parser's `model` and `rules` are
 * taken out, so the preview stops after parsing and the mutate stages and
 * never contacts TDengine; UDT scripts and plugins are left out (their code
 * comes from the definition itself). This covers the parser definition's
 * reader (parse, field specs, mutate stages, global policies), the
 * compilers of regexes, expressions and formats, the payload parsers and
 * every stage on what they produce.
 *
 * Invariants checked beyond "no crash, no sanitizer report": a definition
 * that is refused, or a preview that fails, says why; a preview that works
 * has its parsed rows and one entry per stage.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "engine/preview.h"
#include "task/task_file.h"

#define MAX_SAMPLES 4

/* Takes `model` and `rules` out of a parser object, and out of an Explorer
 * wrapper's "parser" object. */
static void drop_targets(cJSON *parser) {
    cJSON_DeleteItemFromObjectCaseSensitive(parser, "model");
    cJSON_DeleteItemFromObjectCaseSensitive(parser, "rules");
    cJSON *inner = cJSON_GetObjectItemCaseSensitive(parser, "parser");
    if (cJSON_IsObject(inner)) {
        cJSON_DeleteItemFromObjectCaseSensitive(inner, "model");
        cJSON_DeleteItemFromObjectCaseSensitive(inner, "rules");
    }
}

/* Splits the bytes after the parser into samples; returns how many. */
static size_t split_samples(const uint8_t *data, size_t size, k2td_preview_sample_t *out) {
    size_t n = 0, start = 0;
    for (size_t i = 0; i <= size && n < MAX_SAMPLES; i++) {
        if (i < size && data[i] != 0x1E) continue;
        memset(&out[n], 0, sizeof(out[n]));
        out[n].data = (const char *)data + start;
        out[n].len = i - start;
        n++;
        start = i + 1;
    }
    return n;
}

/* Previews task on the samples and checks the result's shape: parsed rows
 * and one entry per mutate stage. */
static void preview(const k2td_task_t *task, const k2td_preview_sample_t *samples, size_t n) {
    char err[512] = "";
    cJSON *out = NULL;
    k2td_engine_rc_t rc = k2td_preview_run(task, samples, n, NULL, &out, err, sizeof(err));
    if (rc != K2TD_ENGINE_OK) {
        if (!err[0] || out) abort();
        return;
    }
    if (!cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(out, "parsed"))) abort();
    const cJSON *stages = cJSON_GetObjectItemCaseSensitive(out, "stages");
    int want = task->parser.mutate ? cJSON_GetArraySize(task->parser.mutate) : 0;
    if (!cJSON_IsArray(stages) || cJSON_GetArraySize(stages) != want) abort();
    if (!cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(out, "target"))) abort();
    cJSON_Delete(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const uint8_t *nul = memchr(data, 0, size);
    size_t json_len = nul ? (size_t)(nul - data) : size;
    cJSON *parser = cJSON_ParseWithLength((const char *)data, json_len);
    if (!cJSON_IsObject(parser)) {
        cJSON_Delete(parser);
        return 0;
    }
    drop_targets(parser);
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "name", "fuzz");
    cJSON_AddStringToObject(root, "from", "kafka://127.0.0.1:9?topics=t");
    cJSON_AddStringToObject(root, "to", "taos+http://root:taosdata@127.0.0.1:9/db");
    cJSON_AddItemToObject(root, "parser", parser);

    k2td_task_t task;
    char err[512] = "";
    if (k2td_task_read(root, NULL, K2TD_PARSER_MODEL_OPTIONAL, NULL, &task, err, sizeof(err)) != 0) {
        if (!err[0]) abort();
    } else {
        k2td_parse_kind_t kind = task.parser.value.kind;
        if (kind != K2TD_PARSE_UDT && kind != K2TD_PARSE_PLUGIN) {
            k2td_preview_sample_t samples[MAX_SAMPLES];
            size_t n = nul ? split_samples(nul + 1, size - json_len - 1, samples) : 0;
            preview(&task, samples, n);
        }
        k2td_task_free(&task);
    }
    cJSON_Delete(root);
    return 0;
}
