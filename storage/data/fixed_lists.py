"""The programme's fixed lists (DOMAIN.md): code, Thai name and English name, in display order."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

Listed = tuple[str, str, str]

DIMENSIONS: Final[list[Listed]] = [
    (
        "poverty_human_development",
        "การแก้ไขปัญหาความยากจน ความเหลื่อมล้ำ และการพัฒนาคนตามหลักปรัชญาของเศรษฐกิจพอเพียง",
        "Poverty, inequality and human development under the sufficiency economy",
    ),
    (
        "community_tourism",
        "การท่องเที่ยวโดยชุมชนแบบมีส่วนร่วม",
        "Participatory community-based tourism",
    ),
    ("environment", "การบริหารจัดการสิ่งแวดล้อม", "Environmental management"),
    (
        "public_service",
        "การบริการประชาชนและคุณภาพการบริหารจัดการภาครัฐ",
        "Public service and the quality of public administration",
    ),
]

MECHANISMS: Final[list[Listed]] = [
    ("digital_government", "การนำระบบดิจิทัลมาใช้ (Digital Government)", "Digital Government"),
    ("public_innovation", "นวัตกรรมภาครัฐ (Public Innovation)", "Public Innovation"),
    ("open_government", "ราชการระบบเปิด (Open Government)", "Open Government"),
    (
        "public_service_excellence",
        "บริการภาครัฐที่เป็นเลิศ (Public Service for Excellence)",
        "Public Service for Excellence",
    ),
]

PARTNER_SECTORS: Final[list[Listed]] = [
    ("government", "ภาคราชการ", "Government"),
    ("academia", "ภาควิชาการ", "Academia"),
    ("religion", "ภาคศาสนา", "Religion"),
    ("private", "ภาคเอกชน", "Private sector"),
    ("public", "ภาคประชาชน", "The public"),
    ("civil_society", "ภาคประชาสังคม", "Civil society"),
    ("media", "ภาคสื่อมวลชน", "Media"),
]

WORKING_GROUPS: Final[list[Listed]] = [
    ("economy", "คณะทำงานด้านเศรษฐกิจ", "Economy working group"),
    ("society_security", "คณะทำงานด้านสังคมและความมั่นคง", "Society and security working group"),
    (
        "environment",
        "คณะทำงานด้านทรัพยากรธรรมชาติและสิ่งแวดล้อม",
        "Natural resources and environment working group",
    ),
]

PROGRAMME_STEPS: Final[list[Listed]] = [
    ("select_agenda", "คัดเลือกประเด็นนโยบายสำคัญ", "Select the agenda"),
    ("submit_proposal", "จัดส่งข้อเสนอประเด็นนโยบายสำคัญ", "Submit the agenda proposal"),
    ("track_progress", "ติดตามความก้าวหน้าร่วมกัน", "Review and track progress"),
    ("report_results", "รายงานผลการดำเนินงาน", "Report results"),
]

COMPLAINT_CATEGORIES: Final[list[Listed]] = [
    ("roads", "ถนน/ทางเท้า", "Roads and footpaths"),
    ("water", "น้ำประปา", "Water supply"),
    ("flood", "น้ำท่วม/ระบายน้ำ", "Floods and drainage"),
    ("waste", "ขยะ", "Waste"),
    ("air", "ฝุ่นควัน/มลพิษอากาศ", "Smoke and dust"),
    ("land", "ที่ดิน", "Land"),
    ("safety", "ความปลอดภัย", "Safety"),
    ("public_services", "บริการภาครัฐ", "Public services"),
    ("corruption", "ทุจริต/ประพฤติมิชอบ", "Corruption"),
    ("other", "อื่น ๆ", "Other"),
]


@dataclass(frozen=True)
class AgencySpec:
    """An agency every province gets. Patterns: {th} is "จังหวัด<name>", {name} the Thai province name, {en} the
    English one. `shorts` are the button labels to try in turn (LINE's 20 characters): the office's abbreviation."""

    code: str
    th: str
    en: str
    shorts: tuple[str, ...]
    short_en: str = ""


# Provincial agencies every province but Bangkok gets (Bangkok's own are BANGKOK_AGENCIES).
PROVINCIAL_AGENCIES: Final[list[AgencySpec]] = [
    AgencySpec("provincial_office", "สำนักงาน{th}", "{en} Provincial Office", ("สนจ.{name}", "สนจ."), "Prov. Office"),
    AgencySpec("damrongdhama", "ศูนย์ดำรงธรรม{th}", "{en} Damrongdhama Centre", ("ศดธ.{name}", "ศูนย์ดำรงธรรม")),
    AgencySpec("public_health", "สำนักงานสาธารณสุข{th}", "{en} Provincial Public Health Office", ("สสจ.{name}", "สสจ.")),
    AgencySpec(
        "natural_resources",
        "สำนักงานทรัพยากรธรรมชาติและสิ่งแวดล้อม{th}",
        "{en} Provincial Office of Natural Resources and Environment",
        ("ทสจ.{name}", "ทสจ."),
    ),
    AgencySpec(
        "land_transport", "สำนักงานขนส่ง{th}", "{en} Provincial Land Transport Office", ("ขนส่ง{name}", "ขนส่งจังหวัด")
    ),
    AgencySpec(
        "tourism_sports",
        "สำนักงานการท่องเที่ยวและกีฬา{th}",
        "{en} Provincial Office of Tourism and Sports",
        ("ทกจ.{name}", "ทกจ."),
    ),
    AgencySpec(
        "public_works",
        "สำนักงานโยธาธิการและผังเมือง{th}",
        "{en} Provincial Office of Public Works and Town and Country Planning",
        ("โยธาฯ {name}", "โยธาธิการจังหวัด"),
    ),
    AgencySpec(
        "waterworks",
        "การประปาส่วนภูมิภาคสาขา{name}",
        "Provincial Waterworks Authority, {en} Branch",
        ("กปภ.สาขา{name}", "กปภ.{name}", "กปภ."),
    ),
    AgencySpec(
        "provincial_admin",
        "องค์การบริหารส่วน{th}",
        "{en} Provincial Administrative Organisation",
        ("อบจ.{name}", "อบจ."),
    ),
    AgencySpec(
        "disaster",
        "สำนักงานป้องกันและบรรเทาสาธารณภัย{th}",
        "{en} Provincial Office of Disaster Prevention and Mitigation",
        ("ปภ.{name}", "ปภ.จังหวัด"),
    ),
    AgencySpec("highways", "แขวงทางหลวง{name}", "{en} Highway District", ("ขท.{name}", "แขวงทางหลวง")),
    AgencySpec("land_office", "สำนักงานที่ดิน{th}", "{en} Provincial Land Office", ("ที่ดิน{name}", "ที่ดินจังหวัด")),
]

# Nonthaburi and Samut Prakan get their water from the Metropolitan Waterworks Authority (Bangkok too).
METROPOLITAN_WATERWORKS: Final[frozenset[str]] = frozenset({"NBI", "SPK"})
MWA: Final[AgencySpec] = AgencySpec(
    "waterworks",
    "การประปานครหลวง สาขา{name}",
    "Metropolitan Waterworks Authority, {en} Branch",
    ("กปน.สาขา{name}", "กปน.{name}", "กปน."),
)

# Bangkok is governed by the Bangkok Metropolitan Administration: its own departments, not provincial offices.
BANGKOK: Final[str] = "BKK"
BANGKOK_AGENCIES: Final[list[AgencySpec]] = [
    AgencySpec(
        "provincial_office",
        "กรุงเทพมหานคร (ศาลาว่าการกรุงเทพมหานคร)",
        "Bangkok Metropolitan Administration",
        ("กทม.",),
        "BMA",
    ),
    AgencySpec(
        "damrongdhama",
        "ศูนย์รับเรื่องราวร้องทุกข์กรุงเทพมหานคร (สายด่วน 1555)",
        "Bangkok Complaints Centre (hotline 1555)",
        ("ศูนย์ร้องทุกข์ กทม.",),
        "BMA complaints",
    ),
    AgencySpec("public_health", "สำนักอนามัย กรุงเทพมหานคร", "BMA Health Department", ("สำนักอนามัย กทม.",)),
    AgencySpec("natural_resources", "สำนักสิ่งแวดล้อม กรุงเทพมหานคร", "BMA Environment Department", ("สำนักสิ่งแวดล้อม",)),
    AgencySpec("land_transport", "กรมการขนส่งทางบก", "Department of Land Transport", ("กรมการขนส่งทางบก",)),
    AgencySpec(
        "tourism_sports",
        "สำนักงานการท่องเที่ยวและกีฬากรุงเทพมหานคร",
        "Bangkok Office of Tourism and Sports",
        ("ท่องเที่ยวกีฬา กทม.",),
    ),
    AgencySpec("public_works", "สำนักการโยธา กรุงเทพมหานคร", "BMA Public Works Department", ("สำนักการโยธา",)),
    AgencySpec("waterworks", "การประปานครหลวง", "Metropolitan Waterworks Authority", ("การประปานครหลวง",), "MWA"),
    AgencySpec("drainage", "สำนักการระบายน้ำ กรุงเทพมหานคร", "BMA Drainage and Sewerage Department", ("สำนักการระบายน้ำ",)),
    AgencySpec(
        "disaster",
        "สำนักป้องกันและบรรเทาสาธารณภัย กรุงเทพมหานคร",
        "BMA Fire and Rescue Department",
        ("สปภ. กทม.",),
    ),
    AgencySpec("highways", "แขวงทางหลวงกรุงเทพ", "Bangkok Highway District", ("ขท.กรุงเทพ",)),
    AgencySpec("land_office", "สำนักงานที่ดินกรุงเทพมหานคร", "Bangkok Land Office", ("ที่ดิน กทม.",)),
]

# A district office: ที่ว่าการอำเภอ in the provinces (the CEO pilots have them seeded), สำนักงานเขต in Bangkok (all 50).
DISTRICT_OFFICE: Final[AgencySpec] = AgencySpec(
    "district_office", "ที่ว่าการอำเภอ{district}", "{district} District Office, {en}", ("อ.{district}",)
)
KHET_OFFICE: Final[AgencySpec] = AgencySpec(
    "district_office",
    "สำนักงานเขต{district}",
    "{district} District Office, Bangkok",
    ("สำนักงานเขต{district}", "สนข.{district}"),
)

# Which agency takes each complaint category when no district route exists. Local roads and waste are the
# local governments' work (the provincial administrative organisation where no municipality is known); flooding is
# disaster prevention's, not the waterworks authority's.
PROVINCE_ROUTES: Final[dict[str, str]] = {
    "roads": "provincial_admin",
    "water": "waterworks",
    "flood": "disaster",
    "waste": "provincial_admin",
    "air": "natural_resources",
    "land": "land_office",
    "safety": "provincial_office",
    "public_services": "provincial_office",
    "corruption": "damrongdhama",
    "other": "damrongdhama",
}
BANGKOK_ROUTES: Final[dict[str, str]] = PROVINCE_ROUTES | {
    "roads": "public_works",
    "flood": "drainage",
    "waste": "natural_resources",
}

# Categories routed to the district office where district offices are seeded.
DISTRICT_ROUTE_CATEGORIES: Final[tuple[str, ...]] = ("roads", "safety")
KHET_ROUTE_CATEGORIES: Final[tuple[str, ...]] = ("roads", "waste", "safety", "public_services")

# Words that suggest a category when a citizen types a problem instead of pressing a button (matched as whole
# words by bot/domain/complaints/suggest.py; a longer keyword weighs more). A compound that contains another
# category's word is listed where it belongs ("ไฟป่า" is smoke, not safety). The secretariat adds more with
# `hpp-bot categories keywords add`.
# fmt: off
CATEGORY_KEYWORDS: Final[dict[str, tuple[str, ...]]] = {
    "roads": (
        "ถนน", "ถนนพัง", "ถนนชำรุด", "ถนนเป็นหลุม", "หลุม", "หลุมบ่อ", "ทางเท้า", "ฟุตบาท", "ฟุตปาธ", "สะพาน",
        "ไฟถนน", "ไฟส่องสว่าง", "เสาไฟ", "ลูกระนาด", "ป้ายจราจร", "ทางม้าลาย", "ซอย", "ลาดยาง",
        "road", "street", "pothole", "footpath", "sidewalk", "pavement", "bridge", "streetlight",
    ),
    "water": (
        "ประปา", "น้ำประปา", "น้ำไม่ไหล", "น้ำไหลอ่อน", "น้ำขุ่น", "ท่อประปา", "ท่อแตก", "มิเตอร์น้ำ", "ค่าน้ำ",
        "tap", "pipe", "waterworks",
    ),
    "flood": (
        "น้ำท่วม", "ท่วม", "น้ำขัง", "น้ำท่วมขัง", "ระบายน้ำ", "ท่อระบายน้ำ", "ท่อตัน", "คลอง", "ลำคลอง", "น้ำป่า",
        "flood", "flooded", "flooding", "drain", "drainage",
    ),
    "waste": (
        "ขยะ", "เก็บขยะ", "ถังขยะ", "ทิ้งขยะ", "กองขยะ", "สิ่งปฏิกูล", "กลิ่นเหม็น", "ส่งกลิ่น",
        "waste", "rubbish", "garbage", "trash", "litter", "bin",
    ),
    "air": (
        "ฝุ่น", "ฝุ่นควัน", "ฝุ่นละออง", "ควัน", "หมอกควัน", "เผา", "เผาขยะ", "เผาป่า", "ไฟป่า", "มลพิษ", "อากาศ",
        "smoke", "dust", "haze", "burning", "pollution", "pm2",
    ),
    "land": ("ที่ดิน", "โฉนด", "รุกล้ำ", "บุกรุก", "แนวเขต", "รังวัด", "land", "deed", "encroachment"),
    "safety": (
        "อันตราย", "ความปลอดภัย", "ขโมย", "ลักขโมย", "ยาเสพติด", "ยาบ้า", "อุบัติเหตุ", "ทะเลาะวิวาท", "สุนัขจรจัด",
        "หมาจรจัด", "แก๊งซิ่ง", "danger", "dangerous", "unsafe", "theft", "drugs", "accident", "stray",
    ),
    "public_services": (
        "บริการ", "ล่าช้า", "เจ้าหน้าที่", "ใบอนุญาต", "บัตรประชาชน", "ทะเบียนบ้าน", "ติดต่อราชการ", "รอนาน",
        "service", "permit", "licence", "license", "queue",
    ),
    "corruption": ("ทุจริต", "คอร์รัปชัน", "คอรัปชั่น", "สินบน", "ส่วย", "เรียกเงิน", "corruption", "bribe"),
}
# fmt: on
