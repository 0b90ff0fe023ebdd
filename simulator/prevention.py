"""Prevention work: the outreach, trainings and campaigns PSDHS offices hold (issue 13 item 4).

More of it in border and tourist provinces, as the 2018 policy asks. A prevention fact names no
person and no organisation and belongs to no case: it raises no alert and must change none, so it
draws from its own random stream (`<seed>:prevention`) and is added after every other fact (its
sequence numbers come last): the feed's other records, their render streams and the truth's
alerts stay what they were without it.
"""

from __future__ import annotations

import random
from datetime import timedelta

from connectors.normalise import districts
from simulator import places
from simulator.story import Sim, Story, midnight

__all__ = ["ACTIVITIES", "prevention"]

# (kind, audience, people reached (low, high), languages, what it is called)
ACTIVITIES = (
    ("outreach", "migrant_workers", (20, 80), ("tha", "mya"), "ลงพื้นที่ให้ความรู้แรงงานข้ามชาติ"),
    ("outreach", "fishing_crews", (15, 60), ("mya", "khm"), "ให้ความรู้ลูกเรือประมง ณ ท่าเทียบเรือ"),
    ("training", "officials", (20, 45), ("tha",), "อบรมการคัดแยกผู้เสียหายสำหรับเจ้าหน้าที่ด่านหน้า"),
    ("training", "community", (30, 90), ("tha",), "อบรมเครือข่ายเฝ้าระวังการค้ามนุษย์ระดับชุมชน"),
    ("campaign", "students", (150, 1200), ("tha",), "รณรงค์ต่อต้านการค้ามนุษย์ในสถานศึกษา"),
    ("campaign", "community", (200, 2000), ("tha", "mya", "lao"), "รณรงค์วันต่อต้านการค้ามนุษย์"),
    ("training", "employers", (15, 40), ("tha",), "ชี้แจงนายจ้างเรื่องการจ้างแรงงานข้ามชาติโดยชอบด้วยกฎหมาย"),
)


def weight(code: str) -> int:
    """Border and tourist provinces hold three times as much prevention work as the others."""
    return 3 if places.border(code) or places.tourist(code) else 1


def prevention(sim: Sim, seed: int | str) -> None:
    """About one activity per province every ten days, spread over the period (last day excluded:
    a record is written after the day it tells of)."""
    rng = random.Random(f"{seed}:prevention")
    st = Story(sim, None, "prevention", None)
    provinces = list(sim.provinces)
    weights = [weight(p) for p in provinces]
    period = (sim.end_at - sim.start_at).total_seconds() / 86400
    count = max(1, round(period * len(provinces) / 10))
    for _ in range(count):
        province = rng.choices(provinces, weights)[0]
        kind, audience, (low, high), languages, title = rng.choice(ACTIVITIES)
        day = midnight(sim.start_at + timedelta(days=rng.uniform(1, max(1.0, period - 2))))
        district = rng.choice(districts(province)) if rng.random() < 0.85 else None
        st.add("social", "prevention", day, province, case=None, activity=kind, audience=audience,
               reached=rng.randint(low, high), languages=languages, title=title,
               district=district.code if district else None)
