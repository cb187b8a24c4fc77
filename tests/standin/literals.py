"""Reading literal values out of SQL text the way the TDengine insert parser does:
token stepping (NEXT_TOKEN & co), value checks, timestamps with now()/today() and
duration arithmetic, tag-value lists.  Shared by INSERT and CREATE TABLE ... TAGS.

Every error is raised as TdError with the client's message; "near" texts are the
unescaped string for string literals and the rest of the statement otherwise.
"""

import re

import errors
import timestamps
import values
from errors import near_error
from sql_lexer import (str_get_token, next_valid_token, rest_of, unescape, name_text, dequote,
                       STRING, INTEGER, FLOAT, HEX, BIN, BOOL, VARIABLE, LP, RP, COMMA, MINUS, PLUS, QUESTION)

VALUE_KINDS = frozenset(['now', 'today', INTEGER, STRING, FLOAT, BOOL, 'null', HEX, BIN, VARIABLE])
MAX_STRING_TOKEN = 65531
_PURE_INT_RE = re.compile(r'[+-]?[0-9]+\Z')


class Literal:
    """A checked value token: kind, text (unescaped for strings), raw text, and its near text."""
    __slots__ = ('kind', 'text', 'raw', 'near', 'tok')

    def __init__(self, kind, text, raw, near, tok):
        self.kind = kind
        self.text = text
        self.raw = raw
        self.near = near
        self.tok = tok


class LiteralReader:
    """Position-based reader over one statement (`orig` as sent, `low` lowered)."""

    def __init__(self, orig, low, now_ns):
        self.o = orig
        self.s = low
        self.p = 0
        self.now_ns = now_ns

    # -- token stepping ------------------------------------------------------------------
    def next_token(self, prev_optr=False):
        """NEXT_TOKEN / NEXT_TOKEN_WITH_PREV: returns the token and moves past it."""
        tok, self.p, _ = str_get_token(self.s, self.p, prev_optr)
        return tok

    def peek_token(self):
        """NEXT_TOKEN_KEEP_SQL: returns (token, position after it) without moving."""
        tok, pos, _ = str_get_token(self.s, self.p)
        return tok, pos

    def next_valid(self):
        """NEXT_VALID_TOKEN: the next raw token after blanks; moves past it."""
        tok = next_valid_token(self.s, self.p)
        self.p = tok.end
        return tok

    def near(self, tok):
        """The text an error shows for a token: the rest of the statement (None when the client has none)."""
        return rest_of(self.o, tok.start)

    def fail(self, reason, tok):
        """The insert-parser error for `reason` at token `tok`."""
        return near_error(reason, self.near(tok))

    # -- values --------------------------------------------------------------------------
    def check_value(self, tok, col_type):
        """checkAndTrimValue: the token must be a literal; strings are unescaped (not for VARBINARY)."""
        n = 0 if tok.start is None else tok.end - tok.start
        if tok.kind not in VALUE_KINDS or n == 0:
            raise self.fail('invalid data or symbol', tok)
        raw = self.o[tok.start:tok.end]
        if tok.kind == STRING and col_type != 'VARBINARY':
            if len(raw.encode('utf-8', 'surrogateescape')) >= MAX_STRING_TOKEN:
                raise self.fail('too long string', tok)
            text = unescape(raw)
            return Literal(STRING, text, raw, text, tok)
        return Literal(tok.kind, self.s[tok.start:tok.end], raw, None, tok)

    def lit_near(self, lit):
        """The text an error shows for a literal: a string's content, else the rest of the statement."""
        return lit.near if lit.near is not None else self.near(lit.tok)

    def column_value(self, col, tok, primary, prec):
        """One row value for column `col` (parseValueToken); None for NULL."""
        if tok.kind == QUESTION:
            raise self.fail('? only used in stmt', tok)
        lit = self.check_value(tok, col.type)
        if values.is_null(col.type, lit.kind, lit.text):
            if primary:
                raise near_error('Primary timestamp column should not be null', self.lit_near(lit))
            return None
        if col.type == 'TIMESTAMP':
            return self.parse_time(lit, prec)
        try:
            return values.convert(col, lit.kind, lit.text, lit.raw)
        except values.BadValue as e:
            raise near_error(e.reason, self.lit_near(lit)) from None

    def tag_value(self, col, lit, prec):
        """One tag value (parseTagValue); None for NULL."""
        try:
            if col.type == 'JSON':
                return values.json_tag(lit.kind, lit.text)
            if values.is_null(col.type, lit.kind, lit.text):
                return None
            if col.type == 'TIMESTAMP':
                return self.parse_time(lit, prec)
            return values.convert(col, lit.kind, lit.text, lit.raw, is_tag=True)
        except values.BadValue as e:
            raise near_error(e.reason, self.lit_near(lit)) from None

    # -- timestamps ----------------------------------------------------------------------
    def _ts_or_interval(self, kind, text, prec):
        """(ticks, is_timestamp) of one token; raises ValueError when invalid."""
        now = timestamps.ns_to_ticks(self.now_ns, prec)
        if kind == 'now':
            return now, True
        if kind == 'today':
            return timestamps.today_ticks(prec, now), True
        if kind == INTEGER:
            v = int(text)
            if not timestamps.INT64_MIN <= v <= timestamps.INT64_MAX:
                raise ValueError(text)
            return v, True
        if kind == VARIABLE:
            d = timestamps.parse_duration(text, prec)
            if d is None:
                raise ValueError(text)
            return d, False
        v = timestamps.parse_date(text, prec)
        if v is not None:
            return v, True
        if not text or kind not in (STRING, HEX, BIN):
            raise ValueError(text)
        low = text.lower()
        if low == 'now':
            return now, True
        if low == 'today':
            return timestamps.today_ticks(prec, now), True
        if _PURE_INT_RE.match(text):
            v = int(text)
            if timestamps.INT64_MIN <= v <= timestamps.INT64_MAX:
                return v, True
        raise ValueError(text)

    def _skip_call_parens(self, k):
        """If s[k:] starts with '(' blanks ')', returns the position after ')', else None."""
        s = self.s
        j = k + 1
        while j < len(s) and s[j] in ' \t\n\r\f':
            j += 1
        if j < len(s) and s[j] == ')':
            return j + 1
        return None

    def parse_time(self, lit, prec):
        """parseTime: a timestamp literal, optionally `()` and one `+`/`-` duration; moves past them."""
        try:
            return self._parse_time(lit, prec)
        except ValueError:
            raise near_error('invalid timestamp', self.lit_near(lit)) from None

    def _parse_time(self, lit, prec):
        """parse_time's work; raises ValueError for any invalid form."""
        s = self.s
        n = len(s)
        ts, is_ts = self._ts_or_interval(lit.kind, lit.text, prec)
        end = self.p
        if lit.kind != STRING:
            k = lit.tok.end
            while k < n:
                c = s[k]
                if c in ' \t':
                    k += 1
                    continue
                if c == '(':
                    after = self._skip_call_parens(k)
                    if after is not None:
                        end = k = after
                        continue
                if c == ',':
                    self.p = end
                    if not is_ts:
                        raise ValueError('interval')
                    return ts
                break
        i = end
        while i < n and s[i] in ' \t':
            i += 1
        if i < n and s[i] in ',)':
            self.p = i
            if not is_ts:
                raise ValueError('interval')
            return ts
        op, pos, _ = str_get_token(s, i)
        if op.kind not in (MINUS, PLUS):
            self.p = i
            if not is_ts:
                raise ValueError('interval')
            return ts
        vt, pos, _ = str_get_token(s, pos)
        vkind = vt.kind
        vtext = '' if vt.start is None else s[vt.start:vt.end]
        if vkind == STRING:
            vtext = unescape(self.o[vt.start:vt.end])
        ts2, is_ts2 = self._ts_or_interval(vkind, vtext, prec)
        if vt.start is None or vt.end - vt.start < 2:
            raise ValueError('value expected in timestamp')
        if is_ts2:
            if is_ts or op.kind == MINUS:
                raise ValueError('two timestamps')
            result = ts2 + ts
        else:
            if not is_ts:
                raise ValueError('two intervals')
            result = ts - ts2 if op.kind == MINUS else ts + ts2
        if vkind != STRING:
            k = vt.end
            while k < n:
                c = s[k]
                if c in ' \t':
                    k += 1
                    continue
                if c == '(':
                    after = self._skip_call_parens(k)
                    if after is not None:
                        pos = k = after
                        continue
                if c in ',)':
                    break
                raise ValueError('junk after duration')
        self.p = pos
        return result

    # -- tags ----------------------------------------------------------------------------
    def skip_parentheses(self):
        """skipParentheses: moves past the ')' matching an already-read '('."""
        depth = 1
        while True:
            tok = self.next_token()
            if tok.kind == LP:
                depth += 1
            elif tok.kind == RP:
                depth -= 1
                if depth == 0:
                    return
            if tok.start is None or tok.end == tok.start:
                raise near_error(') expected', None)

    def bound_tags(self, stable):
        """Optional '(' tag names ')': the tag indexes in the order given (all tags if absent)."""
        tok, pos = self.peek_token()
        if tok.kind != LP:
            return list(range(len(stable.tags)))
        self.p = pos
        return self.bound_names(stable.tags, 'tags')

    def bound_names(self, schema, what):
        """parseBoundColumns over `schema` (names up to ')'); returns indexes.
        what: 'tags', 'cols', or 'all' (schema = columns + tags, and `tbname` allowed -> -1)."""
        used = set()
        out = []
        while True:
            tok = self.next_token()
            if tok.kind == RP:
                break
            name = '' if tok.start is None else dequote(name_text(self.o, self.s, tok))
            if what == 'all' and name.lower() == 'tbname':
                out.append(-1)
                used.add(-1)
                continue
            idx = next((i for i, c in enumerate(schema) if c.name == name), None)
            if idx is None:
                raise errors.invalid_column(name)
            if idx in used:
                raise near_error('duplicated column name', name)
            used.add(idx)
            out.append(idx)
        if what != 'tags' and 0 not in used:
            raise errors.invalid_op('Primary timestamp column should not be null')
        if what == 'all' and -1 not in used:
            raise errors.invalid_op('tbname column should not be null')
        return out

    def tags_clause(self, stable, bound, prec):
        """TAGS '(' values ')': returns {tag sqlname: value} for the bound tags."""
        tok = self.next_token()
        if tok.kind != 'tags':
            raise self.fail('TAGS is expected', tok)
        tok = self.next_token()
        if tok.kind != LP:
            raise self.fail('( is expected', tok)
        return self.tag_values(stable, bound, prec)

    def tag_values(self, stable, bound, prec):
        """Tag values after an already-read '(', up to ')': {tag sqlname: value}."""
        out = {}
        for idx in bound:
            tok = self.next_token(prev_optr=True)
            if tok.kind == QUESTION:
                raise self.fail('? only used in stmt', tok)
            col = stable.tags[idx]
            lit = self.check_value(tok, col.type)
            if lit.kind == VARIABLE:
                raise self.fail('not expected tags values ', tok)
            out[col.sqlname] = self.tag_value(col, lit, prec)
        tok = self.next_valid()
        if tok.kind == COMMA:
            raise errors.TdError(errors.PAR_TAGS_NOT_MATCHED, 'Tags number not matched')
        if tok.kind != RP:
            raise self.fail(') is expected', tok)
        return out

    def table_options(self, skip_only):
        """[TTL n] [COMMENT 'text'] after a TAGS clause; validated unless skip_only."""
        while True:
            tok, pos = self.peek_token()
            if tok.kind not in ('ttl', 'comment'):
                return
            self.p = pos
            if skip_only:
                self.next_token(prev_optr=True)
                continue
            if tok.kind == 'ttl':
                val = self.next_token(prev_optr=True)
                if val.kind != INTEGER or int(self.s[val.start:val.end]) < 0:
                    raise self.fail('Invalid option ttl', val)
            else:
                val = self.next_token()
                if val.kind != STRING:
                    raise self.fail('Invalid option comment', val)
                if len(self.o[val.start:val.end].encode('utf-8', 'surrogateescape')) >= 1025:
                    raise self.fail('comment too long', val)


def token_len(tok):
    """Length of a token (0 for "no token")."""
    return 0 if tok.start is None else tok.end - tok.start

