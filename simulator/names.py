"""Names of simulated people, and the ways agencies actually write them.

Thai given and family names come from the pythainlp corpus (`thai_male_names`, `thai_female_names`,
`thai_family_names`), sorted so that a seed picks the same name on every machine, keeping the words
the shipped RTGS table has reviewed, and now and then a family name of the hand list of forms no
rule reaches (Shinawatra). Their Latin spellings come from `thai_spellings`, never from the
matcher's romaniser or keys: the person's own spelling first (the passport's: made from the Thai
letters with the measured habits, Kajornpong for ขจรพงศ์), then the RTGS form, then other ad-hoc
spellings made the same way.

Burmese, Khmer and Lao names are built from syllables (Burmese) or whole names (Khmer, Lao), each
with the variant romanisations agencies produce and a Thai-script transliteration:

- Burmese names have no family name: `Aung Kyaw Moe` is one name. Agencies write `Aung Kyau Moe`,
  `Aungkyaw Moe`, `AUNG KYAW / MOE` (first / last name columns), `MOE AUNG KYAW` (split the other
  way), `U Aung Kyaw Moe` (with a title), or in Thai script `อ่อง จ่อ โม`.
- Khmer names are written family first at home (`Chan Sokha`) and given first on many Thai forms
  (`Sokha Chan`): the order flips between agencies. `Sokha` / `Sokhar` / `Sukha`, `Vannak` / `Wannak`.
  Only spellings of one name are variants: Ouch (អ៊ុច) is another family name than Ouk (អ៊ុក), and a
  record with nothing but "Chenda Ouch" cannot be told to be Chenda Ouk's.
- Lao names are given then family: `Souksavanh Phommachanh` / `Souksavan Phommachan`.

Everything here is pure: a `random.Random` is passed in.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import cache

from simulator.thai_spellings import HAND_LIST, reviewed_rtgs, spellings

__all__ = ["Syllable", "TrueName", "latin_spelling", "make_name", "rtgs", "thai_spelling"]


@dataclass(frozen=True)
class Syllable:
    """One name part: its usual spelling first, then variants; its Thai-script form."""

    spellings: tuple[str, ...]
    thai: str
    native_thai: bool = False  # a Thai person's name word (its variants are made from its Thai letters)

    @property
    def canonical(self) -> str:
        return self.spellings[0]


def _s(text: str) -> Syllable:
    """'Kyaw/Kyau/Kyawe=จ่อ' -> Syllable(('Kyaw', 'Kyau', 'Kyawe'), 'จ่อ')."""
    latin, thai = text.split("=")
    return Syllable(tuple(latin.split("/")), thai)


def _table(text: str) -> tuple[Syllable, ...]:
    return tuple(_s(item) for item in text.split())


BURMESE_MALE = _table(
    "Aung/Aong=อ่อง Kyaw/Kyau/Kyawe=จ่อ Zaw/Zow=ซอ Min/Minn=มิน Thu/Tu/Thuu=ทู Win/Winn=วิน Myint/Myin/Mint=มยิ้น "
    "Naing/Naign=เนียง Htun/Tun/Htoon=ทุน Lin/Linn=ลิน Oo/U=อู Thant/Than=ตั้น Soe/So/Soh=โซ Tin/Tinn=ติน "
    "Htet/Het=เท็ต Phyo/Pyo/Phyoe=เพียว Ko/Koh=โก Hein/Hain=เฮง Khant/Khan=ขั่น Zin/Zinn=ซิน Yan/Yann=ยาน "
    "Moe/Mo/Moh=โม Myo/Myoe=เมี้ยว Naung/Nong=หน่อง")
BURMESE_FEMALE = _table(
    "Thida/Theda/Thidar=ธิดา Aye/Aey=เอ Khaing/Khine=ขิ่น Hnin/Nin=นิน Ei/Eii=อี Phyu/Phue/Pyu=พยู Su/Soo=ซู "
    "Mya/Myar=เมียะ Nwe/Nway=นเว Cho/Choe=โช Khin/Khinn=ขิน Yi/Yee=ยี Nandar/Nanda=นันดา Sandar/Sanda=ซันดา "
    "May/Mei=เม Zar/Za=ซา Lwin/Lwinn=ลวิน San/Sann=ซาน Moe/Mo/Moh=โม Thiri/Thiry=ตีรี Wai/Way=ไว Htwe/Tway=เทว")
KHMER_GIVEN_MALE = _table(
    "Sokha/Sokhar/Sukha=ซกคา Vannak/Wannak/Vanak=วันนัก Dara/Darah=ดารา Rithy/Rithi/Rethy=ริทธี "
    "Vuthy/Vuthi/Wuthy=วุฒิ Sophal/Sopal=โสภาล Kosal/Kosol=โกศล Samnang/Samnag/Somnang=สัมนาง "
    "Veasna/Wasna/Veasana=เวียสนา Makara/Makra=มกรา Pisey/Pisei=ปิเซ Chantha/Chanta=จันทา Sarath/Sarat=สารัท "
    "Bunthoeun/Bunthon=บุญเทือน")
KHMER_GIVEN_FEMALE = _table(
    "Sreymom/Sreymum=สรีมม Bopha/Bupha/Bopa=บุปผา Chenda/Chendar/Jenda=เจนดา Kunthea/Kunthia/Kuntea=กุนเทีย "
    "Channary/Chanary/Channari=จันนารี Sophea/Sophia=โสเพีย Rachana/Rachna=รัชนา Dalin/Daline=ดาลิน "
    "Leakhena/Leakena/Lakhena=เลียกขินา Malis/Maly=มะลิ Thyda/Thida=ธิดา Sokunthea/Sokuntea=โสกุนเทีย")
KHMER_FAMILY = _table(
    "Chan/Chhan=จัน Sok/Sauk/Sokh=ซก Kim/Kimm=คิม Heng/Hang=เฮง Chea/Chear/Jea=เจีย Meas/Mias/Meah=เมียส "
    "Pich/Pech/Pitch=พิช Keo/Kaew/Keov=แก้ว Long/Loung=ลอง Ouk/Uk=อุก Prak/Prakh=ปรัก Yim/Yem=ยิม "
    "Mao/Mau=เมา Seng/Sieng=เส็ง Nhem/Nhim=เญิม Touch/Tuch=ตูจ Phan/Phann=พัน Nuon/Noun=นวน")
LAO_GIVEN_MALE = _table(
    "Souksavanh/Souksavan/Suksavanh=สุขสะหวัน Bounmy/Bounmi/Bunmy=บุญมี Khamla/Khamlar=คำหล้า "
    "Somphone/Somphon/Sompone=สมพอน Phonsavanh/Phonsavan/Ponsavanh=พอนสะหวัน Sisouk/Sysouk/Sisuk=สีสุก "
    "Thongchanh/Thongchan/Tongchanh=ทองจันทร์ Bounthanh/Bounthan=บุญทัน Khampheng/Khamphaeng/Kampheng=คำแพง "
    "Viengxay/Viengsay=เวียงไซ Anousone/Anouson/Anusone=อานุสอน Vanh/Van=วัน")
LAO_GIVEN_FEMALE = _table(
    "Vilayphone/Vilaiphone/Vilayphon=วิไลพอน Noy/Noi=น้อย Chanthaly/Chanthalee/Chantaly=จันทะลี "
    "Manivanh/Manivan=มณีวรรณ Keo/Kaeo=แก้ว Souphanh/Souphan/Suphanh=สุพรรณ Daovone/Daovon/Daowone=ดาววอน "
    "Phetsamone/Phetsamon/Petsamone=เพชรสมร Khamphoui/Khamphouy/Kamphoui=คำพุย Latsamy/Latsami/Ratsamy=รัสมี "
    "Souda/Suda/Soudah=สุดา Malaythong/Malaithong=มาลัยทอง")
LAO_FAMILY = _table(
    "Phommachanh/Phommachan/Pommachanh=พรหมจันทร์ Vongsa/Vongsaa/Wongsa=วงศา Keomany/Kaeomany/Keomani=แก้วมณี "
    "Sengdara/Sengdala=แสงดารา Inthavong/Inthavongsa/Intavong=อินทวงศ์ Souvannavong/Souvanavong=สุวรรณวงศ์ "
    "Xayavong/Sayavong/Xaiyavong=ไชยวงศ์ Luangrath/Luangrat/Louangrath=หลวงราช Sisavath/Sisavat/Sysavath=สีสะหวาด "
    "Phengsy/Phengsi/Pengsy=เพ็งสี Douangchanh/Douangchan/Duangchanh=ดวงจันทร์ Khounvilay/Khounvilai=ขุนวิไล")

_TITLES_LATIN = {("MMR", "M"): ("U", "Mg"), ("MMR", "F"): ("Daw", "Ma"), ("THA", "M"): ("Mr",),
                 ("THA", "F"): ("Mrs", "Ms")}
_TITLES_THAI = {("THA", "M"): ("นาย",), ("THA", "F"): ("นาง", "นางสาว"), ("MMR", "M"): ("นาย",),
                ("MMR", "F"): ("นางสาว",), ("KHM", "M"): ("นาย",), ("KHM", "F"): ("นางสาว",),
                ("LAO", "M"): ("นาย",), ("LAO", "F"): ("นางสาว",)}


@dataclass(frozen=True)
class TrueName:
    """A person's name as it really is: parts in the person's own order (Khmer: family first)."""

    nationality: str
    sex: str
    given: tuple[Syllable, ...]
    family: tuple[Syllable, ...] = ()

    @property
    def canonical(self) -> str:
        """The usual spelling, given name first (as the truth file shows it)."""
        parts = [s.canonical for s in self.given] + [s.canonical for s in self.family]
        return " ".join(parts)

    @property
    def has_family(self) -> bool:
        return bool(self.family)


@cache
def _thai_corpus() -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    from pythainlp.corpus import thai_family_names, thai_female_names, thai_male_names

    reviewed = reviewed_rtgs()

    def usable(names) -> tuple[str, ...]:
        # Short single words with a reviewed RTGS form: the corpus also holds a few multi-word
        # or very long entries.
        return tuple(sorted(n for n in names if 2 <= len(n) <= 12 and " " not in n and n.isalpha() and n in reviewed))
    return usable(thai_male_names()), usable(thai_female_names()), usable(thai_family_names())


_HAND_RTGS = {thai: form for thai, form, _ in HAND_LIST}
HAND_FAMILY_SHARE = 0.03  # Thai persons whose family name is one of the hand list's


@cache
def rtgs(thai: str) -> str:
    """The reviewed RTGS form of a Thai name word (the shipped table, or the hand list), or the
    text itself when it has none."""
    return _HAND_RTGS.get(thai) or reviewed_rtgs().get(thai) or thai


def _thai_syllable(thai: str, rng: random.Random) -> Syllable:
    return Syllable(spellings(thai, rtgs(thai), rng), thai, native_thai=True)


def make_name(rng: random.Random, nationality: str, sex: str) -> TrueName:
    """A plausible name for a person of this nationality and sex (sex 'M' or 'F')."""
    female = sex == "F"
    if nationality == "THA":
        male_names, female_names, families = _thai_corpus()
        given = rng.choice(female_names if female else male_names)
        family = rng.choice(HAND_LIST)[0] if rng.random() < HAND_FAMILY_SHARE else rng.choice(families)
        return TrueName("THA", sex, (_thai_syllable(given, rng),), (_thai_syllable(family, rng),))
    if nationality == "MMR":
        pool = BURMESE_FEMALE if female else BURMESE_MALE
        count = rng.choice((2, 2, 3, 3, 3, 1)) if not female else rng.choice((2, 2, 3, 3))
        parts = [rng.choice(pool) for _ in range(count)]
        if female and count == 2 and rng.random() < 0.3:
            parts[1] = parts[0]  # Aye Aye, San San
        return TrueName("MMR", sex, tuple(parts))
    if nationality == "KHM":
        given = rng.choice(KHMER_GIVEN_FEMALE if female else KHMER_GIVEN_MALE)
        return TrueName("KHM", sex, (given,), (rng.choice(KHMER_FAMILY),))
    given = rng.choice(LAO_GIVEN_FEMALE if female else LAO_GIVEN_MALE)
    return TrueName("LAO", sex, (given,), (rng.choice(LAO_FAMILY),))


def _adhoc(latin: str, rng: random.Random) -> str:
    """An ad-hoc spelling of an RTGS-romanised Thai word: Somchai -> Somchay, Phon -> Pon."""
    swaps = [("chai", "chay"), ("ph", "p"), ("th", "t"), ("ee", "i"), ("i", "ee"), ("u", "oo"), ("o", "oh"),
             ("k", "g"), ("ch", "j"), ("ai", "ay"), ("ao", "ow"), ("ue", "eu"), ("r", "l")]
    lower = latin.lower()
    options = [(a, b) for a, b in swaps if a in lower]
    if not options:
        return latin
    a, b = rng.choice(options)
    at = lower.find(a)
    changed = lower[:at] + b + lower[at + len(a):]
    return changed.capitalize()


def _variant(s: Syllable, rng: random.Random, vary: float) -> str:
    if len(s.spellings) > 1 and rng.random() < vary:
        chosen = rng.choice(s.spellings[1:])
        return _adhoc(chosen, rng) if s.native_thai and rng.random() < vary * 0.2 else chosen
    if len(s.spellings) == 1 and rng.random() < vary * 0.6:
        return _adhoc(s.canonical, rng)
    return s.canonical


@dataclass(frozen=True)
class Spelling:
    """How one record writes a name: one string, and (for two-column systems) the columns."""

    full: str
    first: str
    last: str | None


def latin_spelling(name: TrueName, rng: random.Random, *, vary: float = 0.4, swap: float = 0.15,
                   title: float = 0.0, official: bool = False) -> Spelling:
    """A Latin spelling. `official`: the passport spelling (canonical, family name in its column)."""
    if official:
        given = " ".join(s.canonical for s in name.given)
        family = " ".join(s.canonical for s in name.family) or None
        if not name.has_family and len(name.given) > 1:   # Burmese passports split the last syllable off
            given, family = " ".join(s.canonical for s in name.given[:-1]), name.given[-1].canonical
        return Spelling(f"{given} {family}" if family else given, given, family)
    given_parts = [_variant(s, rng, vary) for s in name.given]
    family_parts = [_variant(s, rng, vary) for s in name.family]
    if len(given_parts) >= 2 and rng.random() < vary * 0.4:   # Aung Kyaw -> Aungkyaw
        given_parts[0:2] = [given_parts[0] + given_parts[1].lower()]
    given, family = " ".join(given_parts), " ".join(family_parts) or None
    if name.nationality == "KHM":
        # Khmer order (family first) is the native one; many Thai forms flip it.
        given, family = (family, given) if rng.random() >= swap * 2 else (given, family)
    elif family and rng.random() < swap:
        given, family = family, given
    elif not family and len(given_parts) > 1 and rng.random() < 0.5:
        split = rng.randrange(1, len(given_parts))          # two columns for a name that has no family name
        first, last = " ".join(given_parts[:split]), " ".join(given_parts[split:])
        given, family = (first, last) if rng.random() >= swap else (last, first)
    full = f"{given} {family}" if family else given
    if title and rng.random() < title:
        options = _TITLES_LATIN.get((name.nationality, name.sex))
        if options:
            full = f"{rng.choice(options)} {full}"
    return Spelling(full, given, family)


def thai_spelling(name: TrueName, rng: random.Random, *, title: float = 0.5, glue: float = 0.3) -> Spelling:
    """The name in Thai script: the Thai name itself, or a transliteration of a foreign one."""
    given = " ".join(s.thai for s in name.given)
    family = " ".join(s.thai for s in name.family) or None
    if name.nationality == "MMR" and len(name.given) > 1 and rng.random() < glue:
        given = "".join(s.thai for s in name.given[:2]) + "".join(" " + s.thai for s in name.given[2:])
    if name.nationality == "KHM" and rng.random() < 0.5:
        given, family = family, given
    full = f"{given} {family}" if family else given
    if title and rng.random() < title:
        prefix = rng.choice(_TITLES_THAI.get((name.nationality, name.sex), ("",)))
        full = f"{prefix}{full}" if name.nationality == "THA" and rng.random() < 0.5 else f"{prefix} {full}"
    return Spelling(full.strip(), given, family)
