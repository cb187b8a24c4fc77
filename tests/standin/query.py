"""SELECT evaluation for the forms tests read data back with, plus JSON-ready rendering
of stored values (timestamps as RFC 3339 text, FLOAT as its shortest 32-bit decimal,
VARBINARY/GEOMETRY as hex).

Supported: SELECT items FROM db.stb|db.tb [WHERE c op literal|c IN (literal, ...) [AND ...]]
[ORDER BY ...] [LIMIT n [OFFSET m]]; items are *, tbname, columns, tags, COUNT(*|col),
LAST_ROW(*|col), LAST(*|col), FIRST(*|col); SELECT of literals and server_version() & co
without FROM; information_schema.ins_databases / ins_tables / ins_stables / ins_tags.
"""

import json
import operator

import errors
import geometry
import timestamps
import values
from catalog import SYSTEM_DBS
from sql_lexer import INTEGER, FLOAT, STRING, BOOL

SERVER_VERSION = '3.3.7.5.alpha'
TIMEZONE = 'Etc/UTC (UTC, +0000)'
TBNAME_FIELD = ('tbname', 'VARCHAR', 192)
_OPS = {'EQ': operator.eq, 'NE': operator.ne, 'LT': operator.lt, 'LE': operator.le,
        'GT': operator.gt, 'GE': operator.ge, 'IN': lambda v, options: v in options}


class QueryResult:
    """Columns [(name, TYPE, length)] and rows of JSON-ready values."""

    def __init__(self, fields, rows):
        self.fields = fields
        self.rows = rows


def float32_text(v):
    """The shortest decimal that reads back as the same 32-bit float."""
    for digits in range(1, 10):
        f = float('%.*g' % (digits, v))
        if values.float32(f) == v:
            return f
    return v


def render(ftype, v, prec):
    """A stored value as the REST API shows it."""
    if v is None:
        return None
    if ftype == 'TIMESTAMP':
        return timestamps.format_ticks(v, prec)
    if ftype == 'BOOL':
        return bool(v)
    if ftype == 'FLOAT':
        return float32_text(v)
    if ftype in ('VARBINARY', 'GEOMETRY'):
        return v.hex()
    if ftype == 'JSON':
        return json.loads(v)
    if isinstance(v, bytes):
        # taosAdapter 3.3.7.8 sends stored bytes as they are, invalid UTF-8 included
        # (server._send writes these surrogates back as the original bytes)
        return v.decode('utf-8', 'surrogateescape')
    if isinstance(v, str):
        return errors.clean_text(v)
    return v


class _Table:
    """A row source: fields [(name, TYPE, length)], raw rows (lists aligned with fields),
    precision, the field indexes `*` expands to, those `LAST_ROW(*)` & co expand to, and
    the index of the timestamp that orders rows (None for system tables)."""

    def __init__(self, fields, rows, prec, star, data_cols, ts):
        self.fields = fields
        self.rows = rows
        self.prec = prec
        self.star = star
        self.data_cols = data_cols
        self.ts = ts

    def index(self, name):
        """Position of a field by name; raises 9730 if there is none."""
        for i, f in enumerate(self.fields):
            if f[0] == name:
                return i
        raise errors.invalid_column(name)


def _literal(ftype, lit, prec, as_text):
    """A WHERE literal converted to the stored representation of a field type
    (as_text: the field holds Python str, like tbname and system-table fields)."""
    kind, text = lit
    if kind == 'null':
        return None
    if ftype == 'TIMESTAMP':
        if kind == INTEGER:
            return int(text)
        v = timestamps.parse_date(text, prec) if kind == STRING else None
        if v is None:
            raise errors.TdError(errors.PAR_SYNTAX, 'syntax error near "%s" (invalid timestamp)' % text)
        return v
    if kind == BOOL:
        return text == 'true'
    if kind in (INTEGER, FLOAT):
        return int(text) if kind == INTEGER else float(text)
    if ftype in ('VARCHAR', 'VARBINARY', 'GEOMETRY') and kind == STRING and not as_text:
        return text.encode('utf-8', 'surrogateescape')
    return text


def _matches(row, conds):
    """True when a row satisfies every (index, operator, value) condition; NULL never matches."""
    for idx, op, value in conds:
        v = row[idx]
        try:
            if v is None or value is None or not op(v, value):
                return False
        except TypeError:
            return False
    return True


def _sort_key(v):
    """Sort key putting NULL first."""
    return (v is not None, v if v is not None else 0)


def _tag_type(col):
    """A tag's type as ins_tags shows it: VARCHAR(16), INT, JSON(16382)."""
    return 'JSON(16382)' if col.type == 'JSON' else col.sql_type()


def _tag_text(col, v, prec):
    """A tag's value as the text ins_tags shows: a FLOAT with 5 decimals, a DOUBLE with 9,
    VARBINARY as \\x and upper-case hex, GEOMETRY as WKT with 6 decimals, a timestamp as
    its integer ticks; None for NULL."""
    if v is None:
        return None
    if col.type == 'FLOAT':
        return '%.5f' % v
    if col.type == 'DOUBLE':
        return '%.9f' % v
    if col.type == 'VARBINARY':
        return '\\x' + v.hex().upper()
    if col.type == 'GEOMETRY':
        return geometry.wkb_to_wkt(v)
    if col.type in ('TIMESTAMP', 'JSON'):
        return str(v)
    v = render(col.type, v, prec)
    if isinstance(v, bool):
        return 'true' if v else 'false'
    return str(v)


def _system_table(catalog, name):
    """An information_schema table as a row source; raises 9731 for unknown names."""
    if name == 'ins_databases':
        fields = [('name', 'VARCHAR', 64), ('vgroups', 'SMALLINT', 2), ('ntables', 'BIGINT', 8),
                  ('replica', 'TINYINT', 1), ('duration', 'VARCHAR', 10), ('keep', 'VARCHAR', 32),
                  ('precision', 'VARCHAR', 2)]
        rows = [[n, None, None, None, None, None, None] for n in SYSTEM_DBS]
        rows += [[d.name, 2, len(d.children), 1, '10d', d.keep_text(), d.precision] for d in catalog.dbs.values()]
    elif name == 'ins_tables':
        fields = [('table_name', 'VARCHAR', 192), ('db_name', 'VARCHAR', 64), ('stable_name', 'VARCHAR', 192),
                  ('vgroup_id', 'INT', 4), ('type', 'VARCHAR', 21)]
        rows = [[c.name, d.name, c.stable.name, 2 + c.vgroup, 'CHILD_TABLE']
                for d in catalog.dbs.values() for c in d.children.values()]
    elif name == 'ins_tags':
        fields = [('table_name', 'VARCHAR', 192), ('db_name', 'VARCHAR', 64), ('stable_name', 'VARCHAR', 192),
                  ('tag_name', 'VARCHAR', 64), ('tag_type', 'VARCHAR', 32), ('tag_value', 'VARCHAR', 16384)]
        rows = [[c.name, d.name, c.stable.name, t.name, _tag_type(t), _tag_text(t, c.tags.get(t.sqlname), d.precision)]
                for d in catalog.dbs.values() for c in d.children.values() for t in c.stable.tags]
    elif name == 'ins_stables':
        fields = [('stable_name', 'VARCHAR', 192), ('db_name', 'VARCHAR', 64), ('columns', 'INT', 4),
                  ('tags', 'INT', 4)]
        rows = [[s.name, d.name, len(s.columns), len(s.tags)] for d in catalog.dbs.values() for s in d.stables.values()]
    else:
        raise errors.table_not_exist()
    everything = list(range(len(fields)))
    return _Table(fields, rows, 'ms', everything, everything, None)


def _user_table(catalog, store, db_name, name, tbname_filter):
    """A supertable or child table as a row source (tbname, columns, tags); raises 904/9731."""
    db = catalog.db(db_name)
    if db is None:
        raise errors.db_not_exist()
    stable = db.stables.get(name)
    child = db.children.get(name)
    if stable is None and child is None:
        raise errors.table_not_exist()
    st = stable or child.stable
    fields = [TBNAME_FIELD] + [(c.name, c.type, c.length) for c in st.columns + st.tags]
    ncols = len(st.columns)
    if child is not None:
        tables = [name]
    elif tbname_filter is not None:
        tables = [t for t in tbname_filter if t in db.children and db.children[t].stable is st]
    else:
        tables = None
    rows = []
    for r in store.rows(st, tables):
        owner = db.children.get(r[0])
        r.extend(owner.tags.get(t.sqlname) if owner else None for t in st.tags)
        rows.append(r)
    columns = list(range(1, 1 + ncols))
    star = columns if child is not None else list(range(1, len(fields)))
    return _Table(fields, rows, db.precision, star, columns, 1)


def _aggregate(table, items):
    """Fields and the single result row (none when a row function finds no rows)."""
    fields, out = [], []
    rows = sorted(table.rows, key=lambda r: r[table.ts]) if table.ts is not None else table.rows
    empty = False
    for item in items:
        if item.kind != 'func' or item.name not in ('count', 'last_row', 'last', 'first'):
            raise errors.TdError(0x260C, 'Not a single-group group function')
        if item.name == 'count':
            if item.arg == '*':
                n = len(rows)
            else:
                idx = table.index(item.arg)
                n = sum(1 for r in rows if r[idx] is not None)
            fields.append((item.text, 'BIGINT', 8))
            out.append(n)
            continue
        if item.arg == '*':
            targets = [(i, '%s(%s)' % (item.name, table.fields[i][0])) for i in table.data_cols]
        else:
            targets = [(table.index(item.arg), item.text)]
        for idx, name in targets:
            f = table.fields[idx]
            fields.append((name, f[1], f[2]))
            if not rows:
                empty = True
                out.append(None)
            elif item.name == 'last_row':
                out.append(rows[-1][idx])
            else:
                seq = rows if item.name == 'first' else reversed(rows)
                out.append(next((r[idx] for r in seq if r[idx] is not None), None))
    return fields, ([] if empty else [out])


def _no_source(items, default_db):
    """SELECT without FROM: literals and server_version() & co; raises for column references."""
    fields, row = [], []
    for item in items:
        if item.kind == 'lit':
            kind, text = item.name, item.arg
            if kind == INTEGER:
                fields.append((item.text, 'BIGINT', 8))
                row.append(int(text))
            elif kind == FLOAT:
                fields.append((item.text, 'DOUBLE', 8))
                row.append(float(text))
            elif kind == BOOL:
                fields.append((item.text, 'BOOL', 1))
                row.append(text == 'true')
            else:
                value = None if kind == 'null' else text
                fields.append((item.text, 'VARCHAR', len((value or '').encode('utf-8', 'surrogateescape'))))
                row.append(None if value is None else errors.clean_text(value))
        elif item.kind == 'func' and item.name in ('server_version', 'client_version'):
            fields.append((item.text, 'VARCHAR', len(SERVER_VERSION)))
            row.append(SERVER_VERSION)
        elif item.kind == 'func' and item.name == 'database':
            fields.append((item.text, 'VARCHAR', 64))
            row.append(default_db)
        elif item.kind == 'func' and item.name == 'timezone':
            fields.append((item.text, 'VARCHAR', len(TIMEZONE)))
            row.append(TIMEZONE)
        elif item.kind == 'func' and item.name in ('now', 'today'):
            now = timestamps.now_ticks('ms')
            v = now if item.name == 'now' else timestamps.today_ticks('ms', now)
            fields.append((item.text, 'TIMESTAMP', 8))
            row.append(timestamps.format_ticks(v, 'ms'))
        elif item.kind == 'col':
            raise errors.invalid_column(item.name)
        else:
            raise errors.parser_syntax(item.text)
    return QueryResult([list(f) for f in fields], [row])


def run_select(catalog, store, sel, default_db):
    """Evaluates a parsed Select; returns a QueryResult."""
    if sel.source is None:
        return _no_source(sel.items, default_db)
    db_name = sel.source.db or default_db
    if db_name is None:
        raise errors.TdError(errors.PAR_DB_NOT_SPECIFIED, 'Database not specified')
    if db_name in SYSTEM_DBS:
        if db_name != 'information_schema':
            raise errors.table_not_exist()
        table = _system_table(catalog, sel.source.name)
    else:
        names = [lit[1] for col, op, lit in sel.where if col == 'tbname' and op == 'EQ']
        table = _user_table(catalog, store, db_name, sel.source.name, names[:1] or None)
    conds = []
    for col, op, lit in sel.where:
        idx = table.index(col)
        as_text = table.ts is None or idx == 0
        ftype = table.fields[idx][1]
        if op == 'IN':
            value = [_literal(ftype, item, table.prec, as_text) for item in lit]
        else:
            value = _literal(ftype, lit, table.prec, as_text)
        conds.append((idx, _OPS[op], value))
    rows = [r for r in table.rows if _matches(r, conds)] if conds else table.rows
    if any(item.kind == 'func' for item in sel.items):
        table.rows = rows
        fields, rows = _aggregate(table, sel.items)
    else:
        for col, desc in reversed(sel.order):
            idx = table.index(col)
            rows = sorted(rows, key=lambda r: _sort_key(r[idx]), reverse=desc)
        picks = []
        for item in sel.items:
            if item.kind == 'star':
                picks.extend((i, table.fields[i][0]) for i in table.star)
            elif item.kind == 'col':
                picks.append((table.index(item.name), item.text))
            else:
                raise errors.parser_syntax(item.text)
        fields = [(name, table.fields[i][1], table.fields[i][2]) for i, name in picks]
        rows = [[r[i] for i, _ in picks] for r in rows]
    start = sel.offset or 0
    rows = rows[start:start + sel.limit] if sel.limit is not None else rows[start:]
    prec = table.prec
    types = [f[1] for f in fields]
    return QueryResult([list(f) for f in fields], [[render(t, v, prec) for t, v in zip(types, r)] for r in rows])
