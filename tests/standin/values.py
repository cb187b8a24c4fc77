"""Converts one SQL literal into a column or tag value with the TDengine client's rules
(integer parsing and rounding, overflow, bool, float, string lengths in bytes or code
points, VARBINARY, GEOMETRY, JSON tags).  Timestamps are parsed by the insert parser.

A literal is (kind, text): kind is the token kind from sql_lexer; text is the
unescaped content for STRING and the token text otherwise.  Python value types:
int (integers, unsigned too), bool, float (FLOAT already rounded to 32 bits),
bytes (VARCHAR, VARBINARY, GEOMETRY), str (NCHAR, JSON text).
"""

import json
import math
import re
import struct

import errors
import geometry
from coltypes import SIGNED_RANGE, UNSIGNED_MAX, NUMERIC
from sql_lexer import INTEGER, FLOAT, HEX, BIN, STRING, BOOL, unescape

FLT_MAX = 3.4028234663852886e+38
DBL_MIN = 2.2250738585072014e-308
INT64_MIN, INT64_MAX = -2 ** 63, 2 ** 63 - 1
NCHAR_BAD = 'Unknown error -2130771884'     # strerror() of TAOS_SYSTEM_ERROR(EILSEQ)
STR_TYPES = ('VARCHAR', 'NCHAR', 'VARBINARY')

_STRTOLL_RE = re.compile(r'[ \t\n\v\f\r]*[+-]?[0-9]+')
_STRTOD_RE = re.compile(
    r'[ \t\n\v\f\r]*[+-]?(?:(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|inf(?:inity)?|nan)', re.I)
_PREFIXED_RE = re.compile(r'([+-]?)0([xXbB])([0-9a-fA-F]+)\Z')
_ZERO_RE = re.compile(r'0*(?:\.0*)?\Z')
_FRACTION_RE = re.compile(r'\.[0-9]*\Z')


class BadValue(Exception):
    """A value the client rejects with "syntax error near '<near>' (<reason>)"."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


def is_null(col_type, kind, text):
    """True for NULL, and for the string 'null' (any case) into a non-string type."""
    if kind == 'null':
        return True
    return kind == STRING and col_type not in STR_TYPES and len(text) == 4 and text.lower() == 'null'


def strtod(text):
    """C strtod over the whole text: the float, or None if it does not parse fully or is out of range."""
    m = _STRTOD_RE.match(text)
    if not m or m.end() != len(text):
        return None
    v = float(m.group(0).strip())
    if math.isinf(v) and 'inf' not in text.lower():
        return None                      # overflow sets ERANGE
    if (v == 0.0 and re.search(r'[1-9]', m.group(0).lower().split('e')[0])) or 0 < abs(v) < DBL_MIN:
        return None                      # underflow sets ERANGE
    return v


def c_round(v):
    """C round(): halves go away from zero."""
    a = abs(v)
    f = math.floor(a)
    r = f + 1 if a - f >= 0.5 else f
    return -r if v < 0 else r


def _prefixed_int(text):
    """Value of '0x..' / '0b..' text (optional sign), or None."""
    m = _PREFIXED_RE.match(text)
    if not m:
        return None
    try:
        v = int(m.group(3), 16 if m.group(2) in 'xX' else 2)
    except ValueError:
        return None
    return -v if m.group(1) == '-' else v


def to_integer(kind, text, low=INT64_MIN, high=INT64_MAX):
    """Emulates toIntegerEx/toUIntegerEx: the integer value of a literal, or None if it is not one.
    [low, high] is the parse range (int64 or uint64); the caller checks the column's range."""
    if kind == INTEGER:
        v = int(text)
        return v if low <= v <= high else None
    if kind == FLOAT:
        d = strtod(text)
        if d is None or math.isnan(d) or math.isinf(d):
            return None
        r = c_round(d)
        return int(r) if low <= r <= high else None
    if kind in (HEX, BIN):
        v = _prefixed_int(text)
        return v if v is not None and low <= v <= high else None
    if not text:
        return None
    m = _STRTOLL_RE.match(text)
    if m:
        v = int(m.group(0))
        if m.end() == len(text):
            return v if low <= v <= high else None
        frac = text[m.end():]
        if low <= v <= high and _FRACTION_RE.match(frac):
            if len(frac) > 1 and frac[1] > '4':
                v = v - 1 if m.group(0).lstrip().startswith('-') else v + 1
            return v if low <= v <= high else None
    v = _prefixed_int(text)
    if v is not None:
        return v if low <= v <= high else None
    d = strtod(text)
    if d is None or math.isnan(d) or math.isinf(d):
        return None
    r = c_round(d)
    return int(r) if low <= r <= high else None


def _unsigned(kind, text):
    """toUIntegerEx: negatives other than -0 are invalid."""
    stripped = text.lstrip(' ')
    if stripped.startswith('-'):
        return 0 if _ZERO_RE.match(stripped[1:]) and len(stripped) > 1 else None
    return to_integer(kind, text, 0, 2 ** 64 - 1)


def to_double(kind, text):
    """Emulates toDoubleEx: the float value of a literal, or None."""
    if not text:
        return None
    if kind in (HEX, BIN):
        v = _prefixed_int(text)
        return None if v is None else float(v)
    return strtod(text)


def _bool(kind, text):
    """BOOL value of a literal; raises BadValue."""
    if kind in (BOOL, STRING) and text:
        low = text.lower()
        if low == 'true':
            return True
        if low == 'false':
            return False
        d = to_double(kind, text)
        if d is not None:
            return d != 0
        raise BadValue('invalid bool data')
    if kind == INTEGER:
        return int(text) != 0
    if kind == FLOAT:
        return float(text) != 0
    if kind in (HEX, BIN):
        d = to_double(kind, text)
        if d is not None:
            return d != 0
    raise BadValue('invalid bool data')


def float32(v):
    """v rounded to the nearest 32-bit float."""
    return struct.unpack('<f', struct.pack('<f', v))[0]


def _number(col, kind, text):
    """Integer or float value for a numeric column; raises BadValue."""
    t = col.type
    if t in SIGNED_RANGE:
        name = t.lower()
        v = to_integer(kind, text)
        if v is None:
            raise BadValue('invalid %s data' % name)
        lo, hi = SIGNED_RANGE[t]
        if not lo <= v <= hi:
            raise BadValue('%s data overflow' % name)
        return v
    if t in UNSIGNED_MAX:
        name = 'unsigned ' + t.split()[0].lower()
        v = _unsigned(kind, text)
        if v is None:
            raise BadValue('invalid %s data' % name)
        if v > UNSIGNED_MAX[t]:
            raise BadValue('%s data overflow' % name)
        return v
    d = to_double(kind, text)
    if t == 'FLOAT':
        if d is None or math.isnan(d) or math.isinf(d) or abs(d) > FLT_MAX:
            raise BadValue('illegal float data')
        return float32(d)
    if d is None:
        raise BadValue('illegal float data')
    if math.isnan(d) or math.isinf(d):
        raise BadValue('illegal double data')
    return d


def _varbinary(col, kind, raw):
    """raw is the literal with its quotes."""
    if kind != STRING:
        raise errors.TdError(errors.PAR_INVALID_VARBINARY, 'Invalid varbinary value: %s' % col.name)
    body = raw[1:-1]
    if len(body) > 1 and body[0] == '\\' and body[1] in 'xX':
        hexpart = body[2:]
        if len(body) % 2 or not all(c in '0123456789abcdefABCDEF' for c in hexpart):
            raise errors.TdError(errors.PAR_INVALID_VARBINARY, 'Invalid varbinary value: %s' % col.name)
        data = bytes.fromhex(hexpart)
    else:
        data = unescape(raw).encode('utf-8', 'surrogateescape')
    if len(data) > col.length:
        raise errors.value_too_long(col.name)
    return data


def _nchar(col, text, is_tag):
    """NCHAR value (code points counted); raises BadValue or 9811."""
    try:
        text.encode('utf-8')
    except UnicodeEncodeError:
        if is_tag:
            raise BadValue(' taosMbsToUcs4 error:%s 84 84' % NCHAR_BAD) from None
        raise BadValue(NCHAR_BAD) from None
    if len(text) > col.length:
        raise errors.value_too_long(col.name)
    return text


def convert(col, kind, text, raw=None, is_tag=False):
    """Value of literal (kind, text) for column/tag `col`; None means NULL.
    Raises BadValue (shown with the literal) or TdError.  `raw` is the literal as written
    (quotes included), needed for VARBINARY.  Not for TIMESTAMP or JSON."""
    t = col.type
    if is_null(t, kind, text):
        return None
    if t in NUMERIC:
        if not text and not is_tag:
            raise BadValue('invalid numeric data')
        if t == 'BOOL':
            return _bool(kind, text)
        return _number(col, kind, text)
    if t == 'VARCHAR':
        data = text.encode('utf-8', 'surrogateescape')
        if len(data) > col.length:
            raise errors.value_too_long(col.name)
        return data
    if t == 'NCHAR':
        return _nchar(col, text, is_tag)
    if t == 'VARBINARY':
        return _varbinary(col, kind, raw if raw is not None else "'%s'" % text)
    if t == 'GEOMETRY':
        wkb = geometry.wkt_to_wkb(text) if kind == STRING else None
        if wkb is None:
            raise BadValue('Invalid function para value')
        if len(wkb) > col.length:
            raise errors.value_too_long(col.name)
        return wkb
    raise errors.TdError(errors.INTERNAL, 'internal stand-in error: no conversion for %s' % t)


def json_tag(kind, text):
    """Value of a JSON tag literal: canonical JSON object text (keys sorted), or None (reads back
    as NULL)."""
    if kind == 'null' or text.strip() == '' or text.lower() == 'null':
        return None
    if len(text.encode('utf-8', 'surrogateescape')) > 4095:
        raise BadValue('json string too long than 4095')

    def no_constants(name):
        raise ValueError(name)

    try:
        obj, _ = json.JSONDecoder(parse_constant=no_constants,
                                  object_pairs_hook=_JsonObject).raw_decode(text.lstrip())
    except ValueError:
        raise BadValue('json parse error') from None
    if not isinstance(obj, _JsonObject):
        raise BadValue('json error invalide value')
    out = {}
    for key, val in obj:
        if any(not 0x20 <= ord(c) <= 0x7e for c in key) or len(key) > 256:
            raise errors.TdError(errors.INVALID_JSON, 'Invalid JSON format')
        if key == '' or key in out:
            continue
        if isinstance(val, list):
            raise BadValue('invalidate json value')
        out[key] = val
    if not out:
        return None
    # TDengine 3.3.7.5 keeps the keys sorted (ins_tags shows {"a":2,"b":1} for '{"b":1,"a":2}')
    return json.dumps(out, ensure_ascii=False, separators=(',', ':'), sort_keys=True)


class _JsonObject(list):
    """A parsed JSON object kept as its (key, value) pairs, in order."""
