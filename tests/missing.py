"""One rule for a missing broker, browser, database or tool: it fails the run under CI=true and
skips elsewhere, always naming what to install."""

from __future__ import annotations

import os
from typing import NoReturn

import pytest

IN_CI = os.environ.get("CI") == "true"


def missing(message: str) -> NoReturn:
    if IN_CI:
        pytest.fail(f"{message} (CI=true: a missing dependency fails the run)", pytrace=False)
    pytest.skip(message)
