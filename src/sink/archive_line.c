/*
 * archive_line.c - rendering archived records as JSON lines (see archive_line.h).
 */
#include "archive_line.h"

#include <string.h>

#include "../common/base64.h"
#include "../common/utf8.h"
#include "../model/timestamp.h"

/* Returns 1 when s[0..n) is well-formed UTF-8 without NUL bytes. */
static int is_text(const unsigned char *s, size_t n) {
    for (size_t i = 0; i < n;) {
        size_t k = k2td_utf8_seq_len(s + i, n - i);
        if (k == 0 || s[i] == '\0') return 0;
        i += k;
    }
    return 1;
}

/* Appends s[0..n) as a quoted JSON string; bytes that are not UTF-8 become
 * U+FFFD. */
static void put_string(k2td_buf_t *out, const char *s, size_t n) {
    static const char hex[] = "0123456789abcdef";
    const unsigned char *u = (const unsigned char *)s;
    k2td_buf_putc(out, '"');
    size_t run = 0; /* start of the bytes copied as they are */
    for (size_t i = 0; i < n;) {
        size_t k = u[i] < 0x80 ? 1 : k2td_utf8_seq_len(u + i, n - i);
        int plain = k > 1 || (k == 1 && u[i] >= 0x20 && u[i] != '"' && u[i] != '\\');
        if (plain) {
            i += k;
            continue;
        }
        k2td_buf_append(out, s + run, i - run);
        switch (u[i]) {
        case '"': k2td_buf_puts(out, "\\\""); break;
        case '\\': k2td_buf_puts(out, "\\\\"); break;
        case '\n': k2td_buf_puts(out, "\\n"); break;
        case '\r': k2td_buf_puts(out, "\\r"); break;
        case '\t': k2td_buf_puts(out, "\\t"); break;
        default:
            if (k == 0) {
                k2td_buf_puts(out, "\\ufffd");
            } else {
                char esc[6] = {'\\', 'u', '0', '0', hex[u[i] >> 4], hex[u[i] & 15]};
                k2td_buf_append(out, esc, 6);
            }
        }
        run = ++i;
    }
    k2td_buf_append(out, s + run, n - run);
    k2td_buf_putc(out, '"');
}

/* Appends ,"key": and the NUL-terminated s (NULL: "") as a JSON string. */
static void put_member(k2td_buf_t *out, const char *key, const char *s) {
    k2td_buf_printf(out, ",\"%s\":", key);
    put_string(out, s ? s : "", s ? strlen(s) : 0);
}

void k2td_archive_line_put(k2td_buf_t *out, const k2td_archive_record_t *rec) {
    char when[K2TD_TS_TEXT_MAX];
    k2td_ts_format(rec->time_ms, K2TD_PREC_MS, when, sizeof(when));
    k2td_buf_printf(out, "{\"time\":\"%s\"", when);
    put_member(out, "topic", rec->topic);
    k2td_buf_puts(out, ",\"partition\":");
    k2td_buf_put_i64(out, rec->partition);
    k2td_buf_puts(out, ",\"offset\":");
    k2td_buf_put_i64(out, rec->offset);
    put_member(out, "reason", rec->reason);
    if (rec->table) put_member(out, "table", rec->table);
    const char *payload = rec->payload_len ? rec->payload : "";
    if (is_text((const unsigned char *)payload, rec->payload_len)) {
        k2td_buf_puts(out, ",\"payload\":");
        put_string(out, payload, rec->payload_len);
    } else {
        k2td_buf_puts(out, ",\"payload_base64\":\"");
        k2td_base64_put(out, payload, rec->payload_len);
        k2td_buf_putc(out, '"');
    }
    k2td_buf_puts(out, "}\n");
}
