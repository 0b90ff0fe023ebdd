"""Organisation keys: by registration, by vessel, by name; names resolved to registrations."""

from streams.cases import CaseBook, fold, org_key
from streams.cases.orgs import fold_name
from streams.events import EventOrganisation
from tests.unit.streams.cases.builders import at, event, org, person


def fold_all(*events):
    book = CaseBook()
    for ev in events:
        book.apply(fold(book, ev.event, ev.person_ids, ev.occurred_at).delta)
    return book


def key_of(event_province, *args, **kwargs):
    """The hub key of an envelope organisation built by `org(*args, **kwargs)`."""
    return org_key(EventOrganisation.of(org(*args, **kwargs)), event_province)


def keys(book):
    return sorted({o.org_key for c in book.cases.values() for o in c.orgs})


class TestOrganisationKeys:
    def test_a_registration_number_is_the_key_whatever_the_kind(self):
        assert key_of("TH-57", "o1", "Premises", "x", registration="0-7455-6000 1234").key == "org:0745560001234"
        assert key_of("TH-10", "o1", "Employer", "y", registration="0745560001234").key == "org:0745560001234"

    def test_a_vessel_is_keyed_by_its_registration(self):
        assert key_of("TH-90", "o1", "Vessel", "Chor Somboon", vessel="651 000 123").key == "vessel:651000123"

    def test_an_unregistered_organisation_is_keyed_by_kind_province_and_folded_name(self):
        key = key_of("TH-57", "o1", "Premises", "ร้านคาราโอเกะ ดาวเหนือ (Dao Nuea)")
        assert key.key == "premises:th-57:ร้านคาราโอเกะ-ดาวเหนือ-dao-nuea" and not key.registered
        assert fold_name("  Dao   NUEA!! ") == "dao-nuea"

    def test_a_name_seen_with_a_registration_resolves_later_names_in_that_province(self):
        book = fold_all(event("InspectionCompleted", at(0), person("A", "Worker"), province="TH-74",
                              orgs=(org("o1", name="Rungrueang Seafood", registration="0745534808669"),)),
                        event("HotlineReportReceived", at(40), person("B"), province="TH-74",
                              orgs=(org("o1", name="rungrueang  seafood"),)))
        assert len(book.cases) == 2 and keys(book) == ["org:0745534808669"]

    def test_two_registrations_with_one_name_resolve_nothing(self):
        book = fold_all(event("InspectionCompleted", at(0), person("A", "Worker"), province="TH-74",
                              orgs=(org("o1", name="Rungrueang Seafood", registration="1"),)),
                        event("InspectionCompleted", at(1), person("C", "Worker"), province="TH-74", eid="other",
                              orgs=(org("o1", name="Rungrueang Seafood", registration="2"),)),
                        event("HotlineReportReceived", at(40), person("B"), province="TH-74",
                              orgs=(org("o1", name="Rungrueang Seafood"),)))
        assert "employer:th-74:rungrueang-seafood" in keys(book)

    def test_the_case_an_event_joins_tells_two_companies_of_one_name_apart(self):
        worker = person("A", "Worker")
        book = fold_all(event("InspectionCompleted", at(0), worker, province="TH-74",
                              orgs=(org("o1", name="Rungrueang Seafood", registration="1"),)),
                        event("InspectionCompleted", at(1), person("C", "Worker"), province="TH-74", eid="other",
                              orgs=(org("o1", name="Rungrueang Seafood", registration="2"),)),
                        event("RescueConducted", at(40), worker, province="TH-74", orgs=(org("o1", name="Rungrueang Seafood"),)))
        case = next(c for c in book.cases.values() if c.person("A"))
        assert [o.org_key for o in case.orgs] == ["org:1"]
