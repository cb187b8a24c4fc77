/*
 * payload_parser.h - the task's `parse.value` step: one message payload to
 * rows, with the parser the task chose (JSON with optional field specs,
 * regex, CSV, a Lua UDT script or a parser plugin).
 */
#ifndef K2TD_PAYLOAD_PARSER_H
#define K2TD_PAYLOAD_PARSER_H

#include <stddef.h>

#include "../model/value.h"
#include "../task/parser_config.h"

typedef struct k2td_payload_parser k2td_payload_parser_t;

/*
 * Builds the parser conf describes (plugins are looked up under
 * plugins_home/parsers). Returns it, or NULL with errstr naming
 * parser.parse.value and the reason. conf must outlive the parser.
 */
k2td_payload_parser_t *k2td_payload_parser_new(const k2td_parse_conf_t *conf,
                                               const char *plugins_home, char *errstr,
                                               size_t errstr_size);

/*
 * Parses buf[0..len) into rows of out tagged with msg_index. Returns the
 * number of rows appended, or -1 with errstr set and out rolled back.
 * Not thread-safe (regex match data, the Lua state, the plugin instance).
 */
int k2td_payload_parser_parse(k2td_payload_parser_t *p, const char *buf, size_t len,
                              size_t msg_index, k2td_rowset_t *out, char *errstr,
                              size_t errstr_size);

/* Releases the parser (NULL is fine). */
void k2td_payload_parser_free(k2td_payload_parser_t *p);

#endif
