"""Finding messages, Chinese first, English beside: (zh, en) pairs."""

from registry.common.time import local_minute
from registry.rules.stages import stage_name_en, stage_name_zh

GRADES_ZH = {"A": "A级", "B": "B级", "C": "C级", "D": "D级", "leading": "引领性", "unrated": "未评级"}
LEVELS_ZH = {"yellow": "黄色", "orange": "橙色", "red": "红色"}
INDUSTRIES_ZH = {"power": "电力", "coking": "焦化"}
COLOURS_ZH = {
    "yellow": "黄牌",
    "yellow_green": "黄绿牌",
    "blue": "蓝牌",
    "green": "绿牌",
    "white": "白牌",
    "black": "黑牌",
}

VEHICLE_CLASSES = {  # registry.labels shows these words for the vehicle_class codes too
    "heavy_truck": ("重型货车", "heavy truck"),
    "medium_truck": ("中型货车", "medium truck"),
    "light_truck": ("轻型货车", "light truck"),
    "tractor": ("牵引车", "tractor unit"),
    "special": ("专项作业车", "special vehicle"),
    "other": ("其他", "other"),
}


def unreadable(raw: str) -> tuple[str, str]:
    return (f"号牌“{raw}”无法识别为有效号牌，需人工复核", f"'{raw}' is not a valid Chinese plate: manual review")


def no_plate() -> tuple[str, str]:
    return ("无牌车（未识别到号牌），需人工核验", "a vehicle without a plate: a person checks it")


def unregistered(plate: str, colour: str | None) -> tuple[str, str]:
    return (
        f"{COLOURS_ZH.get(colour, '')}车辆 {plate} 未在平台登记，需人工复核",
        f"{plate} ({colour} plate) is not in the registry: manual review",
    )


def stage_unknown(plate: str) -> tuple[str, str]:
    return (
        f"{plate} 未登记排放阶段且无法按注册日期推定，需人工复核",
        f"{plate} has no emission stage and none can be inferred: manual review",
    )


def nev_mismatch(plate: str, registered_nev: bool, colour: str | None) -> tuple[str, str]:
    if registered_nev:
        return (
            f"{plate} 登记为新能源车辆，但识别为黄牌",
            f"{plate} is registered as new energy but was read with a yellow plate",
        )
    return (
        f"{plate} 登记为燃油车辆，但识别为新能源黄绿牌",
        f"{plate} is registered as a combustion vehicle but was read with a yellow-green plate",
    )


def phase_out(stage: str) -> tuple[str, str]:
    return (
        f"{stage_name_zh(stage)}柴油货车属淘汰范围，禁止通行",
        f"{stage_name_en(stage)} diesel truck: to be phased out, entry denied",
    )


def freight_stage(tonnes: int, threshold: int, minimum: str, stage: str) -> tuple[str, str]:
    return (
        f"企业年货运量 {tonnes} 吨（≥{threshold} 吨）须使用{stage_name_zh(minimum)}及以上或新能源车辆，"
        f"本车为{stage_name_zh(stage)}",
        f"firm moves {tonnes} t a year (>= {threshold} t): trucks must be {stage_name_en(minimum)} or better"
        f" or new energy; this one is {stage_name_en(stage)}",
    )


def clean_transport(industry: str, stage: str) -> tuple[str, str]:
    return (
        f"规划区内{INDUSTRIES_ZH.get(industry, industry)}企业仅允许国六或新能源车辆运输，本车为{stage_name_zh(stage)}",
        f"{industry} firm in the planning area: only China VI or new-energy trucks; this one is {stage_name_en(stage)}",
    )


def staggered(grade: str, level: str, ban: str, stage: str | None) -> tuple[str, str]:
    if ban == "all":
        return (
            f"{LEVELS_ZH.get(level, level)}预警期间，{GRADES_ZH.get(grade, grade)}企业停止公路运输（含新能源车辆）",
            f"{level} alert: grade {grade} firms stop all road freight, new energy included",
        )
    return (
        f"{LEVELS_ZH.get(level, level)}预警期间，{GRADES_ZH.get(grade, grade)}企业禁止使用"
        f"{stage_name_zh(ban)}及以下车辆（含燃气），本车为{stage_name_zh(stage)}",
        f"{level} alert: grade {grade} firms may not use {stage_name_en(ban)} or older trucks (gas included);"
        f" this one is {stage_name_en(stage)}",
    )


def exempted(text: tuple[str, str]) -> tuple[str, str]:
    zh, en = text
    return (f"已豁免：{zh}", f"exempted: {en}")


def colour_question(claimed: str | None, measured: str, confidence: float, overruled: bool) -> tuple[str, str]:
    """The camera's colour and the picture's disagree: a question for a person (号牌颜色复核)."""
    said_zh = COLOURS_ZH.get(claimed, claimed) if claimed else "未报颜色"
    seen_zh = COLOURS_ZH.get(measured, measured)
    if overruled:
        return (
            f"摄像机上报为{said_zh}，图片测得为{seen_zh}（置信度 {confidence:.0%}）；"
            "按本局政策以图片颜色判定，请人工核对号牌颜色",
            f"the camera said {claimed or 'no colour'}, the picture measures {measured} (confidence "
            f"{confidence:.0%}); by the bureau's policy the picture's colour was used: a person checks the plate",
        )
    return (
        f"摄像机上报为{said_zh}，图片测得为{seen_zh}（置信度 {confidence:.0%}），请人工核对号牌颜色；"
        "闸机按摄像机颜色判定",
        f"the camera said {claimed or 'no colour'}, the picture measures {measured} (confidence "
        f"{confidence:.0%}): a person checks the plate; the gate decided by the camera's colour",
    )


QUALITY_ZH = {
    "blurred": "图片模糊",
    "too_dark": "图片过暗",
    "overexposed": "图片过曝",
    "plate_too_small": "车牌像素过小",
}
QUALITY_EN = {
    "blurred": "the picture is blurred",
    "too_dark": "the picture is too dark",
    "overexposed": "the picture is blown out",
    "plate_too_small": "the plate is too small in the picture",
}


def picture_quality(problems: list[str]) -> tuple[str, str]:
    zh = "、".join(QUALITY_ZH[p] for p in problems)
    en = "; ".join(QUALITY_EN[p] for p in problems)
    return (
        f"{zh}，不足以作为处罚依据：禁止通行改为人工复核",
        f"{en}: not good enough to fine on, so the deny becomes a manual review",
    )


def cloned_speed(other_gate: str | None, km: float, minutes: float, speed: float) -> tuple[str, str]:
    """`other_gate` None: another firm's gate, not named to this firm."""
    zh, en = (f"“{other_gate}”", f"'{other_gate}'") if other_gate else ("另一企业的门禁", "another firm's gate")
    return (
        f"套牌嫌疑：相距 {km:.1f} 公里的{zh}在 {minutes:.0f} 分钟内也识别到该号牌，"
        f"需时速约 {speed:.0f} 公里，货车无法到达",
        f"suspected cloned plate: also read at {en}, {km:.1f} km away, {minutes:.0f} min apart "
        f"(about {speed:.0f} km/h, beyond a truck)",
    )


def cloned_type(count: int, registered: str, read: str | None) -> tuple[str, str]:
    zh, en = VEHICLE_CLASSES.get(registered, (registered, registered))
    return (
        f"套牌嫌疑：该号牌登记为{zh}，近期第 {count} 次被抓拍设备识别为“{read}”",
        f"suspected cloned plate: registered as a {en}, read by the camera as '{read}' {count} times recently",
    )


def cloned_colour(count: int, registered: str, read: str | None) -> tuple[str, str]:
    return (
        f"套牌嫌疑：该号牌登记为{COLOURS_ZH.get(registered, registered)}，近期第 {count} 次被识别为"
        f"{COLOURS_ZH.get(read, read or '其他颜色')}",
        f"suspected cloned plate: registered {registered}, read {read} {count} times recently",
    )


ALARMS = {
    "mil": ("故障指示灯（MIL）点亮", "the MIL is on"),
    "fault_codes": ("出现新的故障码", "new fault codes"),
    "urea_low": ("尿素液位低", "urea level low"),
    "urea_empty": ("尿素箱已空", "urea tank empty"),
    "nox_high": ("SCR 下游氮氧化物浓度超过阈值", "NOx after the SCR over the threshold"),
    "scr_low": ("SCR 转化效率低", "SCR conversion low"),
    "dpf": ("DPF 压差异常", "DPF pressure difference abnormal"),
    "tamper": ("终端拆除报警", "terminal removed"),
    "position": ("长时间无有效定位", "no valid position for long"),
}


def obd_silent(days: int, last: str | None) -> tuple[str, str]:
    if last is None:
        return (
            "国六车辆未收到远程排放监控终端数据，需核查终端是否安装、在线",
            "no data from the truck's remote emission terminal: check it is fitted and online",
        )
    return (
        f"远程排放监控终端已 {days} 天以上无数据（最后数据 {last}），需核查终端是否离线或被拆除",
        f"the remote emission terminal has sent nothing for over {days} days (last {last}): check it",
    )


def obd_alarms(kinds: list[str]) -> tuple[str, str]:
    zh = "、".join(ALARMS.get(k, (k, k))[0] for k in kinds)
    en = ", ".join(ALARMS.get(k, (k, k))[1] for k in kinds)
    return f"远程排放监控报警未消除：{zh}", f"open remote emission alarms: {en}"


EMITTER_REASONS = {
    "smoke": ("黑烟抓拍经确认", "a confirmed black-smoke capture"),
    "repeat:opacity": ("不透光度多次超标", "opacity over its limit repeatedly"),
    "repeat:ringelmann": ("林格曼黑度多次超标", "Ringelmann grade over its limit repeatedly"),
    "repeat:no_ppm": ("一氧化氮多次超标", "NO over its limit repeatedly"),
    "repeat:hc_ppm": ("碳氢化合物多次超标", "HC over its limit repeatedly"),
    "repeat:co_percent": ("一氧化碳多次超标", "CO over its limit repeatedly"),
    "repeat:any": ("遥感多次超标", "remote sensing over a limit repeatedly"),
}


def high_emitter(listed_at, reasons) -> tuple[str, str]:
    zh = "、".join(EMITTER_REASONS.get(r, (r, r))[0] for r in reasons) or "路侧监测"
    en = ", ".join(EMITTER_REASONS.get(r, (r, r))[1] for r in reasons) or "roadside evidence"
    return (
        f"疑似高排放车辆（{local_minute(listed_at)} 列入：{zh}），需人工核查，建议路检",
        f"a suspected high emitter (listed {local_minute(listed_at)}: {en}): a person checks it",
    )
