"""The demo district (忻府区, Xinzhou 晋H): firms, gates, trucks, machinery and an alert."""

import cv2
import numpy as np

from registry.alerts.models import AlertLevel
from registry.firms.models import Industry, PerformanceGrade
from registry.identifiers.credit_code import check_character
from registry.identifiers.vin import check_digit

DISTRICT_DIVISION = "140902"  # 忻府区 administrative division code


def credit_code(serial: int) -> str:
    base = f"91{DISTRICT_DIVISION}{serial:09d}"
    return base + check_character(base)


def vin(wmi: str, serial: int, year_code: str = "M") -> str:
    base = f"{wmi}1BLNB0{year_code}A{serial:06d}"  # position 9 is weighted 0: any placeholder
    return base[:8] + check_digit(base) + base[9:]


# name, industry, annual freight (t), in planning area, grade, region, gates
FIRMS = [
    ("忻州市华电热电有限公司", Industry.POWER, 2_400_000, True, PerformanceGrade.B, "城区", ["东门", "北门"]),
    ("山西忻州焦化集团有限公司", Industry.COKING, 1_800_000, True, PerformanceGrade.C, "城区", ["1号门"]),
    ("忻州市钢铁铸造有限公司", Industry.CASTING, 1_500_000, False, PerformanceGrade.A, "播明镇", ["主门"]),
    ("忻府区恒盛水泥有限公司", Industry.CEMENT, 900_000, False, PerformanceGrade.D, "兰村乡", ["南门"]),
    ("忻州顺达物流有限公司", Industry.LOGISTICS, 300_000, False, PerformanceGrade.UNRATED, "城区", ["入口"]),
    (
        "忻州绿能新材料有限公司",
        Industry.BUILDING_MATERIALS,
        1_200_000,
        False,
        PerformanceGrade.LEADING,
        "豆罗镇",
        ["大门"],
    ),
]

# Where each gate stands (WGS-84, approximate, for the demo): the cloned-plate check measures between them.
GATE_PLACES = {
    ("忻州市华电热电有限公司", "东门"): (38.4172, 112.7463),
    ("忻州市华电热电有限公司", "北门"): (38.4215, 112.7431),
    ("山西忻州焦化集团有限公司", "1号门"): (38.3962, 112.7018),
    ("忻州市钢铁铸造有限公司", "主门"): (38.3291, 112.6012),
    ("忻府区恒盛水泥有限公司", "南门"): (38.4721, 112.8304),
    ("忻州顺达物流有限公司", "入口"): (38.4093, 112.7245),
    ("忻州绿能新材料有限公司", "大门"): (38.2917, 112.6633),
}

# plate, colour, stage, fuel, class, registration date, owner, wmi
VEHICLES = [
    ("晋H10001", "yellow", "6", "diesel", "heavy_truck", "2022-03-15", "忻州顺达运输车队", "LZZ"),
    ("晋H10002", "yellow", "6", "diesel", "tractor", "2021-09-01", "忻州顺达运输车队", "LZZ"),
    ("晋H10003", "yellow", "6", "gas", "heavy_truck", "2020-05-20", "华电物流车队", "LFW"),
    ("晋H20001", "yellow", "5", "diesel", "heavy_truck", "2018-06-11", "华电物流车队", "LFW"),
    ("晋H20002", "yellow", "5", "gas", "tractor", "2019-01-08", "焦化集团自有车队", "LGA"),
    ("晋H20003", "yellow", "5", "diesel", "medium_truck", "2017-11-30", "个体", "LGA"),
    ("晋H30001", "yellow", "4", "diesel", "heavy_truck", "2015-04-02", "焦化集团自有车队", "LZG"),
    ("晋H30002", "yellow", "4", "gas", "heavy_truck", "2016-08-19", "恒盛水泥运输队", "LZG"),
    ("晋H40001", "yellow", "3", "diesel", "heavy_truck", "2011-05-05", "个体", "LZZ"),
    ("晋H40002", "yellow", "2", "diesel", "tractor", "2006-07-07", "个体", "LFW"),
    ("晋H40003", "yellow", "1", "diesel", "heavy_truck", "2003-02-14", "个体", "LGA"),
    ("晋H40004", "yellow", "0", "diesel", "heavy_truck", "1999-10-01", "个体", "LGA"),
    ("晋H00018D", "yellow_green", "D", "electric", "heavy_truck", "2023-02-01", "绿能运输车队", "LZG"),
    ("晋H00027F", "yellow_green", "D", "hybrid", "tractor", "2023-06-18", "绿能运输车队", "LZG"),
    ("晋H00036D", "yellow_green", "D", "electric", "tractor", "2024-04-09", "华电物流车队", "LFW"),
    ("晋H50001", "yellow", None, "diesel", "heavy_truck", "2019-03-03", "个体", "LZZ"),
    ("晋H50002", "yellow", None, "diesel", "heavy_truck", None, "个体", "LZZ"),
    ("晋H6A123", "blue", "6", "gasoline", "light_truck", "2022-10-10", "顺达城配", None),
    ("晋A88888", "yellow", "6", "diesel", "heavy_truck", "2023-08-08", "太原过境车队", "LFW"),
    ("冀F12345", "yellow", "5", "diesel", "tractor", "2018-12-12", "保定外协车队", "LGA"),
]

# Who drives for whom (registry.demo.traffic): each firm's trucks are the ones its rules let in, so that what
# the gates refuse is the few anomalies on purpose — a China III truck still working for the power plant, a
# truck whose stage nobody knows, and a transit truck calling at a customer. The oldest trucks are
# registered but no longer drive; the two anomalies come by twice a day. (plate, home firm, firms it also
# delivers to, minutes away between two visits home)
POWER, COKING, CASTING, CEMENT, LOGISTICS, GREEN = (firm[0] for firm in FIRMS)
TRUCKS = [
    ("晋H10003", POWER, (), (90, 240)),
    ("晋H00036D", POWER, (), (90, 240)),
    ("晋H40001", POWER, (), (600, 840)),  # China III: phased out, refused at every gate
    ("晋H10002", COKING, (), (90, 240)),
    ("晋H10001", CASTING, (POWER,), (90, 240)),
    ("晋H20002", CEMENT, (), (90, 240)),
    ("晋H30002", CEMENT, (), (90, 240)),
    ("晋H20001", CEMENT, (), (90, 240)),
    ("晋H20003", LOGISTICS, (GREEN,), (90, 240)),
    ("晋H30001", LOGISTICS, (), (90, 240)),
    ("晋H6A123", LOGISTICS, (), (90, 240)),
    ("晋H50002", LOGISTICS, (), (600, 840)),  # no stage, no registration date: a question for the bureau
    ("晋H00018D", GREEN, (), (90, 240)),
    ("晋H00027F", GREEN, (CASTING,), (90, 240)),
    ("晋A88888", LOGISTICS, (COKING,), (90, 240)),  # a Taiyuan truck on transit work
    ("冀F12345", CEMENT, (), (90, 240)),
]

ALERT = {"level": AlertLevel.ORANGE, "region": None, "document_no": "忻重污染办〔2026〕1号"}
PAST_ALERT = {"level": AlertLevel.YELLOW, "region": "城区", "document_no": "忻重污染办〔2025〕12号"}

# (type, model, manufacturer, engine model, power kW, fuel, stage, status)
MACHINERY = [
    ("excavator", "SY215C", "三一重机有限公司", "4HK1", "128.5", "diesel", "4", "approved"),
    ("loader", "ZL50GN", "柳州柳工股份有限公司", "WD10G220E23", "162.0", "diesel", "3", "approved"),
    ("crane", "QY25K5", "徐工集团工程机械股份有限公司", "D6114ZQB", "213.0", "diesel", "3", "pending"),
    ("forklift", "CPD30", "杭叉集团股份有限公司", None, "25.0", "electric", "D", "pending"),
    ("roller", "XS203J", "徐工集团工程机械股份有限公司", "SC7H190", "140.0", "diesel", "2", "approved"),
]

USERS = [
    ("demo-admin", "admin"),
    ("demo-bureau", "bureau"),
    ("demo-police", "police"),
    ("demo-site", "construction"),  # the site manager of the demo construction unit
    ("demo-firm", "firm"),  # the gate office of FIRM_USER_FIRM: sees its own passes and violations
]
FIRM_USER_FIRM = "忻州市华电热电有限公司"


def nameplate_photo(text: str) -> bytes:
    """A plain picture standing in for a nameplate photo in the demo (a real JPEG, drawn by OpenCV)."""
    image = np.full((360, 640, 3), 200, np.uint8)
    cv2.rectangle(image, (20, 20), (620, 340), (60, 60, 60), 4)
    cv2.putText(image, text, (40, 190), cv2.FONT_HERSHEY_SIMPLEX, 1.0, (20, 20, 20), 2)
    return cv2.imencode(".jpg", image)[1].tobytes()
