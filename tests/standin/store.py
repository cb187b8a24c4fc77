"""SQLite persistence: the catalog (meta_* tables) and the rows of each supertable
(table rows_<sid>, primary key (tb, ts), one SQLite column per TDengine column).

Every statement runs in one SQLite transaction; WAL mode keeps committed statements
across a kill -9.  Values are stored as the Python values of values.py; BIGINT
UNSIGNED above 2^63-1 is stored wrapped to a negative int64.
"""

import json
import sqlite3

from catalog import Catalog, Database, Stable, Child, vgroup_of

_WRAP = 2 ** 64
_INT64_MAX = 2 ** 63 - 1

_META = """
CREATE TABLE IF NOT EXISTS meta_db (name TEXT PRIMARY KEY, precision TEXT NOT NULL, keep TEXT NOT NULL,
                                    seq INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS meta_stable (sid INTEGER PRIMARY KEY, db TEXT NOT NULL, name TEXT NOT NULL,
                                        schema TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS meta_child (db TEXT NOT NULL, name TEXT NOT NULL, sid INTEGER NOT NULL,
                                       tags TEXT NOT NULL, PRIMARY KEY (db, name)) WITHOUT ROWID;
"""


def _encode_tag(v):
    """A tag value as JSON (bytes become {"hex": ...})."""
    return {'hex': v.hex()} if isinstance(v, bytes) else v


def _decode_tag(v):
    """Inverse of _encode_tag."""
    return bytes.fromhex(v['hex']) if isinstance(v, dict) else v


def _unsigned_cols(stable, sqlnames):
    """Positions (in sqlnames) of BIGINT UNSIGNED columns."""
    types = {c.sqlname: c.type for c in stable.columns}
    return [i for i, n in enumerate(sqlnames) if types.get(n) == 'BIGINT UNSIGNED']


class Store:
    """One SQLite file; not thread-safe (the engine serialises all calls)."""

    def __init__(self, path):
        self.conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self.conn.execute('PRAGMA journal_mode=WAL')
        self.conn.execute('PRAGMA synchronous=NORMAL')
        self.conn.executescript(_META)

    # -- transactions -------------------------------------------------------------
    def begin(self):
        """Starts the statement transaction."""
        self.conn.execute('BEGIN')

    def commit(self):
        """Commits the statement transaction."""
        self.conn.execute('COMMIT')

    def rollback(self):
        """Rolls back the statement transaction, if one is open."""
        if self.conn.in_transaction:
            self.conn.execute('ROLLBACK')

    # -- catalog --------------------------------------------------------------------
    def load(self):
        """Returns the Catalog stored in the file."""
        cat = Catalog()
        for name, prec, keep, _ in self.conn.execute('SELECT * FROM meta_db ORDER BY seq'):
            cat.dbs[name] = Database(name, prec, tuple(json.loads(keep)))
        by_sid = {}
        for sid, db, name, schema in self.conn.execute('SELECT * FROM meta_stable ORDER BY sid'):
            st = Stable.from_json(sid, db, name, json.loads(schema))
            cat.dbs[db].stables[name] = st
            by_sid[sid] = st
            cat.next_sid = max(cat.next_sid, sid + 1)
        for db, name, sid, tags in self.conn.execute('SELECT * FROM meta_child'):
            raw = json.loads(tags)
            cat.dbs[db].children[name] = Child(db, name, by_sid[sid],
                                               {k: _decode_tag(v) for k, v in raw.items()}, vgroup_of(name))
        return cat

    def put_db(self, db):
        """Stores a new database."""
        seq = self.conn.execute('SELECT COALESCE(MAX(seq), 0) + 1 FROM meta_db').fetchone()[0]
        self.conn.execute('INSERT INTO meta_db VALUES (?, ?, ?, ?)', (db.name, db.precision, json.dumps(db.keep), seq))

    def drop_db(self, db):
        """Deletes a database with its supertables, tables and rows."""
        for st in db.stables.values():
            self.drop_stable(st)
        self.conn.execute('DELETE FROM meta_db WHERE name = ?', (db.name,))

    def put_stable(self, st, create_rows=False):
        """Stores the stable's schema (insert or replace); create_rows also creates its rows table."""
        self.conn.execute('INSERT OR REPLACE INTO meta_stable VALUES (?, ?, ?, ?)',
                          (st.sid, st.db, st.name, json.dumps(st.to_json())))
        if create_rows:
            cols = ''.join(', %s' % c.sqlname for c in st.columns[1:])
            self.conn.execute('CREATE TABLE rows_%d (tb TEXT NOT NULL, ts INTEGER NOT NULL%s, '
                              'PRIMARY KEY (tb, ts)) WITHOUT ROWID' % (st.sid, cols))

    def add_rows_column(self, st, col):
        """Adds the SQLite column of a new TDengine column."""
        self.conn.execute('ALTER TABLE rows_%d ADD COLUMN %s' % (st.sid, col.sqlname))

    def drop_stable(self, st):
        """Deletes a supertable with its child tables and rows."""
        self.conn.execute('DROP TABLE IF EXISTS rows_%d' % st.sid)
        self.conn.execute('DELETE FROM meta_stable WHERE sid = ?', (st.sid,))
        self.conn.execute('DELETE FROM meta_child WHERE sid = ?', (st.sid,))

    def put_child(self, child):
        """Stores a new child table with its tags."""
        tags = json.dumps({k: _encode_tag(v) for k, v in child.tags.items()})
        self.conn.execute('INSERT INTO meta_child VALUES (?, ?, ?, ?)', (child.db, child.name, child.stable.sid, tags))

    def drop_child(self, child):
        """Deletes a child table and its rows."""
        self.conn.execute('DELETE FROM meta_child WHERE db = ? AND name = ?', (child.db, child.name))
        self.conn.execute('DELETE FROM rows_%d WHERE tb = ?' % child.stable.sid, (child.name,))

    # -- rows -------------------------------------------------------------------------
    def upsert(self, st, table, sqlnames, rows):
        """Writes rows [(ts, v1, ...)] of child `table`; only `sqlnames` (v1...) are set on existing rows."""
        wrap = _unsigned_cols(st, sqlnames)
        if wrap:
            rows = [tuple(v - _WRAP if i - 1 in wrap and v is not None and v > _INT64_MAX else v
                          for i, v in enumerate(r)) for r in rows]
        names = ''.join(', ' + n for n in sqlnames)
        marks = ', ?' * len(sqlnames)
        if sqlnames:
            conflict = 'DO UPDATE SET ' + ', '.join('%s = excluded.%s' % (n, n) for n in sqlnames)
        else:
            conflict = 'DO NOTHING'
        sql = 'INSERT INTO rows_%d (tb, ts%s) VALUES (?, ?%s) ON CONFLICT (tb, ts) %s' % (st.sid, names, marks, conflict)
        self.conn.executemany(sql, [(table,) + r for r in rows])

    def count(self, st, tables=None):
        """Number of rows of the stable, or of the given child tables."""
        if tables is None:
            return self.conn.execute('SELECT COUNT(*) FROM rows_%d' % st.sid).fetchone()[0]
        total = 0
        for t in tables:
            total += self.conn.execute('SELECT COUNT(*) FROM rows_%d WHERE tb = ?' % st.sid, (t,)).fetchone()[0]
        return total

    def rows(self, st, tables=None):
        """Rows as lists [tb, ts, col1, ...] (columns in schema order), ordered by (tb, ts)."""
        cols = ''.join(', ' + c.sqlname for c in st.columns[1:])
        sql = 'SELECT tb, ts%s FROM rows_%d' % (cols, st.sid)
        if tables is None:
            cur = self.conn.execute(sql + ' ORDER BY tb, ts')
        else:
            marks = ', '.join('?' * len(tables))
            cur = self.conn.execute(sql + ' WHERE tb IN (%s) ORDER BY tb, ts' % marks, list(tables))
        wrap = [i + 2 for i, c in enumerate(st.columns[1:]) if c.type == 'BIGINT UNSIGNED']
        for row in cur:
            row = list(row)
            for i in wrap:
                if row[i] is not None and row[i] < 0:
                    row[i] += _WRAP
            yield row

    def reset(self):
        """Drops every database, table and row."""
        for (sid,) in self.conn.execute('SELECT sid FROM meta_stable').fetchall():
            self.conn.execute('DROP TABLE IF EXISTS rows_%d' % sid)
        self.conn.execute('DELETE FROM meta_child')
        self.conn.execute('DELETE FROM meta_stable')
        self.conn.execute('DELETE FROM meta_db')
