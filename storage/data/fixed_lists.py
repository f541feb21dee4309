"""The programme's fixed lists (DOMAIN.md): code, Thai name and English name, in display order."""

from __future__ import annotations

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
    ("water", "น้ำประปา/น้ำท่วม", "Water supply and flooding"),
    ("waste", "ขยะ", "Waste"),
    ("air", "ฝุ่นควัน/มลพิษทางอากาศ", "Smoke, dust and air pollution"),
    ("safety", "ความปลอดภัย", "Safety"),
    ("public_services", "บริการภาครัฐ", "Public services"),
    ("corruption", "ทุจริต/ประพฤติมิชอบ", "Corruption and misconduct"),
    ("other", "อื่น ๆ", "Other"),
]

# Provincial agencies every province gets: code, Thai name pattern, English name pattern.
# {th} is "จังหวัด<name>" ("กรุงเทพมหานคร" for Bangkok), {en} the English province name.
PROVINCIAL_AGENCIES: Final[list[Listed]] = [
    ("provincial_office", "สำนักงาน{th}", "{en} Provincial Office"),
    ("damrongdhama", "ศูนย์ดำรงธรรม{th}", "{en} Damrongdhama Centre"),
    ("public_health", "สำนักงานสาธารณสุข{th}", "{en} Provincial Public Health Office"),
    (
        "natural_resources",
        "สำนักงานทรัพยากรธรรมชาติและสิ่งแวดล้อม{th}",
        "{en} Provincial Office of Natural Resources and Environment",
    ),
    ("land_transport", "สำนักงานขนส่ง{th}", "{en} Provincial Land Transport Office"),
    ("tourism_sports", "สำนักงานการท่องเที่ยวและกีฬา{th}", "{en} Provincial Office of Tourism and Sports"),
    (
        "public_works",
        "สำนักงานโยธาธิการและผังเมือง{th}",
        "{en} Provincial Office of Public Works and Town and Country Planning",
    ),
    ("waterworks", "การประปาส่วนภูมิภาคสาขา{name}", "Provincial Waterworks Authority, {en} Branch"),
]

# Bangkok, Nonthaburi and Samut Prakan get their water from the Metropolitan Waterworks Authority.
METROPOLITAN_WATERWORKS: Final[frozenset[str]] = frozenset({"BKK", "NBI", "SPK"})
MWA_NAMES: Final[tuple[str, str]] = (
    "การประปานครหลวง สาขา{name}",
    "Metropolitan Waterworks Authority, {en} Branch",
)

DISTRICT_OFFICE: Final[Listed] = (
    "district_office",
    "ที่ว่าการอำเภอ{district}",
    "{district} District Office, {en}",
)

# Which provincial agency takes each complaint category when no district route exists.
PROVINCE_ROUTES: Final[dict[str, str]] = {
    "roads": "public_works",
    "water": "waterworks",
    "waste": "natural_resources",
    "air": "natural_resources",
    "safety": "provincial_office",
    "public_services": "provincial_office",
    "corruption": "damrongdhama",
    "other": "damrongdhama",
}

# Categories routed to the district office in provinces that have district offices seeded.
DISTRICT_ROUTE_CATEGORIES: Final[tuple[str, ...]] = ("roads", "safety")
