"""Pure normalisers for the values agencies send: dates, identifiers, phones, nationality,
provinces, names and sex.

The agency mappings (`native record -> events | errors`) call these on each raw field. Each
takes the raw text (possibly messy: Thai digits, B.E. years, titles glued to names, stray
zero-width spaces) and returns a normalised value, or raises `NormaliseError(field, value,
reason)` whose message tells an operator what was wrong and what was expected. Nothing here
reads the clock, the network or the environment; the packaged tables in `data/` are read once,
on first use. Inputs longer than `MAX_LENGTH` characters are refused before any parsing.

Optional fields: test with `is_blank(value)` first ("", "-", "ไม่ระบุ", "N/A" ... mean "not
given"); the normalisers refuse blanks, except `normalise_sex`, for which blank is "Unknown".
"""

from connectors.normalise._calendar import BE_OFFSET, MAX_CE_YEAR, MIN_CE_YEAR, Era
from connectors.normalise._text import MAX_LENGTH, is_blank, thai_digits_to_ascii
from connectors.normalise.dates import BANGKOK, parse_date, parse_datetime
from connectors.normalise.districts import District, district, districts, normalise_district
from connectors.normalise.errors import NormaliseError
from connectors.normalise.identifiers import (
    id13_kind,
    normalise_document_number,
    normalise_id13,
    normalise_migrant_id,
    normalise_passport,
    normalise_thai_id,
    normalise_travel_document,
    thai_id_check_digit,
)
from connectors.normalise.name_keys import name_key
from connectors.normalise.names import PersonName, name_from_parts, parse_name, romanise_thai
from connectors.normalise.nationality import STATELESS, alpha2_of, country_name, normalise_nationality
from connectors.normalise.partial_dates import MAX_AGE, Age, PartialDate, Precision, parse_age, parse_date_of_birth
from connectors.normalise.phones import normalise_phone
from connectors.normalise.provinces import Province, normalise_province, province, provinces
from connectors.normalise.scripts import Script, detect_script
from connectors.normalise.sex import FEMALE, HTCDS_GENDER, MALE, OTHER, SEXES, UNKNOWN, normalise_sex

__all__ = [
    # errors and shared helpers
    "NormaliseError", "MAX_LENGTH", "is_blank", "thai_digits_to_ascii",
    # dates
    "Era", "BE_OFFSET", "MIN_CE_YEAR", "MAX_CE_YEAR", "BANGKOK", "parse_date", "parse_datetime",
    "Precision", "PartialDate", "Age", "MAX_AGE", "parse_date_of_birth", "parse_age",
    # identifiers and phones
    "thai_id_check_digit", "normalise_thai_id", "normalise_migrant_id", "normalise_passport",
    "normalise_document_number", "normalise_phone", "normalise_id13", "id13_kind", "normalise_travel_document",
    # nationality and provinces
    "STATELESS", "normalise_nationality", "alpha2_of", "country_name",
    "Province", "provinces", "province", "normalise_province",
    "District", "districts", "district", "normalise_district",
    # names
    "Script", "detect_script", "PersonName", "parse_name", "name_from_parts", "romanise_thai", "name_key",
    # sex
    "MALE", "FEMALE", "OTHER", "UNKNOWN", "SEXES", "HTCDS_GENDER", "normalise_sex",
]
