"""``python -m streams.views.migrations revision "message"``: autogenerate a revision against a
scratch SQLite database migrated to head (then review the file: SQLite-only quirks show there)."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from alembic import command

from streams.views.engine import make_engine
from streams.views.migrations import alembic_config, head_revision, upgrade


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] != "revision":
        print(__doc__, file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'scratch.db'}", writer=True)
        upgrade(engine)
        head = head_revision()
        rev_id = f"{int(head) + 1:04d}" if head and head.isdigit() else None
        with engine.begin() as connection:
            command.revision(alembic_config(connection=connection), message=argv[1], autogenerate=True, rev_id=rev_id)
        engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
