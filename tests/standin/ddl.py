"""Schema statements: CREATE/DROP DATABASE, USE, CREATE/DROP/ALTER STABLE, CREATE/DROP TABLE.

Each handler takes (Context, parsed statement), checks names and schema the way TDengine
does, changes the catalog and the store, and returns 0 (affected rows) or raises TdError.
"""

import errors
import timestamps
from catalog import Child, Database, Stable, SYSTEM_DBS, vgroup_of
from coltypes import (Column, FIXED_BYTES, JSON_LENGTH, MAX_COLUMNS, MAX_ROW_BYTES, MAX_TAGS, MAX_TAGS_BYTES,
                      VAR_TYPES, length_ok)
from errors import TdError
from insert_parser import MAX_TABLE_NAME
from literals import LiteralReader
from sql_lexer import tget, unescape, rest_of, STRING, INTEGER, VARIABLE, LP, RP, COMMA, SPACE

DEFAULT_KEEP_MINUTES = 3650 * 1440
KEEP_UNITS = {'d': 1440, 'h': 60, 'm': 1}
MAX_NAME = 64
MODIFY_RULE = ('Only varbinary/binary/nchar/geometry column length could be modified, '
               'and the length can only be increased, not decreased')


# -- checks -------------------------------------------------------------------------------------
def _check_name(name, limit):
    """Raises 9751 unless 1 <= UTF-8 length <= limit."""
    if not name or len(name.encode('utf-8', 'surrogateescape')) > limit:
        raise TdError(errors.PAR_INVALID_IDENTIFIER, 'Invalid identifier name: %s' % name)


def _check_table_name(name):
    """Raises 9751 for an empty, too long or dotted table name."""
    _check_name(name, MAX_TABLE_NAME)
    if '.' in name:
        raise TdError(errors.PAR_INVALID_IDENTIFIER, "The table name cannot contain '.'")


def _check_defs(defs, is_tag):
    """Raises TdError for a bad column/tag name, length or a JSON column."""
    for d in defs:
        _check_name(d.name, MAX_NAME)
        if d.type in VAR_TYPES and not length_ok(d.type, d.length, is_tag):
            raise TdError(errors.PAR_VAR_COLUMN_LEN, 'Invalid column length for var length type')
        if d.type == 'JSON' and not is_tag:
            raise TdError(errors.PAR_INVALID_COL_JSON, 'Only tag can be json type')


def _check_sizes(columns, tags):
    """Raises TdError when a schema has too many columns/tags or too wide a row/tag set."""
    if len(tags) > MAX_TAGS:
        raise TdError(errors.PAR_INVALID_TAGS_NUM, 'Invalid number of tag columns')
    if len(columns) + len(tags) > MAX_COLUMNS:
        raise TdError(errors.PAR_TOO_MANY_COLUMNS, 'Too many columns')
    if sum(c.storage_bytes() for c in columns) > MAX_ROW_BYTES:
        raise TdError(0x263E, 'Row length exceeds max length')
    if sum(c.storage_bytes() for c in tags) > MAX_TAGS_BYTES:
        raise TdError(0x263D, 'Tags length exceeds max length')


def _as_column(d, sqlname, is_tag):
    """A catalog Column for a parsed ColumnDef."""
    length = d.length if d.type in VAR_TYPES else JSON_LENGTH if d.type == 'JSON' else FIXED_BYTES[d.type]
    return Column(d.name, d.type, length, sqlname, is_tag)


# -- databases --------------------------------------------------------------------------------------
def _keep(toks, low):
    """KEEP values (days, or with unit d/h/m) as three durations in minutes; raises 9753."""
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


def create_db(ctx, stmt):
    """CREATE DATABASE; raises 512 for a system database's name (IF NOT EXISTS too),
    897 if it exists, 9753 for bad options."""
    _check_name(stmt.name, MAX_NAME)
    if stmt.name in SYSTEM_DBS:
        raise errors.invalid_op('Cannot create system database: `%s`' % stmt.name)
    precision = 'ms'
    keep = (DEFAULT_KEEP_MINUTES,) * 3
    for opt, toks in stmt.options.items():
        if opt == 'precision':
            tok = toks[0]
            if tok.kind != STRING:
                raise errors.parser_syntax(rest_of(ctx.orig, tok.start))
            text = unescape(ctx.orig[tok.start:tok.end])
            if text.lower() not in timestamps.TICKS_PER_SECOND:
                raise TdError(errors.PAR_INVALID_DB_OPTION, 'Invalid option precision: %s' % text)
            precision = text.lower()
        elif opt == 'keep':
            keep = _keep(toks, ctx.low)
    if stmt.name in ctx.catalog.dbs:
        if stmt.if_exists:
            return 0
        raise TdError(errors.DB_EXISTS, 'Database already exists')
    db = Database(stmt.name, precision, keep)
    ctx.catalog.dbs[db.name] = db
    ctx.store.put_db(db)
    return 0


def drop_db(ctx, stmt):
    """DROP DATABASE; raises 904 if missing."""
    db = ctx.catalog.db(stmt.name)
    if db is None:
        if stmt.if_exists:
            return 0
        raise errors.db_not_exist()
    ctx.store.drop_db(db)
    del ctx.catalog.dbs[db.name]
    return 0


def use(ctx, stmt):
    """USE only checks the database exists: REST requests are stateless."""
    ctx.db(stmt.name)
    return 0


# -- supertables ----------------------------------------------------------------------------------
def create_stable(ctx, stmt):
    """CREATE STABLE; raises 904, 864, or a schema error."""
    db = ctx.db(stmt.name.db)
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
    st = Stable(ctx.catalog.next_sid, db.name, stmt.name.name, [], [], 0)
    st.columns = [_as_column(d, st.new_sqlname(), False) for d in stmt.columns]
    st.tags = [_as_column(d, st.new_sqlname(), True) for d in stmt.tags]
    _check_sizes(st.columns, st.tags)
    ctx.catalog.next_sid += 1
    db.stables[st.name] = st
    ctx.store.put_stable(st, create_rows=True)
    return 0


def drop_stable(ctx, stmt):
    """DROP STABLE with its child tables; raises 866 if missing."""
    db = ctx.db(stmt.name.db)
    st = db.stables.get(stmt.name.name)
    if st is None:
        if stmt.if_exists:
            return 0
        raise TdError(errors.STB_NOT_EXIST, 'STable not exist')
    for name in [n for n, c in db.children.items() if c.stable is st]:
        del db.children[name]
    del db.stables[st.name]
    ctx.store.drop_stable(st)
    return 0


def alter_stable(ctx, stmt):
    """ADD COLUMN/TAG, or MODIFY COLUMN/TAG to a wider length of the same variable-length type."""
    db = ctx.db(stmt.name.db)
    st = db.stables.get(stmt.name.name)
    if st is None:
        raise errors.table_not_exist()
    action, is_tag, d = stmt.extra
    _check_defs([d], is_tag)
    if action == 'add':
        # measured on 3.3.7.5: the kind of the name already there decides, not what is added
        if st.find(d.name):
            raise TdError(errors.COLUMN_EXISTS, 'Column already exists')
        if st.find(d.name, True):
            raise TdError(errors.TAG_EXISTS, 'Tag already exists')
        if is_tag and (d.type == 'JSON' or any(t.type == 'JSON' for t in st.tags)):
            raise TdError(errors.PAR_ONLY_ONE_JSON_TAG, 'Only one tag if there is a json tag')
        col = _as_column(d, st.new_sqlname(), is_tag)
        cols, tags = (st.columns, st.tags + [col]) if is_tag else (st.columns + [col], st.tags)
        _check_sizes(cols, tags)
        st.columns, st.tags = cols, tags
        if not is_tag:
            ctx.store.add_rows_column(st, col)
    else:
        col = st.find(d.name, is_tag)
        if col is None:
            if is_tag:
                raise TdError(0x260E, 'Invalid tag name: %s' % d.name)
            raise errors.invalid_column(d.name)
        if col.type not in VAR_TYPES or col.type != d.type or d.length <= col.length:
            raise TdError(errors.PAR_INVALID_MODIFY_COL, MODIFY_RULE)
        old = col.length
        col.length = d.length
        try:
            _check_sizes(st.columns, st.tags)
        except TdError:
            col.length = old
            raise
    ctx.store.put_stable(st)
    return 0


# -- child tables -----------------------------------------------------------------------------------
def _count_values(low, pos):
    """Number of comma-separated items from `pos` (after '(') to the matching ')'."""
    count, depth, empty = 0, 0, True
    while True:
        kind, ln = tget(low, pos)
        if kind == RP and depth == 0 or ln == 0:
            return 0 if empty else count + 1
        depth += {LP: 1, RP: -1}.get(kind, 0)
        if kind == COMMA and depth == 0:
            count += 1
        if kind != SPACE:
            empty = False
        pos += ln


def _tag_values(ctx, st, item, prec):
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
    if _count_values(ctx.low, item.values_at + 1) != len(bound):
        raise TdError(errors.PAR_TAGS_NOT_MATCHED, 'Tags number not matched')
    reader = LiteralReader(ctx.orig, ctx.low, ctx.now_ns)
    reader.p = item.values_at + 1
    return reader.tag_values(st, bound, prec)


def create_tables(ctx, stmt):
    """One or more `tb USING stb [(tags)] TAGS (...)`; IF NOT EXISTS never compares tags."""
    for item in stmt.items:
        db = ctx.db(item.name.db)
        _check_table_name(item.name.name)
        sdb = ctx.db(item.stable.db)
        st = sdb.stables.get(item.stable.name)
        if st is None:
            raise errors.table_not_exist()
        if sdb is not db:
            raise TdError(0x2618, 'Corresponding super table not in this db')
        if item.name.name in db.stables:
            raise TdError(errors.TABLE_IN_OTHER_STABLE, 'Table already exists in other stables')
        tags = _tag_values(ctx, st, item, db.precision)
        if item.name.name in db.children:
            if item.if_not_exists:
                continue
            raise TdError(errors.TABLE_EXISTS, 'Table already exists')
        child = Child(db.name, item.name.name, st, tags, vgroup_of(item.name.name))
        db.children[child.name] = child
        ctx.store.put_child(child)
    return 0


def drop_tables(ctx, stmt):
    """DROP TABLE for child tables; raises 9731 if missing."""
    for if_exists, name in stmt.items:
        db = ctx.db(name.db)
        child = db.children.get(name.name)
        if child is None:
            if if_exists:
                continue
            raise errors.table_not_exist()
        del db.children[child.name]
        ctx.store.drop_child(child)
    return 0
