"""The contract itself: the .avsc files, their documentation, vocabularies and examples."""

from __future__ import annotations

import json
import re

import fastavro
import pytest
from fastavro.schema import load_schema, to_parsing_canonical_form

import schemas
from schemas import AVRO_DIR, EXAMPLES_DIR

RAW = schemas.default_registry.raw
NAMES = schemas.schema_names()

EVENTS = {
    "sanpalang.police": ["RescueConducted", "CustodyStarted", "CustodyExtensionGranted", "CriminalCaseOpened",
                         "SuspectIdentified", "TicacTipReceived", "CustodyEnded"],
    "sanpalang.immigration": ["BorderCrossingRecorded", "DetentionAdmitted", "DeportationScheduled", "DeportationExecuted",
                              "DetentionReleased", "DeportationHalted"],
    "sanpalang.labour": ["InspectionCompleted", "RorBor1ScreeningSubmitted", "PipoPortOutReported", "PipoPortInReported",
                         "PipoInspectionFindingRecorded", "EmployerChanged", "WorkerComplaintFiled"],
    "sanpalang.social": ["HotlineReportReceived", "MdtScreeningScheduled", "MdtScreeningCompleted", "ShelterIntakeRecorded",
                         "ShelterExitRecorded", "RightsInformed", "SupportPlanCreated", "RepatriationApproved",
                         "RepatriationCompleted", "ConsentRecorded", "ConsentWithdrawn", "SupportPlanClosed",
                         "FollowUpVisitRecorded", "PreventionActivity"],
}
HUB = ["sanpalang.hub.PersonLink", "sanpalang.hub.CaseView", "sanpalang.hub.Alert", "sanpalang.hub.Referral",
       "sanpalang.hub.DeadLetter", "sanpalang.hub.OperatorAction",
       "sanpalang.hub.Aggregate", "sanpalang.hub.RefusedRecord", "sanpalang.hub.Handover"]
EVENT_NAMES = [f"{ns}.{n}" for ns, names in EVENTS.items() for n in names]

# HTCDS 2.0 picklists (Value Names column of htcds-2.0-fields.csv); the hub adds a default where HTCDS has none.
HTCDS = {
    "sanpalang.htcds.TraffickingStatus": ("vic_TraffickingStatus", [
        "PossibleVictimOfTrafficking", "ActualVictimOfTrafficking", "NotAVictimOfTrafficking"]),
    "sanpalang.htcds.TypeOfExploitation": ("vic_TypeOfExploitation", [
        "ForcedLabour", "SexualExploitation", "ChildLabour", "ForcedMarriage", "Servitude",
        "ForcedMilitaryByNonStateActors", "OrganRemoval", "ForcedBegging", "ForcedAdoption", "Surrogacy", "Other"]),
    "sanpalang.htcds.MeansOfControl": ("vic_MethodsOfControl", [
        "PhysicalThreats", "ThreatsLawEnforcement", "ThreatensChildrenFamily", "DebtBondage", "FalsePromises",
        "PhysicalAbuse", "SexualAbuse", "TakesEarnings", "RestrictsFinancialAccess", "RestrictsMedicalCare",
        "WithholdsNecessities", "PsychologicalAbuse", "PsychoactiveSubstance", "ExcessiveWorkingHours",
        "WithholdsDocuments", "Other"]),
    "sanpalang.htcds.PerpetratorRole": ("per_RoleInProcess", [
        "TravellingPartner", "Transporter", "RecruiterOrIntermediary", "BrokerTravelAgent", "TransferredIndividual",
        "HarbouredIndividual", "SoldIndividual", "BoughtIndividual", "ReceivedIndividual", "ControlledIndividual",
        "Smuggler", "Abuser", "Kidnapper", "Exploiter", "Other"]),
    "sanpalang.htcds.SupportPlanType": ("spl_Type", [
        "Education", "Financial", "Health", "LabourExploitationRehabilitation", "Legal", "Livelihood",
        "RightsBasedTraining", "SexualExploitationRehabilitation", "SocialCare"]),
    "sanpalang.htcds.CaseStatus": ("cas_Status", ["Active", "FollowUp", "Closed", "ClosedReferred"]),
}


def _fields(obj):
    return obj.get("fields", []) if obj["type"] == "record" else []


def _walk_types(schema):
    """Every inline type in a field type (unions, arrays, maps, logical types)."""
    yield schema
    if isinstance(schema, list):
        for branch in schema:
            yield from _walk_types(branch)
    elif isinstance(schema, dict) and schema.get("type") == "array":
        yield from _walk_types(schema["items"])
    elif isinstance(schema, dict) and schema.get("type") == "map":
        yield from _walk_types(schema["values"])


# Values the hub adds to an HTCDS vocabulary, where Thai practice needs one HTCDS folds into Other:
# forced criminality (scam compounds) is now the most common new form of exploitation (issue 13).
HUB_EXTENSIONS = {"sanpalang.htcds.TypeOfExploitation": ("ForcedCriminality",)}


class TestSchemaFiles:
    def test_has_exactly_the_agreed_top_level_schemas(self):
        assert sorted(NAMES) == sorted(EVENT_NAMES + HUB)

    def test_each_file_holds_one_named_type_named_like_the_file(self):
        files = sorted(p.name for p in AVRO_DIR.glob("*.avsc"))
        assert files == sorted(f"{n}.avsc" for n in RAW)

    @pytest.mark.parametrize("name", NAMES)
    def test_fastavro_load_schema_resolves_references_from_the_folder(self, name):
        loaded = load_schema(str(AVRO_DIR / f"{name}.avsc"))
        assert to_parsing_canonical_form(loaded) == schemas.canonical_form(name)

    def test_every_type_and_field_has_a_doc(self):
        missing = [n for n, obj in RAW.items() if not obj.get("doc", "").strip()]
        missing += [f"{n}.{f['name']}" for n, obj in RAW.items() for f in _fields(obj) if not f.get("doc", "").strip()]
        assert missing == []

    def test_every_enum_has_a_default_symbol(self):
        enums = {n: obj for n, obj in RAW.items() if obj["type"] == "enum"}
        assert enums
        assert [n for n, obj in enums.items() if obj.get("default") not in obj["symbols"]] == []

    def test_every_optional_field_is_null_first_with_a_null_default(self):
        wrong = [f"{n}.{f['name']}" for n, obj in RAW.items() for f in _fields(obj)
                 if isinstance(f["type"], list) and (f["type"][0] != "null" or f.get("default", "x") is not None)]
        assert wrong == []

    def test_every_at_field_is_a_utc_millisecond_timestamp(self):
        timestamp = {"type": "long", "logicalType": "timestamp-millis"}
        wrong = [f"{n}.{f['name']}" for n, obj in RAW.items() for f in _fields(obj)
                 if f["name"].endswith("_at") and timestamp not in list(_walk_types(f["type"]))]
        assert wrong == []

    def test_every_date_field_is_an_avro_date(self):
        date = {"type": "int", "logicalType": "date"}
        wrong = [f"{n}.{f['name']}" for n, obj in RAW.items() for f in _fields(obj)
                 if (f["name"] == "date_of_birth" or f["name"].endswith("_date")) and date not in list(_walk_types(f["type"]))]
        assert wrong == []

    @pytest.mark.parametrize("name", EVENT_NAMES)
    def test_every_event_starts_with_the_envelope(self, name):
        assert RAW[name]["fields"][0]["name"] == "envelope"
        assert RAW[name]["fields"][0]["type"] == "sanpalang.common.Envelope"

    def test_agency_symbols_match_the_topic_names(self):
        symbols = RAW["sanpalang.common.Agency"]["symbols"]
        assert [s for s in symbols if s != RAW["sanpalang.common.Agency"]["default"]] == \
            ["police", "labour", "immigration", "social"]

    @pytest.mark.parametrize("name", sorted(HTCDS))
    def test_htcds_vocabularies_use_the_htcds_value_names(self, name):
        field, values = HTCDS[name]
        enum = RAW[name]
        assert enum["symbols"][:len(values)] == values, field
        assert set(enum["symbols"]) - set(values) <= {enum["default"], *HUB_EXTENSIONS.get(name, ())}

    def test_a_hub_extension_of_an_htcds_vocabulary_comes_after_its_values_and_is_documented(self):
        for name, extra in HUB_EXTENSIONS.items():
            _, values = HTCDS[name]
            assert RAW[name]["symbols"][len(values):] == [*extra] and all(e in RAW[name]["doc"] for e in extra)

    def test_case_view_names_no_person(self):
        person_fields = {f["name"] for f in RAW["sanpalang.hub.CasePerson"]["fields"]}
        assert not person_fields & {"names", "identifiers", "date_of_birth"}


class TestExamples:
    def test_exist_for_every_top_level_schema_and_nothing_else(self):
        assert sorted(p.stem for p in EXAMPLES_DIR.glob("*.json")) == sorted(NAMES)

    @pytest.mark.parametrize("name", EVENT_NAMES)
    def test_events_are_plausible(self, name):
        envelope = schemas.example(name)["envelope"]
        assert envelope["event_type"] == name.rsplit(".", 1)[1]
        assert envelope["agency"] == name.split(".")[1]
        assert re.fullmatch(r"TH-\d\d", envelope["province"])
        assert envelope["occurred_at"].tzinfo is not None
        for person in envelope["persons"]:
            assert person["nationality"] is None or re.fullmatch(r"[A-Z]{3}", person["nationality"])

    def test_event_ids_are_unique(self):
        ids = [schemas.example(n)["envelope"]["event_id"] for n in EVENT_NAMES]
        assert len(set(ids)) == len(ids)

    def test_person_refs_in_details_point_to_envelope_persons(self):
        for name in EVENT_NAMES:
            record = schemas.example(name)
            refs = {p["person_ref"] for p in record["envelope"]["persons"]}
            for key, value in record.items():
                if key.endswith("person_ref") and value is not None:
                    assert value in refs, (name, key)
                if key.endswith("person_refs"):
                    assert set(value) <= refs, (name, key)

    def test_example_is_a_fresh_copy_each_time(self):
        first = schemas.example("sanpalang.hub.Alert")
        first["message"] = "changed"
        assert schemas.example("sanpalang.hub.Alert")["message"] != "changed"

    def test_example_files_are_plain_json_with_iso_timestamps(self):
        data = json.loads((EXAMPLES_DIR / "sanpalang.hub.Alert.json").read_text(encoding="utf-8"))
        assert data["raised_at"].endswith("Z")


class TestHelpers:
    def test_names_in_namespace_lists_one_agencys_events(self):
        assert schemas.names_in_namespace("sanpalang.police") == sorted(f"sanpalang.police.{n}" for n in EVENTS["sanpalang.police"])
        assert schemas.names_in_namespace("sanpalang.common") == []

    def test_schema_json_is_standalone_with_docs_and_each_named_type_defined_once(self):
        text = schemas.schema_json("sanpalang.hub.CaseView")
        parsed = json.loads(text)
        assert parsed["doc"] and "persons" in text
        assert text.count('"name":"Agency"') == 1  # defined once, referred to by full name after
        fastavro.parse_schema(parsed)  # no external references left

    def test_fingerprint_is_the_int_of_the_hex(self):
        name = "sanpalang.social.ShelterIntakeRecorded"
        assert schemas.fingerprint(name) == int.from_bytes(bytes.fromhex(schemas.fingerprint_hex(name)), "little")
        assert re.fullmatch(r"[0-9a-f]{16}", schemas.fingerprint_hex(name))

    def test_writer_schemas_cover_every_current_schema_by_fingerprint(self):
        published = schemas.writer_schemas()
        for name in NAMES:
            assert published[schemas.fingerprint_hex(name)] == schemas.schema_json(name)

    def test_jsonable_turns_a_decoded_record_into_json(self):
        record = schemas.example("sanpalang.hub.DeadLetter")
        text = json.dumps(schemas.jsonable(record), ensure_ascii=False)
        assert '"received_at": "2025-03-05T08:00:03.000Z"' in text
        assert schemas.jsonable({"b": b"\xff\x00"}) == {"b": {"base64": "/wA="}}
