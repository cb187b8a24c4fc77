"""Metadata statements: DESCRIBE, SHOW DATABASES, SHOW [db.]STABLES|TABLES [LIKE 'pat'],
SHOW CREATE STABLE|TABLE.  Each handler takes (Context, parsed statement) and returns a
query.QueryResult or raises TdError."""

import re

import errors
from catalog import SYSTEM_DBS
from query import QueryResult, render
from sql_lexer import unescape

DESCRIBE_FIELDS = [['field', 'VARCHAR', 325], ['type', 'VARCHAR', 20], ['length', 'INT', 4], ['note', 'VARCHAR', 16],
                   ['encode', 'VARCHAR', 12], ['compress', 'VARCHAR', 12], ['level', 'VARCHAR', 12]]


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


def describe(ctx, stmt):
    """Columns then tags of a supertable (also for one of its child tables)."""
    _, st, _ = ctx.table(stmt.name)
    return QueryResult([list(f) for f in DESCRIBE_FIELDS], [c.describe_row() for c in st.columns + st.tags])


def show_dbs(ctx, stmt):
    """System databases first, then user databases in creation order."""
    names = list(SYSTEM_DBS) + list(ctx.catalog.dbs)
    return QueryResult([['name', 'VARCHAR', 64]], [[errors.clean_text(n)] for n in names])


def show_tables(ctx, stmt):
    """Supertable or child-table names, optionally filtered by LIKE (case-insensitive)."""
    db = ctx.db(stmt.name)
    what, like = stmt.extra
    names = list(db.stables if what == 'stables' else db.children)
    if like is not None:
        rx = like_regex(unescape(ctx.orig[like.start:like.end]))
        names = [n for n in names if rx.fullmatch(n)]
    field = 'stable_name' if what == 'stables' else 'table_name'
    return QueryResult([[field, 'VARCHAR', 192]], [[errors.clean_text(n)] for n in names])


def _tag_literal(col, value):
    """A tag value as SHOW CREATE TABLE writes it."""
    v = render(col.type, value, 'ms')
    if v is None:
        return 'NULL'
    if isinstance(v, bool):
        return 'true' if v else 'false'
    if isinstance(v, str):
        return '"%s"' % v
    return str(v)


def show_create(ctx, stmt):
    """The CREATE statement of a supertable or child table."""
    _, st, child = ctx.table(stmt.name)
    if stmt.extra == 'stable' and child is not None:
        raise errors.table_not_exist()
    if child is None:
        text = 'CREATE STABLE `%s` (%s) TAGS (%s)' % (
            st.name, ', '.join('`%s` %s' % (c.name, c.sql_type()) for c in st.columns),
            ', '.join('`%s` %s' % (c.name, c.sql_type()) for c in st.tags))
    else:
        text = 'CREATE TABLE `%s` USING `%s` (%s) TAGS (%s)' % (
            child.name, st.name, ', '.join('`%s`' % t.name for t in st.tags),
            ', '.join(_tag_literal(t, child.tags.get(t.sqlname)) for t in st.tags))
    return QueryResult([['Table', 'VARCHAR', 192], ['Create Table', 'VARCHAR', len(text)]],
                       [[errors.clean_text(stmt.name.name), errors.clean_text(text)]])
