"""What a statement handler gets: the catalog and store, the request's default database,
the statement text (as sent and lowered) and the statement's time; `changing` records
that the statement may have changed the catalog (so a failure must reload it)."""

from dataclasses import dataclass

import errors


@dataclass
class Context:
    catalog: object
    store: object
    default_db: object
    orig: str
    low: str
    now_ns: int
    changing: bool = False

    def db(self, name):
        """The database `name` (or the default one); raises TdError if unnamed or missing."""
        name = name or self.default_db
        if name is None:
            raise errors.TdError(errors.PAR_DB_NOT_SPECIFIED, 'Database not specified')
        db = self.catalog.db(name)
        if db is None:
            raise errors.db_not_exist()
        return db

    def table(self, name):
        """(database, supertable, child or None) for a parsed table Name; raises TdError if missing."""
        db = self.db(name.db)
        st = db.stables.get(name.name)
        if st is not None:
            return db, st, None
        child = db.children.get(name.name)
        if child is None:
            raise errors.table_not_exist()
        return db, child.stable, child
