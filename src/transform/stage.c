/*
 * stage.c - helpers shared by the transformation stages (see stage.h).
 */
#include "stage.h"

#include <string.h>

#include "../model/convert.h"

void k2td_transform_ctx_init(k2td_transform_ctx_t *ctx, int64_t now_ms) {
    memset(ctx, 0, sizeof(*ctx));
    ctx->now_ms = now_ms;
}

void k2td_transform_drop(const k2td_transform_ctx_t *ctx, const k2td_rowset_t *in, size_t row,
                         int filtered, const char *reason) {
    if (ctx->on_drop) ctx->on_drop(ctx->opaque, in, row, filtered, reason);
}

void k2td_transform_swap(k2td_rowset_t **in, k2td_rowset_t **out) {
    k2td_rowset_t *t = *in;
    *in = *out;
    *out = t;
    k2td_rowset_truncate(*out, 0);
}

size_t k2td_transform_run(void *stage, k2td_transform_apply_fn apply, const k2td_rowset_t *in,
                          k2td_rowset_t *out, const k2td_transform_ctx_t *ctx) {
    k2td_expr_ctx_t ectx;
    k2td_expr_ctx_init(&ectx, &out->arena, ctx->now_ms * 1000);
    ectx.default_offset_s = ctx->default_offset_s;
    char reason[512];
    size_t dropped = 0;
    for (size_t row = 0; row < in->nrows; row++) {
        size_t keep = out->nrows;
        k2td_rowset_copy_row(out, in, row);
        int verdict = apply(stage, out, &ectx, reason, sizeof(reason));
        if (verdict == K2TD_TRANSFORM_KEEP) continue;
        k2td_rowset_truncate(out, keep);
        k2td_transform_drop(ctx, in, row, verdict == K2TD_TRANSFORM_FILTERED, reason);
        dropped++;
    }
    return dropped;
}

k2td_field_t *k2td_transform_set_field(k2td_rowset_t *out, const char *name, size_t name_len) {
    /* most calls add a name the row lacks, so the whole row is scanned: one
     * tight pass, the first byte compared before memcmp */
    k2td_field_t *f = k2td_rowset_field_at(out, out->row_start[out->nrows - 1]);
    k2td_field_t *end = k2td_rowset_field_at(out, out->nfields);
    for (; f < end; f++) {
        if (f->name_len == name_len &&
            (name_len == 0 || (f->name[0] == name[0] && memcmp(f->name, name, name_len) == 0)))
            return f;
    }
    return k2td_rowset_add_field(out, name, name_len);
}

const char *k2td_transform_value_text(const k2td_value_t *v, char tmp[32], size_t *len) {
    switch (v->type) {
    case K2TD_VAL_NULL: *len = 0; return NULL;
    case K2TD_VAL_BOOL:
        *len = v->n.b ? 4 : 5;
        return v->n.b ? "true" : "false";
    case K2TD_VAL_STRING: *len = v->len; return v->str ? v->str : "";
    default: return k2td_convert_number_text(v, tmp, len);
    }
}
