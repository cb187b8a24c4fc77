"""Runs one SQL statement against the catalog and the SQLite store, as TDengine would.

Statements are serialised by one lock and each runs in one SQLite transaction.  INSERT
follows the server's per-vgroup rule: a vgroup holding an out-of-range row (or a
supertable insert that names a table of another supertable) writes nothing, the other
vgroups of the statement are still written, and the statement returns the error.
"""

import re
import threading
import time

import errors
import query
import timestamps
from catalog import Child, Database, Stable, SYSTEM_DBS, vgroup_of
from coltypes import (Column, FIXED_BYTES, JSON_LENGTH, MAX_COLUMNS, MAX_ROW_BYTES, MAX_TAGS, MAX_TAGS_BYTES,
                      VAR_TYPES, length_ok)
from errors import TdError
from insert_parser import InsertParser, MAX_TABLE_NAME
from literals import LiteralReader, token_len
from sql_lexer import lower_all, str_get_token, tget, unescape, rest_of, STRING, INTEGER, VARIABLE, LP, RP, COMMA, SPACE
from sql_parser import Parser

MAX_SQL_BYTES = 1048576
DEFAULT_KEEP_MINUTES = 3650 * 1440
KEEP_UNITS = {'d': 1440, 'h': 60, 'm': 1}
MAX_NAME = 64
DESCRIBE_FIELDS = [['field', 'VARCHAR', 325], ['type', 'VARCHAR', 20], ['length', 'INT', 4], ['note', 'VARCHAR', 16],
                   ['encode', 'VARCHAR', 12], ['compress', 'VARCHAR', 12], ['level', 'VARCHAR', 12]]


def _nbytes(text):
    return len(text.encode('utf-8', 'surrogateescape'))


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


def like_regex(pattern):
    """SQL LIKE pattern ('%', '_', backslash escapes) as a case-insensitive regex."""
    out = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == '\\' and i + 1 < len(pattern):
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        out.append('.*' if ch == '%' else '.' if ch == '_' else re.escape(ch))
        i += 1
    return re.compile(''.join(out), re.I | re.S)


def _check_name(name, limit):
    if not name or _nbytes(name) > limit:
        raise TdError(errors.PAR_INVALID_IDENTIFIER, 'Invalid identifier name: %s' % name)


def _check_table_name(name):
    _check_name(name, MAX_TABLE_NAME)
    if '.' in name:
        raise TdError(errors.PAR_INVALID_IDENTIFIER, "The table name cannot contain '.'")


def _check_defs(defs, is_tag):
    for d in defs:
        _check_name(d.name, MAX_NAME)
        if d.type in VAR_TYPES and not length_ok(d.type, d.length, is_tag):
            raise TdError(errors.PAR_VAR_COLUMN_LEN, 'Invalid binary/nchar column/tag length')
        if d.type == 'JSON' and not is_tag:
            raise TdError(errors.PAR_INVALID_COL_JSON, 'Only tag can be json type')


def _as_column(d, sqlname, is_tag):
    length = d.length if d.type in VAR_TYPES else JSON_LENGTH if d.type == 'JSON' else FIXED_BYTES[d.type]
    return Column(d.name, d.type, length, sqlname, is_tag)


def _check_sizes(columns, tags):
    if len(tags) > MAX_TAGS:
        raise TdError(errors.PAR_INVALID_TAGS_NUM, 'Invalid number of tag columns')
    if len(columns) + len(tags) > MAX_COLUMNS:
        raise TdError(errors.PAR_TOO_MANY_COLUMNS, 'Too many columns')
    if sum(c.storage_bytes() for c in columns) > MAX_ROW_BYTES:
        raise TdError(0x263E, 'Row length exceeds max length')
    if sum(c.storage_bytes() for c in tags) > MAX_TAGS_BYTES:
        raise TdError(0x263D, 'Tags length exceeds max length')


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


class Engine:
    """Executes statements; thread-safe (one statement at a time)."""

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
        """Runs the first statement of `body` (bytes).  Returns an int (affected rows) or a
        query.QueryResult; raises TdError."""
        body = body.split(b'\0', 1)[0]
        if len(body) > MAX_SQL_BYTES:
            raise TdError(errors.SQL_TOO_LONG, 'SQL statement too long')
        orig = body.decode('utf-8', 'surrogateescape')
        low = lower_all(orig)
        with self.lock:
            self.store.begin()
            try:
                result, deferred = self._run(orig, low, default_db)
                self.store.commit()
            except BaseException:
                self.store.rollback()
                self.catalog = self.store.load()
                raise
        if deferred is not None:
            raise deferred
        return result

    def _run(self, orig, low, default_db):
        now_ns = time.time_ns()
        if is_insert_values(low):
            writes = InsertParser(self.catalog, orig, low, default_db, now_ns).parse()
            return self._insert(writes, now_ns)
        stmt = Parser(orig, low).parse()
        handler = getattr(self, '_' + stmt.kind)
        return handler(stmt, default_db, orig, low, now_ns), None

    # -- INSERT -----------------------------------------------------------------------------
    def _vgroup_error(self, writes, now_ns):
        for w in writes:
            prec = w.db.precision
            now = now_ns // (10 ** 9 // timestamps.TICKS_PER_SECOND[prec])
            low = now - w.db.keep[2] * 60 * timestamps.TICKS_PER_SECOND[prec]
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

    def _insert(self, writes, now_ns):
        groups = {}
        for w in writes:
            groups.setdefault((w.db.name, w.vgroup), []).append(w)
        failure = None
        affected = 0
        for key in sorted(groups):
            err = self._vgroup_error(groups[key], now_ns)
            if err is not None:
                failure = failure or err
                continue
            for w in groups[key]:
                affected += self._write_table(w)
        return affected, failure

    def _write_table(self, w):
        if w.create_tags is not None and w.name not in w.db.children:
            child = Child(w.db.name, w.name, w.stable, dict(w.create_tags), w.vgroup)
            w.db.children[w.name] = child
            self.store.put_child(child)
        merged, count = _merge(w.batches)
        for sqlnames, rows in merged:
            self.store.upsert(w.stable, w.name, sqlnames, rows)
        return count

    # -- helpers for names -----------------------------------------------------------------
    def _db(self, name, default_db):
        name = name or default_db
        if name is None:
            raise TdError(errors.PAR_DB_NOT_SPECIFIED, 'Database not specified')
        db = self.catalog.db(name)
        if db is None:
            raise errors.db_not_exist()
        return db

    # -- databases --------------------------------------------------------------------------
    def _create_db(self, stmt, default_db, orig, low, now_ns):
        _check_name(stmt.name, MAX_NAME)
        precision = 'ms'
        keep = (DEFAULT_KEEP_MINUTES,) * 3
        for opt, toks in stmt.options.items():
            if opt == 'precision':
                tok = toks[0]
                if tok.kind != STRING:
                    raise errors.parser_syntax(rest_of(orig, tok.start))
                text = unescape(orig[tok.start:tok.end])
                if text.lower() not in timestamps.TICKS_PER_SECOND:
                    raise TdError(errors.PAR_INVALID_DB_OPTION, 'Invalid option precision: %s' % text)
                precision = text.lower()
            elif opt == 'keep':
                keep = self._keep(toks, low)
        if stmt.name in self.catalog.dbs or stmt.name in SYSTEM_DBS:
            if stmt.if_exists:
                return 0
            raise TdError(errors.DB_EXISTS, 'Database already exists')
        db = Database(stmt.name, precision, keep)
        self.catalog.dbs[db.name] = db
        self.store.put_db(db)
        return 0

    @staticmethod
    def _keep(toks, low):
        """KEEP values (days, or with unit d/h/m) as three durations in minutes."""
        minutes = []
        for tok in toks:
            text = low[tok.start:tok.end]
            if tok.kind == INTEGER:
                minutes.append(int(text) * 1440)
            elif tok.kind == VARIABLE and text[-1] in KEEP_UNITS:
                minutes.append(int(text[:-1]) * KEEP_UNITS[text[-1]])
            else:
                raise TdError(errors.PAR_INVALID_DB_OPTION, 'Invalid option keep: %s' % text)
        while len(minutes) < 3:
            minutes.append(minutes[-1])
        if len(minutes) > 3 or any(not 1440 <= m <= 365000 * 1440 for m in minutes) or minutes != sorted(minutes):
            raise TdError(errors.PAR_INVALID_DB_OPTION, 'Invalid option keep')
        return tuple(minutes)

    def _drop_db(self, stmt, default_db, orig, low, now_ns):
        db = self.catalog.db(stmt.name)
        if db is None:
            if stmt.if_exists:
                return 0
            raise errors.db_not_exist()
        self.store.drop_db(db)
        del self.catalog.dbs[db.name]
        return 0

    def _use(self, stmt, default_db, orig, low, now_ns):
        self._db(stmt.name, None)
        return 0

    def _show_dbs(self, stmt, default_db, orig, low, now_ns):
        names = list(SYSTEM_DBS) + list(self.catalog.dbs)
        return query.QueryResult([['name', 'VARCHAR', 64]], [[errors.clean_text(n)] for n in names])

    # -- supertables ------------------------------------------------------------------------
    def _create_stable(self, stmt, default_db, orig, low, now_ns):
        db = self._db(stmt.name.db, default_db)
        _check_table_name(stmt.name.name)
        if stmt.columns[0].type != 'TIMESTAMP':
            raise TdError(errors.PAR_FIRST_COLUMN, 'First column must be timestamp')
        _check_defs(stmt.columns, False)
        _check_defs(stmt.tags, True)
        if any(t.type == 'JSON' for t in stmt.tags) and len(stmt.tags) > 1:
            raise TdError(errors.PAR_ONLY_ONE_JSON_TAG, 'Only one tag if there is a json tag')
        names = [d.name for d in stmt.columns + stmt.tags]
        if len(set(names)) != len(names):
            raise TdError(errors.PAR_DUPLICATED_COLUMN, 'Duplicated column names')
        if stmt.name.name in db.stables or stmt.name.name in db.children:
            if stmt.if_exists:
                return 0
            if stmt.name.name in db.stables:
                raise TdError(errors.STB_EXISTS, 'STable already exists')
            raise TdError(errors.TABLE_EXISTS, 'Table already exists')
        st = Stable(self.catalog.next_sid, db.name, stmt.name.name, [], [], 0)
        st.columns = [_as_column(d, st.new_sqlname(), False) for d in stmt.columns]
        st.tags = [_as_column(d, st.new_sqlname(), True) for d in stmt.tags]
        _check_sizes(st.columns, st.tags)
        self.catalog.next_sid += 1
        db.stables[st.name] = st
        self.store.put_stable(st, create_rows=True)
        return 0

    def _drop_stable(self, stmt, default_db, orig, low, now_ns):
        db = self._db(stmt.name.db, default_db)
        st = db.stables.get(stmt.name.name)
        if st is None:
            if stmt.if_exists:
                return 0
            raise TdError(errors.STB_NOT_EXIST, 'STable not exist')
        for name in [n for n, c in db.children.items() if c.stable is st]:
            del db.children[name]
        del db.stables[st.name]
        self.store.drop_stable(st)
        return 0

    def _alter_stable(self, stmt, default_db, orig, low, now_ns):
        db = self._db(stmt.name.db, default_db)
        st = db.stables.get(stmt.name.name)
        if st is None:
            raise errors.table_not_exist()
        action, is_tag, d = stmt.extra
        _check_defs([d], is_tag)
        if action == 'add':
            if st.find(d.name) or st.find(d.name, True):
                raise TdError(errors.PAR_DUPLICATED_COLUMN, 'Duplicated column names')
            if is_tag and (d.type == 'JSON' or any(t.type == 'JSON' for t in st.tags)):
                raise TdError(errors.PAR_ONLY_ONE_JSON_TAG, 'Only one tag if there is a json tag')
            col = _as_column(d, st.new_sqlname(), is_tag)
            cols, tags = (st.columns, st.tags + [col]) if is_tag else (st.columns + [col], st.tags)
            _check_sizes(cols, tags)
            st.columns, st.tags = cols, tags
            if not is_tag:
                self.store.add_rows_column(st, col)
        else:
            col = st.find(d.name, is_tag)
            if col is None:
                if is_tag:
                    raise TdError(0x260E, 'Invalid tag name: %s' % d.name)
                raise errors.invalid_column(d.name)
            if col.type not in VAR_TYPES or col.type != d.type or d.length <= col.length:
                raise TdError(errors.PAR_INVALID_MODIFY_COL,
                              'Only varbinary/binary/nchar/geometry column length could be modified, '
                              'and the length can only be increased, not decreased')
            old = col.length
            col.length = d.length
            try:
                _check_sizes(st.columns, st.tags)
            except TdError:
                col.length = old
                raise
        self.store.put_stable(st)
        return 0

    # -- child tables -----------------------------------------------------------------------
    def _create_tables(self, stmt, default_db, orig, low, now_ns):
        for item in stmt.items:
            db = self._db(item.name.db, default_db)
            _check_table_name(item.name.name)
            sdb = self._db(item.stable.db, default_db)
            st = sdb.stables.get(item.stable.name)
            if st is None:
                raise errors.table_not_exist()
            if sdb is not db:
                raise TdError(0x2618, 'Corresponding super table not in this db')
            if item.name.name in db.stables:
                raise TdError(errors.TABLE_IN_OTHER_STABLE, 'Table already exists in other stables')
            tags = self._tag_values(st, item, orig, low, now_ns, db.precision)
            if item.name.name in db.children:
                if item.if_not_exists:
                    continue
                raise TdError(errors.TABLE_EXISTS, 'Table already exists')
            child = Child(db.name, item.name.name, st, tags, vgroup_of(item.name.name))
            db.children[child.name] = child
            self.store.put_child(child)
        return 0

    @staticmethod
    def _tag_values(st, item, orig, low, now_ns, prec):
        """The TAGS (...) values of one CREATE TABLE item, checked like INSERT ... USING."""
        if item.tag_names is None:
            bound = list(range(len(st.tags)))
        else:
            bound = []
            for name in item.tag_names:
                idx = next((i for i, t in enumerate(st.tags) if t.name == name), None)
                if idx is None:
                    raise TdError(0x260E, 'Invalid tag name: %s' % name)
                bound.append(idx)
        count, depth, pos, empty = 0, 0, item.values_at + 1, True
        while True:
            kind, ln = tget(low, pos)
            if kind == LP:
                depth += 1
            elif kind == RP and depth == 0:
                break
            elif kind == RP:
                depth -= 1
            elif kind == COMMA and depth == 0:
                count += 1
            if kind != SPACE:
                empty = False
            if ln == 0:
                break
            pos += ln
        if (0 if empty else count + 1) != len(bound):
            raise TdError(errors.PAR_TAGS_NOT_MATCHED, 'Tags number not matched')
        reader = LiteralReader(orig, low, now_ns)
        reader.p = item.values_at + 1
        return reader.tag_values(st, bound, prec)

    def _drop_tables(self, stmt, default_db, orig, low, now_ns):
        for if_exists, name in stmt.items:
            db = self._db(name.db, default_db)
            child = db.children.get(name.name)
            if child is None:
                if if_exists:
                    continue
                raise errors.table_not_exist()
            del db.children[child.name]
            self.store.drop_child(child)
        return 0

    # -- metadata and queries ---------------------------------------------------------------
    def _lookup(self, name, default_db):
        """(database, supertable, child or None) for a table name."""
        db = self._db(name.db, default_db)
        st = db.stables.get(name.name)
        if st is not None:
            return db, st, None
        child = db.children.get(name.name)
        if child is None:
            raise errors.table_not_exist()
        return db, child.stable, child

    def _describe(self, stmt, default_db, orig, low, now_ns):
        _, st, _ = self._lookup(stmt.name, default_db)
        return query.QueryResult([list(f) for f in DESCRIBE_FIELDS],
                                 [c.describe_row() for c in st.columns + st.tags])

    def _show_tables(self, stmt, default_db, orig, low, now_ns):
        db = self._db(stmt.name, default_db)
        what, like = stmt.extra
        names = list(db.stables if what == 'stables' else db.children)
        if like is not None:
            rx = like_regex(unescape(orig[like.start:like.end]))
            names = [n for n in names if rx.fullmatch(n)]
        field = 'stable_name' if what == 'stables' else 'table_name'
        return query.QueryResult([[field, 'VARCHAR', 192]], [[errors.clean_text(n)] for n in names])

    def _show_create(self, stmt, default_db, orig, low, now_ns):
        _, st, child = self._lookup(stmt.name, default_db)
        if stmt.extra == 'stable' and child is not None:
            raise errors.table_not_exist()
        if child is None:
            text = 'CREATE STABLE `%s` (%s) TAGS (%s)' % (
                st.name, ', '.join('`%s` %s' % (c.name, c.sql_type()) for c in st.columns),
                ', '.join('`%s` %s' % (c.name, c.sql_type()) for c in st.tags))
        else:
            vals = []
            for t in st.tags:
                v = query.render(t.type, child.tags.get(t.sqlname), 'ms')
                vals.append('NULL' if v is None else '"%s"' % v if isinstance(v, str) else str(v).lower()
                            if isinstance(v, bool) else str(v))
            text = 'CREATE TABLE `%s` USING `%s` (%s) TAGS (%s)' % (
                child.name, st.name, ', '.join('`%s`' % t.name for t in st.tags), ', '.join(vals))
        return query.QueryResult([['Table', 'VARCHAR', 192], ['Create Table', 'VARCHAR', len(text)]],
                                 [[errors.clean_text(stmt.name.name), errors.clean_text(text)]])

    def _select(self, stmt, default_db, orig, low, now_ns):
        return query.run_select(self.catalog, self.store, stmt.extra, default_db)
