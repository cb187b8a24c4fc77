"""Tests of the TDengine REST stand-in: each case is taken from the measured TDengine 3.3.7
behaviour (codes, messages, stored values) and runs over HTTP against a real stand-in process.

Run: python3 -m pytest -q tests/standin
"""

import base64
import hashlib
import http.client
import json
import os
import subprocess
import sys
import time
from collections import namedtuple

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(HERE, 'tdengine_standin.py')

T = 1764000000000                      # 2025-11-24T16:00:00Z in ms
DAY_MS = 86400000
Err = namedtuple('Err', 'code desc')
OK = 'ok'                              # expected: success, value not checked
# A line break right after '(' makes the stand-in parse a row token by token instead of with its
# whole-row fast path; both layouts must give the same answers.
LAYOUTS = {'plain': '(', 'token-by-token': '(\n'}

METERS = ('(ts timestamp, current float, voltage int, phase float, note varchar(10), cn nchar(4)) '
          'tags (groupid int, location varchar(8), tn nchar(4))')
BASE_SCHEMA = [
    "create database kdb precision 'ms'",
    "create database kdbus precision 'us'",
    "create database kdbns precision 'ns'",
    "create database kdbold precision 'ms' keep 365000",
    'create stable kdb.meters ' + METERS,
    'create stable kdbus.meters ' + METERS,
    'create stable kdbns.meters ' + METERS,
    'create stable kdbold.meters ' + METERS,
    "create table kdb.d1 using kdb.meters tags (1,'SF','ab')",
    'create stable kdb.allt (ts timestamp, c_bool bool, c_ti tinyint, c_si smallint, c_int int, c_bi bigint, '
    'c_uti tinyint unsigned, c_usi smallint unsigned, c_ui int unsigned, c_ubi bigint unsigned, c_f float, '
    'c_d double, c_vc varchar(16), c_bin binary(16), c_nc nchar(8), c_vb varbinary(16), c_geo geometry(64)) '
    'tags (t_json json)',
    'create table kdb.a1 using kdb.allt tags (\'{"k":"v"}\')',
    'create stable kdb.es (ts timestamp, vs varchar(64), ns nchar(32)) tags (t varchar(32))',
    "create table kdb.e1 using kdb.es tags ('x')",
]


def vgroup_of(table):
    """The stand-in's documented vgroup rule: first byte of MD5(table name) modulo 2."""
    return hashlib.md5(table.encode('utf-8')).digest()[0] % 2


# -- the stand-in process and a client ---------------------------------------------------------
class Standin:
    """A stand-in process on a free port, with a keep-alive HTTP client."""

    def __init__(self, data_path):
        self.data_path = data_path
        self.proc = None
        self.conn = None
        self.start()

    def start(self):
        self.proc = subprocess.Popen([sys.executable, SCRIPT, '--host', '127.0.0.1', '--port', '0',
                                      '--data', self.data_path], stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        assert line.startswith('standin listening on 127.0.0.1:'), 'stand-in did not start: %r' % line
        self.port = int(line.rsplit(':', 1)[1])
        self.conn = http.client.HTTPConnection('127.0.0.1', self.port, timeout=60)

    def kill(self):
        """kill -9 the process."""
        self.conn.close()
        self.proc.kill()
        self.proc.wait()
        self.proc.stdout.close()

    def stop(self):
        self.conn.close()
        self.proc.terminate()
        self.proc.wait()
        self.proc.stdout.close()

    def request(self, method, path, body=b'', headers=None):
        """(HTTP status, decoded JSON body or None)."""
        self.conn.request(method, path, body=body, headers=headers or {})
        resp = self.conn.getresponse()
        data = resp.read()
        # an answer may hold invalid UTF-8 as raw bytes (stored VARCHAR), as the real one does
        return resp.status, (json.loads(data.decode('utf-8', 'surrogateescape')) if data else None)

    def sql(self, stmt, db=None, auth=None):
        """POST one statement (str or bytes); returns the JSON body (asserting HTTP 200)."""
        headers = {'Authorization': auth or 'Basic ' + base64.b64encode(b'root:taosdata').decode()}
        body = stmt if isinstance(stmt, bytes) else stmt.encode('utf-8')
        status, answer = self.request('POST', '/rest/sql' + ('/' + db if db else ''), body, headers)
        assert status == 200, (status, answer)
        return answer

    def ok(self, stmt, db=None):
        answer = self.sql(stmt, db)
        assert answer['code'] == 0, (stmt, answer)
        return answer

    def rows(self, stmt):
        return self.ok(stmt)['data']

    def count(self, table):
        return self.rows('select count(*) from ' + table)[0][0]


@pytest.fixture(scope='module')
def standin(tmp_path_factory):
    s = Standin(str(tmp_path_factory.mktemp('standin') / 'standin.sqlite'))
    yield s
    s.stop()


@pytest.fixture
def db(standin):
    """The stand-in reset to the reference schema (kdb, kdbus, kdbns, kdbold, meters, d1, allt/a1, es/e1)."""
    status, answer = standin.request('POST', '/_standin/reset')
    assert (status, answer) == (200, {'code': 0})
    for stmt in BASE_SCHEMA:
        standin.ok(stmt)
    return standin


def check(standin, stmt, expected):
    """Runs stmt; expected is OK, Err(code, desc) or the affected-row count."""
    answer = standin.sql(stmt)
    if isinstance(expected, Err):
        assert (answer['code'], answer.get('desc')) == expected, stmt
    else:
        assert answer['code'] == 0, (stmt, answer)
        if expected != OK:
            assert answer['data'] == [[expected]], stmt


# -- DDL ------------------------------------------------------------------------------------------
DDL_STEPS = [
    ("create database kdb precision 'ms'", Err(897, 'Database already exists')),
    ("create database if not exists kdb precision 'ns'", 0),
    ("create database kdbx precision 'xs'", Err(9753, 'Invalid option precision: xs')),
    # measured on TDengine 3.3.7.5 through taosAdapter (a system database is not "already there")
    ('create database information_schema', Err(512, 'Cannot create system database: `information_schema`')),
    ('create database if not exists PERFORMANCE_SCHEMA',
     Err(512, 'Cannot create system database: `performance_schema`')),
    ('create database kdbk keep 3650d,3650d,3650d', 0),
    ('create stable kdb.meters ' + METERS, Err(864, 'STable already exists')),
    ('create stable if not exists kdb.meters (ts timestamp, v int) tags (g int)', 0),
    ('create stable kdb.js (ts timestamp, v int) tags (j json, g int)', Err(9779, 'Only one tag if there is a json tag')),
    ('create stable kdb.bad (v int, ts timestamp) tags (g int)', Err(9793, 'First column must be timestamp')),
    ('create stable kdb.bad (ts timestamp, v varchar) tags (g int);', Err(9728, 'syntax error near ") tags (g int);"')),
    ('create stable kdb.notags (ts timestamp, v int);', Err(9728, 'syntax error near ";"')),
    ('create stable kdb.notags (ts timestamp, v int)', Err(9729, 'Incomplete SQL statement')),
    ('create stable nodb.s (ts timestamp, v int) tags (g int)', Err(904, 'Database not exist')),
    ('create stable kdb.dupcol (ts timestamp, v int) tags (v int)', Err(9788, 'Duplicated column names')),
    ('create stable kdb.badlen (ts timestamp, v varchar(0)) tags (g int)',
     Err(9794, 'Invalid column length for var length type')),
    ("create table kdb.d1 using kdb.meters tags (1,'SF','ab')", Err(1539, 'Table already exists')),
    ("create table if not exists kdb.d1 using kdb.meters tags (99,'XX','xx')", 0),
    ('create table kdb.big using kdb.plainstb tags (1)', Err(9731, 'Table does not exist')),
    ("create table kdb.meters using kdb.meters tags (1,'a','b')", Err(1565, 'Table already exists in other stables')),
    ("create table kdb.d9 using kdb.meters tags (1,'a')", Err(9741, 'Tags number not matched')),
    ("create table kdb.d9 using kdb.meters tags (1,'123456789','a')", Err(9811, 'Value too long for column/tag: location')),
    ("create table kdb.d9 using kdb.meters tags ('notint','a','b')", Err(534, "syntax error near 'notint' (invalid int data)")),
    ("create table kdb.d9 using kdb.meters (location, groupid) tags ('NY', 9) kdb.d10 using kdb.meters tags (NULL, NULL, NULL)", 0),
    ("create table kdb.n1 using kdb.meters tags (1,'a','b') kdb.n2 using kdb.nostb tags (1)",
     Err(9731, 'Table does not exist')),
    ('describe kdb.n1', Err(9731, 'Table does not exist')),
    ('drop table kdb.d10', 0),
    ('drop table kdb.d10', Err(9731, 'Table does not exist')),
    ('drop table if exists kdb.d10', 0),
    ('drop stable kdb.nosuchstb', Err(866, 'STable not exist')),
    ('drop stable if exists kdb.nosuchstb', 0),
    ('drop database kdbdefault', Err(904, 'Database not exist')),
    ('drop database if exists kdbdefault', 0),
    ('alter stable kdb.meters add column extra double', 0),
    ('alter stable kdb.meters add column extra int', Err(875, 'Column already exists')),
    ('alter stable kdb.meters add tag voltage int', Err(875, 'Column already exists')),
    ('alter stable kdb.meters add column groupid int', Err(873, 'Tag already exists')),
    ('alter stable kdb.meters modify column note varchar(20)', 0),
    ('alter stable kdb.meters modify column note varchar(5)', Err(9803, 'Only varbinary/binary/nchar/geometry column '
                                                                 'length could be modified, and the length can only be '
                                                                 'increased, not decreased')),
    ('alter stable kdb.meters modify column voltage bigint', Err(9803, 'Only varbinary/binary/nchar/geometry column '
                                                                 'length could be modified, and the length can only be '
                                                                 'increased, not decreased')),
    ('alter stable kdb.meters add tag extra_tag int', 0),
]


def test_ddl_steps_answer_like_tdengine(db):
    for stmt, expected in DDL_STEPS:
        check(db, stmt, expected)
    assert db.rows("select tbname, location, groupid from kdb.meters where tbname = 'd9'") == []
    assert db.rows("select tbname, groupid, location, tn from kdb.meters") == []
    db.ok("insert into kdb.d9 (ts, extra, note) values (%d, 2.5, '%s')" % (T, 'n' * 20))
    assert db.rows('select tbname, groupid, location, tn, extra, note from kdb.meters where tbname = \'d9\'') == \
        [['d9', 9, 'NY', None, 2.5, 'n' * 20]]
    assert db.rows('select tbname, groupid, location from kdb.meters where tbname = \'d1\'') == []
    assert sorted(r[0] for r in db.rows('show kdb.tables')) == ['a1', 'd1', 'd9', 'e1']


def test_describe_shows_seven_fields(db):
    answer = db.ok('describe kdb.meters')
    assert answer['column_meta'] == [['field', 'VARCHAR', 325], ['type', 'VARCHAR', 20], ['length', 'INT', 4],
                                     ['note', 'VARCHAR', 16], ['encode', 'VARCHAR', 12], ['compress', 'VARCHAR', 12],
                                     ['level', 'VARCHAR', 12]]
    assert answer['data'] == [
        ['ts', 'TIMESTAMP', 8, '', 'delta-i', 'lz4', 'medium'],
        ['current', 'FLOAT', 4, '', 'delta-d', 'lz4', 'medium'],
        ['voltage', 'INT', 4, '', 'simple8b', 'lz4', 'medium'],
        ['phase', 'FLOAT', 4, '', 'delta-d', 'lz4', 'medium'],
        ['note', 'VARCHAR', 10, '', 'disabled', 'zstd', 'medium'],
        ['cn', 'NCHAR', 4, '', 'disabled', 'zstd', 'medium'],
        ['groupid', 'INT', 4, 'TAG', 'disabled', 'disabled', 'disabled'],
        ['location', 'VARCHAR', 8, 'TAG', 'disabled', 'disabled', 'disabled'],
        ['tn', 'NCHAR', 4, 'TAG', 'disabled', 'disabled', 'disabled'],
    ]
    assert db.ok('desc kdb.d1')['data'] == answer['data']
    types = [r[1:3] for r in db.rows('describe kdb.allt')]
    assert types == [['TIMESTAMP', 8], ['BOOL', 1], ['TINYINT', 1], ['SMALLINT', 2], ['INT', 4], ['BIGINT', 8],
                     ['TINYINT UNSIGNED', 1], ['SMALLINT UNSIGNED', 2], ['INT UNSIGNED', 4], ['BIGINT UNSIGNED', 8],
                     ['FLOAT', 4], ['DOUBLE', 8], ['VARCHAR', 16], ['VARCHAR', 16], ['NCHAR', 8], ['VARBINARY', 16],
                     ['GEOMETRY', 64], ['JSON', 4095]]
    check(db, 'describe kdb.nosuch', Err(9731, 'Table does not exist'))
    check(db, 'describe nodb.s', Err(904, 'Database not exist'))


METADATA_CASES = [
    ("show kdb.stables like 'meters'", [['meters']]),
    ("show kdb.stables like 'met%'", [['meters']]),
    ("show kdb.stables like 'METERS'", [['meters']]),
    ("show kdb.stables like 'x'", []),
    ("show kdb.tables like 'd%'", [['d1']]),
    ('select server_version()', [['3.3.7.5.alpha']]),
    ("select name, `precision`, `keep` from information_schema.ins_databases where name = 'kdbus'",
     [['kdbus', 'us', '3650d,3650d,3650d']]),
    ("select name, `precision`, `keep` from information_schema.ins_databases where name = 'kdbold'",
     [['kdbold', 'ms', '365000d,365000d,365000d']]),
    ('select count(*) from kdb.meters', [[0]]),
    ('select last_row(*) from kdb.meters', []),
    ("select table_name, vgroup_id from information_schema.ins_tables where table_name = 'd1'",
     [['d1', 2 + vgroup_of('d1')]]),
]


@pytest.mark.parametrize('stmt, rows', METADATA_CASES)
def test_metadata_queries(db, stmt, rows):
    assert db.rows(stmt) == rows


# measured on TDengine 3.3.7.5: which tables exist, under which supertable, with which tags
INFO_SCHEMA_SETUP = [
    'create stable kdb.other (ts timestamp, v int) tags (x int)',
    "create table kdb.`it's` using kdb.other tags (5)",
    'create stable kdb.alls (ts timestamp, v int) tags (t timestamp, fl float, d double, '
    'u bigint unsigned, ti tinyint, b bool, vb varbinary(8), s varchar(20), nc nchar(8))',
    "create table kdb.t1 using kdb.alls tags (1700000000123, 1.1, 0.1, 18446744073709551615, -5, true, "
    "'\\x00ff', 'a\\\\b\\'c\"', 'é中')",
    "create table kdb.t2 using kdb.alls tags (NULL, 3.4e38, 1e300, 0, 0, false, '', '', '')",
    'create stable kdb.js2 (ts timestamp, v int) tags (j json)',
    'create table kdb.j2 using kdb.js2 tags (\'{"b":1,"a":2,"c":3, "aa": "x"}\')',
    'create stable kdb.geo (ts timestamp, v int) tags (g geometry(512))',
    "create table kdb.g1 using kdb.geo tags ('POINT(1e10 0.1234567)')",
    "create table kdb.g2 using kdb.geo tags ('POLYGON((0 0, 1 0, 1 1, 0 0), (0.1 0.1, 0.2 0.1, 0.2 0.2, 0.1 0.1))')",
    "create table kdb.g3 using kdb.geo tags ('MULTIPOINT((1 2), (3 4))')",
    "create table kdb.g4 using kdb.geo tags ('MULTIPOLYGON(((0 0, 1 0, 1 1, 0 0)), ((2 2, 3 2, 3 3, 2 2)))')",
]
DOUBLE_1E300 = ('1000000000000000052504760255204420248704468581108159154915854115511802457988908195786371375'
                '080447864043704443832883878176942523235360430575644792184786706982848387200926575803737830'
                '233794788090059368953234970799945081119038967640880074652742780142494579258788820056842838'
                '115669472196386865459400540160.000000000')
INFO_SCHEMA_CASES = [
    ("select table_name, stable_name from information_schema.ins_tables where db_name='kdb' "
     "and table_name in ('d1', 'nope', 'it\\'s', 'meters')", [['d1', 'meters'], ["it's", 'other']]),
    ("select table_name, stable_name from information_schema.ins_tables where db_name='kdb' "
     "and table_name in ('D1')", []),
    ("select stable_name from information_schema.ins_stables where db_name='kdb' and stable_name in ('meters', 'd1')",
     [['meters']]),
    ("select table_name, tag_name, tag_type, tag_value from information_schema.ins_tags where db_name='kdb' "
     "and stable_name='alls' and table_name in ('t1', 't2', 'd1')",
     [['t1', 't', 'TIMESTAMP', '1700000000123'], ['t1', 'fl', 'FLOAT', '1.10000'],
      ['t1', 'd', 'DOUBLE', '0.100000000'], ['t1', 'u', 'BIGINT UNSIGNED', '18446744073709551615'],
      ['t1', 'ti', 'TINYINT', '-5'], ['t1', 'b', 'BOOL', 'true'], ['t1', 'vb', 'VARBINARY(8)', '\\x00FF'],
      ['t1', 's', 'VARCHAR(20)', 'a\\b\'c"'], ['t1', 'nc', 'NCHAR(8)', 'é中'],
      ['t2', 't', 'TIMESTAMP', None], ['t2', 'fl', 'FLOAT', '339999995214436424907732413799364296704.00000'],
      ['t2', 'd', 'DOUBLE', DOUBLE_1E300], ['t2', 'u', 'BIGINT UNSIGNED', '0'], ['t2', 'ti', 'TINYINT', '0'],
      ['t2', 'b', 'BOOL', 'false'], ['t2', 'vb', 'VARBINARY(8)', '\\x'], ['t2', 's', 'VARCHAR(20)', ''],
      ['t2', 'nc', 'NCHAR(8)', '']]),
    ("select table_name, tag_value from information_schema.ins_tags where db_name='kdb' and stable_name='geo'",
     [['g1', 'POINT (10000000000.000000 0.123457)'],
      ['g2', 'POLYGON ((0.000000 0.000000, 1.000000 0.000000, 1.000000 1.000000, 0.000000 0.000000), '
             '(0.100000 0.100000, 0.200000 0.100000, 0.200000 0.200000, 0.100000 0.100000))'],
      ['g3', 'MULTIPOINT (1.000000 2.000000, 3.000000 4.000000)'],
      ['g4', 'MULTIPOLYGON (((0.000000 0.000000, 1.000000 0.000000, 1.000000 1.000000, 0.000000 0.000000)), '
             '((2.000000 2.000000, 3.000000 2.000000, 3.000000 3.000000, 2.000000 2.000000)))']]),
    ("select tag_value from information_schema.ins_tags where db_name='kdb' and table_name = 'j2'",
     [['{"a":2,"aa":"x","b":1,"c":3}']]),
    ("select * from information_schema.ins_tags where db_name='kdb' and table_name in ('a1', 'e1')",
     [['a1', 'kdb', 'allt', 't_json', 'JSON(16382)', '{"k":"v"}'], ['e1', 'kdb', 'es', 't', 'VARCHAR(32)', 'x']]),
]


@pytest.mark.parametrize('stmt, rows', INFO_SCHEMA_CASES)
def test_information_schema_tables_and_tags(db, stmt, rows):
    """ins_tables, ins_stables and ins_tags with IN lists answer as TDengine 3.3.7.5 did (its
    order of tables is its own, so rows are compared sorted by table, tags in tag order)."""
    for setup in INFO_SCHEMA_SETUP:
        db.ok(setup)
    assert sorted(db.rows(stmt), key=lambda r: r[0]) == rows


def test_empty_in_list_is_a_syntax_error(db):
    check(db, "select table_name from information_schema.ins_tables where table_name in ()",
          Err(9728, 'syntax error near ")"'))


def test_show_databases_lists_system_databases_first(db):
    assert db.rows('show databases') == [['information_schema'], ['performance_schema'], ['kdb'], ['kdbus'],
                                         ['kdbns'], ['kdbold']]


# -- INSERT: statement-level errors reject everything ---------------------------------------------
ROW = "(%d, 1.5, 220, 0.31, 'n1', 'c1')" % T
INSERT_ERRORS = [
    ('insert into kdb.meters values ' + ROW,
     Err(534, "syntax error near ' values (1764000000000, 1.5, 220, 0.31, 'n1', 'c1')' "
              "((...tbname, ts...) bounded cols is expected for supertable insertion)")),
    ('insert into kdb.meters (ts, current) values (%d, 1)' % T, Err(512, 'tbname column should not be null')),
    ("insert into kdb.meters (tbname, ts, current) values ('', %d, 1)" % T, Err(512, 'tbname can not be empty')),
    ('insert into kdb.meters (tbname, ts, current) values (NULL, %d, 1)' % T, Err(512, 'tbname can not be null value')),
    ("insert into kdb.meters (tbname, ts) values ('a.b', %d)" % T, Err(512, "tbname can not contain '.'")),
    ("insert into kdb.meters (tbname, ts) values ('%s', %d)" % ('z' * 193, T), Err(512, 'tbname is too long')),
    ('insert into kdb.d1 (voltage, current) values (299, 2.5)', Err(512, 'Primary timestamp column should not be null')),
    ('insert into kdb.d1 (ts, voltage, voltage) values (%d, 1, 2)' % T,
     Err(534, "syntax error near 'voltage' (duplicated column name)")),
    ('insert into kdb.d1 (ts, nosuchcol) values (%d, 1)' % T, Err(9730, 'Invalid column name: nosuchcol')),
    ('insert into kdb.d1 (`ts`, `Current`) values (%d, 1)' % T, Err(9730, 'Invalid column name: Current')),
    ("insert into kdb.d1 values (NULL, 1.0, 5, 1.0, 'a', 'b')",
     Err(534, "syntax error near 'null, 1.0, 5, 1.0, 'a', 'b')' (Primary timestamp column should not be null)")),
    ("insert into kdb.d1 valuse (1764000001000, 1, 1, 1, 'a', 'b');",
     Err(9728, 'syntax error near "valuse (1764000001000, 1, 1, 1, \'a\', \'b\');"')),
    ("insert kdb.d1 values (1764000001000, 1, 1, 1, 'a', 'b')",
     Err(534, "syntax error near 'kdb.d1 values (1764000001000, 1, 1, 1, 'a', 'b')' (keyword INTO is expected)")),
    ("insert into kdb.d1 values (%d, 1, 1, 1, 'a', 'b'" % T, Err(534, "syntax error near '' () expected)")),
    ('selec 1;', Err(9728, 'syntax error near "selec 1;"')),
    ('insert into nodb.t1 values (%d, 1)' % T, Err(904, 'Database not exist')),
    ('insert into nodb.t1 using nodb.stb tags (1) values (%d, 1)' % T, Err(904, 'Database not exist')),
    ('insert into `KDB`.d1 values ' + ROW, Err(904, 'Database not exist')),
    ('insert into kdb.x1 using kdb.nostb tags (1) values (%d, 1)' % T, Err(9731, 'Table does not exist')),
    ("insert into kdb.x9 using kdbus.meters tags (1,'a','b') values " + ROW, Err(9731, 'Table does not exist')),
    ('insert into kdb.nosuch values ' + ROW, Err(9731, 'Table does not exist')),
    ('insert into nosuch values ' + ROW, Err(512, 'db is not specified')),
    ('insert into kdb.d1 values (%d, 1, 1)' % T, Err(534, "syntax error near ')' (, expected)")),
    ('insert into kdb.d1 (ts, current, voltage) values (%d, 1);' % T, Err(534, "syntax error near ');' (, expected)")),
    ("insert into kdb.d1 values (%d, 1, 1, 1, 'a', 'b', 7)" % T, Err(9791, 'Illegal number of columns')),
    ('insert into kdb.d1 (ts, current) values (%d, 1, 2)' % T, Err(9791, 'Illegal number of columns')),
    ("insert into kdb.d1 values (%d, 1, abc, 1, 'bare', 'b')" % T,
     Err(534, "syntax error near 'abc, 1, 'bare', 'b')' (invalid data or symbol)")),
    ("insert into kdb.d1 values (%d, 1, 1, 1, 'toolongvalue-xxxx', 'b')" % T,
     Err(9811, 'Value too long for column/tag: note')),
    ("insert into kdb.d2 using kdb.meters tags (2,'LA','la') values (%d, 1, 1, 1, 'a', 'b') "
     "kdb.d1 values (%d, 1, 1, 1, 'toolongvalue-xxxx', 'b')" % (T + 103, T + 103),
     Err(9811, 'Value too long for column/tag: note')),
    ("insert into kdb.d1 values (%d, 1, 1, 1, 'a', 'b') kdb.nosuch values (%d, 1)" % (T, T),
     Err(9731, 'Table does not exist')),
    ("insert into kdb.d5 using kdb.meters tags (5,'123456789','x') values " + ROW,
     Err(9811, 'Value too long for column/tag: location')),
    ("insert into kdb.d5 using kdb.meters tags (5,'x','12345') values " + ROW, Err(9811, 'Value too long for column/tag: tn')),
    ("insert into kdb.d5 using kdb.meters tags ('notint','x','y') values " + ROW,
     Err(534, "syntax error near 'notint' (invalid int data)")),
    ("insert into kdb.d5 using kdb.meters tags (5,'x') values " + ROW,
     Err(534, "syntax error near ') values (1764000000000, 1.5, 220, 0.31, 'n1', 'c1')' (invalid data or symbol)")),
    ("insert into kdb.d5 using kdb.meters tags (5,'x','y','z') values " + ROW, Err(9741, 'Tags number not matched')),
    ("insert into kdb.d1 using kdb.meters (groupid) tags ('x') values " + ROW,
     Err(534, "syntax error near 'x' (invalid int data)")),
    ("insert into kdb.d1 using kdb.es tags ('x') values (%d, 'a', 'b')" % T,
     Err(1565, 'Table already exists in other stables')),
    ("insert into kdb.meters using kdb.meters tags (1,'a','b') values " + ROW,
     Err(1565, 'Table already exists in other stables')),
    ("insert into kdb.es using kdb.meters tags (1,'a','b') values " + ROW,
     Err(1565, 'Table already exists in other stables')),
    ("insert into kdb.e1 values (%d, 'a', 'b') kdb.meters (tbname, ts, voltage) values ('e1', %d, 1)" % (T, T),
     Err(1565, 'Table already exists in other stables')),
    ('insert into kdb.a.b values ' + ROW, Err(9731, 'Table does not exist')),
    ("insert into kdb.`a.b` using kdb.meters tags (1,'a','b') values " + ROW,
     Err(9751, "The table name cannot contain '.'")),
    ("insert into `kdb.ab` using kdb.meters tags (1,'a','b') values " + ROW, Err(512, 'db is not specified')),
    ("insert into kdb.a-b using kdb.meters tags (1,'a','b') values " + ROW, Err(9731, 'Table does not exist')),
    ("insert into kdb.%s using kdb.meters tags (1,'a','b') values %s" % ('x' * 193, ROW), Err(512, 'name too long')),
    ("insert into kdb.`%s` using kdb.meters tags (1,'a','b') values %s" % ('x' * 193, ROW), Err(512, 'name too long')),
    ("insert into kdb.select using kdb.meters tags (1,'a','b') values (1, 2);",
     Err(9728, 'syntax error near "select using kdb.meters tags (1,\'a\',\'b\') values (1, 2);"')),
    ("insert into kdb.1abc using kdb.meters tags (1,'a','b') values (1, 2);",
     Err(9728, 'syntax error near ".1abc using kdb.meters tags (1,\'a\',\'b\') values (1, 2);"')),
    ("insert into kdb.表二 using kdb.meters tags (1,'a','b') values (1, 2);",
     Err(9728, 'syntax error near "表二 using kdb.meters tags (1,\'a\',\'b\') values (1, 2);"')),
    (';', Err(9728, 'syntax error near ";"')),
    ('select count(*) from nodb.s', Err(904, 'Database not exist')),
    ('show nodb.stables', Err(904, 'Database not exist')),
    ('select count(*) from kdb.nosuch', Err(9731, 'Table does not exist')),
    ('select last_row(*) from kdb.nosuch', Err(9731, 'Table does not exist')),
    ('select nosuchfunc(ts) from kdb.d1', Err(884, 'Func not exists')),         # real 3.3.7.5
]


@pytest.mark.parametrize('stmt, expected', INSERT_ERRORS)
def test_statement_errors_write_nothing(db, stmt, expected):
    check(db, stmt, expected)
    assert db.count('kdb.meters') == 0
    assert sorted(r[0] for r in db.rows('show kdb.tables')) == ['a1', 'd1', 'e1']


# -- INSERT: accepted forms -------------------------------------------------------------------------
def test_insert_forms_and_affected_rows(db):
    check(db, 'insert into kdb.d1 values ' + ROW, 1)
    check(db, 'insert into kdb.d1 values (%d,1,1,1,null,null)(%d,1,1,1,null,null)(%d,1,1,1,null,null)'
          % (T + 1, T + 2, T + 3), 3)
    check(db, "insert into kdb.d1 values (%d,1,1,1,'a','b') kdb.d2 using kdb.meters tags (2,'LA','la') "
              "values (%d,1,1,1,'a','b')(%d,1,1,1,'a','b')" % (T + 4, T, T + 1), 3)
    check(db, 'insert into kdb.d3 using kdb.meters (groupid) tags (3) values ' + ROW, 1)
    check(db, "insert into kdb.d3b using kdb.meters (location, groupid) tags ('NY',33) (ts, voltage) "
              "values (%d, 241)" % T, 1)
    check(db, "insert into kdb.meters (tbname, ts, current, voltage, groupid, location, tn) values "
              "('d4',%d,1,2,4,'x','y')('d4',%d,1,2,4,'x','y')('d5',%d,1,2,5,'z','w')" % (T, T + 1, T), 3)
    check(db, "insert into kdb.meters (tbname, ts, current, voltage) values ('d6', %d, 1, 2)" % T, 1)
    check(db, "insert into kdb.meters (ts, current, voltage, tbname) values (%d, 1, 2, 'd1')" % (T + 5), 1)
    check(db, "insert into kdb.meters (tbname, ts, current, groupid, location) values ('d1', %d, 1, 777, 'CHANGED')"
          % (T + 6), 1)
    check(db, "insert into kdb.d1 using kdb.meters tags (555,'NEW','new') values (%d,1,1,1,'a','b')" % (T + 7), 1)
    check(db, 'insert into kdb.d1 (voltage, ts, current) values (299, %d, 2.5)' % (T + 10), 1)
    check(db, 'insert into kdb.d1 (TS, CURRENT, Voltage) values (%d, 1, 2)' % (T + 11), 1)
    check(db, "insert into kdb.d1 values (%d, NULL, NULL, NULL, NULL, NULL)" % (T + 12), 1)
    check(db, "insert into kdb.d1 values (%d, null, 5, null, 'NULL', 'null')" % (T + 13), 1)
    tags = db.rows("select tbname, groupid, location, tn from kdb.meters where ts = %d order by tbname" % T)
    assert tags == [['d1', 1, 'SF', 'ab'], ['d2', 2, 'LA', 'la'], ['d3', 3, None, None], ['d3b', 33, 'NY', None],
                    ['d4', 4, 'x', 'y'], ['d5', 5, 'z', 'w'], ['d6', None, None, None]]
    assert db.rows('select ts, current, voltage, note from kdb.d1 where ts >= %d order by ts' % (T + 10)) == [
        ['2025-11-24T16:00:00.010Z', 2.5, 299, None], ['2025-11-24T16:00:00.011Z', 1.0, 2, None],
        ['2025-11-24T16:00:00.012Z', None, None, None], ['2025-11-24T16:00:00.013Z', None, 5, 'NULL']]
    assert db.rows('select cn from kdb.d1 where ts = %d' % (T + 13)) == [['null']]


@pytest.mark.parametrize('layout', LAYOUTS)
def test_supertable_rows_read_tags_from_the_first_row_of_each_table(db, layout):
    rows = ''.join("%s'%s', %d, %s, 7, 'loc', 'tn')" % (LAYOUTS[layout], name, T + i, value)
                   for i, (name, value) in enumerate([('d7', "1.5"), ('d7', "'2'"), ('d8', 'NULL'), ('d7', '-3')]))
    check(db, 'insert into kdb.meters (tbname, ts, voltage, groupid, location, tn) values ' + rows, 4)
    check(db, "insert into kdb.meters (tbname, ts, groupid) values %s'd8', %d, 'not an int')" % (LAYOUTS[layout], T),
          Err(534, "syntax error near 'not an int' (invalid int data)"))
    check(db, "insert into kdb.meters (tbname, ts, groupid) values ('d9', %d, 1)%s'd9', %d, 'unchecked')"
          % (T, LAYOUTS[layout], T + 1), 2)
    assert db.rows('select tbname, ts, voltage, groupid, location from kdb.meters order by tbname, ts') == [
        ['d7', '2025-11-24T16:00:00.000Z', 2, 7, 'loc'], ['d7', '2025-11-24T16:00:00.001Z', 2, 7, 'loc'],
        ['d7', '2025-11-24T16:00:00.003Z', -3, 7, 'loc'], ['d8', '2025-11-24T16:00:00.002Z', None, 7, 'loc'],
        ['d9', '2025-11-24T16:00:00.000Z', None, 1, None], ['d9', '2025-11-24T16:00:00.001Z', None, 1, None]]


def test_supertable_insert_keeps_tbname_case(db):
    check(db, "insert into kdb.meters (tbname, ts) values ('MixedViaStb', %d)" % T, 1)
    assert db.count('kdb.`MixedViaStb`') == 1
    check(db, 'select count(*) from kdb.MixedViaStb', Err(9731, 'Table does not exist'))


def test_supertable_insert_into_table_of_other_stable(db):
    check(db, "insert into kdb.meters (tbname, ts) values ('e1', %d)" % T,
          Err(1565, 'Table already exists in other stables'))


# -- value conversion ---------------------------------------------------------------------------
COERCIONS = [   # (table, column, literal, stored value as read back, or Err)
    ('kdb.a1', 'c_int', "'abc'", Err(534, "syntax error near 'abc' (invalid int data)")),
    ('kdb.a1', 'c_int', "''", Err(534, "syntax error near '' (invalid numeric data)")),
    ('kdb.a1', 'c_int', "'  42 '", Err(534, "syntax error near '  42 ' (invalid int data)")),
    ('kdb.a1', 'c_int', "'1,000'", Err(534, "syntax error near '1,000' (invalid int data)")),
    ('kdb.a1', 'c_int', 'true', Err(534, "syntax error near 'true)' (invalid int data)")),
    ('kdb.a1', 'c_int', "'123'", 123),
    ('kdb.a1', 'c_int', '1e3', 1000),
    ('kdb.a1', 'c_int', '0x10', 16),
    ('kdb.a1', 'c_int', '0b101', 5),
    ('kdb.a1', 'c_int', '+5', 5),
    ('kdb.a1', 'c_int', '1.5e2', 150),
    ('kdb.a1', 'c_int', '12.4', 12),
    ('kdb.a1', 'c_int', '12.5', 13),
    ('kdb.a1', 'c_int', '-12.5', -13),
    ('kdb.a1', 'c_int', '12.7', 13),
    ('kdb.a1', 'c_int', "'NULL'", None),
    ('kdb.a1', 'c_int', '2147483648', Err(534, "syntax error near '2147483648)' (int data overflow)")),
    ('kdb.a1', 'c_int', '-2147483649', Err(534, "syntax error near '-2147483649)' (int data overflow)")),
    ('kdb.a1', 'c_f', "'2.5'", 2.5),
    ('kdb.a1', 'c_f', '0.31', 0.31),
    ('kdb.a1', 'c_vc', '123', '123'),
    ('kdb.a1', 'c_vc', '3.14', '3.14'),
    ('kdb.a1', 'c_vc', 'true', 'true'),
    ('kdb.a1', 'c_nc', '456', '456'),
    ('kdb.a1', 'c_ti', '300', Err(534, "syntax error near '300)' (tinyint data overflow)")),
    ('kdb.a1', 'c_ti', '128', Err(534, "syntax error near '128)' (tinyint data overflow)")),
    ('kdb.a1', 'c_ti', '-129', Err(534, "syntax error near '-129)' (tinyint data overflow)")),
    ('kdb.a1', 'c_ti', '127.5', Err(534, "syntax error near '127.5)' (tinyint data overflow)")),
    ('kdb.a1', 'c_ti', '127', 127),
    ('kdb.a1', 'c_ti', '127.4', 127),
    ('kdb.a1', 'c_bi', '9223372036854775808', Err(534, "syntax error near '9223372036854775808)' (invalid bigint data)")),
    ('kdb.a1', 'c_uti', '-1', Err(534, "syntax error near '-1)' (invalid unsigned tinyint data)")),
    ('kdb.a1', 'c_uti', '256', Err(534, "syntax error near '256)' (unsigned tinyint data overflow)")),
    ('kdb.a1', 'c_uti', "'-0'", 0),
    ('kdb.a1', 'c_ubi', '18446744073709551615', 18446744073709551615),
    ('kdb.a1', 'c_ubi', '18446744073709551616',
     Err(534, "syntax error near '18446744073709551616)' (invalid unsigned bigint data)")),
    ('kdb.a1', 'c_f', '1e39', Err(534, "syntax error near '1e39)' (illegal float data)")),
    ('kdb.a1', 'c_d', '1e309', Err(534, "syntax error near '1e309)' (illegal float data)")),
    ('kdb.a1', 'c_f', "'nan'", Err(534, "syntax error near 'nan' (illegal float data)")),
    ('kdb.a1', 'c_d', '1.7976931348623157e308', 1.7976931348623157e308),
    ('kdb.a1', 'c_bool', "'yes'", Err(534, "syntax error near 'yes' (invalid bool data)")),
    ('kdb.a1', 'c_bool', "'t'", Err(534, "syntax error near 't' (invalid bool data)")),
    ('kdb.a1', 'c_bool', '2', True),
    ('kdb.a1', 'c_bool', '1.5', True),
    ('kdb.a1', 'c_bool', '0', False),
    ('kdb.a1', 'c_bool', "'true'", True),
    ('kdb.a1', 'c_bool', "'FALSE'", False),
    ('kdb.a1', 'c_vb', r"'\x414243'", '414243'),
    ('kdb.a1', 'c_vb', "'plain'", b'plain'.hex()),
    ('kdb.a1', 'c_vb', "'%s'" % ('v' * 17), Err(9811, 'Value too long for column/tag: c_vb')),
    ('kdb.a1', 'c_geo', "'POINT(1 2)'", '0101000000000000000000f03f0000000000000040'),
    ('kdb.a1', 'c_geo', "'not a geometry'", Err(534, "syntax error near 'not a geometry' (Invalid function para value)")),
    ('kdb.a1', 'c_vc', "'%s'" % ('v' * 16), 'v' * 16),
    ('kdb.a1', 'c_bin', "'%s'" % ('v' * 16), 'v' * 16),
    ('kdb.a1', 'c_nc', "'%s'" % ('v' * 8), 'v' * 8),
    ('kdb.a1', 'c_vc', "'%s'" % ('v' * 17), Err(9811, 'Value too long for column/tag: c_vc')),
    ('kdb.a1', 'c_nc', "'%s'" % ('v' * 9), Err(9811, 'Value too long for column/tag: c_nc')),
    ('kdb.d1', 'note', "'温度传'", '温度传'),
    ('kdb.d1', 'note', "'温度传感'", Err(9811, 'Value too long for column/tag: note')),
    ('kdb.d1', 'cn', "'温度传感'", '温度传感'),
    ('kdb.d1', 'cn', "'温度传感器'", Err(9811, 'Value too long for column/tag: cn')),
    ('kdb.d1', 'cn', "'😀😀😀😀'", '😀😀😀😀'),
    ('kdb.d1', 'cn', "'😀😀😀😀😀'", Err(9811, 'Value too long for column/tag: cn')),
]


@pytest.mark.parametrize('layout', LAYOUTS)
@pytest.mark.parametrize('table, column, literal, expected', COERCIONS)
def test_value_conversion(db, table, column, literal, expected, layout):
    stmt = 'insert into %s (ts, %s) values %s%d, %s)' % (table, column, LAYOUTS[layout], T, literal)
    if isinstance(expected, Err):
        check(db, stmt, expected)
        assert db.count(table) == 0
    else:
        check(db, stmt, 1)
        assert db.rows('select %s from %s' % (column, table)) == [[expected]]


def test_invalid_utf8_goes_into_varchar_but_not_nchar(db):
    check(db, b"insert into kdb.e1 (ts, vs) values (1764000000000, 'a\xff\xfeb')", 1)
    # taosAdapter 3.3.7.8 answers with the stored bytes themselves, not U+FFFD
    assert db.rows('select vs from kdb.e1') == [['a\udcff\udcfeb']]
    check(db, b"insert into kdb.e1 (ts, ns) values (1764000000001, 'a\xff\xfeb')",
          Err(534, "syntax error near 'a\ufffd\ufffdb' (Unknown error -2130771884)"))


JSON_TAGS = [   # (literal, tag as read back, or Err)
    ("'not json'", Err(534, "syntax error near 'not json' (json parse error)")),
    ('\'{"a":{"b":1}}\'', Err(534, 'syntax error near \'{"a":{"b":1}}\' (invalidate json value)')),
    ('\'{"a":[1,2]}\'', Err(534, 'syntax error near \'{"a":[1,2]}\' (invalidate json value)')),
    ("'[1,2]'", Err(534, "syntax error near '[1,2]' (json error invalide value)")),
    ("'{}'", None),
    ("'null'", None),
    ('NULL', None),
    ('\'{"":1}\'', None),
    ('\'{"a":true,"b":null,"c":"温"}\'', {'a': True, 'b': None, 'c': '温'}),
]


@pytest.mark.parametrize('literal, expected', JSON_TAGS)
def test_json_tags(db, literal, expected):
    stmt = 'insert into kdb.j1 using kdb.allt tags (%s) (ts) values (%d)' % (literal, T)
    if isinstance(expected, Err):
        check(db, stmt, expected)
    else:
        check(db, stmt, 1)
        assert db.rows("select t_json from kdb.allt where tbname = 'j1'") == [[expected]]


# -- string literals ------------------------------------------------------------------------------
ESCAPES = [     # (literal, value stored in VARCHAR and NCHAR)
    (r"'it\'s'", "it's"),
    ("'it''s'", "it's"),
    ("'say \"hi\"'", 'say "hi"'),
    ('"it\'s"', "it's"),
    (r'"a \"b\" c"', 'a "b" c'),
    ('"a ""b"" c"', 'a "b" c'),
    (r"'a\"b'", 'a"b'),
    (r'"a\'b"', "a'b"),
    (r"'a\\b'", 'a\\b'),
    (r"'a\nb'", 'a\nb'),
    (r"'a\tb\rc'", 'a\tb\rc'),
    (r"'a\bc'", 'a\bc'),
    (r"'a\fb'", 'a\fb'),
    (r"'a\0b'", 'a0b'),
    (r"'a\%b\_c'", 'a\\%b\\_c'),
    (r"'a\x41b'", 'a\\x41b'),
    (r"'a\u0041b'", 'au0041b'),
    (r"'a\zb\Q'", 'azbQ'),
    ("'a`b'", 'a`b'),
    ("'a;b'", 'a;b'),
    ("'a\nb\tc\rd'", 'a\nb\tc\rd'),
    ("''", ''),
    ("'温度传感器'", '温度传感器'),
    ("'😀x'", '😀x'),
]


@pytest.mark.parametrize('literal, value', ESCAPES)
def test_string_escapes(db, literal, value):
    check(db, 'insert into kdb.e1 values (%d, %s, %s)' % (T, literal, literal), 1)
    assert db.rows('select vs, ns from kdb.e1') == [[value, value]]


def test_string_literal_edge_cases(db):
    check(db, r"insert into kdb.e1 values (%d, 'abc\', 'abc\');" % T, Err(534, r"syntax error near 'abc\');' (, expected)"))
    check(db, b"insert into kdb.e1 (ts, ns) values (1764000000000, 'a\x00b')",
          Err(534, "syntax error near ''a' (invalid data or symbol)"))
    check(db, b"insert into kdb.e1 (ts, ns) values (1764000000000, 'ab');\x00garbage", 1)
    check(db, "insert into kdb.e2 using kdb.es tags ('it\\'s \"q\" \\\\ 温') values (%d, 'a', 'b')" % T, 1)
    check(db, "insert into kdb.es (tbname, ts, t) values ('e3', %d, 'x''y')" % T, 1)
    assert db.rows('select tbname, t from kdb.es order by tbname') == [['e1', 'x'], ['e2', 'it\'s "q" \\ 温'],
                                                                    ['e3', "x'y"]]


# -- identifiers --------------------------------------------------------------------------------------
NAME_STEPS = [
    ("insert into kdb.%s using kdb.meters tags (1,'a','b') values %s" % ('x' * 192, ROW), 1),
    ("insert into kdb.`select` using kdb.meters tags (1,'a','b') values " + ROW, 1),
    ("insert into kdb.`values` using kdb.meters tags (1,'a','b') values " + ROW, 1),
    ("insert into kdb.status using kdb.meters tags (1,'a','b') values " + ROW, 1),
    ("insert into kdb.`1abc` using kdb.meters tags (1,'a','b') values " + ROW, 1),
    ("insert into kdb.`a-b c` using kdb.meters tags (1,'a','b') values " + ROW, 1),
    ("insert into kdb.`表一` using kdb.meters tags (1,'a','b') values " + ROW, 1),
    ("insert into kdb.UpperT using kdb.meters tags (1,'a','b') values " + ROW, 1),
    ('select count(*) from KDB.UPPERT', OK),
    ("insert into kdb.`UpperQ` using kdb.meters tags (1,'a','b') values " + ROW, 1),
    ('select count(*) from kdb.upperq', Err(9731, 'Table does not exist')),
    ('select count(*) from kdb.`upperq`', Err(9731, 'Table does not exist')),
    ('select count(*) from kdb.`UpperQ`', OK),
    ("create table kdb.`a``b` using kdb.meters tags (1,'a','b')", 0),
    ("create table kdb.`a.b` using kdb.meters tags (1,'a','b')", Err(9751, "The table name cannot contain '.'")),
    ('create stable kdb.UpStb (ts timestamp, Val int) tags (Tg int)', 0),
    ('create stable kdb.`QuotedStb` (ts timestamp, `Val` int) tags (`Tg` int)', 0),
    ('create table kdb.q1 using kdb.`QuotedStb` tags (1)', 0),
    ('insert into kdb.q1 (ts, val) values (%d, 1)' % T, Err(9730, 'Invalid column name: val')),
    ('insert into kdb.q1 (ts, `Val`) values (%d, 1)' % T, 1),
    ("show kdb.stables like 'quotedstb'", OK),
]


def test_identifier_rules(db):
    for stmt, expected in NAME_STEPS:
        check(db, stmt, expected)
    tables = sorted(r[0] for r in db.rows('show kdb.tables'))
    assert tables == sorted(['a1', 'd1', 'e1', 'x' * 192, 'select', 'values', 'status', '1abc', 'a-b c', '表一', 'uppert',
                             'UpperQ', 'a`b', 'q1'])
    assert [r[0] for r in db.rows('describe kdb.upstb')] == ['ts', 'val', 'tg']
    assert [r[0] for r in db.rows('describe kdb.`QuotedStb`')] == ['ts', 'Val', 'Tg']
    assert db.rows("show kdb.stables like 'quotedstb'") == [['QuotedStb']]


# -- timestamps -----------------------------------------------------------------------------------
TIMESTAMPS = [  # (database, literal, stored timestamp as read back, or Err)
    ('kdb', "'2025-11-25 00:00:00.000'", '2025-11-25T00:00:00.000Z'),
    ('kdb', "'2025-11-25 00:00:01'", '2025-11-25T00:00:01.000Z'),
    ('kdb', "'2025-11-25'", '2025-11-25T00:00:00.000Z'),
    ('kdb', "'2025-11-25T00:00:02Z'", '2025-11-25T00:00:02.000Z'),
    ('kdb', "'2025-11-25T08:00:03+08:00'", '2025-11-25T00:00:03.000Z'),
    ('kdb', "'2025-11-25 00:00:08+0800'", '2025-11-24T16:00:08.000Z'),
    ('kdb', "'2025-11-25T00:00:06+08'", '2025-11-24T16:00:06.000Z'),
    ('kdb', "'2025-11-25T00:00:07-05:30'", '2025-11-25T05:30:07.000Z'),
    ('kdb', "'2025-11-25T00:00:05.123456789Z'", '2025-11-25T00:00:05.123Z'),
    ('kdb', "'2025-11-25 00:00:06.1234'", '2025-11-25T00:00:06.123Z'),
    ('kdb', "'2025-11-25T00:00:07'", '2025-11-25T00:00:07.000Z'),
    ('kdb', "' 2025-11-25 00:00:04.000Z'", '2025-11-25T00:00:04.000Z'),
    ('kdb', "'1764028810000'", '2025-11-25T00:00:10.000Z'),
    ('kdb', "'2025-11-25 00:00:00.000'+1s", '2025-11-25T00:00:01.000Z'),
    ('kdb', '1764028812000+1a', '2025-11-25T00:00:12.001Z'),
    ('kdb', "'2025/11/25 00:00:09'", Err(534, "syntax error near '2025/11/25 00:00:09' (invalid timestamp)")),
    ('kdb', '1764028811.5', Err(534, "syntax error near '1764028811.5, 1)' (invalid timestamp)")),
    ('kdb', "''", Err(534, "syntax error near '' (invalid timestamp)")),
    ('kdb', "'abc'", Err(534, "syntax error near 'abc' (invalid timestamp)")),
    ('kdb', "'2025-13-01 00:00:00'", Err(534, "syntax error near '2025-13-01 00:00:00' (invalid timestamp)")),
    ('kdb', "'2025-02-30 00:00:00'", Err(534, "syntax error near '2025-02-30 00:00:00' (invalid timestamp)")),
    ('kdb', "'2025-11-25 25:00:00'", Err(534, "syntax error near '2025-11-25 25:00:00' (invalid timestamp)")),
    ('kdb', '0', Err(1547, 'Timestamp data out of range')),
    ('kdb', '-1000', Err(1547, 'Timestamp data out of range')),
    ('kdb', "'1970-01-01 00:00:00'", Err(1547, 'Timestamp data out of range')),
    ('kdb', "'2000-01-01 00:00:00'", Err(1547, 'Timestamp data out of range')),
    ('kdb', "'2100-01-01 00:00:00'", '2100-01-01T00:00:00.000Z'),
    ('kdb', "'2262-04-11 23:47:16.855'", '2262-04-11T23:47:16.855Z'),
    ('kdb', "'3000-01-01'", Err(1547, 'Timestamp data out of range')),
    ('kdb', "'9999-12-31 23:59:59'", Err(1547, 'Timestamp data out of range')),
    ('kdb', '253402300799000', Err(1547, 'Timestamp data out of range')),
    ('kdb', '9223372036854775807', Err(1547, 'Timestamp data out of range')),
    ('kdb', '9223372036854775808', Err(534, "syntax error near '9223372036854775808, 1)' (invalid timestamp)")),
    ('kdbus', '1764000000000000', '2025-11-24T16:00:00.000000Z'),
    ('kdbus', "'2025-11-25T00:00:00.123456Z'", '2025-11-25T00:00:00.123456Z'),
    ('kdbus', "'2025-11-25T00:00:01.123456789Z'", '2025-11-25T00:00:01.123456Z'),
    ('kdbus', "'2025-11-25 00:00:02.1'", '2025-11-25T00:00:02.100000Z'),
    ('kdbus', '1764000000000', Err(1547, 'Timestamp data out of range')),
    ('kdbns', '1764000000000000000', '2025-11-24T16:00:00.000000000Z'),
    ('kdbns', "'2025-11-25T00:00:00.123456789Z'", '2025-11-25T00:00:00.123456789Z'),
    ('kdbns', '1764000000000', Err(1547, 'Timestamp data out of range')),
    ('kdbns', '9223372036854775807', Err(1547, 'Timestamp data out of range')),
    ('kdbns', "'2262-04-11 00:00:00'", Err(1547, 'Timestamp data out of range')),
    ('kdbns', '9223372036854775808', Err(534, "syntax error near '9223372036854775808, 1)' (invalid timestamp)")),
    ('kdbold', '0', '1970-01-01T00:00:00.000Z'),
    ('kdbold', '-1000', '1969-12-31T23:59:59.000Z'),
    ('kdbold', "'1900-01-01 00:00:00'", '1900-01-01T00:00:00.000Z'),
    ('kdbold', "'1900-01-01T00:00:00+08:00'", '1899-12-31T16:00:00.000Z'),
    ('kdbold', '-9223372036854775807', Err(1547, 'Timestamp data out of range')),
    ('kdb', 'now', OK),
    ('kdb', 'now()', OK),
    ('kdb', 'now-1d', OK),
    ('kdb', 'now()+1s', OK),
    ('kdb', "'now'", OK),
    ('kdb', 'today()', OK),
]


@pytest.mark.parametrize('layout', LAYOUTS)
@pytest.mark.parametrize('database, literal, expected', TIMESTAMPS)
def test_timestamp_literals(db, database, literal, expected, layout):
    stmt = "insert into %s.t1 using %s.meters tags (1,'a','b') (ts, voltage) values %s%s, 1)" % (
        database, database, LAYOUTS[layout], literal)
    if isinstance(expected, Err):
        check(db, stmt, expected)
        assert db.count('%s.meters' % database) == 0
    else:
        check(db, stmt, 1)
        if expected != OK:
            assert db.rows('select ts from %s.t1' % database) == [[expected]]


def test_keep_window_starts_3650_days_ago(db):
    now_ms = int(time.time() * 1000)
    check(db, 'insert into kdb.d1 (ts, voltage) values (%d, 1)' % (now_ms - 3649 * DAY_MS), 1)
    check(db, 'insert into kdb.d1 (ts, voltage) values (%d, 1)' % (now_ms - 3651 * DAY_MS),
          Err(1547, 'Timestamp data out of range'))


# -- duplicate timestamps --------------------------------------------------------------------------
def test_duplicate_timestamps_merge_column_by_column(db):
    def row(ts):
        return db.rows('select current, voltage, phase, note, cn from kdb.d1 where ts = %d' % ts)
    check(db, "insert into kdb.d1 values (%d,1.0,1,1,'first','a')(%d,2.0,2,2,'second','b')" % (T, T), 1)
    assert row(T) == [[2.0, 2, 2.0, 'second', 'b']]
    check(db, "insert into kdb.d1 (ts,voltage,note) values (%d,10,'a')(%d,11,NULL)(%d,NULL,'b')" % ((T + 3,) * 3), 1)
    assert row(T + 3) == [[None, 11, None, 'b', None]]
    check(db, 'insert into kdb.d1 (ts,voltage) values(%d,10) kdb.d1 (ts,current) values(%d,0.5)' % (T + 2, T + 2), 1)
    assert row(T + 2) == [[0.5, 10, None, None, None]]
    check(db, 'insert into kdb.d1 (ts, voltage) values (%d,10)(%d,NULL)' % (T + 1, T + 1), 1)
    assert row(T + 1) == [[None, 10, None, None, None]]
    check(db, 'insert into kdb.d1 (ts, current) values (%d, 9.5)' % T, 1)
    assert row(T) == [[9.5, 2, 2.0, 'second', 'b']]
    check(db, 'insert into kdb.d1 (ts, note) values (%d, NULL)' % T, 1)
    assert row(T) == [[9.5, 2, 2.0, None, 'b']]
    check(db, 'insert into kdb.d1 values (%d, NULL, NULL, NULL, NULL, NULL)' % T, 1)
    assert row(T) == [[None, None, None, None, None]]
    check(db, "insert into kdb.meters (tbname, ts, voltage) values ('d1',%d,1)('d1',%d,2)" % (T + 4, T + 4), 1)
    assert row(T + 4) == [[None, 2, None, None, None]]
    repeat = 'insert into kdb.d1 (ts) values (%d)(%d)(%d)' % (T + 5, T + 6, T + 6)
    check(db, repeat, 2)
    check(db, repeat, 2)
    assert db.count('kdb.d1') == 7


# -- statement boundaries ----------------------------------------------------------------------------
def test_only_the_first_statement_runs(db):
    check(db, "insert into kdb.d1 (ts, note) values (%d, 'semi1'); insert into kdb.d1 (ts, note) values (%d, 'semi2');"
          % (T + 30, T + 31), 1)
    check(db, "insert into kdb.d1 (ts, note) values (%d, 'x'); garbage here;" % (T + 32), 1)
    check(db, "insert into kdb.d1 (ts, note) values (%d, 'y'); insert into kdb.nosuch values (1);" % (T + 33), 1)
    check(db, "insert into kdb.d1 (ts, note) values (%d, 'z');;  " % (T + 34), 1)
    assert db.rows('select note from kdb.d1 order by ts') == [['semi1'], ['x'], ['y'], ['z']]
    assert db.rows('select 1; select 2;') == [[1]]
    assert db.rows("select 1; insert into kdb.d1 (ts, note) values (%d, 'no')" % (T + 40)) == [[1]]
    assert db.count('kdb.d1') == 4


def test_no_sql_length_limit_over_rest(db):
    """taosAdapter 3.3.7.8 runs statements longer than the native client's 1 MB maxSQLLength
    (a real server took 1,048,577 bytes up to 100 MB); only the first statement counts."""
    head = 'insert into kdb.d1 (ts, voltage) values (%d, 1)' % T
    check(db, head + ' ' * (1048577 - len(head)), 1)
    check(db, head.replace('1)', '2)') + ' ' * (3 * 1048576), 1)
    assert db.rows('select voltage from kdb.d1') == [[2]]


@pytest.mark.parametrize('body, answer', [
    (b'', {'code': 4358, 'desc': 'request is empty'}),
    (b'   \n ', {'code': 4359, 'desc': 'no sql input'}),
])
def test_empty_request_is_refused_by_the_gateway(db, body, answer):
    """An empty or blank body gets HTTP 400 from taosAdapter itself (real 3.3.7.8), not
    TDengine's 9729 Incomplete SQL statement."""
    headers = {'Authorization': 'Basic ' + base64.b64encode(b'root:taosdata').decode()}
    assert db.request('POST', '/rest/sql', body, headers) == (400, answer)


def test_large_insert_of_many_tables(db):
    clauses = ["kdb.t%d using kdb.meters tags (%d, 'loc', 'tn') values %s" % (
        t, t, ''.join("(%d, %d.5, %d, 0.5, 'n%d', 'c')" % (T + i, i, i, i) for i in range(150))) for t in range(100)]
    stmt = 'insert into ' + ' '.join(clauses)
    assert len(stmt) < 1048576
    check(db, stmt, 15000)
    assert db.count('kdb.meters') == 15000
    assert db.rows("select current, voltage, note from kdb.meters where tbname = 't42' and ts = %d" % (T + 7)) == \
        [[7.5, 7, 'n7']]


# -- per-vgroup partial writes -----------------------------------------------------------------------
def test_out_of_range_row_fails_only_its_vgroup(db):
    assert vgroup_of('d1') != vgroup_of('d2') and vgroup_of('d1') == vgroup_of('d3')
    db.ok("create table kdb.d2 using kdb.meters tags (2,'LA','la')")
    db.ok("create table kdb.d3 using kdb.meters tags (3,'NY','ny')")
    check(db, "insert into kdb.d1 values (%d,1,1,1,'a','b') kdb.d2 values (0,1,1,1,'a','b')" % (T + 100),
          Err(1547, 'Timestamp data out of range'))
    assert (db.count('kdb.d1'), db.count('kdb.d2')) == (1, 0)
    check(db, "insert into kdb.d1 values (%d,1,1,1,'a','b') kdb.d3 values (0,1,1,1,'a','b')" % (T + 101),
          Err(1547, 'Timestamp data out of range'))
    check(db, "insert into kdb.d1 values (%d,1,1,1,'a','b') (0,1,1,1,'a','b')" % (T + 102),
          Err(1547, 'Timestamp data out of range'))
    assert (db.count('kdb.d1'), db.count('kdb.d3')) == (1, 0)


def test_auto_create_in_failed_vgroup_creates_nothing(db):
    name = next(n for n in ('n%d' % i for i in range(100)) if vgroup_of(n) != vgroup_of('d1'))
    check(db, "insert into kdb.d1 values (%d,1,1,1,'a','b') kdb.%s using kdb.meters tags (9,'x','y') "
              "values (0,1,1,1,'a','b')" % (T, name), Err(1547, 'Timestamp data out of range'))
    check(db, 'describe kdb.' + name, Err(9731, 'Table does not exist'))
    assert db.count('kdb.d1') == 1


# -- query output -------------------------------------------------------------------------------------
def test_query_result_shape(db):
    db.ok("insert into kdb.d1 values (%d, 0.31, 220, 1.5, 'n1', 'c1')" % T)
    answer = db.ok('select * from kdb.d1')
    assert answer == {'code': 0, 'column_meta': [['ts', 'TIMESTAMP', 8], ['current', 'FLOAT', 4],
                                                 ['voltage', 'INT', 4], ['phase', 'FLOAT', 4],
                                                 ['note', 'VARCHAR', 10], ['cn', 'NCHAR', 4]],
                      'data': [['2025-11-24T16:00:00.000Z', 0.31, 220, 1.5, 'n1', 'c1']], 'rows': 1}
    assert db.rows('select tbname, * from kdb.meters') == [['d1', '2025-11-24T16:00:00.000Z', 0.31, 220, 1.5, 'n1',
                                                            'c1', 1, 'SF', 'ab']]
    status, answer = db.request('POST', '/rest/sql?row_with_meta=true', b'select voltage, note from kdb.d1',
                                {'Authorization': 'Basic cm9vdDp0YW9zZGF0YQ=='})
    assert (status, answer['data']) == (200, [{'voltage': 220, 'note': 'n1'}])
    assert db.ok('insert into d1 (ts, voltage) values (%d, 1)' % (T + 1), db='kdb')['data'] == [[1]]
    assert db.rows('select ts from kdb.d1 order by ts desc limit 1') == [['2025-11-24T16:00:00.001Z']]
    assert db.rows('select last_row(*) from kdb.meters')[0][:3] == ['2025-11-24T16:00:00.001Z', None, 1]


# -- HTTP, authentication and test control -----------------------------------------------------------
def _basic(credentials):
    return 'Basic ' + base64.b64encode(credentials).decode()


# measured on taosAdapter 3.3.7.8 + TDengine 3.3.7.5: a header of a form the adapter refuses is
# HTTP 401 with the adapter's code; credentials TDengine refuses are HTTP 200 with its code
AUTH_CASES = [
    (None, 401, {'code': 4357, 'desc': 'no auth info input'}),
    ('Bearer x', 401, {'code': 4386, 'desc': 'invalid type of Authorization'}),
    ('basic ' + base64.b64encode(b'root:taosdata').decode(), 401,
     {'code': 4386, 'desc': 'invalid type of Authorization'}),
    ('Basic !!!', 401, {'code': 4388, 'desc': 'invalid basic Authorization'}),
    (_basic(b'rootonly'), 401, {'code': 4388, 'desc': 'invalid basic Authorization'}),
    (_basic(b'root:'), 401, {'code': 4388, 'desc': 'invalid basic Authorization'}),
    (_basic(b':taosdata'), 401, {'code': 4388, 'desc': 'invalid basic Authorization'}),
    ('Taosd wrong-token', 401, {'code': 4389, 'desc': 'invalid taosd Authorization'}),
    (_basic(b'root:wrong'), 200, {'code': 855, 'desc': 'Authentication failure'}),
    (_basic(b'root:\xff\xfe'), 200, {'code': 855, 'desc': 'Authentication failure'}),
    (_basic(b'nosuchuser:x'), 200, {'code': 849, 'desc': 'Invalid user'}),
    (_basic(b'u' * 23 + b':x'), 200, {'code': 849, 'desc': 'Invalid user'}),
    (_basic(b'u' * 24 + b':' + b'p' * 300), 200, {'code': 519, 'desc': 'Invalid user name'}),
    (_basic(b'root:' + b'p' * 255), 200, {'code': 855, 'desc': 'Authentication failure'}),
    (_basic(b'nosuchuser:' + b'p' * 256), 200, {'code': 520, 'desc': 'Invalid password length'}),
    (_basic(b'root:taosdata').rstrip('='), 401, {'code': 4388, 'desc': 'invalid basic Authorization'}),
    (_basic(b'root:taosdata') + ' ', 200, None),
    (_basic(b'root:taosdata'), 200, None),
]


@pytest.mark.parametrize('header, status, refusal', AUTH_CASES)
def test_authentication(standin, header, status, refusal):
    headers = {} if header is None else {'Authorization': header}
    got, answer = standin.request('POST', '/rest/sql', b'select server_version()', headers)
    assert got == status
    assert answer == refusal if refusal else answer['code'] == 0


def test_empty_body_is_judged_after_the_header_before_the_login(standin):
    no_sql = (400, {'code': 4359, 'desc': 'no sql input'})
    assert standin.request('POST', '/rest/sql', b' ', {'Authorization': _basic(b'root:wrong')}) == no_sql
    assert standin.request('POST', '/rest/sql', b' ', {})[0] == 401


def test_login_token_and_ping(standin):
    assert standin.request('GET', '/rest/login/root/wrong') == \
        (401, {'code': 3, 'desc': 'Authentication failure'})
    status, answer = standin.request('GET', '/rest/login/root/taosdata')
    assert status == 200 and answer['code'] == 0
    assert standin.sql('select server_version()', auth='Taosd ' + answer['desc'])['code'] == 0
    assert standin.request('GET', '/-/ping')[0] == 200


def test_fail_injection(db):
    status, _ = db.request('POST', '/_standin/fail', json.dumps({'count': 2, 'status': 503}).encode())
    assert status == 200
    headers = {'Authorization': 'Basic cm9vdDp0YW9zZGF0YQ=='}
    for _ in range(2):
        assert db.request('POST', '/rest/sql', b'create database injected', headers) == \
            (503, {'code': 65535, 'desc': 'injected failure'})
    check(db, 'select count(*) from kdb.meters', OK)
    assert ['injected'] not in db.rows('show databases')


def test_reset_drops_everything(db):
    assert db.request('POST', '/_standin/reset') == (200, {'code': 0})
    assert db.rows('show databases') == [['information_schema'], ['performance_schema']]


def test_restart_on_the_same_file_keeps_committed_data(tmp_path):
    s = Standin(str(tmp_path / 'restart.sqlite'))
    try:
        s.ok('create database rdb precision \'us\'')
        s.ok('create stable rdb.m (ts timestamp, v int, s varchar(8), u bigint unsigned) tags (g int, j nchar(4))')
        rows = ''.join("(%d, %d, 's%d', 18446744073709551615)" % (T * 1000 + i, i, i) for i in range(1000))
        s.ok("insert into rdb.c1 using rdb.m tags (7, '温度') values " + rows)
        s.kill()
        s.start()
        assert s.count('rdb.m') == 1000
        assert s.rows('select tbname, ts, v, s, u, g, j from rdb.m where ts = %d' % (T * 1000 + 999)) == [
            ['c1', '2025-11-24T16:00:00.000999Z', 999, 's999', 18446744073709551615, 7, '温度']]
        s.ok('insert into rdb.c1 (ts, v) values (%d, 1)' % (T * 1000 + 1000))
        assert s.count('rdb.c1') == 1001
    finally:
        s.stop()


# -- robustness: truncated statements never cause an internal error ----------------------------------
PREFIX_SOURCES = [
    "insert into kdb.d9 using kdb.meters (groupid, location) tags (9, 'x\\'y') (ts, current, note) values "
    "(now-1d, 1.5e2, 'a''b')(1764000000000+1a, -0.5, \"q\") kdb.meters (tbname, ts, tn) values ('t2', now(), 'z')",
    "create stable kdb.s2 (ts timestamp, a varchar(4), b nchar(2), c tinyint unsigned) tags (j json);",
    "select tbname, * from kdb.meters where tbname = 'd1' and ts >= 1764000000000 order by tbname, ts desc limit 5",
    "insert into kdb.a1 (ts, c_vb, c_geo, c_bool) values ('2025-11-25T00:00:00+08:00', '\\x4142', 'POINT(1 2)', 'true')",
]


@pytest.mark.parametrize('source', PREFIX_SOURCES)
def test_every_prefix_gets_a_tdengine_answer(db, source):
    for end in range(1, len(source) + 1):   # the empty body: see test_empty_request_*
        answer = db.sql(source[:end])
        assert answer['code'] != 65535, (source[:end], answer)
