"""A client of a real TDengine REST endpoint (taosAdapter /rest/sql) for
the tests in this directory: SQL in, the parsed JSON answer out, and
databases of a test's own."""

import urllib.parse

from helpers import rest_sql, unique_name


class RealTd:
    """The REST endpoint at `url` (user root, password taosdata). .port and
    .dsn(db) give what a k2td task's `to` needs."""

    def __init__(self, url, user="root", password="taosdata"):
        self.url = url.rstrip("/")
        self.port = urllib.parse.urlsplit(self.url).port
        self.user = user
        self.password = password
        self.db = None
        self._prefix = "k2td"
        self._made = []

    def dsn(self, db=None, user=None, password=None):
        """The k2td target DSN of database `db` (default .db)."""
        host = urllib.parse.urlsplit(self.url).netloc
        return (f"taos+http://{user or self.user}:{password or self.password}@{host}/"
                f"{db or self.db}")

    def sql(self, text, db=None, user=None, password=None, timeout=30):
        """POSTs one SQL statement to /rest/sql[/db] and returns the parsed
        JSON answer, also for HTTP error statuses. Raises OSError when the
        server cannot be reached, ValueError when the answer is not JSON."""
        return rest_sql(self.url, user or self.user, password or self.password, text, db,
                        timeout)

    def ok(self, text, db=None):
        """sql() that asserts success; returns the answer's rows."""
        answer = self.sql(text, db)
        assert answer["code"] == 0, (text, answer)
        return answer.get("data")

    def for_test(self, name):
        """A handle on the same server for one test, with its own fresh
        ms-precision database as .db."""
        t = RealTd(self.url, self.user, self.password)
        t._prefix = name
        t.db = t.database()
        return t

    def database(self, precision="ms"):
        """Creates a small database (1 vgroup, 16 MB buffer) of this handle's
        own and returns its name; drop_all() drops it."""
        name = unique_name("k2td_" + self._prefix[:40]).lower()
        self.ok(f"CREATE DATABASE {name} VGROUPS 1 BUFFER 16 PRECISION '{precision}'")
        self._made.append(name)
        return name

    def own(self, name):
        """Has drop_all() drop the database `name` too (one made through
        k2td); returns name."""
        self._made.append(name)
        return name

    def drop_all(self):
        """Drops every database this handle created."""
        for name in self._made:
            self.sql(f"DROP DATABASE IF EXISTS {name}")
        self._made = []
