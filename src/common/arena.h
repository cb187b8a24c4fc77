/*
 * arena.h - a block allocator for per-batch scratch memory.
 *
 * Parsers copy unescaped strings and flattened field names into an arena
 * so that one batch costs a few block allocations instead of one malloc per
 * value. Pointers stay valid until k2td_arena_reset() or k2td_arena_free().
 */
#ifndef K2TD_ARENA_H
#define K2TD_ARENA_H

#include <stddef.h>

typedef struct k2td_arena_block k2td_arena_block_t;

typedef struct k2td_arena {
    k2td_arena_block_t *head;  /* block being filled; older blocks chain behind */
    size_t block_size;         /* default size of a new block */
} k2td_arena_t;

/* Prepares an empty arena whose blocks hold block_size bytes (0 = 64 KiB). */
void k2td_arena_init(k2td_arena_t *a, size_t block_size);

/* Returns n bytes aligned to 8. Never returns NULL (aborts on OOM). */
void *k2td_arena_alloc(k2td_arena_t *a, size_t n);

/* Returns a NUL-terminated copy of s[0..n) inside the arena. */
char *k2td_arena_strndup(k2td_arena_t *a, const char *s, size_t n);

/* Forgets every allocation but keeps the memory: when it had grown into
 * several blocks they are merged into one, so a steady workload stops
 * allocating after its first batches. */
void k2td_arena_reset(k2td_arena_t *a);

/* Releases every block. The arena may be reused after k2td_arena_init(). */
void k2td_arena_free(k2td_arena_t *a);

#endif
