"""Generic sources: read an agency's records where they are, route them, publish with checkpoints.

``HttpIntake`` takes records POSTed as JSON, ``FileDropSource`` watches a directory of CSV / JSON Lines exports, ``SqlPollSource`` polls a
table by a watermark column. Both take a ``SourceContext`` (agency, mapper, publisher, metrics,
clock) and live by ``await run()`` / ``await stop()``.
"""

from connectors.sources.base import Source, SourceContext, SourceError
from connectors.sources.filedrop import FileDropSource
from connectors.sources.http import HttpIntake
from connectors.sources.sqlpoll import SqlPollSource

__all__ = ["FileDropSource", "HttpIntake", "Source", "SourceContext", "SourceError", "SqlPollSource"]
