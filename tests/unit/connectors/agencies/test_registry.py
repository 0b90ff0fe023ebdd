"""The registry of mappers, and the boundary: mappings stay pure and small."""

import ast
from pathlib import Path

import pytest

import connectors.agencies as package
import connectors.mapping as toolkit
from connectors.agencies import AGENCIES, MAPPERS, mapper_for, translate
from connectors.records import Origin

SOURCES = sorted(path for folder in (package, toolkit) for path in Path(folder.__file__).parent.glob("*.py"))
FORBIDDEN_CALLS = {"now", "today", "utcnow", "getenv", "environ", "open", "print"}


class TestRegistry:
    def test_has_a_mapper_for_each_agency_of_the_hub(self):
        assert set(AGENCIES) == set(MAPPERS) == {"police", "immigration", "labour", "social"}

    def test_mapper_for_an_unknown_agency_names_the_known_ones(self):
        with pytest.raises(KeyError, match="police, immigration, labour, social"):
            mapper_for("customs")

    def test_translate_an_unknown_agency_is_refused_too(self):
        with pytest.raises(KeyError):
            translate("customs", {}, Origin("http", "/", "1"))

    def test_exports_exactly_its_public_api(self):
        assert all(hasattr(package, name) for name in package.__all__)


class TestPurity:
    @pytest.mark.parametrize("source", SOURCES, ids=lambda p: f"{p.parent.name}/{p.name}")
    def test_reads_neither_clock_nor_environment(self, source):
        tree = ast.parse(source.read_text(encoding="utf-8"))
        names = {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
        names |= {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
        assert not names & FORBIDDEN_CALLS

    @pytest.mark.parametrize("source", SOURCES, ids=lambda p: f"{p.parent.name}/{p.name}")
    def test_modules_stay_small(self, source):
        assert len(source.read_text(encoding="utf-8").splitlines()) < 300
