"""The district's 2021 action plan as policy rows (the seed of the `policies` table).

Migration 0002 inserts a frozen copy of these rows; tests check the two agree. Later plans are
added as new rows through /api/v1/policies, never by changing this file.
"""

PLAN = "忻府区空气质量巩固提升2021年行动计划"
HEAVY_VEHICLE_SCOPE = {
    "vehicle_classes": ["heavy_truck", "medium_truck", "tractor"],
    "plate_colors": ["yellow", "yellow_green"],
}
# National cut-over dates (DOMAIN.md 3; several are secondary sources, hence data, not code).
# Before the first listed date a vehicle is taken as China II or older.
STAGE_CUTOVERS = {
    "diesel": [["1900-01-01", "2"], ["2008-01-01", "3"], ["2013-07-01", "4"], ["2017-07-01", "5"], ["2021-07-01", "6"]],
    "gas": [["1900-01-01", "2"], ["2008-01-01", "3"], ["2013-07-01", "4"], ["2017-07-01", "5"], ["2019-07-01", "6"]],
    "default": [
        ["1900-01-01", "2"],
        ["2008-01-01", "3"],
        ["2013-07-01", "4"],
        ["2017-07-01", "5"],
        ["2021-07-01", "6"],
    ],
}
# Grade x alert level: the newest stage still banned ("4" = China IV and older, gas included),
# "all" = every road freight vehicle, new energy included; a missing cell = no restriction.
STAGGERED_MATRIX = {
    "A": {},
    "leading": {},
    "B": {"yellow": "4", "orange": "4", "red": "4"},
    "C": {"yellow": "4", "orange": "4", "red": "4"},
    "unrated": {"yellow": "4", "orange": "4", "red": "4"},
    "D": {"yellow": "all", "orange": "all", "red": "all"},
}

# What cameras call a vehicle that is not a goods vehicle, in their own words (Hikvision ISAPI
# vehicleType, Dahua Category, the Chinese names some platforms send): a registered truck's plate read
# again and again on one of these is a sign of a cloned plate. Compared without case, spaces, dashes,
# underscores or slashes; the bureau adds a firmware's words by revising the policy.
NOT_TRUCK_TYPES = [
    "smallCar", "SUVMPV", "SUV", "MPV", "sedan", "saloon", "SaloonCar", "hatchback", "sportSedan", "microCar",
    "PassengerCar", "minibus", "Microbus", "mediumBus", "largeBus", "bus", "pickup", "pickupTruck",
    "motorcycle", "twoWheelVehicle", "threeWheelVehicle", "tricycle", "buggy", "nonMotorVehicle", "NonMotor",
    "轿车", "小型轿车", "微型轿车", "两厢轿车", "三厢轿车", "轿跑", "小型车", "小型汽车", "小型客车", "中型客车",
    "大型客车", "客车", "公交车", "面包车", "皮卡", "皮卡车", "摩托车", "二轮车", "三轮车", "非机动车",
]  # fmt: skip

POLICIES = [
    {
        "id": 1,
        "rule": "SCOPE",
        "params": HEAVY_VEHICLE_SCOPE,
        "effective_from": "2000-01-01",
        "effective_to": None,
        "clause": f"{PLAN}：适用于重型、中型货车和牵引车 / plan scope: heavy and medium trucks, tractors",
    },
    {
        "id": 2,
        "rule": "STAGE_INFERENCE",
        "params": {"cutovers": STAGE_CUTOVERS},
        "effective_from": "2000-01-01",
        "effective_to": None,
        "clause": "GB 17691 各阶段实施日期 / GB 17691 national cut-over dates",
    },
    {
        "id": 3,
        "rule": "FREIGHT_STAGE",
        "params": {"threshold_tonnes": 1_500_000, "min_stage": "5"},
        "effective_from": "2021-01-01",
        "effective_to": "2021-12-31",
        "clause": f"{PLAN} 第（15）条 / clause (15)",
    },
    {
        "id": 4,
        "rule": "FREIGHT_STAGE",
        "params": {"threshold_tonnes": 1_500_000, "min_stage": "6"},
        "effective_from": "2022-01-01",
        "effective_to": None,
        "clause": f"{PLAN} 第（15）条 / clause (15)",
    },
    {
        "id": 5,
        "rule": "CLEAN_TRANSPORT",
        "params": {"industries": ["power", "coking"], "planning_area_only": True, "min_stage": "6"},
        "effective_from": "2021-10-01",
        "effective_to": None,
        "clause": f"{PLAN} 第（15）条 / clause (15)",
    },
    {
        "id": 6,
        "rule": "STAGGERED_TRANSPORT",
        "params": {"matrix": STAGGERED_MATRIX},
        "effective_from": "2021-01-01",
        "effective_to": None,
        "clause": f"{PLAN} 第（15）条；重污染天气重点行业应急减排措施制定技术指南（2020年修订版）"
        " / clause (15) and the MEE 2020 guide",
    },
    {
        "id": 7,
        "rule": "PHASE_OUT",
        "params": {"max_stage": "3", "fuel_types": ["diesel"]},
        "effective_from": "2000-01-01",
        "effective_to": None,
        "clause": f"{PLAN} 第（17）条 / clause (17)",
    },
    {
        "id": 8,
        "rule": "UNREGISTERED_VEHICLE",
        "params": {},
        "effective_from": "2000-01-01",
        "effective_to": None,
        "clause": f"{PLAN} 第（15）条：视频门禁与车辆登记 / clause (15): video gates and vehicle registry",
    },
    {
        "id": 9,
        "rule": "STAGE_UNKNOWN",
        "params": {},
        "effective_from": "2000-01-01",
        "effective_to": None,
        "clause": "MEE 2020 门禁电子台账：排放阶段 / MEE 2020 gate ledger: emission stage",
    },
    {
        "id": 10,
        "rule": "NEV_MISMATCH",
        "params": {},
        "effective_from": "2000-01-01",
        "effective_to": None,
        "clause": "GA 36-2018 号牌颜色 / GA 36-2018 plate colours",
    },
    {
        "id": 11,
        "rule": "UNREADABLE_PLATE",
        "params": {},
        "effective_from": "2000-01-01",
        "effective_to": None,
        "clause": "GA 36-2018 号牌号码 / GA 36-2018 plate numbers",
    },
    {
        "id": 12,
        "rule": "PICTURE_QUALITY",
        # Sharpness is the variance of the Laplacian at 48 px plate height: real plate crops measure
        # above 50 (5th percentile of ../shared/data/plates), the same crops blurred beyond reading
        # below 25 (95th percentile). Data, not code: the bureau may correct them.
        "params": {"min_sharpness": 25, "min_brightness": 25, "max_overexposed": 0.4, "min_plate_width": 60},
        "effective_from": "2000-01-01",
        "effective_to": None,
        "clause": "图片质量不足以作为处罚依据 / a picture too poor to fine on",
    },
    {
        "id": 13,
        "rule": "NO_PLATE",
        # A vehicle without a plate (无牌车): a person checks it at the gate. Data: `deny` or `info` if the
        # bureau decides otherwise.
        "params": {"severity": "review"},
        "effective_from": "2000-01-01",
        "effective_to": None,
        "clause": "无牌车不得通行，需人工核验 / a vehicle without a plate is checked by a person",
    },
    {
        "id": 14,
        "rule": "CLONED_PLATE",
        # 套牌嫌疑: the same plate read at two gates further apart than a truck covers in the time between
        # (speed limit of trucks on expressways: 100 km/h), or read again and again in a colour that
        # contradicts its registration. For review, never a deny on its own. Thresholds are data.
        "params": {
            "max_speed_kmh": 100,
            "min_distance_km": 2,
            "window_hours": 6,
            "colour_contradictions": 3,
            "colour_window_days": 30,
            "not_truck_types": NOT_TRUCK_TYPES,
            "truck_classes": ["heavy_truck", "medium_truck", "tractor"],
            "type_contradictions": 3,
            "type_window_days": 30,
            "severity": "review",
        },
        "effective_from": "2000-01-01",
        "effective_to": None,
        "clause": "套牌嫌疑需人工核查，不单独作为禁止通行依据 / a suspected cloned plate is checked by a person",
    },
    {
        "id": 16,  # 15 is the second version of CLONED_PLATE (migration 0019)
        "rule": "DOCUMENT_REVIEW",
        # Not a gate rule: who verifies a vehicle's stage against its documents (registry.documents).
        "params": {"firms_review_own": False},
        "effective_from": "2000-01-01",
        "effective_to": None,
        "clause": "车辆排放阶段由生态环境局依据随车清单、行驶证核实 / stages are verified against the documents",
    },
    {
        "id": 17,
        "rule": "PLATE_TEXT",
        # Not a gate rule: the plate text read back from the picture against the camera's (号牌复核),
        # raised for review by the background analysis (registry.events.pictures); never a deny.
        "params": {"min_confidence": 0.9, "min_differences": 1, "ignore_province": True, "severity": "review"},
        "effective_from": "2000-01-01",
        "effective_to": None,
        "clause": "号牌识别结果与图片复核不一致的，转人工复核，不单独作为禁止通行依据"
        " / a plate read that the picture contradicts is checked by a person, never denied on that alone",
    },
    {
        "id": 18,
        "rule": "PICTURE_COLOUR",
        # 号牌颜色复核: the colour measured in the picture against the camera's. A question for a person, never
        # the rules' input: held out, the analysis reads 8 whole-vehicle photos in 10 right (docs/pictures.md),
        # cameras far more. `overrules_camera` with a `measured_precision` and its basis turns that around.
        "params": {"min_confidence": 0.6, "severity": "review", "overrules_camera": False},
        "effective_from": "2000-01-01",
        "effective_to": None,
        "clause": "图片测得号牌颜色与摄像机不一致的，转人工核对，闸机按摄像机颜色判定"
        " / a picture's colour that differs from the camera's is checked by a person; the gate goes by the camera",
    },
    {
        "id": 19,
        "rule": "OBD_MONITORING",
        # 远程排放监控 (clauses 15 and 18): a terminal's alarms and what the gate makes of them. The thresholds
        # are no standard's (DOMAIN.md 8): the bureau sets them. A review by default, never a deny unless set.
        "params": {
            "stages": ["6"],
            "silent_days": 3,
            "require_terminal": False,
            "gate_alarms": ["mil", "urea_empty", "urea_low", "nox_high", "scr_low", "dpf", "tamper"],
            "severity": "review",
            "urea_low_percent": 10.0,
            "urea_empty_percent": 2.0,
            "scr_warm_celsius": 250.0,
            "nox_high_ppm": 500.0,
            "scr_efficiency_low": 0.5,
            "dpf_pressure_high_kpa": 50.0,
            "position_invalid_hours": 24,
        },
        "effective_from": "2000-01-01",
        "effective_to": None,
        "clause": f"{PLAN} 第（15）（18）条：国六重型柴油车远程排放监控终端离线或报警的，转人工核查"
        " / clauses (15), (18): a China VI truck whose remote terminal is silent or alarming is checked by a person",
    },
    {
        "id": 20,
        "rule": "REMOTE_SENSING",
        # 遥感监测 (clauses 4(4), 15): when a remote-sensing result is valid, and each pollutant's limit by
        # fuel. HJ 845-2017's own conditions and limits were not available here (DOMAIN.md 9): a vendor page
        # cites opacity 30 % and Ringelmann grade 1; no NO limit was found (None: not judged). The bureau
        # sets them; a value left None is not checked.
        "params": {
            "require_station_valid": True,
            "min_speed_kmh": 5.0,
            "max_speed_kmh": 120.0,
            "min_acceleration": None,
            "max_acceleration": None,
            "max_wind_speed": 5.0,
            "min_temperature": -20.0,
            "max_temperature": 45.0,
            "max_humidity": 95.0,
            "limits": {
                "diesel": {"opacity": 30.0, "ringelmann": 1, "no_ppm": None},
                "gasoline": {"no_ppm": None, "hc_ppm": None, "co_percent": None},
            },
        },
        "effective_from": "2000-01-01",
        "effective_to": None,
        "clause": f"{PLAN} 第（四）（15）条；HJ 845-2017 遥感检测法：有效性条件与限值由生态环境局设定（标准原文未核实）"
        " / clauses 4(4), (15); HJ 845-2017: the bureau sets validity conditions and limits"
        " (the standard's values not confirmed here)",
    },
    {
        "id": 21,
        "rule": "HIGH_EMITTER",
        # 疑似高排放车辆 (clause 15): Beijing's practice, said to match the national method (DOMAIN.md 9): the
        # same pollutant over its limit twice within six months; or a black-smoke capture a person confirmed.
        # At a gate the truck uses: a review by default.
        "params": {
            "window_months": 6,
            "exceedances": 2,
            "same_pollutant": True,
            "black_smoke": True,
            "severity": "review",
        },
        "effective_from": "2000-01-01",
        "effective_to": None,
        "clause": f"{PLAN} 第（15）条：六个月内同一污染物两次以上遥感超标，或黑烟抓拍经确认的，"
        "列为疑似高排放车辆，转路检及人工核查"
        " / clause (15): the same pollutant over its limit twice within six months, or a confirmed black-smoke capture,"
        " makes a suspected high emitter, checked at the roadside and by a person",
    },
    {
        "id": 22,
        "rule": "RESTRICTION_ZONE",
        # 限行区域 (clause 18): what a checkpoint makes of a truck inside a zone's rule (each zone's own
        # window, criteria and clause are the zone's: registry.zones). A breach is a police case (deny);
        # a truck whose stage is not known is a question (review); a plate not registered here counts as a
        # goods vehicle by its colour.
        "params": {"severity": "deny", "unknown_stage": "review", "unregistered_colours": ["yellow"]},
        "effective_from": "2000-01-01",
        "effective_to": None,
        "clause": f"{PLAN} 第（18）条：秋冬季过境重型柴油货车绕行城市建成区"
        " / clause (18): transit heavy diesel trucks go around the built-up area in autumn and winter",
    },
]


def as_policies():
    """The plan's rows as the engine's Policy facts (for tests and benchmarks without a database)."""
    from datetime import date

    from registry.rules.facts import Policy

    def day(text):
        return date.fromisoformat(text) if text else None

    return [
        Policy(p["id"], p["rule"], p["params"], day(p["effective_from"]), day(p["effective_to"]), p["clause"])
        for p in POLICIES
    ]
