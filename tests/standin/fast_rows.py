"""Fast path for INSERT rows: one regular expression matches a whole plain row such as
`(1764000000000, 1.5, 'text', NULL)` and per-column converters turn its values into
column values with the same functions the exact parser uses.

Only rows whose tokens are unambiguous are matched (blanks inside a row are spaces and
tabs; values are quoted strings, plain numbers, NULL, TRUE or FALSE).  A converter that
meets anything unusual raises, and the caller parses that row again the exact way, so
errors always carry the exact client message.
"""

import re

import timestamps
import values
from sql_lexer import unescape, STRING, INTEGER, FLOAT, BOOL

_VALUE = (r"""('(?:[^'\\]|\\.|'')*+'|"(?:[^"\\]|\\.|"")*+"|"""
          r"""[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:e[-+]?[0-9]+)?(?![0-9a-z_])|null(?![0-9a-z_])|"""
          r"""true(?![0-9a-z_])|false(?![0-9a-z_]))""")
_LEAD = r'(?:[ \n\r\t\f]*,)?[ \n\r\t\f]*\([ \t]*'
_SEP = r'[ \t]*,[ \t]*'
_END = r'[ \t]*\)'
_CACHE = {}


class Fallback(Exception):
    """The row needs the exact parser."""


def row_regex(n):
    """Compiled pattern for a row of n values (with the optional blanks/comma before it)."""
    rx = _CACHE.get(n)
    if rx is None:
        rx = re.compile(_LEAD + _SEP.join([_VALUE] * n) + _END, re.S | re.I)
        _CACHE[n] = rx
    return rx


def classify(text):
    """(kind, text, raw) of a value matched by the row pattern (raw = as written)."""
    c = text[0]
    if c == "'" or c == '"':
        if len(text) >= 65531:
            raise Fallback()
        return STRING, unescape(text), text
    low = text.lower()
    if low == 'null':
        return 'null', low, text
    if low == 'true' or low == 'false':
        return BOOL, low, text
    if '.' in low or 'e' in low:
        return FLOAT, low, text
    return INTEGER, text, text


def _is_integer(text):
    """True when a matched value is a plain integer literal (optional sign)."""
    c = text[0]
    if c in '-+':
        if len(text) < 2:
            return False
        c = text[1]
    return c in '0123456789' and '.' not in text and 'e' not in text and 'E' not in text


def _is_number(text):
    """True when a matched value is a number literal (not a string, NULL or bool)."""
    return text[0] in '0123456789-+.' and text[-1] in '0123456789.'


def column_converter(col, primary, prec):
    """A function text -> value for one column; raises Fallback when the exact parser must decide."""
    t = col.type
    if t == 'TIMESTAMP':
        def conv_ts(text):
            if _is_integer(text):
                v = int(text)
                if timestamps.INT64_MIN <= v <= timestamps.INT64_MAX:
                    return v
                raise Fallback()
            kind, val, _ = classify(text)
            if values.is_null(t, kind, val):
                if primary:
                    raise Fallback()
                return None
            v = timestamps.parse_date(val, prec) if kind == STRING else None
            if v is None:
                raise Fallback()
            return v
        return conv_ts

    if t in values.SIGNED_RANGE or t in values.UNSIGNED_MAX:
        if t in values.SIGNED_RANGE:
            lo, hi = values.SIGNED_RANGE[t]
        else:
            lo, hi = 0, values.UNSIGNED_MAX[t]

        def conv_int(text):
            if _is_integer(text) and (lo < 0 or text[0] != '-'):
                v = int(text)
                if lo <= v <= hi:
                    return v
                raise Fallback()
            return _generic(col, text)
        return conv_int

    if t == 'DOUBLE' or t == 'FLOAT':
        limit = values.FLT_MAX if t == 'FLOAT' else float('inf')

        def conv_float(text):
            if _is_number(text):
                v = float(text)                      # same as strtod for these texts
                if not values.DBL_MIN <= abs(v) < limit:
                    v = values.strtod(text)          # zero, underflow or overflow: exact rules
                    if v is None or abs(v) >= limit:
                        raise Fallback()
                return v if t == 'DOUBLE' else values.float32(v)
            return _generic(col, text)
        return conv_float

    if t == 'VARCHAR':
        limit = col.length

        def conv_varchar(text):
            c = text[0]
            if c == "'" or c == '"':
                body = text[1:-1]
                if '\\' not in body and c + c not in body:
                    data = body.encode('utf-8', 'surrogateescape')
                    if len(data) <= limit:
                        return data
                    raise Fallback()
            return _generic(col, text)
        return conv_varchar

    return lambda text: _generic(col, text)


def _generic(col, text):
    """Any value through values.convert; raises Fallback on every error."""
    kind, val, raw = classify(text)
    if values.is_null(col.type, kind, val):
        return None
    if not val and col.type in values.NUMERIC:
        raise Fallback()
    try:
        return values.convert(col, kind, val, raw)
    except Exception:
        raise Fallback() from None
