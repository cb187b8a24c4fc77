"""In-memory catalog: databases, supertables and their child tables, and the vgroup
each child table belongs to.

Vgroup rule (so tests can predict partial writes): every database has 2 vgroups and a
table's vgroup is the first byte of MD5(UTF-8 table name) modulo 2; `vgroup_of()` computes
it (d1 -> 1, d2 -> 0).  information_schema.ins_tables shows it as vgroup_id 2 + vgroup.
"""

import hashlib
from dataclasses import dataclass, field

from coltypes import Column

VGROUPS = 2
SYSTEM_DBS = ('information_schema', 'performance_schema')


def vgroup_of(table_name):
    """The vgroup (0 or 1) of a table name."""
    return hashlib.md5(table_name.encode('utf-8', 'surrogateescape')).digest()[0] % VGROUPS


@dataclass
class Stable:
    """A supertable: columns (first is the timestamp) then tags; rows live in SQLite table rows_<sid>."""
    sid: int
    db: str
    name: str
    columns: list
    tags: list
    next_no: int

    def find(self, name, in_tags=False):
        """The column (or tag) called exactly `name`, or None."""
        for col in (self.tags if in_tags else self.columns):
            if col.name == name:
                return col
        return None

    def new_sqlname(self):
        """A fresh SQLite column name for a new column or tag."""
        self.next_no += 1
        return 'c%d' % self.next_no

    def to_json(self):
        """The schema as a JSON-ready dict."""
        return {'columns': [c.to_json() for c in self.columns],
                'tags': [c.to_json() for c in self.tags], 'next_no': self.next_no}

    @staticmethod
    def from_json(sid, db, name, data):
        """Inverse of to_json."""
        return Stable(sid, db, name, [Column.from_json(c) for c in data['columns']],
                      [Column.from_json(c) for c in data['tags']], data['next_no'])


@dataclass
class Child:
    """A child table: its supertable and tag values (keyed by the tag's sqlname)."""
    db: str
    name: str
    stable: Stable
    tags: dict
    vgroup: int


@dataclass
class Database:
    """A database: precision ('ms', 'us', 'ns') and KEEP as three durations in minutes."""
    name: str
    precision: str
    keep: tuple
    stables: dict = field(default_factory=dict)
    children: dict = field(default_factory=dict)

    def keep_text(self):
        """KEEP as SHOW/ins_databases print it, e.g. '3650d,3650d,3650d'."""
        return ','.join('%dd' % (k // 1440) if k % 1440 == 0 else '%dm' % k for k in self.keep)


class Catalog:
    """All databases by name (case-sensitive)."""

    def __init__(self):
        self.dbs = {}
        self.next_sid = 1

    def db(self, name):
        """The database called `name`, or None."""
        return self.dbs.get(name)
