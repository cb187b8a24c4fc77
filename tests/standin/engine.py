"""Runs one SQL statement as TDengine would: picks the parser, applies INSERTs vgroup by
vgroup, and hands other statements to their handlers (ddl, metadata, query).

Statements are serialised by one lock and each runs in one SQLite transaction.  INSERT
follows the server's per-vgroup rule: a vgroup holding an out-of-range row (or a
supertable insert that names a table of another supertable) writes nothing, the other
vgroups of the statement are still written, and the statement returns the error.
"""

import threading
import time

import ddl
import errors
import metadata
import query
import timestamps
from catalog import Child
from context import Context
from errors import TdError
from insert_parser import InsertParser
from literals import token_len
from sql_lexer import lower_all, str_get_token
from sql_parser import Parser

HANDLERS = {
    'create_db': ddl.create_db, 'drop_db': ddl.drop_db, 'use': ddl.use,
    'create_stable': ddl.create_stable, 'drop_stable': ddl.drop_stable, 'alter_stable': ddl.alter_stable,
    'create_tables': ddl.create_tables, 'drop_tables': ddl.drop_tables,
    'describe': metadata.describe, 'show_dbs': metadata.show_dbs, 'show_tables': metadata.show_tables,
    'show_create': metadata.show_create,
    'select': lambda ctx, stmt: query.run_select(ctx.catalog, ctx.store, stmt.extra, ctx.default_db),
}
READ_ONLY = frozenset(['use', 'describe', 'show_dbs', 'show_tables', 'show_create', 'select'])


def is_insert_values(low):
    """The client's test for INSERT ... VALUES/USING/FILE (else the statement goes to the general parser)."""
    tok, pos, _ = str_get_token(low, 0)
    if tok.kind not in ('insert', 'import'):
        return False
    while True:
        tok, pos, _ = str_get_token(low, pos)
        if tok.kind in ('using', 'values', 'file'):
            return True
        if tok.kind == 'select' or tok.kind is None or token_len(tok) == 0:
            return False


def _merge(batches):
    """Merges a table's rows of one statement: per timestamp and column the last non-NULL value
    wins (NULL only if no value); returns ([(sqlnames, rows)], distinct timestamp count)."""
    if len(batches) == 1:
        sqlnames, rows = batches[0]
        if len({r[0] for r in rows}) == len(rows):
            return batches, len(rows)
    acc = {}
    for sqlnames, rows in batches:
        for r in rows:
            cur = acc.get(r[0])
            if cur is None:
                cur = acc[r[0]] = {}
            for name, v in zip(sqlnames, r[1:]):
                if v is not None or name not in cur:
                    cur[name] = v
    groups = {}
    for ts, cur in acc.items():
        key = tuple(sorted(cur))
        groups.setdefault(key, []).append((ts,) + tuple(cur[k] for k in key))
    return list(groups.items()), len(acc)


def _vgroup_error(writes, now_ns):
    """The error a vnode returns for these table writes (checked before any is applied), or None."""
    for w in writes:
        prec = w.db.precision
        low = timestamps.ns_to_ticks(now_ns, prec) - w.db.keep[2] * 60 * timestamps.TICKS_PER_SECOND[prec]
        high = timestamps.MAX_TICKS[prec]
        for _, rows in w.batches:
            tss = [r[0] for r in rows]
            if min(tss) < low or max(tss) > high:
                return TdError(errors.TS_OUT_OF_RANGE, 'Timestamp data out of range')
        if w.create_tags is not None:
            existing = w.db.children.get(w.name)
            if w.name in w.db.stables or (existing is not None and existing.stable is not w.stable):
                return TdError(errors.TABLE_IN_OTHER_STABLE, 'Table already exists in other stables')
    return None


class Engine:
    """Executes statements against a Store; thread-safe (one statement at a time)."""

    def __init__(self, store):
        self.store = store
        self.catalog = store.load()
        self.lock = threading.Lock()

    def reset(self):
        """Drops every database and row."""
        with self.lock:
            self.store.begin()
            self.store.reset()
            self.store.commit()
            self.catalog = self.store.load()

    def execute(self, body, default_db):
        """Runs the first statement of `body` (bytes) with `default_db` for unqualified names.
        Returns an int (affected rows) or a query.QueryResult; raises TdError.  A partly
        applied INSERT is committed before its error is raised."""
        # No length limit: taosAdapter 3.3.7.8 ran a 100 MB INSERT (the native client's 1 MB
        # maxSQLLength does not apply to REST).
        body = body.split(b'\0', 1)[0]
        orig = body.decode('utf-8', 'surrogateescape')
        with self.lock:
            ctx = Context(self.catalog, self.store, default_db, orig, lower_all(orig), time.time_ns())
            self.store.begin()
            try:
                result, deferred = self._run(ctx)
                self.store.commit()
            except BaseException:
                self.store.rollback()
                if ctx.changing:
                    self.catalog = self.store.load()      # undo in-memory catalog changes
                raise
        if deferred is not None:
            raise deferred
        return result

    def _run(self, ctx):
        """(result, error to raise after commit or None)."""
        if is_insert_values(ctx.low):
            writes = InsertParser(ctx.catalog, ctx.orig, ctx.low, ctx.default_db, ctx.now_ns).parse()
            ctx.changing = True
            return self._insert(writes, ctx.now_ns)
        stmt = Parser(ctx.orig, ctx.low).parse()
        ctx.changing = stmt.kind not in READ_ONLY
        return HANDLERS[stmt.kind](ctx, stmt), None

    def _insert(self, writes, now_ns):
        """Applies the writes of every vgroup without an error: (affected rows, first error or None)."""
        groups = {}
        for w in writes:
            groups.setdefault((w.db.name, w.vgroup), []).append(w)
        failure = None
        affected = 0
        for key in sorted(groups):
            err = _vgroup_error(groups[key], now_ns)
            if err is not None:
                failure = failure or err
                continue
            for w in groups[key]:
                affected += self._write_table(w)
        return affected, failure

    def _write_table(self, w):
        """Creates the table if needed and upserts its merged rows; returns the row count."""
        if w.create_tags is not None and w.name not in w.db.children:
            child = Child(w.db.name, w.name, w.stable, dict(w.create_tags), w.vgroup)
            w.db.children[w.name] = child
            self.store.put_child(child)
        merged, count = _merge(w.batches)
        for sqlnames, rows in merged:
            self.store.upsert(w.stable, w.name, sqlnames, rows)
        return count
