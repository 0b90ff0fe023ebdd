"""The hub's ids are UUIDv5 in the hub namespace: the fast path must give exactly uuid.uuid5's text."""

import uuid

from streams.cases.ids import HUB_NAMESPACE, alert_id_for, case_id_for, referral_id_for


def test_ids_are_uuid5_of_their_names():
    for event_id in ("E1", "B100-police-0001", "ประเทศไทย-7", "", "x" * 300):
        assert case_id_for(event_id) == str(uuid.uuid5(HUB_NAMESPACE, f"case:{event_id}"))
    assert alert_id_for("minor-involved", "c1", "p1") == str(uuid.uuid5(HUB_NAMESPACE, "alert:minor-involved:c1:p1"))
    assert alert_id_for("repeat-victim", None, "p1") == str(uuid.uuid5(HUB_NAMESPACE, "alert:repeat-victim:-:p1"))
    assert referral_id_for("Identified", "c1", "police", "p1") == \
        str(uuid.uuid5(HUB_NAMESPACE, "referral:Identified:c1:police:p1"))


def test_many_names_match_uuid5():
    for i in range(2000):
        name = f"{i}:{i * 7919 % 10007}"
        assert case_id_for(name) == str(uuid.uuid5(HUB_NAMESPACE, f"case:{name}"))
