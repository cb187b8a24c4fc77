"""SQL tokenizer following the TDengine 3.x client: token kinds and lengths, the
client's lower-casing outside quotes, string-literal unescaping and error-context text.

Two texts are used side by side: `orig` (what the user sent) and `low` (the same
text with ASCII A-Z lowered everywhere; same length).  Token boundaries and kinds
are read from `low`; string and back-quoted contents are read from `orig`, because
the real client lowers only text outside quotes.

Kinds: punctuation and literal kinds are upper-case names ('LP', 'STRING', 'INTEGER',
...); a keyword's kind is the keyword itself in lower case ('insert', 'null', ...).
"""

import re

KEYWORDS = frozenset("""
account accounts add aggregate alive all alter analyze and anode anodes anomaly_window anti apps
arbgroups as asc asof assign auto balance batch_scan between bigint binary bnode bnodes bool both
buffer bufsize bwlimit by cache cachemodel cachesize calc_notify_only case cast child client_version
cluster cols column columns comment comp compact compact_interval compact_time_offset
compact_time_range compacts composite connection connections conns consumer consumers contains count
count_window create createdb current_user database databases dbs decimal delete delete_output_table
delete_recalc desc describe disk_info distinct distributed dnode dnodes double drop duration else
enable encrypt_algorithm encrypt_key encryptions end event_type event_window every exists
expired_time explain file fill fill_history fill_history_first first float flush for force
force_output from full function functions geometry grant grants group hash_join having host if
ignore ignore_disorder import in index indexes inner insert int integer interval into is is_import
jlimit join json keep keep_time_offset key kill language last last_row leader leading left licences
like limit linear local logs low_latency_calc machines match max_delay maxrows merge meta meta_only
minrows minus mnode mnodes modify modules nchar near next nmatch none normal not notify
notify_history notify_options now no_batch_scan null null_f nulls offset on on_failure_pause only
options or order outer output_subtable outputtype pages pagesize para_tables_sort partition
partition_first pass period pi port position pps pre_filter precision prev primary privileges qnode
qnodes qtime queries query rand range ratio read recursive redistribute regexp rename replace replica
replicas reset restore retentions revoke right rollup s3_chunkpages s3_compact s3_keeplocal s3migrate
schemaless scores select semi server_status server_version session set show single_stable skip_tsma
sliding slimit sma smalldata_ts_sort smallint snode snodes soffset sort_for_group split stable stables
start state state_window storage stream streams strict stt_trigger subscribe subscriptions substr
substring sysinfo system table table_prefix table_suffix tables tag tags tbname then timestamp
timezone tinyint to today topic topics trailing transaction transactions trim trows true_for
tsdb_pagesize tseries tsma tsmas ttl union unsafe unsigned untreated update use user users using value
value_f values varbinary varchar variables verbose vgroup vgroups view views virtual vnode vnodes
vtable vtables wal_fsync_period wal_level wal_retention_period wal_retention_size wal_roll_period
wal_segment_size watermark when where window window_close window_offset window_open with write
_c0 _irowts _irowts_origin _isfilled _qduration _qend _qstart _rowts _tags _wduration _wend _wstart
_flow _fhigh _frowts _tcurrent_ts _twstart _twend _twduration _twrownum _twlocaltime _tgrpid
""".split())

SPACE, COMMENT, HINT = 'SPACE', 'COMMENT', 'HINT'
ID, ALIAS, STRING = 'ID', 'ALIAS', 'STRING'
INTEGER, FLOAT, HEX, BIN, VARIABLE, BOOL, IPTOKEN = 'INTEGER', 'FLOAT', 'HEX', 'BIN', 'VARIABLE', 'BOOL', 'IPTOKEN'
ILLEGAL = 'ILLEGAL'
LP, RP, COMMA, SEMI, DOT, PLUS, MINUS, STAR, QUESTION = 'LP', 'RP', 'COMMA', 'SEMI', 'DOT', 'PLUS', 'MINUS', 'STAR', 'QUESTION'

_SIMPLE = {':': 'COLON', '(': LP, ')': RP, ';': SEMI, '+': PLUS, '*': STAR, ',': COMMA,
           '&': 'BITAND', '~': 'BITNOT', '?': QUESTION}
_TWO_CHAR = {'<=': 'LE', '<>': 'NE', '<<': 'LSHIFT', '>=': 'GE', '>>': 'RSHIFT', '!=': 'NE',
             '||': 'CONCAT', '%%': 'PH', '->': 'ARROW', '==': 'EQ'}
_ONE_CHAR = {'<': 'LT', '>': 'GT', '|': 'BITOR', '%': 'REM', '=': 'EQ'}
_IDCHARS = frozenset('0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_')
_DIGITS = frozenset('0123456789')
_DURATION_UNITS = frozenset('buasmhdnywBUASMHDNYW')

_WS_RE = re.compile(r'[ \t\n\f\r][ \t\n\f\r\v]*')
_QUOTED_RE = {
    "'": re.compile(r"'(?:[^'\\]|\\.|'')*+'", re.S),
    '"': re.compile(r'"(?:[^"\\]|\\.|"")*+"', re.S),
    '`': re.compile(r'`(?:[^`]|``)*+`', re.S),
}
_WORD_RE = re.compile(r'[0-9A-Za-z_\u0080-\U0010ffff]*')
_DIGITS_RE = re.compile(r'[0-9]*')
_HEX_RE = re.compile(r'0x[0-9a-fA-F]+')
_BIN_RE = re.compile(r'0b[01]+')
_EXP_RE = re.compile(r'[eE](?:[0-9]|[+-][0-9])[0-9]*')
_LOWER_TABLE = {ord(a): ord(b) for a, b in zip('ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')}


def lower_all(text):
    """Returns `text` with ASCII A-Z lowered everywhere (token boundaries only; see module doc)."""
    return text.translate(_LOWER_TABLE)


def strntolower(text):
    """Returns `text` lowered like the C client does: only outside '..', ".." and `..`."""
    out = []
    quote = None
    esc = False
    for ch in text:
        if esc:
            esc = False
        elif quote:
            if ch == '\\':
                esc = True
            elif ch == quote:
                quote = None
        elif 'A' <= ch <= 'Z':
            ch = chr(ord(ch) + 32)
        elif ch in '\'"`':
            quote = ch
        out.append(ch)
    return ''.join(out)


def rest_of(orig, pos, limit=600):
    """Returns the statement from `pos` on as the client shows it in messages (lowered outside quotes)."""
    if pos is None:
        return None
    return strntolower(orig[pos:pos + limit])


def _number(s, i):
    """Kind and length of a number starting with a digit at s[i] (TDengine digit rules)."""
    n = len(s)
    j = _DIGITS_RE.match(s, i).end()
    if j < n and s[j] in _DURATION_UNITS and not (j + 1 < n and s[j + 1] in _IDCHARS):
        return VARIABLE, j + 1 - i
    kind = INTEGER
    seg = 1
    while j + 1 < n and s[j] == '.' and s[j + 1] in _DIGITS:
        j = _DIGITS_RE.match(s, j + 2).end()
        kind = FLOAT
        seg += 1
    if seg == 4:
        return IPTOKEN, j - i
    if seg > 2:
        return ILLEGAL, 0
    if j < n and s[j] == '.' and seg == 1:
        kind = FLOAT
        j += 1
    m = _EXP_RE.match(s, j)
    if m:
        kind = FLOAT
        j = m.end()
    return kind, j - i


def _word(s, i):
    """Kind and length of an identifier-like word at s[i]."""
    j = _WORD_RE.match(s, i).end()
    word = s[i:j]
    if not word.isascii():
        return ALIAS, j - i
    if word in ('true', 'false'):
        return BOOL, j - i
    if word in KEYWORDS:
        return word, j - i
    return ID, j - i


def tget(s, i):
    """Returns (kind, length) of the raw token at s[i]; ILLEGAL with length 0 at the end or on junk."""
    n = len(s)
    if i >= n:
        return ILLEGAL, 0
    c = s[i]
    if c in ' \t\n\f\r':
        return SPACE, _WS_RE.match(s, i).end() - i
    if c in _SIMPLE:
        return _SIMPLE[c], 1
    two = s[i:i + 2]
    if c == '-':
        if two == '--':
            j = s.find('\n', i + 2)
            return COMMENT, (n if j < 0 else j) - i
        return (('ARROW', 2) if two == '->' else (MINUS, 1))
    if c == '/':
        if two != '/*' or i + 2 >= n:
            return 'SLASH', 1
        j = i + 3
        while j < n and not (s[j] == '/' and s[j - 1] == '*'):
            j += 1
        if j < n:
            j += 1
        return (HINT if s[i + 2] == '+' else COMMENT), j - i
    if two in _TWO_CHAR:
        return _TWO_CHAR[two], 2
    if c == '!':
        return ILLEGAL, min(2, n - i)
    if c in _ONE_CHAR:
        return _ONE_CHAR[c], 1
    if c in _QUOTED_RE:
        m = _QUOTED_RE[c].match(s, i)
        if not m:
            return ILLEGAL, 0
        return (ID if c == '`' else STRING), m.end() - i
    if c == '.':
        if i + 1 < n and s[i + 1] in _DIGITS:
            j = _DIGITS_RE.match(s, i + 1).end()
            m = _EXP_RE.match(s, j)
            return FLOAT, (m.end() if m else j) - i
        return DOT, 1
    if c == '0' and i + 1 < n and s[i + 1] in 'bx':
        m = (_BIN_RE if s[i + 1] == 'b' else _HEX_RE).match(s, i)
        if not m:
            return ILLEGAL, 0
        return (BIN if s[i + 1] == 'b' else HEX), m.end() - i
    if c in _DIGITS:
        return _number(s, i)
    if c.isascii() and c not in _IDCHARS:
        return ILLEGAL, 0
    return _word(s, i)


class Tok:
    """One token: kind (None = "no token", e.g. end, ';' or a second comma), [start, end) in the text."""

    __slots__ = ('kind', 'start', 'end')

    def __init__(self, kind, start, end):
        self.kind = kind
        self.start = start
        self.end = end

    def __repr__(self):
        return 'Tok(%r, %r, %r)' % (self.kind, self.start, self.end)


def str_get_token(s, i, prev_optr=False):
    """Emulates the client's tStrGetToken: skips blanks and at most one comma, joins `a.b`,
    and (with prev_optr) a sign with the number after it.
    Returns (tok, new_pos, skipped_comma); tok.start is None when the client has no token text."""
    n = len(s)
    comma = False
    if i >= n:
        return Tok(None, None, None), i, False
    while i < n and s[i] in ' \n\r\t\f,':
        if s[i] == ',':
            if comma:
                return Tok(None, None, None), i, True
            comma = True
        i += 1
    kind, ln = tget(s, i)
    if kind == SEMI:
        return Tok(None, None, None), i, comma
    if i + ln < n and s[i + ln] == '.' and ln > 0:
        kind2, ln2 = tget(s, i + ln + 1)
        if kind not in (STRING, ID) or kind2 not in (STRING, ID, QUESTION):
            return Tok(ILLEGAL, None, None), i, comma
        ln += ln2 + 1
    elif prev_optr and kind in (MINUS, PLUS):
        kind2, ln2 = tget(s, i + ln)
        if kind2 in (INTEGER, FLOAT, BIN, HEX):
            kind = kind2
            ln += ln2
    return Tok(kind, i, i + ln), i + ln, comma


def next_valid_token(s, i):
    """Emulates NEXT_VALID_TOKEN: the next raw token after blanks (commas are tokens here)."""
    while True:
        kind, ln = tget(s, i)
        if kind != SPACE:
            return Tok(kind, i, i + ln)
        i += ln


_ESCAPES = {'n': '\n', 'r': '\r', 't': '\t', '\\': '\\', "'": "'", '"': '"', 'b': '\b', 'f': '\f'}
_UNESCAPE_RE = {
    "'": re.compile(r"\\(.)|''", re.S),
    '"': re.compile(r'\\(.)|""', re.S),
}


def _unescape_one(m):
    """Replacement text of one escape sequence or doubled quote."""
    ch = m.group(1)
    if ch is None:
        return m.group(0)[0]
    if ch in '%_x':
        return '\\' + ch
    return _ESCAPES.get(ch, ch)


def unescape(literal):
    """Returns the content of a quoted string literal (quotes included) with TDengine's escapes applied."""
    delim = literal[0]
    body = literal[1:-1]
    if '\\' not in body and delim + delim not in body:
        return body
    return _UNESCAPE_RE[delim].sub(_unescape_one, body)


def dequote(text):
    """Emulates strdequote: strips one pair of quotes ('"`) and undoubles the quote character."""
    if not text or text[0] not in '\'"`':
        return text
    q = text[0]
    out = []
    i = 1
    while i < len(text):
        ch = text[i]
        if ch == q:
            if i + 1 < len(text) and text[i + 1] == q:
                out.append(q)
                i += 2
                continue
            return ''.join(out)
        out.append(ch)
        i += 1
    return ''.join(out)


def name_text(orig, low, tok):
    """Returns an identifier token's text: lowered unless back-quoted or quoted (then as written)."""
    raw_low = low[tok.start:tok.end]
    if '`' in raw_low or "'" in raw_low or '"' in raw_low:
        return strntolower(orig[tok.start:tok.end])
    return raw_low
