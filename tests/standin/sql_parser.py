"""Parser for every statement except INSERT ... VALUES: databases, supertables, child
tables, ALTER, DESCRIBE, SHOW, USE and the SELECT forms tests read data back with.

Like the server's grammar-driven parser it reads tokens up to the first ';' and fails at
the first token that cannot continue a statement: 9728 `syntax error near "<rest>"`, or
9729 `Incomplete SQL statement` when the text ends too early.  It only checks syntax;
names and values are checked when the statement runs.
"""

from dataclasses import dataclass, field

import errors
from sql_lexer import (Tok, tget, rest_of, name_text, dequote, unescape, SPACE, COMMENT, HINT, ILLEGAL, HEX, BIN,
                       SEMI, ID, STRING, INTEGER, FLOAT, BOOL, VARIABLE, LP, RP, COMMA, DOT, STAR, MINUS, PLUS)

END = 'END'
COMPARISONS = ('EQ', 'NE', 'LT', 'LE', 'GT', 'GE')
DB_OPTIONS = frozenset("""buffer cachemodel cachesize comp duration wal_fsync_period maxrows minrows keep pages
pagesize tsdb_pagesize precision replica strict vgroups single_stable retentions schemaless wal_level
wal_retention_period wal_retention_size wal_roll_period wal_segment_size stt_trigger table_prefix table_suffix
s3_chunkpages s3_keeplocal s3_compact keep_time_offset encrypt_algorithm dnodes compact_interval
compact_time_range compact_time_offset""".split())
LIST_OPTIONS = ('keep', 'retentions', 'compact_time_range', 'dnodes')
SCALAR_FUNCS = ('server_version', 'client_version', 'database', 'timezone', 'now', 'today')
AGG_FUNCS = ('count', 'last_row', 'last', 'first')
FIXED_TYPES = {'bool': 'BOOL', 'float': 'FLOAT', 'double': 'DOUBLE', 'timestamp': 'TIMESTAMP', 'json': 'JSON'}
INT_TYPES = {'tinyint': 'TINYINT', 'smallint': 'SMALLINT', 'int': 'INT', 'integer': 'INT', 'bigint': 'BIGINT'}
VAR_TYPES = {'binary': 'VARCHAR', 'varchar': 'VARCHAR', 'nchar': 'NCHAR', 'varbinary': 'VARBINARY',
             'geometry': 'GEOMETRY'}


@dataclass
class Name:
    """A possibly database-qualified name (db None: use the request's default database)."""
    db: object
    name: str


@dataclass
class ColumnDef:
    name: str
    type: str
    length: object          # declared n for variable-length types, else None


@dataclass
class Stmt:
    """A parsed statement: `kind` plus the fields that kind uses."""
    kind: str
    name: object = None
    if_exists: bool = False
    options: dict = field(default_factory=dict)
    columns: list = field(default_factory=list)
    tags: list = field(default_factory=list)
    items: list = field(default_factory=list)
    extra: object = None


@dataclass
class ChildDef:
    """One `tb USING stb [(tag names)] TAGS (...)` of CREATE TABLE; `values_at` is the
    position of the '(' that opens the tag values."""
    if_not_exists: bool
    name: Name
    stable: Name
    tag_names: object
    values_at: int


@dataclass
class Item:
    """A SELECT item: kind 'star' | 'col' | 'func' | 'lit'; `text` names the result column."""
    kind: str
    name: str
    arg: object = None
    text: str = ''


@dataclass
class Select:
    items: list
    source: object
    where: list
    order: list
    limit: object
    offset: object


class Parser:
    """Recursive-descent parser over the tokens of one statement."""

    def __init__(self, orig, low):
        self.o = orig
        self.s = low
        self.toks = self._tokens()
        self.i = 0

    def _tokens(self):
        """Tokens up to and including the first ; (blanks and comments dropped), then END."""
        out = []
        pos = 0
        n = len(self.s)
        while True:
            if pos >= n:
                out.append(Tok(END, None, None))
                return out
            kind, ln = tget(self.s, pos)
            if kind in (SPACE, COMMENT, HINT):
                pos += ln
                continue
            out.append(Tok(kind, pos, pos + ln))
            if kind in (SEMI, ILLEGAL):
                return out
            pos += ln

    # -- token helpers -------------------------------------------------------------------
    def peek(self, ahead=0):
        """The token `ahead` positions on; raises for illegal or unsupported tokens."""
        t = self.toks[min(self.i + ahead, len(self.toks) - 1)]
        if t.kind == ILLEGAL:
            raise errors.TdError(errors.PAR_SYNTAX, 'unrecognized token: "%s"' % rest_of(self.o, t.start))
        if t.kind in (HEX, BIN):
            raise errors.TdError(errors.PAR_SYNTAX, 'unsupported token: "%s"' % rest_of(self.o, t.start))
        return t

    def error(self, t=None):
        """The syntax error for token t (the next token by default)."""
        t = t or self.peek()
        if t.kind == END:
            return errors.parser_incomplete()
        return errors.parser_syntax(rest_of(self.o, t.start))

    def advance(self):
        """Consumes and returns the next token; raises at the end."""
        t = self.peek()
        if t.kind == END:
            raise self.error(t)
        self.i += 1
        return t

    def accept(self, kind):
        """Consumes the next token if it has `kind`; returns it or None."""
        if self.peek().kind == kind:
            return self.advance()
        return None

    def expect(self, kind):
        """Consumes a token of `kind`; raises a syntax error otherwise."""
        t = self.peek()
        if t.kind != kind:
            raise self.error(t)
        return self.advance()

    def text(self, t):
        """The lowered text of a token."""
        return self.s[t.start:t.end]

    def ident(self):
        """An identifier: lowered, or exactly as written inside back-quotes."""
        t = self.expect(ID)
        return dequote(name_text(self.o, self.s, t))

    def full_name(self):
        """[db.]name as a Name."""
        first = self.ident()
        if self.accept(DOT):
            return Name(first, self.ident())
        return Name(None, first)

    def exists_clause(self, negated):
        """[IF EXISTS] or [IF NOT EXISTS]; True when present."""
        if not self.accept('if'):
            return False
        if negated:
            self.expect('not')
        self.expect('exists')
        return True

    # -- entry ---------------------------------------------------------------------------
    def parse(self):
        """The statement; raises TdError at the first token that cannot continue it."""
        t = self.peek()
        handler = {
            'create': self._create, 'drop': self._drop, 'alter': self._alter, 'show': self._show,
            'describe': self._describe, 'desc': self._describe, 'use': self._use, 'select': self._select,
            'insert': self._insert_select,
        }.get(t.kind)
        if handler is None:
            raise self.error(t)
        stmt = handler()
        end = self.peek()
        if end.kind not in (END, SEMI):
            raise self.error(end)
        return stmt

    # -- statements ----------------------------------------------------------------------
    def _insert_select(self):
        """INSERT without VALUES is INSERT ... SELECT, which the stand-in does not run."""
        self.advance()
        self.expect('into')
        self.full_name()
        if self.accept(LP):
            while not self.accept(RP):
                self.advance()
        raise self.error(self.peek())

    def _use(self):
        """USE db."""
        self.advance()
        return Stmt('use', name=self.ident())

    def _create(self):
        """CREATE DATABASE | STABLE | TABLE."""
        self.advance()
        t = self.advance()
        if t.kind == 'database':
            return self._create_database()
        if t.kind == 'stable':
            return self._create_stable()
        if t.kind == 'table':
            return self._create_tables()
        raise self.error(t)

    def _create_database(self):
        """CREATE DATABASE [IF NOT EXISTS] db [option value[, ...]] ..."""
        stmt = Stmt('create_db', if_exists=self.exists_clause(True))
        stmt.name = self.ident()
        while self.peek().kind in DB_OPTIONS:
            opt = self.advance().kind
            vals = [self._option_value()]
            while opt in LIST_OPTIONS and self.accept(COMMA):
                vals.append(self._option_value())
            stmt.options[opt] = vals
        return stmt

    def _option_value(self):
        """One database option value token (a leading sign is skipped)."""
        t = self.peek()
        if t.kind in (MINUS, PLUS):
            self.advance()
            t = self.peek()
            if t.kind not in (INTEGER, FLOAT):
                raise self.error(t)
        if t.kind not in (INTEGER, FLOAT, STRING, VARIABLE, ID):
            raise self.error(t)
        self.advance()
        return t

    def _create_stable(self):
        """CREATE STABLE [IF NOT EXISTS] name (columns) TAGS (tags) [COMMENT ..] [KEEP ..]"""
        stmt = Stmt('create_stable', if_exists=self.exists_clause(True))
        stmt.name = self.full_name()
        stmt.columns = self._column_defs()
        self.expect('tags')
        stmt.tags = self._column_defs()
        while True:
            if self.accept('comment'):
                self.expect(STRING)
            elif self.accept('keep'):
                if not (self.accept(INTEGER) or self.accept(VARIABLE)):
                    raise self.error()
            else:
                return stmt

    def _column_defs(self):
        """'(' name type [ENCODE|COMPRESS|LEVEL|COMMENT 'x'] , ... ')'"""
        self.expect(LP)
        cols = []
        while True:
            name = self.ident()
            ctype, length = self._type_name()
            while self.peek().kind == 'comment' or (self.peek().kind == ID and
                                                     self.text(self.peek()) in ('encode', 'compress', 'level')):
                self.advance()
                self.expect(STRING)
            cols.append(ColumnDef(name, ctype, length))
            if not self.accept(COMMA):
                self.expect(RP)
                return cols

    def _type_name(self):
        """(TYPE, declared length or None) of a type name."""
        t = self.advance()
        if t.kind in FIXED_TYPES:
            return FIXED_TYPES[t.kind], None
        if t.kind in INT_TYPES:
            base = INT_TYPES[t.kind]
            if self.accept('unsigned'):
                return base + ' UNSIGNED', None
            return base, None
        if t.kind in VAR_TYPES:
            self.expect(LP)
            n = self.expect(INTEGER)
            self.expect(RP)
            return VAR_TYPES[t.kind], int(self.text(n))
        raise self.error(t)

    def _create_tables(self):
        """CREATE TABLE [IF NOT EXISTS] tb USING stb [(tags)] TAGS (...) [tb2 USING ...]"""
        items = []
        while True:
            if_not_exists = self.exists_clause(True)
            name = self.full_name()
            self.expect('using')
            stable = self.full_name()
            tag_names = None
            if self.accept(LP):
                tag_names = [self.ident()]
                while self.accept(COMMA):
                    tag_names.append(self.ident())
                self.expect(RP)
            self.expect('tags')
            values_at = self.expect(LP).start
            depth = 1
            while depth:
                t = self.advance()
                depth += {LP: 1, RP: -1}.get(t.kind, 0)
            while self.peek().kind in ('ttl', 'comment'):
                self.advance()
                self.advance()
            items.append(ChildDef(if_not_exists, name, stable, tag_names, values_at))
            if self.peek().kind not in ('if', ID):
                return Stmt('create_tables', items=items)

    def _drop(self):
        """DROP DATABASE | STABLE | TABLE [IF EXISTS] ..."""
        self.advance()
        t = self.advance()
        if t.kind == 'database':
            ifx = self.exists_clause(False)
            return Stmt('drop_db', name=self.ident(), if_exists=ifx)
        if t.kind == 'stable':
            ifx = self.exists_clause(False)
            return Stmt('drop_stable', name=self.full_name(), if_exists=ifx)
        if t.kind == 'table':
            items = []
            while True:
                ifx = self.exists_clause(False)
                items.append((ifx, self.full_name()))
                if not self.accept(COMMA):
                    return Stmt('drop_tables', items=items)
        raise self.error(t)

    def _alter(self):
        """ALTER STABLE name ADD|MODIFY COLUMN|TAG name type"""
        self.advance()
        self.expect('stable')
        name = self.full_name()
        action = self.advance()
        if action.kind not in ('add', 'modify'):
            raise self.error(action)
        what = self.advance()
        if what.kind not in ('column', 'tag'):
            raise self.error(what)
        col = self.ident()
        ctype, length = self._type_name()
        return Stmt('alter_stable', name=name, extra=(action.kind, what.kind == 'tag', ColumnDef(col, ctype, length)))

    def _describe(self):
        """DESCRIBE | DESC name"""
        self.advance()
        return Stmt('describe', name=self.full_name())

    def _show(self):
        """SHOW DATABASES | SHOW CREATE STABLE|TABLE name | SHOW [db.]STABLES|TABLES [LIKE pat]"""
        self.advance()
        t = self.peek()
        if t.kind == 'databases':
            self.advance()
            return Stmt('show_dbs')
        if t.kind == 'create':
            self.advance()
            what = self.advance()
            if what.kind not in ('stable', 'table'):
                raise self.error(what)
            return Stmt('show_create', name=self.full_name(), extra=what.kind)
        db = None
        if t.kind == ID:
            db = self.ident()
            self.expect(DOT)
        what = self.advance()
        if what.kind not in ('stables', 'tables'):
            raise self.error(what)
        like = None
        if self.accept('like'):
            like = self.expect(STRING)
        return Stmt('show_tables', name=db, extra=(what.kind, like))

    # -- SELECT --------------------------------------------------------------------------
    def _select(self):
        """SELECT items [FROM name [WHERE ..] [ORDER BY ..]] [LIMIT n [OFFSET m] | LIMIT m, n]"""
        self.advance()
        items = [self._select_item()]
        while self.accept(COMMA):
            items.append(self._select_item())
        source = self.full_name() if self.accept('from') else None
        where = []
        if source is not None and self.accept('where'):
            where.append(self._predicate())
            while self.accept('and'):
                where.append(self._predicate())
        order = []
        if source is not None and self.accept('order'):
            self.expect('by')
            while True:
                col = self._column_ref()
                desc = bool(self.accept('desc'))
                if not desc:
                    self.accept('asc')
                order.append((col, desc))
                if not self.accept(COMMA):
                    break
        limit = offset = None
        if self.accept('limit'):
            limit = int(self.text(self.expect(INTEGER)))
            if self.accept(COMMA):
                offset, limit = limit, int(self.text(self.expect(INTEGER)))
            elif self.accept('offset'):
                offset = int(self.text(self.expect(INTEGER)))
        return Stmt('select', extra=Select(items, source, where, order, limit, offset))

    def _column_ref(self):
        """tbname or a column name."""
        if self.accept('tbname'):
            return 'tbname'
        return self.ident()

    def _select_item(self):
        """One SELECT item, with an optional AS alias."""
        t = self.peek()
        if t.kind == STAR:
            self.advance()
            item = Item('star', '*', text='*')
        elif (t.kind in SCALAR_FUNCS or t.kind in AGG_FUNCS) and self.peek(1).kind == LP:
            self.advance()
            self.advance()
            arg = None
            if t.kind in AGG_FUNCS:
                arg = '*' if self.accept(STAR) else self._column_ref()
            end = self.expect(RP)
            item = Item('func', t.kind, arg, rest_of(self.o, t.start, end.end - t.start))
        elif t.kind == ID and self.peek(1).kind == LP:
            # TDengine parses any call, then finds no such function
            raise errors.TdError(errors.FUNC_NOT_EXIST, 'Func not exists')
        elif t.kind == 'tbname' or t.kind == ID:
            name = self._column_ref()
            item = Item('col', name, text=name)
        else:
            lit = self._literal()
            item = Item('lit', lit[0], lit[1], rest_of(self.o, t.start, self.toks[self.i - 1].end - t.start))
        if self.accept('as'):
            item.text = self.ident()
        return item

    def _literal(self):
        """(kind, text) of a literal; a sign joins the number after it."""
        t = self.advance()
        if t.kind in (MINUS, PLUS):
            num = self.advance()
            if num.kind not in (INTEGER, FLOAT):
                raise self.error(num)
            return num.kind, self.text(t) + self.text(num)
        if t.kind == STRING:
            return STRING, unescape(self.o[t.start:t.end])
        if t.kind in (INTEGER, FLOAT, BOOL, 'null'):
            return t.kind, self.text(t)
        raise self.error(t)

    def _predicate(self):
        """column op literal, or column IN (literal, ...)."""
        col = self._column_ref()
        if self.accept('in'):
            self.expect(LP)
            items = [self._literal()]
            while self.accept(COMMA):
                items.append(self._literal())
            self.expect(RP)
            return (col, 'IN', items)
        op = self.advance()
        if op.kind not in COMPARISONS:
            raise self.error(op)
        return (col, op.kind, self._literal())
