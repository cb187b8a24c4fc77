/*
 * write_policy.h - the task's row error policies: taosX's `parser.global`.
 *
 * taosX lets a task say, per kind of problem, what happens to a row that
 * cannot be written as it is: archive it (to the task's archive files, see
 * src/sink/archive.h), skip it, stop the task (break), or repair it. This
 * file reads that object into a k2td_write_policy_t; applying the policies
 * is the engine's and the mapper's job.
 *
 * Values are written as taosX writes them: a string naming the action
 * ("archive", "skip", "break", ...) or, where listed, {"replace_to": "<s>"}.
 * Every key is optional; a missing key or a JSON null means the default. A
 * value a key does not accept is an error naming the JSON path and listing
 * what it accepts:
 *   parser.global.primary_timestamp_null: "drop" is not one of archive,
 *   skip, break, use_current_time
 * An unknown or repeated key is an error naming it.
 *
 * Row policies (key: accepted values; default first, then why it differs
 * from taosX where it does):
 *
 *   primary_timestamp_overflow: archive, skip, break.  Default archive.
 *       The first column's timestamp is outside what the database accepts
 *       (older than its KEEP, or too far in the future).
 *   primary_timestamp_null: archive, skip, break, use_current_time.
 *       Default archive. use_current_time writes the time the batch was read.
 *   primary_key_null: archive, skip, break.  Default archive.
 *       A composite primary key column (the second column declared
 *       PRIMARY KEY) is NULL.
 *   table_name_length_overflow: archive, skip, break, truncate,
 *       truncate_and_archive.  Default archive. Truncating keeps the first
 *       192 bytes (cut back to a whole UTF-8 character);
 *       truncate_and_archive also archives the row.
 *   table_name_contains_illegal_char: archive, skip, break,
 *       {"replace_to": "<s>"}.  Default {"replace_to": "_"} (taosX's design;
 *       Explorer's form shows ""): "a.b" becomes "a_b", which keeps names of
 *       different devices apart where "" could merge "a.b" and "ab".
 *   variable_not_exist_in_table_name_template: archive, skip, leave_blank,
 *       {"replace_to": "<s>"}.  Default archive (taosX's design says
 *       {"replace_to": "NULL"}, Explorer ""). A variable is missing when the
 *       row lacks the field, or its value is NULL or the empty string. k2td
 *       never builds a subtable name from an empty placeholder: with
 *       "t_{id}" every row without an id would land in one table `t_`, which
 *       hides the fault and mixes devices. So leave_blank and a replace_to of
 *       "" are accepted (a taosX parser JSON loads unchanged) and archive the
 *       row like archive does; a non-empty replace_to ("unknown") names it.
 *       A name that ends up empty is an ingesting_error.
 *   field_name_not_found: archive, skip, break, add_field, ignore.
 *       Default ignore (k2td's own value, accepted in JSON too; taosX's
 *       default is add_field). The policy applies to a parsed field that is
 *       mapped (every non-tag field when `model.columns` is absent) but has
 *       no column in the supertable: ignore = that field is not written, the
 *       rest of the row is (what k2td has always done); archive, skip and
 *       break act on the whole row; add_field = ALTER STABLE ... ADD COLUMN
 *       with a type taken from the value, then write. A column listed
 *       explicitly in `model.columns` that the supertable lacks stays an
 *       error at start unless the policy is add_field. Why not add_field by
 *       default: changing the user's schema because one message carried an
 *       unexpected key is not something to do unasked.
 *   field_name_length_overflow: archive, skip, break.  Default archive.
 *       A field to be added as a column has a name longer than 64 bytes.
 *       (taosX's design mentions truncate variants; its documented form
 *       lists only these three, and so does k2td.)
 *   field_length_overflow: archive, skip, break, truncate,
 *       truncate_and_archive.  Default archive. A VARCHAR, NCHAR or
 *       VARBINARY value is longer than its column (after field_length_extend
 *       did what it could). truncate keeps what fits (whole characters).
 *   ingesting_error: archive, skip, break.  Default archive. Any other
 *       problem with a row's data (a value that does not convert, a row
 *       TDengine refuses).
 *   table_not_exist: archive, skip, break, retry.  Default retry: create
 *       the table, then write again. k2td writes INSERT ... USING, which
 *       creates missing child tables itself, so this concerns a supertable
 *       that is gone: one a templated `using` names that does not exist, or
 *       one dropped while the task runs (TDengine refuses the INSERT with
 *       9731 "Table does not exist"; k2td looks the supertable up again and
 *       sends the statement again if it is back). k2td does not create
 *       supertables (`s_model` is not implemented), so retry means: look
 *       the supertable up again at each batch, write into it once it
 *       exists, and archive the rows meanwhile, as archive does.
 *   database_not_exist: archive, skip, break.  Default break.
 *   database_connection_error: cache, break.  Default cache. In k2td
 *       "cache" is what Kafka already gives: the partitions are paused and
 *       the write retried until TDengine is back; nothing is spooled to
 *       local disk, and nothing is lost since the offsets are not stored.
 *       break stops the task with an error instead, at the first request
 *       TDengine does not answer (connection refused or cut, no answer
 *       within connection_timeout_in_second, HTTP 5xx, a server shutting
 *       down); the batch's offsets are not stored. archive and skip are
 *       refused as not supported: k2td never drops rows or sets them aside
 *       because the database is unreachable.
 *
 * Other keys:
 *
 *   field_length_extend: true or false.  Default false (taosX: true). When
 *       true, a value longer than its VARCHAR/NCHAR/VARBINARY column widens
 *       the column (ALTER STABLE ... MODIFY COLUMN, up to 65531 bytes), then
 *       the row is written. Off by default because a widened column cannot
 *       be narrowed again, and a schema should not grow behind the user's
 *       back; without it field_length_overflow decides (archive: nothing is
 *       lost).
 *   connection_timeout_in_second: an integer from 1 to 600.  Default 30.
 *       How long one request to TDengine may take, its answer included; a
 *       request still unanswered then is given up and retried (or stops the
 *       task under database_connection_error = break).
 *   archive: {"location", "max_size", "rotate_count", "keep_days", "on_fail"}
 *       location: text, default "archived" ("" also means the default); a relative path is
 *           under the task's data directory (the engine resolves it).
 *       max_size: the space all archive files of the task may use, 0 =
 *           unlimited. A JSON number is in GiB, as taosX writes it (an
 *           integer from 0 to 65535); a string is a size as byte_size.h
 *           reads it ("512MB", "1GiB", "1073741824" = bytes), at most
 *           65535 GiB. Default 1 GiB. See k2td_write_policy_archive_file_bytes.
 *       rotate_count: how many rotated files are kept beside the current
 *           one, an integer from 1 to 1000. Default 10 (k2td's; taosX does
 *           not document one).
 *       keep_days: rotated files older than this many days are deleted, an
 *           integer >= 0, 0 = never. Default 30.
 *       on_fail: what happens when a row cannot be archived (disk full,
 *           read-only, a quota, an I/O error): wait (the batch is held,
 *           not committed, with the consumer paused but kept in its group;
 *           the write is tried again with a back-off capped at 5 s until it
 *           goes in, so the task resumes on its own when space returns),
 *           rotate (delete the rotated files, try again, then break), skip
 *           (drop the row, logged), break (stop the task; the batch is not
 *           committed). Default wait: nothing is lost and no archived
 *           evidence is deleted.
 *
 * Accepted so that a taosX parser JSON loads unchanged, checked, and then
 * ignored (they have no effect on what k2td writes):
 *
 *   cache: {"location": text, "max_size": size as above, "on_fail": "skip"
 *       | "break", "keep_days": integer >= 0, "rotate_count": integer from
 *       1 to 1000}. taosX spools to local disk while the database is down;
 *       k2td leaves the data in Kafka instead (see database_connection_error).
 *   identifier_case_insensitive: true or false. k2td maps fields to columns
 *       by exact name first, then case-insensitively, whatever this says.
 *   written_protocol: "auto", "sql", "stmt", "stmt2" or "raw". k2td always
 *       writes SQL INSERT statements over the REST API.
 *   written_method: "concurrent". written_concurrent, workers_per_vgroup:
 *       integers >= 1. k2td writes one statement at a time per task.
 *   null_values: "null" only. k2td reads no text value as NULL (a JSON null
 *       is NULL); any other value is refused as not supported.
 *   replace_dot_in_table_name: only the text that
 *       table_name_contains_illegal_char replaces with (so "_" by default),
 *       since that key is the one k2td applies; anything else is an error
 *       pointing there.
 */
#ifndef K2TD_WRITE_POLICY_H
#define K2TD_WRITE_POLICY_H

#include <stddef.h>
#include <stdint.h>

#include <cJSON.h>

/* What to do with a row (or, for on_fail and database_connection_error,
 * with the task). The JSON name of each is k2td_policy_action_name(). */
typedef enum k2td_policy_action {
    K2TD_ACT_ARCHIVE = 0,          /* "archive": write the row to the archive, not to TDengine */
    K2TD_ACT_SKIP,                 /* "skip": drop the row (it is counted and logged) */
    K2TD_ACT_BREAK,                /* "break": stop the task with an error */
    K2TD_ACT_TRUNCATE,             /* "truncate": cut the name or value to fit */
    K2TD_ACT_TRUNCATE_AND_ARCHIVE, /* "truncate_and_archive": cut, write, and archive too */
    K2TD_ACT_REPLACE,              /* {"replace_to": s}: replace with k2td_policy_t.replace_to */
    K2TD_ACT_USE_CURRENT_TIME,     /* "use_current_time": a NULL timestamp becomes now */
    K2TD_ACT_LEAVE_BLANK,          /* "leave_blank": a missing template variable expands to "" */
    K2TD_ACT_ADD_FIELD,            /* "add_field": ALTER STABLE ADD COLUMN, then write */
    K2TD_ACT_RETRY,                /* "retry": create what is missing, then write again */
    K2TD_ACT_CACHE,                /* "cache": pause, keep the data in Kafka, retry */
    K2TD_ACT_IGNORE,               /* "ignore": leave the unknown field out, write the row */
    K2TD_ACT_ROTATE,               /* "rotate": archive.on_fail only, see above */
    K2TD_ACT_WAIT,                 /* "wait": archive.on_fail only, see above */
} k2td_policy_action_t;

typedef struct k2td_policy {
    k2td_policy_action_t action;
    char *replace_to; /* K2TD_ACT_REPLACE: the replacement (owned, may be "",
                       * never contains '.', at most 192 bytes); NULL otherwise */
} k2td_policy_t;

typedef struct k2td_archive_policy {
    char *location;               /* owned; relative = under the task's data directory */
    uint64_t max_size_bytes;      /* all archive files together; 0 = unlimited */
    int rotate_count;             /* rotated files kept beside the current one, >= 1 */
    int keep_days;                /* rotated files older than this are deleted; 0 = never */
    k2td_policy_action_t on_fail; /* K2TD_ACT_WAIT, _ROTATE, _SKIP or _BREAK */
} k2td_archive_policy_t;

typedef struct k2td_write_policy {
    k2td_policy_t primary_timestamp_overflow, primary_timestamp_null,
        table_name_length_overflow, table_name_contains_illegal_char,
        variable_not_exist_in_table_name_template, field_name_not_found,
        field_name_length_overflow, field_length_overflow, ingesting_error, table_not_exist,
        database_not_exist, database_connection_error, primary_key_null;
    int field_length_extend; /* 0 or 1 */
    k2td_archive_policy_t archive;
    int connection_timeout_s; /* connection_timeout_in_second, 1..600 */
} k2td_write_policy_t;

/* Fills *p with the defaults listed above, allocating the strings it owns
 * (the caller releases them with k2td_write_policy_free). */
void k2td_write_policy_defaults(k2td_write_policy_t *p);

/* Reads the `global` object global, found at the JSON path path (e.g.
 * "parser.global"), into *out: defaults, then what global sets. global may
 * be NULL or a JSON null: the defaults. Returns 0 (the caller then owns
 * *out), or -1 with *out released and zeroed and errstr naming the JSON path
 * and the reason. */
int k2td_write_policy_from_json(const cJSON *global, const char *path, k2td_write_policy_t *out,
                                char *errstr, size_t errstr_size);

/* Releases what *p owns and zeroes it; safe on a zeroed struct. */
void k2td_write_policy_free(k2td_write_policy_t *p);

/* Returns the JSON name of a ("archive", "truncate_and_archive", "ignore",
 * ...; "replace_to" for K2TD_ACT_REPLACE), or "?" for a value outside the
 * enum. */
const char *k2td_policy_action_name(k2td_policy_action_t a);

/* Returns the size at which one archive file is rotated so that the current
 * file and archive.rotate_count rotated ones stay within archive.max_size:
 * max_size_bytes / (rotate_count + 1), or 0 (never rotate) when max_size is
 * 0 = unlimited. The engine passes it to k2td_archive_open. */
uint64_t k2td_write_policy_archive_file_bytes(const k2td_write_policy_t *p);

/* Checks that archive.location stays inside the task's folder, as tasks
 * from API clients must: a relative path without a ".." segment. path is
 * the JSON path of the global object ("task.parser.global"). Returns 0, or
 * -1 with "<path>.archive.location: ..." in errstr. */
int k2td_write_policy_check_confined(const k2td_write_policy_t *p, const char *path,
                                     char *errstr, size_t errstr_size);

#endif
