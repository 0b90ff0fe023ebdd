"""`build_person` remembers persons: a hit gives what reading the person again gives (the same
dict, the same notes), and a caller changing what it got changes nothing for the next one."""

from datetime import date

import pytest

from connectors.agencies import _kept, _people
from connectors.agencies._fields import Reader
from connectors.agencies._people import POLICE_PERSON, THAI_PERSON, PersonFields, build_person

PEOPLE = [
    (POLICE_PERSON, {"name": "Aye Aye Khaing", "dob": "2008", "sex": "F", "nationality": "Myanmar",
                     "pink_card": "0-0016-34567-89-7", "phone": "09 7912 34567"}),
    (POLICE_PERSON, {"name": "นายสมชาย ใจดี", "name_latin": "Somchai Jaidee", "dob": "03/11/2522", "sex": "ชาย",
                     "nationality": "ไทย", "thai_id": "3-5701-00012-34-5", "phone": "081-234-5678"}),
    (POLICE_PERSON, {"name": "มะ ซานซาน", "age": 16, "sex": "หญิง", "nationality": "พม่า", "dob": None}),
    (POLICE_PERSON, {"name": "Ko Ko", "dob": "31/02/2530", "thai_id": "1234567890123", "nationality": "Karen"}),
    (THAI_PERSON, {"ชื่อ-สกุล": "หม่อง ซอ", "สัญชาติ": "พม่า", "เลขประจำตัว": "0001577700015", "อายุ": "๓๐"}),
    (PersonFields(given="first_name", family="last_name", name="name_th", dob="birth_date", sex="sex",
                  nationality="nationality"),
     {"first_name": "Aung Kyaw", "last_name": None, "nationality": "MM", "birth_date": "1994", "sex": "M"}),
]


def _uncached(spec, fields, where, **options):
    r = Reader(dict(fields), where)
    person = _people._build_person(r, "p1", "Victim", spec, date(2025, 3, 1), options.get("official_latin", False),
                                   ())
    return person, r.notes, r.problems


@pytest.mark.parametrize("spec, fields", PEOPLE)
@pytest.mark.parametrize("where", ["", "persons[1]."])
def test_a_remembered_person_is_the_person_read_again_with_its_notes(spec, fields, where):
    _kept.PERSONS.clear()
    expected = _uncached(spec, fields, where)
    for _ in range(3):
        r = Reader(dict(fields), where)
        person = build_person(r, "p1", "Victim", spec, date(2025, 3, 1))
        assert (person, r.notes, r.problems) == expected
        person["identifiers"].append({"kind": "Phone", "value": "x", "issuing_country": None})
        person["names"].clear()
        person["sex"] = "changed"


def test_what_changes_the_person_is_part_of_what_is_remembered():
    _kept.PERSONS.clear()
    spec, fields = PEOPLE[2]
    born = {"name": "Ko Ko", "dob": "2027"}                      # in the future as of 2025, not as of 2030
    assert build_person(Reader(born), "p1", "Victim", spec, date(2025, 3, 1))["date_of_birth"] is None
    assert build_person(Reader(born), "p1", "Victim", spec, date(2030, 3, 1))["date_of_birth"] == date(2027, 1, 1)
    assert build_person(Reader(dict(fields)), "p2", "Suspect", spec, date(2025, 3, 1))["person_ref"] == "p2"
    absent = {k: v for k, v in fields.items() if k != "dob"}   # absent is not null
    assert build_person(Reader(absent), "p1", "Victim", spec, date(2025, 3, 1)) == \
        _uncached(spec, absent, "")[0]
    as_number = {**fields, "age": "16"}                          # text is not a number
    assert build_person(Reader(as_number), "p1", "Victim", spec, date(2025, 3, 1)) == \
        _uncached(spec, as_number, "")[0]


def test_values_that_could_equal_another_type_are_not_remembered():
    _kept.PERSONS.clear()
    spec, fields = PEOPLE[2]
    build_person(Reader({**fields, "age": 16.0}), "p1", "Victim", spec, date(2025, 3, 1))
    build_person(Reader({**fields, "sex": True}), "p1", "Victim", spec, date(2025, 3, 1))
    build_person(Reader({**fields, "name": ["a", "b"]}), "p1", "Victim", spec, date(2025, 3, 1))
    assert not _kept.PERSONS


def _inspection(workers):
    from connectors.agencies import labour
    from connectors.records import Origin
    fields = {"เลขที่การตรวจ": "INSP-1", "เลขที่อ้างอิง": "-", "วันที่ตรวจ": "05/03/2568", "จังหวัด": "สมุทรสาคร",
              "สถานประกอบการ": "บริษัท ทะเลทอง จำกัด", "เลขทะเบียนนิติบุคคล": "", "รหัส ISIC": "1020",
              "จำนวนลูกจ้างที่ตรวจ": "4", "สิ่งบ่งชี้": "", "ลูกจ้างที่พบสิ่งบ่งชี้": workers, "ผลการตรวจ": "",
              "วันที่บันทึก": ""}
    return lambda: labour.translate(dict(fields), Origin("file", "inspection_1.csv", "line 2 (record 1)"))


@pytest.mark.parametrize("workers", [
    "หม่อง ซอ|พม่า|0001577700015;มะ เอ|พม่า|0001577700023|2544",
    "หม่อง ซอ|พม่า|0001577700015|31/02/2530;Ko Ko|Karen|AB12",           # notes: a dob, a nationality...
    "หม่อง ซอ|พม่า|0001577700015;a|b|c|d|e;||",                            # problems: bad entries
])
def test_a_remembered_list_cell_gives_the_same_events_notes_and_problems(workers):
    from connectors.agencies import labour
    from connectors.records import MappingError

    def outcome():
        try:
            return _inspection(workers)()
        except MappingError as err:
            return err.problems
    labour._CELLS.clear()
    _kept.PERSONS.clear()
    first = outcome()
    for _ in range(2):
        again = outcome()
        assert again == first
        if not isinstance(again, list):
            for person in again.events[0].record["envelope"]["persons"]:
                person["identifiers"].clear()
                person["names"].clear()
