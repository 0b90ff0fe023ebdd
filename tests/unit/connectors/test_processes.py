"""The supervisor's pure parts: the plan handed to each child, and files claimed by another N's children."""

from pathlib import Path

from connectors.processes import plan_from_json, plan_json, return_orphaned_claims
from connectors.runner import ConnectorPlan
from connectors.sources.sharing import Share


class TestChildPlan:
    def test_a_child_gets_the_plan_it_was_given_with_its_own_share(self):
        plan = ConnectorPlan("labour", http=("127.0.0.1", 8123), watch=Path("/srv/drop"), sql_url="sqlite:///x.db",
                             table="t", metrics=("127.0.0.1", 9100), instance="east", stable_s=2.0,
                             share=Share(1, 3))
        assert plan_from_json(plan_json(plan)) == plan

    def test_a_plan_without_optional_sources_survives_the_trip(self):
        plan = ConnectorPlan("labour", watch=None, sql_url="sqlite:///x.db", table="t")
        assert plan_from_json(plan_json(plan)) == plan


class TestOrphanedClaims:
    def test_files_claimed_by_a_process_of_another_count_return_to_the_drop(self, tmp_path):
        for folder, name in (("p2of3", "a.csv"), ("p1of2", "b.csv"), ("p0of3", "c.csv")):
            (tmp_path / "claimed" / folder).mkdir(parents=True, exist_ok=True)
            (tmp_path / "claimed" / folder / name).write_text("x")
        (tmp_path / "c.csv").write_text("another c")
        moved = return_orphaned_claims(tmp_path, 2)
        assert sorted(moved) == ["a.csv", "c.2.csv"]
        assert (tmp_path / "claimed" / "p1of2" / "b.csv").exists()
        assert (tmp_path / "c.csv").read_text() == "another c" and (tmp_path / "c.2.csv").read_text() == "x"

    def test_a_single_process_takes_back_every_claimed_file(self, tmp_path):
        (tmp_path / "claimed" / "p1of2").mkdir(parents=True)
        (tmp_path / "claimed" / "p1of2" / "b.csv").write_text("x")
        assert return_orphaned_claims(tmp_path, 1) == ["b.csv"]

    def test_a_drop_never_shared_has_nothing_to_return(self, tmp_path):
        assert return_orphaned_claims(tmp_path, 2) == []
