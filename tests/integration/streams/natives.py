"""Native records of the four agencies, as their systems send them (`connectors/agencies/NATIVE.md`),
and their delivery through the real connectors run in this process: the police and hotline HTTP
intakes, the labour CSV and social JSON Lines drops, the immigration tables polled by SQL. For the
situations test (`test_situations.py`): one record builder per native shape, dates written the way
each agency writes them (ISO with offset, B.E. `dd/mm/yyyy`, Bangkok local time without offset)."""

from __future__ import annotations

import asyncio
import contextlib
import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import aiohttp
import sqlalchemy as sa

from bench.hub_run import ScratchHub, read_topic
from connectors.sources import FileDropSource, HttpIntake, SqlPollSource
from connectors.sources.http_body import PATH
from runtime.credentials import token_digest
from simulator.deliver import ensure_tables, write_atomically
from streams.worker.lane import intake_topics
from tests.integration.connectors.test_simulator_delivery import connector

BANGKOK = timezone(timedelta(hours=7))
TOKENS = {"police": "police-token", "social": "social-token"}
DIGESTS = {agency: token_digest(token) for agency, token in TOKENS.items()}   # all the intake keeps
DAY0 = (datetime.now(BANGKOK) - timedelta(days=45)).replace(hour=0, minute=0, second=0, microsecond=0)


def at(days: float = 0, hours: float = 0) -> datetime:
    """Days after DAY0, 45 days before now: the connectors dead-letter a time ahead of their clock."""
    return DAY0 + timedelta(days=days, hours=hours)


def iso(t: datetime) -> str:
    return t.isoformat()


def be(t: datetime, years_ahead: int = 0) -> str:
    """`dd/mm/yyyy HH:MM` in the Buddhist Era, as the labour and shelter exports write it."""
    return f"{t:%d/%m}/{t.year + 543 + years_ahead} {t:%H:%M}"


def local(t: datetime) -> str:
    """Bangkok local time without offset, as the immigration database holds it."""
    return t.astimezone(BANGKOK).strftime("%Y-%m-%d %H:%M:%S")


@dataclass(frozen=True)
class Person:
    """One person as each agency records them: the same passport everywhere, so the matcher links
    them without doubt (these records test the rules, not the matcher)."""

    given: str
    family: str
    nationality: str            # alpha-3
    passport: str
    dob: str
    sex: str

    @property
    def name(self) -> str:
        return f"{self.given} {self.family}"

    def police(self, role: str) -> dict[str, str]:
        return {"role": role, "name": self.name, "dob": self.dob, "sex": self.sex, "nationality": self.nationality,
                "passport": self.passport}

    def social(self) -> dict[str, str]:
        return {"name": self.name, "dob": self.dob, "sex": self.sex, "nationality": self.nationality,
                "passport": self.passport}

    def shelter(self) -> dict[str, str]:
        return {"ชื่อ-สกุล": self.name, "สัญชาติ": self.nationality, "วันเกิด": self.dob,
                "เพศ": "ชาย" if self.sex == "M" else "หญิง", "หนังสือเดินทาง": self.passport}

    def immigration(self) -> dict[str, str]:
        return {"first_name": self.given.upper(), "last_name": self.family.upper(), "doc_type": "PASSPORT",
                "doc_no": self.passport, "doc_country": self.nationality, "nationality": self.nationality,
                "birth_date": self.dob, "sex": self.sex}


@dataclass
class Natives:
    """The records of every situation, per channel, in the agencies' own shapes."""

    police: list[dict[str, Any]] = field(default_factory=list)
    hotline: list[dict[str, Any]] = field(default_factory=list)
    labour_files: dict[str, bytes] = field(default_factory=dict)
    social_files: dict[str, bytes] = field(default_factory=dict)
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: {"crossings": [], "detentions": [],
                                                                           "deportations": []})

    def count(self) -> int:
        lines = sum(len(data.decode("cp874" if name.endswith(".csv") else "utf-8").splitlines()) - name.endswith(".csv")
                    for name, data in (*self.labour_files.items(), *self.social_files.items()))
        return len(self.police) + len(self.hotline) + lines + sum(map(len, self.rows.values()))


def police(kind: str, rid: str, when: datetime, province: str, persons: list[dict], **own: Any) -> dict[str, Any]:
    return {"record_type": kind, "record_id": rid, "version": 1, "occurred": iso(when), "province": province,
            "unit": "บก.ปคม.", "persons": persons, **own}


def cms(kind: str, rid: str, when: datetime, province: str, person: Person, **own: Any) -> dict[str, Any]:
    return {"record_type": kind, "record_id": rid, "version": 1, "occurred": iso(when), "province": province,
            "person": person.social(), **own}


def shelter(kind: str, stay: str, when: datetime, province: str, shelter_kind: str, person: Person,
             **own: Any) -> dict[str, Any]:
    times = {"วันที่รับเข้า": be(when)} if kind == "รับเข้า" else {"วันที่จำหน่าย": be(when)}
    return {"ประเภท": kind, "เลขที่": stay, "แก้ไขครั้งที่": 1 if kind == "รับเข้า" else 2, "จังหวัด": province,
            "สถานคุ้มครอง": f"สถานคุ้มครอง {province}", "ประเภทสถานคุ้มครอง": shelter_kind, **times,
            **person.shelter(), **own}


def detention(row: int, when: datetime, province_code: str, person: Person) -> dict[str, Any]:
    return {"id": row, "updated_at": local(when), "detention_no": f"IDC-{row}", "admitted_at": local(when),
            "idc_name": "Suan Phlu IDC", "province_code": province_code, "reason": "overstay", **person.immigration()}


def deportation(row: int, status: str, when: datetime, province_code: str, person: Person, **own: Any) -> dict:
    return {"id": row, "updated_at": local(when), "deportation_no": f"DEP-{row}", "status": status,
            "destination": person.nationality, "province_code": province_code, **person.immigration(), **own}


def csv_export(rows: list[dict[str, str]]) -> bytes:
    header = list(dict.fromkeys(k for row in rows for k in row))
    lines = [",".join(header)] + [",".join(row.get(k, "") for k in header) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode("cp874")


def jsonl_export(records: list[dict[str, Any]]) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode("utf-8")


def rorbor1(rid: str, when: datetime, recorded: datetime, province: str, person: Person, referred: str,
             years_ahead: int = 0) -> dict[str, str]:
    return {"เลขที่ ร.บ.1": rid, "วันที่คัดกรอง": be(when, years_ahead), "จังหวัด": province,
            "ชื่อ-สกุล": person.name, "สัญชาติ": person.nationality, "วันเกิด": person.dob,
            "เพศ": "ชาย" if person.sex == "M" else "หญิง", "หนังสือเดินทาง": person.passport,
            "สิ่งบ่งชี้": "ยึดเอกสาร;หนี้สิน", "ส่งต่อ MDT": referred, "วันที่บันทึก": be(recorded)}


async def _post(session: aiohttp.ClientSession, port: int, token: str, records: list[dict]) -> dict:
    async with session.post(f"http://127.0.0.1:{port}{PATH}", json={"records": records},
                            headers={"Authorization": f"Bearer {token}"}) as answer:
        assert answer.status == 202, await answer.text()
        return await answer.json()


def landed(hub: ScratchHub) -> tuple[list[dict], list[dict]]:
    """(intake events, dead letters) on the broker."""
    dlqs = [t.replace("intake.", "dlq.") for t in intake_topics()]
    messages = read_topic(hub.connection, [*intake_topics(), *dlqs])
    return ([r for t, _, r in messages if t.startswith("intake.")], [r for t, _, r in messages if t.startswith("dlq.")])


def deliver(hub: ScratchHub, natives: Natives, root: Path) -> tuple[list[dict], list[dict]]:
    """Run the four agencies' connectors here, deliver every native record, wait until each landed."""
    labour_dir, social_dir = root / "labour", root / "social"
    labour_dir.mkdir(), social_dir.mkdir()
    engine = sa.create_engine(f"sqlite:///{root / 'immigration.db'}")
    ensure_tables(engine)
    with engine.begin() as conn:
        for table, rows in natives.rows.items():
            for row in rows:
                columns = ", ".join(row)
                conn.execute(sa.text(f"INSERT INTO {table} ({columns}) VALUES ({', '.join(':' + c for c in row)})"), row)

    async def run() -> tuple[list[dict], list[dict]]:
        async with contextlib.AsyncExitStack() as stack:
            police_http = await stack.enter_async_context(connector(
                hub.connection, "police", "situations", lambda ctx: [HttpIntake(ctx, "127.0.0.1", 0, DIGESTS)]))
            social_http = await stack.enter_async_context(connector(
                hub.connection, "social", "situations",
                lambda ctx: [HttpIntake(ctx, "127.0.0.1", 0, DIGESTS), FileDropSource(ctx, social_dir, interval_s=0.2)]))
            await stack.enter_async_context(connector(
                hub.connection, "labour", "situations", lambda ctx: [FileDropSource(ctx, labour_dir, interval_s=0.2)]))
            await stack.enter_async_context(connector(
                hub.connection, "immigration", "situations",
                lambda ctx: [SqlPollSource(ctx, engine, t, watermark="updated_at", interval_s=0.2)
                             for t in natives.rows]))
            while police_http[0].bound_port is None or social_http[0].bound_port is None:
                await asyncio.sleep(0.01)
            async with aiohttp.ClientSession() as session:
                await _post(session, police_http[0].bound_port, TOKENS["police"], natives.police)
                await _post(session, social_http[0].bound_port, TOKENS["social"], natives.hotline)
            for folder, files in ((labour_dir, natives.labour_files), (social_dir, natives.social_files)):
                for name, data in files.items():
                    write_atomically(folder / name, data)
            expected = natives.count()
            while sum(map(len, found := landed(hub))) < expected:
                await asyncio.sleep(0.3)
            return found
    try:
        return asyncio.run(asyncio.wait_for(run(), timeout=120))
    finally:
        engine.dispose()
