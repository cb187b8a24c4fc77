"""Well-known text (POINT, LINESTRING, POLYGON and their MULTI forms) to little-endian
well-known binary, which is how TDengine stores a GEOMETRY value, and back to the text
information_schema.ins_tags shows ("POINT (1.000000 2.000000)")."""

import re
import struct

_TOKEN_RE = re.compile(r'\s*(?:([A-Za-z]+)|([-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?)|([(),]))')
_TYPES = {'POINT': 1, 'LINESTRING': 2, 'POLYGON': 3, 'MULTIPOINT': 4, 'MULTILINESTRING': 5, 'MULTIPOLYGON': 6}


class _Reader:
    def __init__(self, text):
        self.items = []
        pos = 0
        text = text.rstrip()
        while pos < len(text):
            m = _TOKEN_RE.match(text, pos)
            if not m:
                raise ValueError('bad WKT')
            self.items.append(m.group(1) or m.group(2) or m.group(3))
            pos = m.end()
        self.i = 0

    def next(self):
        """The next WKT token; raises ValueError at the end."""
        if self.i >= len(self.items):
            raise ValueError('bad WKT')
        self.i += 1
        return self.items[self.i - 1]

    def expect(self, item):
        """Consumes `item`; raises ValueError otherwise."""
        if self.next() != item:
            raise ValueError('bad WKT')

    def number(self):
        """The next token as a float; raises ValueError."""
        return float(self.next())


def _coords(r):
    """'(' x y, x y ... ')' -> list of (x, y)."""
    r.expect('(')
    pts = []
    while True:
        pts.append((r.number(), r.number()))
        sep = r.next()
        if sep == ')':
            return pts
        if sep != ',':
            raise ValueError('bad WKT')


def _list_of(r, item):
    """'(' item, ... ')'."""
    r.expect('(')
    out = []
    while True:
        out.append(item(r))
        sep = r.next()
        if sep == ')':
            return out
        if sep != ',':
            raise ValueError('bad WKT')


def _line(r):
    """Points of a line string (at least two)."""
    pts = _coords(r)
    if len(pts) < 2:
        raise ValueError('a line needs two points')
    return pts


def _ring(r):
    """Points of a closed polygon ring."""
    pts = _coords(r)
    if len(pts) < 4 or pts[0] != pts[-1]:
        raise ValueError('a ring must be closed')
    return pts


def _point(r):
    """The one coordinate pair of a point."""
    pts = _coords(r)
    if len(pts) != 1:
        raise ValueError('bad point')
    return pts[0]


def _pack_points(pts):
    """WKB point count and coordinates."""
    return struct.pack('<I', len(pts)) + b''.join(struct.pack('<dd', x, y) for x, y in pts)


def _encode(kind, body):
    """WKB bytes of a parsed geometry."""
    head = b'\x01' + struct.pack('<I', _TYPES[kind])
    if kind == 'POINT':
        return head + struct.pack('<dd', *body)
    if kind == 'LINESTRING':
        return head + _pack_points(body)
    if kind == 'POLYGON':
        return head + struct.pack('<I', len(body)) + b''.join(_pack_points(ring) for ring in body)
    child = {'MULTIPOINT': 'POINT', 'MULTILINESTRING': 'LINESTRING', 'MULTIPOLYGON': 'POLYGON'}[kind]
    return head + struct.pack('<I', len(body)) + b''.join(_encode(child, part) for part in body)


_PARSERS = {
    'POINT': _point, 'LINESTRING': _line, 'POLYGON': lambda r: _list_of(r, _ring),
    'MULTIPOINT': lambda r: _list_of(r, _point), 'MULTILINESTRING': lambda r: _list_of(r, _line),
    'MULTIPOLYGON': lambda r: _list_of(r, lambda rr: _list_of(rr, _ring)),
}


def wkt_to_wkb(text):
    """Returns the WKB bytes of a WKT text, or None when the text is not valid WKT."""
    try:
        r = _Reader(text)
        kind = r.next().upper()
        if kind not in _PARSERS:
            return None
        body = _PARSERS[kind](r)
        if r.i != len(r.items):
            return None
        return _encode(kind, body)
    except (ValueError, IndexError):
        return None


class _WkbReader:
    """Reads little-endian WKB as _encode writes it."""

    def __init__(self, data):
        self.data = data
        self.i = 0

    def unpack(self, fmt):
        values = struct.unpack_from(fmt, self.data, self.i)
        self.i += struct.calcsize(fmt)
        return values

    def points(self):
        """'x y, x y' of a point count and its coordinates."""
        n, = self.unpack('<I')
        return ', '.join('%f %f' % self.unpack('<dd') for _ in range(n))

    def geometry(self):
        """(kind, body text in parentheses) of the geometry that starts here."""
        self.unpack('<B')
        code, = self.unpack('<I')
        kind = next(k for k, c in _TYPES.items() if c == code)
        if kind == 'POINT':
            return kind, '(%f %f)' % self.unpack('<dd')
        if kind == 'LINESTRING':
            return kind, '(%s)' % self.points()
        n, = self.unpack('<I')
        if kind == 'POLYGON':
            return kind, '(%s)' % ', '.join('(%s)' % self.points() for _ in range(n))
        parts = [self.geometry()[1] for _ in range(n)]
        if kind == 'MULTIPOINT':  # a point's parentheses are left out
            parts = [p[1:-1] for p in parts]
        return kind, '(%s)' % ', '.join(parts)


def wkb_to_wkt(data):
    """The WKT text TDengine shows for the WKB bytes _encode wrote."""
    kind, body = _WkbReader(data).geometry()
    return '%s %s' % (kind, body)
