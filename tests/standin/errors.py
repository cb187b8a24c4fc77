"""TDengine error codes and message templates, as the REST API reports them.

`code` is the native error number's low 16 bits (errno & 0xFFFF) in decimal;
`desc` is the client's message text.  Messages are clipped the way the C client
clips them: the "near" text of an insert-parser error to 63 bytes, a whole
message to 511 bytes.
"""

import codecs

# Native codes (low 16 bits) used by the stand-in.
INVALID_OPERATION = 0x0200
INVALID_USER_LENGTH = 0x0207
INVALID_PASS_LENGTH = 0x0208
SQL_SYNTAX = 0x0216          # insert-parser syntax errors: syntax error near '..' (..)
FUNC_NOT_EXIST = 0x0374
INVALID_JSON = 0x0221
INVALID_USER = 0x0351
AUTH_FAILURE = 0x0357
STB_EXISTS = 0x0360
STB_NOT_EXIST = 0x0362
TAG_EXISTS = 0x0369
COLUMN_EXISTS = 0x036B
DB_EXISTS = 0x0381
DB_NOT_EXIST = 0x0388
TABLE_EXISTS = 0x0603
TS_OUT_OF_RANGE = 0x060B
TABLE_IN_OTHER_STABLE = 0x061D
PAR_SYNTAX = 0x2600          # general-parser syntax errors: syntax error near ".."
PAR_INCOMPLETE = 0x2601
PAR_INVALID_COLUMN = 0x2602
PAR_TABLE_NOT_EXIST = 0x2603
PAR_TAGS_NOT_MATCHED = 0x260D
PAR_DB_NOT_SPECIFIED = 0x2616
PAR_INVALID_IDENTIFIER = 0x2617
PAR_INVALID_DB_OPTION = 0x2619
PAR_ONLY_ONE_JSON_TAG = 0x2633
PAR_DUPLICATED_COLUMN = 0x263C
PAR_INVALID_COLUMNS_NUM = 0x263F
PAR_TOO_MANY_COLUMNS = 0x2640
PAR_FIRST_COLUMN = 0x2641
PAR_VAR_COLUMN_LEN = 0x2642
PAR_INVALID_TAGS_NUM = 0x2643
PAR_INVALID_MODIFY_COL = 0x264B
PAR_INVALID_COL_JSON = 0x2650
PAR_VALUE_TOO_LONG = 0x2653
PAR_INVALID_VARBINARY = 0x2669   # assumed value; no measurement available
INTERNAL = 0xFFFF

NEAR_BYTES = 63
MESSAGE_BYTES = 511


def _go_replace(exc):
    """Decode error handler: one U+FFFD per invalid byte, like Go's JSON encoder."""
    return ('\ufffd' * (exc.end - exc.start), exc.end)


codecs.register_error('go_replace', _go_replace)


def clean_text(s):
    """Returns `s` with undecodable bytes (surrogate escapes) shown as U+FFFD."""
    if s.isascii():
        return s
    return s.encode('utf-8', 'surrogateescape').decode('utf-8', 'go_replace')


def clip_bytes(s, limit):
    """Returns `s` cut to at most `limit` UTF-8 bytes (a cut character shows as U+FFFD)."""
    raw = s.encode('utf-8', 'surrogateescape')
    if len(raw) <= limit:
        return s
    return raw[:limit].decode('utf-8', 'go_replace')


class TdError(Exception):
    """A statement failure with TDengine's REST code and message."""

    def __init__(self, code, desc):
        super().__init__(desc)
        self.code = code
        self.desc = clean_text(clip_bytes(desc, MESSAGE_BYTES))


def near_error(reason, near):
    """Insert-parser error: syntax error near '<near>' (<reason>); near None uses the short form."""
    if near is None:
        return TdError(SQL_SYNTAX, "syntax error near '%s'" % reason)
    return TdError(SQL_SYNTAX, "syntax error near '%s' (%s)" % (clip_bytes(near, NEAR_BYTES), reason))


def invalid_op(msg):
    """Client-side invalid operation (REST 512) with a plain message."""
    return TdError(INVALID_OPERATION, msg)


def parser_syntax(rest):
    """General-parser syntax error at the rest of the statement."""
    return TdError(PAR_SYNTAX, 'syntax error near "%s"' % rest)


def parser_incomplete():
    """General-parser error when the statement ends too early."""
    return TdError(PAR_INCOMPLETE, 'Incomplete SQL statement')


def table_not_exist():
    """9731 Table does not exist."""
    return TdError(PAR_TABLE_NOT_EXIST, 'Table does not exist')


def db_not_exist():
    """904 Database not exist."""
    return TdError(DB_NOT_EXIST, 'Database not exist')


def value_too_long(name):
    """9811 for a value longer than its column or tag."""
    return TdError(PAR_VALUE_TOO_LONG, 'Value too long for column/tag: %s' % name)


def invalid_column(name):
    """9730 for an unknown column name."""
    return TdError(PAR_INVALID_COLUMN, 'Invalid column name: %s' % name)
