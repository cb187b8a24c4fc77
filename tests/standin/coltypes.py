"""Column types of TDengine: names, byte sizes, declared-length limits and DESCRIBE defaults."""

from dataclasses import dataclass

FIXED_BYTES = {
    'TIMESTAMP': 8, 'BOOL': 1, 'TINYINT': 1, 'SMALLINT': 2, 'INT': 4, 'BIGINT': 8,
    'TINYINT UNSIGNED': 1, 'SMALLINT UNSIGNED': 2, 'INT UNSIGNED': 4, 'BIGINT UNSIGNED': 8,
    'FLOAT': 4, 'DOUBLE': 8,
}
VAR_TYPES = ('VARCHAR', 'NCHAR', 'VARBINARY', 'GEOMETRY')
JSON_LENGTH = 4095

SIGNED_RANGE = {
    'TINYINT': (-128, 127), 'SMALLINT': (-32768, 32767),
    'INT': (-2147483648, 2147483647), 'BIGINT': (-2 ** 63, 2 ** 63 - 1),
}
UNSIGNED_MAX = {
    'TINYINT UNSIGNED': 255, 'SMALLINT UNSIGNED': 65535,
    'INT UNSIGNED': 4294967295, 'BIGINT UNSIGNED': 2 ** 64 - 1,
}
NUMERIC = frozenset(SIGNED_RANGE) | frozenset(UNSIGNED_MAX) | {'BOOL', 'FLOAT', 'DOUBLE'}

MAX_COLUMN_BYTES = 65517      # one VARCHAR/VARBINARY/GEOMETRY column, and NCHAR n*4
MAX_TAG_BYTES = 16382         # one variable-length tag
MAX_ROW_BYTES = 65531
MAX_TAGS_BYTES = 16384
MAX_COLUMNS = 4096
MAX_TAGS = 128

_COMPRESSION = {
    'TIMESTAMP': ('delta-i', 'lz4', 'medium'),
    'BOOL': ('bit-packing', 'zstd', 'medium'),
    'TINYINT': ('simple8b', 'zlib', 'medium'), 'SMALLINT': ('simple8b', 'zlib', 'medium'),
    'TINYINT UNSIGNED': ('simple8b', 'zlib', 'medium'), 'SMALLINT UNSIGNED': ('simple8b', 'zlib', 'medium'),
    'INT': ('simple8b', 'lz4', 'medium'), 'BIGINT': ('simple8b', 'lz4', 'medium'),
    'INT UNSIGNED': ('simple8b', 'lz4', 'medium'), 'BIGINT UNSIGNED': ('simple8b', 'lz4', 'medium'),
    'FLOAT': ('delta-d', 'lz4', 'medium'), 'DOUBLE': ('delta-d', 'lz4', 'medium'),
    'VARCHAR': ('disabled', 'zstd', 'medium'), 'NCHAR': ('disabled', 'zstd', 'medium'),
    'VARBINARY': ('disabled', 'zstd', 'medium'), 'GEOMETRY': ('disabled', 'lz4', 'medium'),
}
_TAG_COMPRESSION = ('disabled', 'disabled', 'disabled')


@dataclass
class Column:
    """One column or tag of a supertable.  `length` is the declared n of a variable-length
    type and the fixed byte size otherwise; `sqlname` names its SQLite column."""
    name: str
    type: str
    length: int
    sqlname: str
    is_tag: bool = False

    def to_json(self):
        """The column as a JSON-ready list."""
        return [self.name, self.type, self.length, self.sqlname, self.is_tag]

    @staticmethod
    def from_json(item):
        """Inverse of to_json."""
        return Column(item[0], item[1], item[2], item[3], item[4])

    def storage_bytes(self):
        """Bytes the value takes in a row or tag set (variable types carry a 2-byte header)."""
        if self.type == 'NCHAR':
            return self.length * 4 + 2
        if self.type in VAR_TYPES:
            return self.length + 2
        if self.type == 'JSON':
            return JSON_LENGTH
        return FIXED_BYTES[self.type]

    def describe_row(self):
        """The 7 DESCRIBE fields: field, type, length, note, encode, compress, level."""
        if self.is_tag:
            extra = _TAG_COMPRESSION
        else:
            extra = _COMPRESSION[self.type]
        return [self.name, self.type, self.length, 'TAG' if self.is_tag else ''] + list(extra)

    def sql_type(self):
        """Type as written in SHOW CREATE output, e.g. VARCHAR(8)."""
        if self.type in VAR_TYPES:
            return '%s(%d)' % (self.type, self.length)
        return self.type


def length_ok(type_name, n, is_tag):
    """True when n is a legal declared length for a variable-length column or tag."""
    limit = MAX_TAG_BYTES if is_tag else MAX_COLUMN_BYTES
    if type_name == 'NCHAR':
        return 1 <= n and n * 4 <= limit
    return 1 <= n <= limit
