"""A policy's parameters as a person reads them: each key's title and its value in words (国四及以下,
电力、焦化, 待复核), in Chinese or English. Pure: no Flask, no database."""

from registry.labels.table import words

TITLES = {
    "vehicle_classes": ("管控车辆类型", "vehicle classes in scope"),
    "plate_colors": ("管控号牌颜色", "plate colours in scope"),
    "cutovers": ("按注册日期推定阶段", "stage by registration date"),
    "threshold_tonnes": ("年货运量门槛（吨）", "freight threshold (t a year)"),
    "min_stage": ("最低排放阶段", "lowest stage allowed"),
    "max_stage": ("淘汰阶段（含）及以下", "phased out at and below"),
    "industries": ("适用行业", "industries"),
    "planning_area_only": ("仅规划区内企业", "planning area only"),
    "matrix": ("绩效分级 × 预警级别", "grade × alert level"),
    "fuel_types": ("燃料类型", "fuels"),
    "min_confidence": ("最低置信度", "minimum confidence"),
    "severity": ("处理方式", "severity"),
    "overrules_camera": ("以图片结果判定", "the picture overrules the camera"),
    "measured_precision": ("实测准确率", "measured precision"),
    "precision_basis": ("准确率测量方法", "how the precision was measured"),
    "firms_review_own": ("企业可核实自有车辆证件", "firms verify their own trucks"),
    "min_sharpness": ("最低清晰度", "minimum sharpness"),
    "min_brightness": ("最低亮度", "minimum brightness"),
    "max_overexposed": ("最大过曝比例", "maximum overexposed share"),
    "min_plate_width": ("号牌最小宽度（像素）", "minimum plate width (px)"),
    "max_speed_kmh": ("两地间最高合理车速（公里/小时）", "highest plausible speed (km/h)"),
    "min_distance_km": ("最小间距（公里）", "minimum distance (km)"),
    "window_hours": ("比对时段（小时）", "window (hours)"),
    "colour_contradictions": ("颜色矛盾次数", "colour contradictions"),
    "colour_window_days": ("颜色比对天数", "colour window (days)"),
    "not_truck_types": ("非货车车型（相机用语）", "non-truck types (cameras' words)"),
    "truck_classes": ("货车登记类型", "truck classes"),
    "type_contradictions": ("车型矛盾次数", "type contradictions"),
    "type_window_days": ("车型比对天数", "type window (days)"),
    "min_differences": ("最少不同字符数", "minimum differing characters"),
    "ignore_province": ("忽略省份简称", "ignore the province"),
}
# The label kind of each key whose values are codes.
KINDS = {
    "vehicle_classes": "vehicle_class",
    "truck_classes": "vehicle_class",
    "plate_colors": "plate_colour",
    "industries": "industry",
    "fuel_types": "fuel",
    "min_stage": "stage",
    "max_stage": "stage",
    "severity": "severity",
}
YES_NO = {True: ("是", "yes"), False: ("否", "no")}


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if lang == "en" else pair[0]


def _value(key: str, value, lang: str) -> str:
    sep = ", " if lang == "en" else "、"
    if isinstance(value, bool):
        return _pick(YES_NO[value], lang)
    if key in KINDS:
        items = value if isinstance(value, list) else [value]
        return sep.join(words(KINDS[key], item, lang) for item in items)
    if key == "matrix":
        return _matrix(value, lang)
    if key == "cutovers":
        return "；".join(
            f"{words('fuel', fuel, lang) if fuel != 'default' else _pick(('其他燃料', 'other fuels'), lang)}: "
            + sep.join(f"{since} {_pick(('起', 'on'), lang)} {words('stage', stage, lang)}" for since, stage in rows)
            for fuel, rows in value.items()
        )
    if isinstance(value, list):
        return sep.join(str(v) for v in value) or "—"
    return "—" if value is None else str(value)


def _matrix(matrix: dict, lang: str) -> str:
    """错峰运输: each grade's ban at each alert level ("国四及以下" or 全部停运), none where a cell is empty."""
    parts = []
    for grade, cells in matrix.items():
        bans = [
            f"{words('alert_level', level, lang)} "
            + (_pick(("全部停运", "all freight stops"), lang) if ban == "all"
               else words("stage", ban, lang) + _pick(("及以下禁运", " and older banned"), lang))
            for level, ban in cells.items()
        ]  # fmt: skip
        parts.append(f"{words('grade', grade, lang)}: " + (", ".join(bans) or _pick(("不限", "no restriction"), lang)))
    return "；".join(parts)


def describe(params: dict, lang: str = "zh") -> list[tuple[str, str]]:
    """(title, value in words) for each parameter, in the policy's own order."""
    return [(_pick(TITLES.get(key, (key, key)), lang), _value(key, value, lang)) for key, value in params.items()]
