"""The one error every normaliser raises.

Mappings turn a `NormaliseError` into a field-level error (HTTP 400) or a dead letter, so the
message is written for an operator reading the DLQ: it names the field, quotes the value as
received (shortened when long) and says what was expected. Anything else escaping a normaliser
is a bug, and the property tests hunt for it.
"""

from __future__ import annotations

__all__ = ["NormaliseError"]

_SHOWN = 60  # characters of the raw value quoted in the message


class NormaliseError(ValueError):
    """A raw agency value that cannot be normalised.

    `field` is the name the caller gave (usually the agency's column), `value` the raw value
    exactly as received, `reason` a sentence saying what is wrong and what was expected.
    """

    def __init__(self, field: str, value: object, reason: str) -> None:
        self.field = field
        self.value = value
        self.reason = reason
        super().__init__(f"{field} {_quote(value)}: {reason}")

    def __reduce__(self):  # keep pickling (multiprocessing, faust) working with 3 arguments
        return (type(self), (self.field, self.value, self.reason))


def _quote(value: object) -> str:
    if not isinstance(value, str):
        return f"<{type(value).__name__}>"
    if len(value) > _SHOWN:
        return repr(value[:_SHOWN] + "…") + f" ({len(value)} characters)"
    return repr(value)
