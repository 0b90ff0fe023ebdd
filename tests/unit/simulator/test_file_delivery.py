"""The simulator delivers its exports as the file drop expects: written as name.part, renamed whole."""

import os

import pytest

from simulator import deliver
from connectors.sources.files import file_format, is_partial


class TestWriteAtomically:
    def test_the_export_takes_its_name_only_once_its_part_holds_every_byte(self, tmp_path):
        data = "เลขที่,ชื่อ\r\n1,สมชาย\r\n".encode("cp874")
        seen = []
        rename = os.replace

        def watching(source, target):
            seen.append((os.path.basename(source), open(source, "rb").read() == data, os.path.exists(target)))
            rename(source, target)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(os, "replace", watching)
            deliver.write_atomically(tmp_path / "inspection_1.csv", data)
        assert seen == [("inspection_1.csv.part", True, False)]
        assert sorted(p.name for p in tmp_path.iterdir()) == ["inspection_1.csv"]
        assert (tmp_path / "inspection_1.csv").read_bytes() == data

    def test_the_part_name_is_one_the_file_drop_never_reads_and_the_final_one_it_does(self, tmp_path):
        assert is_partial("shelter_1.jsonl" + deliver.PARTIAL) and file_format("shelter_1.jsonl" + deliver.PARTIAL) is None
        assert file_format("shelter_1.jsonl") == "jsonl"
