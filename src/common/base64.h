/*
 * base64.h - base64 encoding (RFC 4648, standard alphabet, '=' padding).
 *
 * Used where bytes that are not text must travel in JSON (the archive's
 * payload_base64). Written here rather than taken from libcrypto so the
 * product does not depend on OpenSSL's development package for 20 lines.
 */
#ifndef K2TD_BASE64_H
#define K2TD_BASE64_H

#include <stddef.h>

#include "buf.h"

/* Appends the base64 text of data[0..n) to out (4 characters per 3 bytes,
 * padded with '='; nothing for n == 0). */
void k2td_base64_put(k2td_buf_t *out, const void *data, size_t n);

#endif
