/*
 * upload_ref.h - a DSN's reference to a file of the service's upload store.
 *
 * `POST /api/uploads` stores a file as <uploads_dir>/<id>-<name> and answers
 * its reference "@upload:<id>"; in a DSN it is the value of a file key
 * (ca=@upload:7, ssl.ca.location=upload:7). The service resolves it to the
 * stored file when it parses the DSN; a client never sees or names a path.
 */
#ifndef K2TD_UPLOAD_REF_H
#define K2TD_UPLOAD_REF_H

#include <stdint.h>

#define K2TD_UPLOAD_REF_PREFIX "upload:"

typedef enum k2td_upload_ref_rc {
    K2TD_UPLOAD_REF_OK = 0,
    K2TD_UPLOAD_REF_NOT_A_REF, /* the text is not "upload:<id>" */
    K2TD_UPLOAD_REF_MISSING,   /* no upload with that id */
} k2td_upload_ref_rc_t;

/* Resolves ref ("upload:<id>") to the path of the stored file in
 * uploads_dir: returns K2TD_UPLOAD_REF_OK with *path a new string the
 * caller frees, else NOT_A_REF or MISSING with *path NULL. */
k2td_upload_ref_rc_t k2td_upload_ref_resolve(const char *uploads_dir, const char *ref,
                                             char **path);

#endif
