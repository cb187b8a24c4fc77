/*
 * charset.h - decodes message payloads from the task's `char_encoding` to UTF-8.
 *
 * taosX lets a Kafka task say which encoding its messages use: UTF_8 (the
 * default), GBK, GB18030 or BIG5. Payloads in one of the Chinese encodings
 * are converted to UTF-8 once, before the parse step, so every parser and
 * everything downstream only ever sees UTF-8. The conversion uses glibc's
 * iconv with one conversion descriptor per decoder, opened once per task.
 *
 * All four encodings keep ASCII as is, so a payload without a byte >= 0x80
 * is returned unchanged (no copy, no iconv call); so is every UTF-8 payload
 * (decoding UTF-8 is a no-op: parsers check what they need themselves).
 */
#ifndef K2TD_CHARSET_H
#define K2TD_CHARSET_H

#include <stddef.h>

#include "../common/arena.h"

typedef enum k2td_charset {
    K2TD_CHARSET_UTF8 = 0,
    K2TD_CHARSET_GBK,
    K2TD_CHARSET_GB18030,
    K2TD_CHARSET_BIG5,
} k2td_charset_t;

typedef struct k2td_charset_decoder k2td_charset_decoder_t;

/*
 * Looks up a `char_encoding` value: UTF_8, GBK, GB18030 or BIG5, compared
 * ASCII case-insensitively with '-' and '_' ignored (so "utf-8", "UTF8",
 * "UTF_8" and "Big-5" are all accepted). NULL or "" is UTF-8, the default.
 * Returns 0 with *out set, or -1 with errstr naming the value and the
 * accepted ones.
 */
int k2td_charset_lookup(const char *name, k2td_charset_t *out, char *errstr, size_t errstr_size);

/* Returns the canonical taosX spelling of cs ("UTF_8", "GBK", ...). */
const char *k2td_charset_name(k2td_charset_t cs);

/*
 * Opens a decoder from cs to UTF-8. Returns it (the caller frees it with
 * k2td_charset_decoder_free()), or NULL with errstr saying why iconv could
 * not open the conversion. A decoder holds conversion state and a scratch
 * buffer: one thread at a time may use it.
 */
k2td_charset_decoder_t *k2td_charset_decoder_new(k2td_charset_t cs, char *errstr,
                                                 size_t errstr_size);

/* Releases d (NULL is fine). */
void k2td_charset_decoder_free(k2td_charset_decoder_t *d);

/*
 * Decodes the payload in[0..len) to UTF-8 and sets *out / *out_len to the
 * result, which is either in itself (UTF-8, or nothing but ASCII) or a copy
 * in arena (exactly *out_len bytes plus a NUL, which parsers need not use).
 * Returns 0, or -1 when the payload is not valid in the decoder's encoding:
 * errstr then names the byte offset in the payload and the encoding, e.g.
 * "offset 5: invalid GBK byte sequence" or
 * "offset 9: incomplete GBK byte sequence at end of payload".
 * Ownership: *out lives as long as in (when it is in) or until the arena is
 * reset; pass the rowset's arena so the decoded payload lives exactly as
 * long as the rows that will point into it. Nothing is malloc'ed per
 * payload once the decoder's scratch buffer has grown to the largest one.
 */
int k2td_charset_decode(k2td_charset_decoder_t *d, const char *in, size_t len, k2td_arena_t *arena,
                        const char **out, size_t *out_len, char *errstr, size_t errstr_size);

#endif
