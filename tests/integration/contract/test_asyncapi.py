"""The document `sanpalang asyncapi` writes passes the AsyncAPI project's own parser (@asyncapi/parser,
Node.js), and that parser does reject a broken one."""

from __future__ import annotations

import argparse
import copy
import json
from pathlib import Path

import pytest

from ops.asyncapi import add_arguments, run
from ops.asyncapi.check import ValidatorUnavailable, validate, validator_command
from runtime.settings import Settings
from schemas.catalogue import load_catalogue
from tests.missing import missing


@pytest.fixture(scope="module")
def parser_ready() -> None:
    try:
        validator_command()
    except ValidatorUnavailable as unavailable:
        missing(str(unavailable))


@pytest.fixture(scope="module")
def written(parser_ready, tmp_path_factory) -> Path:
    """The document as the CLI writes it."""
    path = tmp_path_factory.mktemp("asyncapi") / "asyncapi.json"
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    assert run(parser.parse_args(["--output", str(path)]), Settings()) == 0
    return path


@pytest.fixture(scope="module")
def document(written) -> dict:
    return json.loads(written.read_text(encoding="utf-8"))


class TestTheWrittenDocument:
    def test_is_valid_asyncapi_3(self, written):
        result = validate(written)
        assert result.valid, result.describe()
        assert result.version == "3.0.0" and result.errors == []

    def test_has_every_catalogue_topic_as_the_parser_reads_it(self, written):
        assert sorted(validate(written).channels) == sorted(load_catalogue().names)

    def test_the_cli_check_flag_runs_the_parser(self, parser_ready, tmp_path, capsys):
        parser = argparse.ArgumentParser()
        add_arguments(parser)
        assert run(parser.parse_args(["--output", str(tmp_path / "a.json"), "--check"]), Settings()) == 0
        assert "valid AsyncAPI 3.0.0" in capsys.readouterr().err


def broken(document: dict, how: str) -> dict:
    doc = copy.deepcopy(document)
    if how == "no info":
        del doc["info"]
    elif how == "unknown Avro type":
        doc["components"]["messages"]["sanpalang.hub.Alert"]["payload"]["schema"]["fields"][0]["type"] = "strin"
    elif how == "operation message of another channel":
        doc["operations"]["consumer.receive.alerts.consumer.v1"]["messages"].append(
            {"$ref": "#/channels/cases.provincial.v1/messages/sanpalang.hub.CaseView"})
    elif how == "zero partitions":
        doc["channels"]["alerts.v1"]["bindings"]["kafka"]["partitions"] = 0
    elif how == "dangling channel":
        doc["operations"]["consumer.receive.alerts.consumer.v1"]["channel"]["$ref"] = "#/channels/alerts.v2"
    return doc


class TestABrokenDocument:
    @pytest.mark.parametrize("how", ["no info", "unknown Avro type", "operation message of another channel",
                                     "zero partitions", "dangling channel"])
    def test_is_reported_invalid_by_the_parser(self, document, how):
        result = validate(broken(document, how))
        assert not result.valid and result.errors
