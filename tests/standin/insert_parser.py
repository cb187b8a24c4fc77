"""INSERT ... VALUES statements, parsed with the TDengine client's rules into TableWrites.

Covers `tb VALUES ...`, `tb (cols) VALUES ...`, `tb USING stb [(tags)] TAGS (...) [(cols)]
VALUES ...`, several tables in one statement, and the supertable form
`stb (tbname, ..., ts, ...) VALUES ('d1', ...)`.  Every client-side check (syntax, values,
names, unknown tables) happens here, in statement order, before anything is written.
Text after the first ';' is never looked at.
"""

import errors
import fast_rows
import values
from catalog import vgroup_of
from errors import near_error, TdError
from literals import LiteralReader, Literal, token_len
from sql_lexer import ID, STRING, LP, RP, COMMA, QUESTION, VARIABLE, str_get_token, name_text, dequote, rest_of

TBNAME = -1
MAX_TABLE_NAME = 192
MAX_DB_NAME = 64


def _nbytes(text):
    """UTF-8 length of a text."""
    return len(text.encode('utf-8', 'surrogateescape'))


def _dot_outside_quotes(text):
    """Position of the first '.' outside back-quotes and quotes, or None."""
    in_escape = False
    quote = None
    for i, ch in enumerate(text):
        if ch == '.' and not in_escape and quote is None:
            return i
        if ch == '`' and quote is None:
            in_escape = not in_escape
        elif ch in '\'"' and not in_escape:
            if quote is None:
                quote = ch
            elif quote == ch:
                quote = None
    return None


def tbname_value(kind, text):
    """A child-table name given as a value in a supertable insert (kept exactly as written)."""
    if values.is_null('VARCHAR', kind, text):
        raise errors.invalid_op('tbname can not be null value')
    n = _nbytes(text)
    if n == 0:
        raise errors.invalid_op('tbname can not be empty')
    if n > MAX_TABLE_NAME:
        raise errors.invalid_op('tbname is too long')
    if '.' in text:
        raise errors.invalid_op("tbname can not contain '.'")
    return text


class TableWrite:
    """Rows for one child table.  batches: [(sqlnames, rows)] in statement order; a row is
    (ts, v1, ...) with v_i for sqlnames[i-1].  create_tags: None when the table must already
    exist, else {tag sqlname: value} to create it with (the vnode checks its supertable)."""

    def __init__(self, db, name, stable, create_tags):
        self.db = db
        self.name = name
        self.stable = stable
        self.vgroup = vgroup_of(name)
        self.create_tags = create_tags
        self.batches = []

    def add_rows(self, sqlnames, rows):
        """Appends rows, merging with the last batch when it has the same columns."""
        if self.batches and self.batches[-1][0] == sqlnames:
            self.batches[-1][1].extend(rows)
        else:
            self.batches.append((sqlnames, list(rows)))


class InsertParser(LiteralReader):
    """Parses one INSERT statement against the catalog; parse() returns the TableWrites."""

    def __init__(self, catalog, orig, low, default_db, now_ns):
        super().__init__(orig, low, now_ns)
        self.catalog = catalog
        self.default_db = default_db
        self.seen = {}            # (db, table) -> supertable, for tables created by this statement
        self.writes = {}          # (db, table) -> TableWrite
        self.total_rows = 0

    def parse(self):
        """The TableWrites of the statement; raises TdError at the first client-side error."""
        tok = self.next_token()
        if tok.kind not in ('insert', 'import'):
            raise self.fail('keyword INSERT is expected', tok)
        tok = self.next_token()
        if tok.kind != 'into':
            raise self.fail('keyword INTO is expected', tok)
        while True:
            tok = self.next_token()
            if not self._table_first_token(tok):
                break
            self._table_clause(tok)
        return list(self.writes.values())

    # -- names and lookups -----------------------------------------------------------------
    def _table_first_token(self, tok):
        """True when tok starts another table clause, False at the end; raises on junk."""
        if token_len(tok) == 0:
            if tok.kind is not None and self.p < len(self.s):
                raise near_error('invalid table name', self.near(tok))
            if self.total_rows == 0:
                raise errors.invalid_op('no data in sql')
            return False
        if tok.kind == QUESTION:
            raise self.fail('? only used in stmt', tok)
        if tok.kind not in (ID, STRING):
            raise self.fail('table_name is expected', tok)
        return True

    def make_name(self, tok):
        """(db, table) of a table-name token, using the default database when none is given."""
        text = name_text(self.o, self.s, tok) if tok.start is not None else ''
        dot = _dot_outside_quotes(text)
        if dot is not None:
            if dot == 0:
                raise errors.invalid_op('invalid database name')
            db = dequote(text[:dot])
            if _nbytes(db) > MAX_DB_NAME:
                raise errors.invalid_op('name too long')
            if dot + 1 >= len(text):
                raise errors.invalid_op('invalid table name')
            table = dequote(text[dot + 1:])
        else:
            table = dequote(text)
            if _nbytes(table) > MAX_TABLE_NAME:
                raise errors.invalid_op('name too long')
            if not table:
                raise TdError(errors.PAR_INVALID_IDENTIFIER, 'Invalid identifier name: invalid table name')
            if self.default_db is None:
                raise errors.invalid_op('db is not specified')
            db = self.default_db
        if _nbytes(table) > MAX_TABLE_NAME:
            raise errors.invalid_op('name too long')
        if '.' in table:
            raise TdError(errors.PAR_INVALID_IDENTIFIER, "The table name cannot contain '.'")
        return db, table

    def _db(self, name):
        """The database called name; raises 904."""
        db = self.catalog.db(name)
        if db is None:
            raise errors.db_not_exist()
        return db

    def _write_for(self, db, name, stable, create_tags):
        """The TableWrite of a table, created on first use."""
        key = (db.name, name)
        w = self.writes.get(key)
        if w is None:
            w = self.writes[key] = TableWrite(db, name, stable, create_tags)
        elif w.stable is not stable:
            raise TdError(errors.TABLE_IN_OTHER_STABLE, 'Table already exists in other stables')
        return w

    # -- one table clause ------------------------------------------------------------------
    def _table_clause(self, name_tok):
        """One `table [(cols)] [USING ...] VALUES ...` or supertable clause."""
        db_name, table = self.make_name(name_tok)
        bound_pos = None
        tok, pos = self.peek_token()
        if tok.kind == LP:
            self.p = bound_pos = pos
            self.skip_parentheses()
        tok, pos = self.peek_token()
        if tok.kind != 'using':
            db = self._db(db_name)
            stable = db.stables.get(table)
            if stable is not None:
                return self._stb_clause(db, stable, bound_pos)
            child = db.children.get(table)
            if child is None:
                raise errors.table_not_exist()
            return self._rows_clause(self._write_for(db, table, child.stable, None), bound_pos)
        self.p = pos
        key = (db_name, table)
        if key in self.seen:
            self._ignore_using()
            return self._rows_clause(self.writes[key], bound_pos)
        return self._rows_clause(self._using_clause(db_name, table), bound_pos)

    def _ignore_using(self):
        """Second USING clause for a table this statement creates: skipped without checks."""
        self.next_token()
        tok = self.next_token()
        if tok.kind == LP:
            self.skip_parentheses()
            tok = self.next_token()
        if tok.kind != 'tags':
            raise self.fail('TAGS is expected', tok)
        tok = self.next_token()
        if tok.kind != LP:
            raise self.fail('( is expected', tok)
        self.skip_parentheses()
        self.table_options(skip_only=True)

    def _using_clause(self, db_name, table):
        """USING stb [(tags)] TAGS (...): the TableWrite (with tags if the table is new)."""
        s_db, s_name = self.make_name(self.next_token())
        if (s_db, s_name) == (db_name, table):
            raise TdError(errors.TABLE_IN_OTHER_STABLE, 'Table already exists in other stables')
        sdb = self._db(s_db)
        stable = sdb.stables.get(s_name)
        if stable is None:
            if s_name in sdb.children:
                raise errors.invalid_op('create table only from super table is allowed')
            raise errors.table_not_exist()
        db = self._db(db_name)
        if db is not sdb:
            raise errors.table_not_exist()
        child = db.children.get(table)
        if table in db.stables or (child is not None and child.stable is not stable):
            raise TdError(errors.TABLE_IN_OTHER_STABLE, 'Table already exists in other stables')
        bound = self.bound_tags(stable)
        if child is not None:
            self.tags_clause(stable, bound, db.precision)
            self.table_options(skip_only=True)
            return self._write_for(db, table, stable, None)
        self.seen[(db_name, table)] = stable
        tags = self.tags_clause(stable, bound, db.precision)
        self.table_options(skip_only=False)
        return self._write_for(db, table, stable, tags)

    def _values_keyword(self):
        """Consumes VALUES; raises for FILE or anything else."""
        tok = self.next_token()
        if tok.kind == 'values':
            return
        if tok.kind == 'file':
            raise errors.invalid_op('INSERT ... FILE is not supported here')
        raise self.fail('keyword VALUES or FILE is expected', tok)

    def _row_end(self):
        """Consumes the ')' ending a row; raises 9791 for a ',' and a syntax error otherwise."""
        tok = self.next_valid()
        if tok.kind == COMMA:
            raise TdError(errors.PAR_INVALID_COLUMNS_NUM, 'Illegal number of columns')
        if tok.kind != RP:
            raise self.fail(') expected', tok)

    def _value_token(self):
        """The next value of a row (blanks skipped; a skipped comma is an error)."""
        before = self.p
        tok, self.p, comma = str_get_token(self.s, self.p, True)
        if comma:
            raise near_error('invalid data or symbol', rest_of(self.o, before))
        if tok.kind == RP:
            raise TdError(errors.PAR_INVALID_COLUMNS_NUM, 'Illegal number of columns')
        return tok

    def _expect_comma(self):
        """Consumes the ',' between two values; raises a syntax error otherwise."""
        tok = self.next_valid()
        if tok.kind != COMMA:
            raise self.fail(', expected', tok)

    # -- child table rows ------------------------------------------------------------------
    def _rows_clause(self, write, bound_pos):
        """[(cols)] VALUES rows of a child table."""
        columns = write.stable.columns
        tok, pos = self.peek_token()
        if tok.kind == LP:
            self.p = pos
            if bound_pos is not None:
                raise self.fail('keyword VALUES or FILE is expected', tok)
            bound = self.bound_names(columns, 'cols')
        elif bound_pos is not None:
            after = self.p
            self.p = bound_pos
            bound = self.bound_names(columns, 'cols')
            self.p = after
        else:
            bound = list(range(len(columns)))
        self._values_keyword()
        self._rows(write, [columns[i] for i in bound], bound.index(0))

    def _rows(self, write, cols, ts_at):
        """Reads the rows of a child table (fast path first, exact parser otherwise)."""
        prec = write.db.precision
        order = [ts_at] + [i for i in range(len(cols)) if i != ts_at]
        sqlnames = tuple(cols[i].sqlname for i in order[1:])
        rx = fast_rows.row_regex(len(cols))
        convs = [fast_rows.column_converter(c, i == ts_at, prec) for i, c in enumerate(cols)]
        rows = []
        last = len(cols) - 1
        while True:
            m = rx.match(self.o, self.p)
            if m is not None:
                try:
                    vals = [f(t) for f, t in zip(convs, m.groups())]
                except Exception:          # anything unusual: the exact parser decides
                    vals = None
                if vals is not None:
                    rows.append(tuple(vals) if ts_at == 0 else tuple(vals[i] for i in order))
                    self.p = m.end()
                    continue
            tok, pos = self.peek_token()
            if tok.kind != LP:
                break
            self.p = pos
            vals = []
            for i, col in enumerate(cols):
                vals.append(self.column_value(col, self._value_token(), i == ts_at, prec))
                if i < last:
                    self._expect_comma()
            self._row_end()
            rows.append(tuple(vals[i] for i in order))
        if not rows:
            raise near_error('no any data points', None)
        self.total_rows += len(rows)
        write.add_rows(sqlnames, rows)

    # -- supertable rows (tbname given per row) ----------------------------------------------
    def _stb_clause(self, db, stable, bound_pos):
        """(tbname, ...) VALUES rows of a supertable."""
        if bound_pos is None:
            raise near_error('(...tbname, ts...) bounded cols is expected for supertable insertion',
                             rest_of(self.o, self.p))
        after = self.p
        self.p = bound_pos
        bound = self.bound_names(stable.columns + stable.tags, 'all')
        self.p = after
        self._values_keyword()
        ncols = len(stable.columns)
        slots = []
        for b in bound:
            if b == TBNAME:
                slots.append(('tbname', None))
            elif b < ncols:
                slots.append(('col', stable.columns[b]))
            else:
                slots.append(('tag', stable.tags[b - ncols]))
        self._stb_rows(db, stable, slots)

    def _stb_rows(self, db, stable, slots):
        """Reads supertable rows (fast path first, exact parser otherwise)."""
        prec = db.precision
        ts_slot = next(i for i, (k, c) in enumerate(slots) if k == 'col' and c is stable.columns[0])
        col_slots = [ts_slot] + [i for i, (k, c) in enumerate(slots) if k == 'col' and i != ts_slot]
        sqlnames = tuple(slots[i][1].sqlname for i in col_slots[1:])
        defer_tags = not any(k == 'tag' and c.type == 'TIMESTAMP' for k, c in slots)
        rx = fast_rows.row_regex(len(slots)) if defer_tags else None
        convs = [fast_rows.column_converter(c, i == ts_slot, prec) if k == 'col' else fast_rows.classify
                 for i, (k, c) in enumerate(slots)]
        shape = (db, stable, slots, col_slots, sqlnames)
        nrows = 0
        while True:
            m = rx.match(self.o, self.p) if rx is not None else None
            if m is not None:
                try:
                    self._stb_row_fast(shape, convs, m.groups())
                    ok = True
                except Exception:          # anything unusual: the exact parser decides
                    ok = False
                if ok:
                    self.p = m.end()
                    nrows += 1
                    continue
            tok, pos = self.peek_token()
            if tok.kind != LP:
                break
            self.p = pos
            self._stb_row_exact(shape, ts_slot, defer_tags)
            self._row_end()
            nrows += 1
        if nrows == 0:
            raise near_error('no any data points', None)
        self.total_rows += nrows

    def _stb_row_fast(self, shape, convs, texts):
        """Files one supertable row matched by the fast pattern; raises on anything unusual."""
        db, stable, slots, _, _ = shape
        results = []
        for (kind, col), conv, text in zip(slots, convs, texts):
            if kind == 'col':
                results.append(conv(text))
            elif kind == 'tag':
                results.append(None)
            else:
                k, t, _ = conv(text)
                results.append(tbname_value(k, t))

        def tags():
            out = {}
            for (kind, col), text in zip(slots, texts):
                if kind == 'tag':
                    k, t, raw = fast_rows.classify(text)
                    out[col.sqlname] = self.tag_value(col, Literal(k, t, raw, '', None), db.precision)
            return out
        self._stb_row_done(shape, results, tags)

    def _stb_row_exact(self, shape, ts_slot, defer_tags):
        """Reads and files one supertable row token by token."""
        db, stable, slots, _, _ = shape
        results = []
        tag_vals = {}
        deferred = []
        last = len(slots) - 1
        for i, (kind, col) in enumerate(slots):
            tok = self._value_token()
            if tok.kind == QUESTION:
                raise errors.invalid_op('insert into stb(...tbname...)values(...,?,...) only support in stmt2')
            value = None
            if kind == 'col':
                value = self.column_value(col, tok, i == ts_slot, db.precision)
            elif kind == 'tag' and defer_tags:
                deferred.append((col, tok))
            elif kind == 'tag':
                lit = self.check_value(tok, col.type)
                if lit.kind == VARIABLE:
                    raise errors.invalid_op('not expected row value')
                tag_vals[col.sqlname] = self.tag_value(col, lit, db.precision)
            else:
                lit = self.check_value(tok, 'VARCHAR')
                if lit.kind == VARIABLE:
                    raise errors.invalid_op('not expected tbname')
                value = tbname_value(lit.kind, lit.text)
            results.append(value)
            if i < last:
                self._expect_comma()

        def tags():
            for col, tok in deferred:
                lit = self.check_value(tok, col.type)
                if lit.kind == VARIABLE:
                    raise errors.invalid_op('not expected tag')
                tag_vals[col.sqlname] = self.tag_value(col, lit, db.precision)
            return tag_vals
        self._stb_row_done(shape, results, tags)

    def _stb_row_done(self, shape, results, tags):
        """Files one supertable row under its child table; tags are read for the first row of a child."""
        db, stable, slots, col_slots, sqlnames = shape
        name = next(results[i] for i, (k, _) in enumerate(slots) if k == 'tbname')
        key = (db.name, name)
        if key in self.seen:
            write = self.writes.get(key)
            if write is None or write.stable is not stable:
                raise TdError(errors.TABLE_IN_OTHER_STABLE, 'Table already exists in other stables')
        else:
            write = self._write_for(db, name, stable, tags())
            self.seen[key] = stable
        write.add_rows(sqlnames, [tuple(results[i] for i in col_slots)])
