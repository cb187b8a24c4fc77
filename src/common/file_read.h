/*
 * file_read.h - reading a whole small file (secrets, PEM certificates) with a
 * size limit, so a wrong path to a huge file cannot fill memory.
 */
#ifndef K2TD_FILE_READ_H
#define K2TD_FILE_READ_H

#include <stddef.h>

#include "buf.h"

/* Appends the file at path to out (NUL-terminated). Returns 0; -1 with
 * errstr set to the system's reason when the file cannot be opened or read;
 * -2 when it holds more than max bytes (out then holds some of them). The
 * caller frees out in every case. */
int k2td_file_read(const char *path, size_t max, k2td_buf_t *out, char *errstr,
                   size_t errstr_size);

#endif
