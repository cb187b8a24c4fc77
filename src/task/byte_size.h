/*
 * byte_size.h - sizes as configuration writes them ("512MB", "1GiB", "4096").
 *
 * A size is a non-negative integer, optionally followed (spaces allowed in
 * between) by a unit: B, KB, MB, GB, TB or KiB, MiB, GiB, TiB, in any case.
 * Both spellings are binary multiples (1 KB = 1 KiB = 1024 bytes), as disk
 * quotas usually are; a bare number is bytes.
 */
#ifndef K2TD_BYTE_SIZE_H
#define K2TD_BYTE_SIZE_H

#include <stdint.h>

/* Parses text into *bytes. Returns 0, or -1 (leaving *bytes alone) when text
 * is empty, has a sign, a fraction or an unknown unit, or overflows uint64. */
int k2td_byte_size_parse(const char *text, uint64_t *bytes);

#endif
