"""Timestamps in a database precision ('ms', 'us', 'ns'): parsing date strings and
durations the way the TDengine client does (zone-less strings are UTC), `now`/`today`,
the largest valid key per precision, and RFC 3339 output."""

import datetime
import re
import time

TICKS_PER_SECOND = {'ms': 1000, 'us': 1000000, 'ns': 1000000000}
FRACTION_DIGITS = {'ms': 3, 'us': 6, 'ns': 9}
MAX_TICKS = {'ms': 31556995200000, 'us': 31556995200000000, 'ns': 9214646400000000000}
INT64_MIN, INT64_MAX = -2 ** 63, 2 ** 63 - 1

_EPOCH_ORDINAL = datetime.date(1970, 1, 1).toordinal()
_DATE_RE = re.compile(
    r'[ \t]*([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})'
    r'(?:[T ]([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2})(?:\.([0-9]+))?)?'
    r'[ \t]*(?:([zZ])|([+-])([0-9]{2})(?::?([0-9]{2}))?)?\Z')
_DURATION_RE = re.compile(r'([0-9]+)([a-z])\Z')
# Duration units in nanoseconds; months ('n') and years ('y') are not absolute durations.
_UNIT_NS = {'b': 1, 'u': 1000, 'a': 1000000, 's': 10 ** 9, 'm': 60 * 10 ** 9,
            'h': 3600 * 10 ** 9, 'd': 86400 * 10 ** 9, 'w': 7 * 86400 * 10 ** 9}


def ns_to_ticks(ns, prec):
    """Nanoseconds since the epoch in ticks of `prec` (rounded down)."""
    return ns // (10 ** 9 // TICKS_PER_SECOND[prec])


def now_ticks(prec):
    """Current time in ticks of `prec`."""
    return ns_to_ticks(time.time_ns(), prec)


def today_ticks(prec, now):
    """Midnight UTC of the day that contains tick `now`."""
    per_day = 86400 * TICKS_PER_SECOND[prec]
    return now // per_day * per_day


def parse_date(text, prec):
    """Ticks for a date string ('YYYY-MM-DD[( |T)hh:mm:ss[.f]][zone]'), or None if invalid.
    Extra fraction digits are truncated; a missing zone means UTC."""
    m = _DATE_RE.match(text)
    if not m:
        return None
    year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
    hour = int(m.group(4) or 0)
    minute = int(m.group(5) or 0)
    second = int(m.group(6) or 0)
    try:
        days = datetime.date(year, month, day).toordinal() - _EPOCH_ORDINAL
    except ValueError:
        return None
    if hour > 23 or minute > 59 or second > 59:
        return None
    offset = 0
    if m.group(9):
        zh, zm = int(m.group(10)), int(m.group(11) or 0)
        if zh > 23 or zm > 59:
            return None
        offset = (zh * 3600 + zm * 60) * (1 if m.group(9) == '+' else -1)
    digits = FRACTION_DIGITS[prec]
    frac = (m.group(7) or '')[:digits].ljust(digits, '0')
    seconds = days * 86400 + hour * 3600 + minute * 60 + second - offset
    return seconds * TICKS_PER_SECOND[prec] + int(frac)


def parse_duration(text, prec):
    """Ticks for a duration token like '1d' or '500a' (lower case), or None if invalid."""
    m = _DURATION_RE.match(text)
    if not m or m.group(2) not in _UNIT_NS:
        return None
    return ns_to_ticks(int(m.group(1)) * _UNIT_NS[m.group(2)], prec)


def format_ticks(ticks, prec):
    """RFC 3339 UTC text with the precision's fraction digits, e.g. 2025-11-24T16:00:00.000Z."""
    per = TICKS_PER_SECOND[prec]
    seconds, frac = divmod(ticks, per)
    days, rest = divmod(seconds, 86400)
    try:
        d = datetime.date.fromordinal(_EPOCH_ORDINAL + days)
    except (ValueError, OverflowError):
        return str(ticks)
    return '%04d-%02d-%02dT%02d:%02d:%02d.%0*dZ' % (
        d.year, d.month, d.day, rest // 3600, rest // 60 % 60, rest % 60,
        FRACTION_DIGITS[prec], frac)
