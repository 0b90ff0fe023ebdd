"""Where things happen: police units, checkpoints, IDCs, shelters and PIPO centres per province.

Known places for the provinces the default feed uses; any other province gets generic names built
from its Thai name (`connectors.normalise.province`), so every province code works.
"""

from __future__ import annotations

from dataclasses import dataclass

from connectors.normalise import province as province_row

__all__ = ["Checkpoint", "DEFAULT_PROVINCES", "checkpoints", "coastal", "border", "idc", "mdt_location",
           "pipo", "police_unit", "shelter", "thai_name", "tourist"]

DEFAULT_PROVINCES = ("TH-57", "TH-63", "TH-74", "TH-90", "TH-10", "TH-85", "TH-20")


@dataclass(frozen=True)
class Checkpoint:
    name: str
    code: str
    foreign: tuple[str, ...]      # countries crossed to / from (alpha-2)


_CHECKPOINTS = {
    "TH-57": (Checkpoint("Mae Sai Friendship Bridge 1", "MSI-1", ("MM",)),
              Checkpoint("Chiang Saen Port", "CSN-1", ("LA", "CN"))),
    "TH-63": (Checkpoint("Mae Sot Friendship Bridge", "MST-1", ("MM",)),
              Checkpoint("Mae Sot Friendship Bridge 2", "MST-2", ("MM",))),
    "TH-85": (Checkpoint("Ranong Port (Saphan Pla)", "RNG-P", ("MM",)),),
    "TH-90": (Checkpoint("Sadao", "SDO-1", ("MY",)), Checkpoint("Padang Besar", "PDB-1", ("MY",))),
    "TH-10": (Checkpoint("Don Mueang International Airport", "DMK", ("KH", "LA", "MM", "MY", "VN")),),
    "TH-20": (Checkpoint("Laem Chabang Port", "LCB", ("KH", "VN")),),
    "TH-74": (Checkpoint("Samut Sakhon Fishing Port Checkpoint", "SKN-P", ("MM", "KH")),),
}
_UNITS = {"TH-57": ("สภ.แม่สาย", "สภ.เมืองเชียงราย"), "TH-63": ("สภ.แม่สอด", "สภ.เมืองตาก"),
          "TH-74": ("สภ.เมืองสมุทรสาคร", "สภ.กระทุ่มแบน"), "TH-90": ("สภ.หาดใหญ่", "สภ.สะเดา"),
          "TH-10": ("สน.ลุมพินี", "สน.ห้วยขวาง"), "TH-85": ("สภ.เมืองระนอง",), "TH-20": ("สภ.เมืองพัทยา", "สภ.ศรีราชา")}
_IDC = {"TH-10": "Suan Phlu IDC (ตม.สวนพลู)", "TH-63": "ห้องกัก ตม.จ.ตาก (แม่สอด)", "TH-85": "ห้องกัก ตม.จ.ระนอง",
        "TH-90": "ห้องกัก ตม.จ.สงขลา (สะเดา)"}
_PIPO = {"TH-90": ("PIPO สงขลา", "ท่าเทียบเรือประมงสงขลา"), "TH-74": ("PIPO สมุทรสาคร", "ท่าเทียบเรือประมงมหาชัย"),
         "TH-85": ("PIPO ระนอง", "ท่าเทียบเรือประมงระนอง"), "TH-20": ("PIPO ชลบุรี", "ท่าเทียบเรือประมงอ่างศิลา")}


def thai_name(code: str) -> str:
    return province_row(code).thai


def english_name(code: str) -> str:
    return province_row(code).english


def border(code: str) -> bool:
    """A province with a land or sea border checkpoint the simulator knows (others get a generic one)."""
    return code in ("TH-57", "TH-63", "TH-85", "TH-90")


def tourist(code: str) -> bool:
    """A province whose tourist trade the 2018 policy names for prevention work (Bangkok, Pattaya's
    Chon Buri, Chiang Mai, Phuket, Surat Thani's islands, Songkhla's Hat Yai, Krabi)."""
    return code in ("TH-10", "TH-20", "TH-50", "TH-83", "TH-84", "TH-90", "TH-81")


def coastal(code: str) -> bool:
    return code in _PIPO


def checkpoints(code: str) -> tuple[Checkpoint, ...]:
    return _CHECKPOINTS.get(code, (Checkpoint(f"{english_name(code)} Immigration Checkpoint",
                                              f"CP-{code[3:]}", ("MM", "KH", "LA")),))


def police_unit(code: str, atpd: bool) -> str:
    if atpd:
        return f"กก.{int(code[3:]) % 4 + 1} บก.ปคม."
    return _UNITS.get(code, (f"สภ.เมือง{thai_name(code)}",))[0]


def idc(code: str) -> str:
    return _IDC.get(code, f"ห้องกัก ตม.จ.{thai_name(code)}")


def shelter(code: str, kind: str) -> str:
    name = thai_name(code)
    if kind == "Temporary":
        return f"บ้านพักเด็กและครอบครัวจังหวัด{name}" if code != "TH-10" else "บ้านพักเด็กและครอบครัวกรุงเทพมหานคร"
    return f"สถานคุ้มครองสวัสดิภาพผู้เสียหายจากการค้ามนุษย์จังหวัด{name}"


def mdt_location(code: str) -> str:
    return f"สำนักงานพัฒนาสังคมและความมั่นคงของมนุษย์จังหวัด{thai_name(code)}"


def pipo(code: str) -> tuple[str, str]:
    """(PIPO centre, port) of a coastal province; a generic pair elsewhere."""
    return _PIPO.get(code, (f"PIPO {thai_name(code)}", f"ท่าเทียบเรือประมง{thai_name(code)}"))
