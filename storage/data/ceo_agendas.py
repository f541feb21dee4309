"""The five 2024 CEO-governor pilot agendas (DOMAIN.md) with KPIs, seeded for the current fiscal year.

The agendas are the real ones; the KPIs' baselines and targets are made up to show how the bot works, and every
seeded KPI is flagged as example figures (`Kpi.is_example`, "ตัวเลขตัวอย่าง" on its card).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final


@dataclass(frozen=True)
class KpiSpec:
    """One KPI; `due` is (month, day) inside the fiscal year. `kind`: cumulative (a yearly total, reported period
    by period), level (the latest value) or milestone (stages reached)."""

    name_th: str
    name_en: str
    kind: str  # KpiKind value
    unit: str  # KpiUnit value
    unit_label_th: str
    unit_label_en: str
    baseline: float | None
    target: float | None
    due: tuple[int, int]
    higher_is_better: bool = True
    reporting_cycle: str = "none"
    reporting_day: int | None = None
    stages: int | None = None  # a milestone's
    short_th: str | None = None  # its buttons' label (LINE's 20 characters); the name goes in the text
    short_en: str | None = None


@dataclass(frozen=True)
class AgendaSpec:
    """One CEO-governor agenda of a province (by Thai name), with codes of its lists and its owner agency."""

    province_th: str
    title_th: str
    title_en: str
    goal_th: str
    goal_en: str
    dimension: str
    working_group: str
    owner_agency: str
    mechanisms: tuple[str, ...]
    kpis: tuple[KpiSpec, ...] = field(default_factory=tuple)
    short_title_th: str = ""  # a button's label (at most 20 characters, LINE's limit)
    short_title_en: str = ""


CEO_AGENDAS: Final[list[AgendaSpec]] = [
    AgendaSpec(
        province_th="อุบลราชธานี",
        title_th="ขับเคลื่อนเศรษฐกิจชายแดนจังหวัดอุบลราชธานี",
        short_title_th="เศรษฐกิจชายแดน",
        short_title_en="Border economy",
        title_en="Driving Ubon Ratchathani's border economy",
        goal_th="เพิ่มมูลค่าการค้าชายแดนผ่านด่านช่องเม็ก และสร้างรายได้ให้ผู้ประกอบการและชุมชนตามแนวชายแดน",
        goal_en="Grow trade through the Chong Mek checkpoint and the income of border firms and communities",
        dimension="poverty_human_development",
        working_group="economy",
        owner_agency="provincial_office",
        mechanisms=("open_government", "digital_government"),
        kpis=(
            KpiSpec(
                name_th="มูลค่าการค้าชายแดนผ่านด่านช่องเม็ก",
                name_en="Border trade value through the Chong Mek checkpoint",
                short_th="มูลค่าการค้าชายแดน",
                short_en="Border trade value",
                kind="cumulative",
                unit="number",
                unit_label_th="ล้านบาท",
                unit_label_en="million baht",
                baseline=12000,
                target=13200,
                due=(9, 30),
                reporting_cycle="monthly",
                reporting_day=5,
            ),
            KpiSpec(
                name_th="จำนวนผู้ประกอบการรายใหม่ที่ได้รับการส่งเสริมการค้าชายแดน",
                name_en="New businesses supported in border trade",
                short_th="ผู้ประกอบการรายใหม่",
                short_en="New border traders",
                kind="cumulative",
                unit="number",
                unit_label_th="ราย",
                unit_label_en="businesses",
                baseline=0,
                target=200,
                due=(8, 31),
                reporting_cycle="quarterly",
                reporting_day=10,
            ),
            KpiSpec(
                name_th="เปิดศูนย์บริการการค้าชายแดนแบบเบ็ดเสร็จ ณ ด่านช่องเม็ก",
                name_en="One-stop border trade service centre open at Chong Mek",
                short_th="ศูนย์บริการชายแดน",
                short_en="One-stop centre",
                kind="milestone",
                unit="number",
                unit_label_th="",
                unit_label_en="",
                baseline=None,
                target=None,
                due=(6, 30),
                stages=4,  # site, building, staff and systems, open
            ),
        ),
    ),
    AgendaSpec(
        province_th="บุรีรัมย์",
        title_th="บุรีรัมย์ปลอดหนี้นอกระบบ",
        short_title_th="ปลอดหนี้นอกระบบ",
        short_title_en="Informal-debt free",
        title_en="Buriram free of informal debt",
        goal_th="ลูกหนี้นอกระบบที่ลงทะเบียนทุกรายได้รับการไกล่เกลี่ยและเข้าถึงสินเชื่อในระบบ",
        goal_en="Every registered informal debtor gets mediation and access to formal credit",
        dimension="poverty_human_development",
        working_group="economy",
        owner_agency="damrongdhama",
        mechanisms=("open_government", "public_service_excellence"),
        kpis=(
            KpiSpec(
                name_th="ร้อยละของลูกหนี้นอกระบบที่ลงทะเบียนและได้รับการไกล่เกลี่ย",
                name_en="Registered informal debtors who received mediation",
                short_th="ลูกหนี้ได้ไกล่เกลี่ย",
                short_en="Debtors mediated",
                kind="level",
                unit="percent",
                unit_label_th="ร้อยละ",
                unit_label_en="percent",
                baseline=0,
                target=100,
                due=(8, 31),
                reporting_cycle="monthly",
                reporting_day=5,
            ),
            KpiSpec(
                name_th="มูลหนี้นอกระบบที่ไกล่เกลี่ยสำเร็จ",
                name_en="Informal debt settled through mediation",
                short_th="มูลหนี้ไกล่เกลี่ยได้",
                short_en="Debt mediated",
                kind="cumulative",
                unit="number",
                unit_label_th="ล้านบาท",
                unit_label_en="million baht",
                baseline=0,
                target=50,
                due=(9, 30),
                reporting_cycle="quarterly",
                reporting_day=10,
            ),
            KpiSpec(
                name_th="จำนวนลูกหนี้ที่ได้รับสินเชื่อในระบบแทนหนี้นอกระบบ",
                name_en="Debtors refinanced with formal credit",
                short_th="ลูกหนี้ได้สินเชื่อ",
                short_en="Debtors given loans",
                kind="cumulative",
                unit="number",
                unit_label_th="ราย",
                unit_label_en="debtors",
                baseline=0,
                target=1500,
                due=(9, 30),
                reporting_cycle="quarterly",
                reporting_day=10,
            ),
        ),
    ),
    AgendaSpec(
        province_th="ขอนแก่น",
        title_th="ขอนแก่นจังหวัดดิจิทัล",
        short_title_th="จังหวัดดิจิทัล",
        short_title_en="Digital province",
        title_en="Khon Kaen digital province",
        goal_th="ประชาชนรับบริการภาครัฐระดับจังหวัดผ่านช่องทางออนไลน์ได้ครบถ้วน รวดเร็ว และตรวจสอบได้",
        goal_en="Citizens get the province's public services online, quickly and transparently",
        dimension="public_service",
        working_group="society_security",
        owner_agency="provincial_office",
        mechanisms=("digital_government", "open_government", "public_innovation"),
        kpis=(
            KpiSpec(
                name_th="ร้อยละของบริการภาครัฐระดับจังหวัดที่ให้บริการผ่านระบบออนไลน์ (e-Service)",
                name_en="Provincial public services available online (e-Service)",
                short_th="บริการออนไลน์",
                short_en="e-Services",
                kind="level",
                unit="percent",
                unit_label_th="ร้อยละ",
                unit_label_en="percent",
                baseline=35,
                target=80,
                due=(9, 30),
                reporting_cycle="monthly",
                reporting_day=5,
            ),
            KpiSpec(
                name_th="จำนวนผู้ใช้งานแอปพลิเคชันบริการประชาชนของจังหวัด",
                name_en="Users of the province's citizen service app",
                short_th="ผู้ใช้แอปจังหวัด",
                short_en="App users",
                kind="level",
                unit="number",
                unit_label_th="คน",
                unit_label_en="people",
                baseline=20000,
                target=100000,
                due=(9, 30),
            ),
            KpiSpec(
                name_th="เปิดใช้ระบบข้อมูลเปิด (Open Data) ของจังหวัด",
                name_en="Provincial open data portal launched",
                short_th="ข้อมูลเปิดจังหวัด",
                short_en="Open data",
                kind="milestone",
                unit="number",
                unit_label_th="",
                unit_label_en="",
                baseline=None,
                target=None,
                due=(3, 31),
                stages=1,  # launched or not
            ),
        ),
    ),
    AgendaSpec(
        province_th="เชียงราย",
        title_th="เชียงรายเมืองสีเขียว อากาศสะอาด",
        short_title_th="อากาศสะอาด",
        short_title_en="Clean air",
        title_en="Green Chiang Rai, clean air",
        goal_th="ลดฝุ่นละออง PM2.5 จุดความร้อน และพื้นที่เผาไหม้ ให้ประชาชนมีอากาศสะอาดตลอดฤดูแล้ง",
        goal_en="Cut PM2.5, hotspots and burnt area so people breathe clean air through the dry season",
        dimension="environment",
        working_group="environment",
        owner_agency="natural_resources",
        mechanisms=("open_government", "digital_government"),
        kpis=(
            KpiSpec(
                name_th="จำนวนวันที่ค่าฝุ่นละออง PM2.5 เกินค่ามาตรฐาน",
                name_en="Days with PM2.5 above the standard",
                short_th="วันฝุ่น PM2.5 เกิน",
                short_en="PM2.5 days over",
                kind="cumulative",
                unit="number",
                unit_label_th="วัน",
                unit_label_en="days",
                baseline=75,
                target=50,
                due=(8, 31),
                higher_is_better=False,
                reporting_cycle="monthly",
                reporting_day=5,
            ),
            KpiSpec(
                name_th="จำนวนจุดความร้อน (Hotspot) สะสม",
                name_en="Cumulative fire hotspots",
                short_th="จุดความร้อนสะสม",
                short_en="Hotspots",
                kind="cumulative",
                unit="number",
                unit_label_th="จุด",
                unit_label_en="hotspots",
                baseline=6000,
                target=4000,
                due=(5, 31),
                reporting_cycle="monthly",
                reporting_day=5,
                higher_is_better=False,
            ),
            KpiSpec(
                name_th="พื้นที่เผาไหม้สะสม",
                name_en="Cumulative burnt area",
                short_th="พื้นที่เผาไหม้",
                short_en="Burnt area",
                kind="cumulative",
                unit="number",
                unit_label_th="ไร่",
                unit_label_en="rai",
                baseline=600000,
                target=400000,
                due=(5, 31),
                reporting_cycle="monthly",
                reporting_day=5,
                higher_is_better=False,
            ),
        ),
    ),
    AgendaSpec(
        province_th="เพชรบุรี",
        title_th="เพชรบุรีเมืองสีเขียว การจัดการขยะมูลฝอย",
        short_title_th="จัดการขยะมูลฝอย",
        short_title_en="Waste management",
        title_en="Green Phetchaburi, solid-waste management",
        goal_th="ลดและคัดแยกขยะมูลฝอยที่ต้นทาง นำกลับมาใช้ประโยชน์ และกำจัดขยะอย่างถูกต้องตามหลักวิชาการ",
        goal_en="Reduce and sort solid waste at source, recycle more and dispose of the rest properly",
        dimension="environment",
        working_group="environment",
        owner_agency="natural_resources",
        mechanisms=("open_government", "public_innovation"),
        kpis=(
            KpiSpec(
                name_th="ปริมาณขยะมูลฝอยที่นำกลับมาใช้ประโยชน์",
                name_en="Solid waste recovered for reuse and recycling",
                short_th="ขยะนำกลับมาใช้",
                short_en="Waste reused",
                kind="cumulative",
                unit="number",
                unit_label_th="ตัน",
                unit_label_en="tonnes",
                baseline=30000,
                target=45000,
                due=(9, 30),
                reporting_cycle="monthly",
                reporting_day=5,
            ),
            KpiSpec(
                name_th="ร้อยละของขยะมูลฝอยที่ได้รับการกำจัดอย่างถูกต้อง",
                name_en="Solid waste disposed of properly",
                short_th="ขยะกำจัดถูกต้อง",
                short_en="Waste disposed well",
                kind="level",
                unit="percent",
                unit_label_th="ร้อยละ",
                unit_label_en="percent",
                baseline=65,
                target=85,
                due=(9, 30),
            ),
            KpiSpec(
                name_th="ปริมาณขยะมูลฝอยตกค้าง",
                name_en="Uncollected solid waste backlog",
                short_th="ขยะตกค้าง",
                short_en="Waste left over",
                kind="level",
                unit="number",
                unit_label_th="ตัน",
                unit_label_en="tonnes",
                baseline=20000,
                target=10000,
                due=(8, 31),
                higher_is_better=False,
            ),
        ),
    ),
]
