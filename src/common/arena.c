#include "arena.h"

#include <stdlib.h>
#include <string.h>

#include "alloc.h"

struct k2td_arena_block {
    k2td_arena_block_t *next;
    size_t size;
    size_t used;
    /* the block's bytes follow, 8-aligned */
    _Alignas(8) unsigned char data[];
};

void k2td_arena_init(k2td_arena_t *a, size_t block_size) {
    a->head = NULL;
    a->block_size = block_size ? block_size : 64 * 1024;
}

static k2td_arena_block_t *arena_block_new(size_t size) {
    k2td_arena_block_t *blk = k2td_malloc(sizeof(*blk) + size);
    blk->next = NULL;
    blk->size = size;
    blk->used = 0;
    return blk;
}

void *k2td_arena_alloc(k2td_arena_t *a, size_t n) {
    n = (n + 7) & ~(size_t)7;
    k2td_arena_block_t *blk = a->head;
    if (!blk || blk->size - blk->used < n) {
        size_t size = n > a->block_size ? n : a->block_size;
        blk = arena_block_new(size);
        blk->next = a->head;
        a->head = blk;
    }
    void *p = blk->data + blk->used;
    blk->used += n;
    return p;
}

char *k2td_arena_strndup(k2td_arena_t *a, const char *s, size_t n) {
    char *p = k2td_arena_alloc(a, n + 1);
    if (n) memcpy(p, s, n); /* s may be NULL when n is 0 */
    p[n] = '\0';
    return p;
}

void k2td_arena_reset(k2td_arena_t *a) {
    if (!a->head) return;
    if (!a->head->next) {
        a->head->used = 0;
        return;
    }
    /* several blocks: replace them by one that holds them all, so a batch
     * of the same size needs no allocation next time */
    size_t total = 0;
    for (k2td_arena_block_t *blk = a->head; blk; blk = blk->next) total += blk->size;
    k2td_arena_free(a);
    a->head = arena_block_new(total);
}

void k2td_arena_free(k2td_arena_t *a) {
    k2td_arena_block_t *blk = a->head;
    while (blk) {
        k2td_arena_block_t *next = blk->next;
        free(blk);
        blk = next;
    }
    a->head = NULL;
}
