"""Every code a person reads, with its Chinese and English words: the one table of labels that pages,
exports, evidence pictures and the API's `*_label` fields use. Pure data, no Flask.

A kind names a vocabulary (a column's enum, or a family of codes such as rules). A code missing from
its kind is shown as it is, and the page walk in tests/test_browser_pages.py fails on any raw code
of this table it finds on a page."""

from registry.machinery.rules import STAGE_NAMES as MACHINE_STAGES
from registry.rules.messages import ALARMS as OBD_ALARMS
from registry.rules.messages import VEHICLE_CLASSES
from registry.rules.stages import STAGE_NAMES_EN, STAGE_NAMES_ZH

LABELS: dict[str, dict[str, tuple[str, str]]] = {
    "rule": {
        "FREIGHT_STAGE": ("大宗运输排放阶段", "freight firms' emission stage"),
        "CLEAN_TRANSPORT": ("电力焦化清洁运输", "clean transport (power and coking)"),
        "PHASE_OUT": ("国三及以下柴油货车淘汰", "China III diesel phase-out"),
        "STAGGERED_TRANSPORT": ("重污染天气错峰运输", "staggered transport on alert days"),
        "UNREGISTERED_VEHICLE": ("未登记车辆", "unregistered vehicle"),
        "UNREADABLE_PLATE": ("号牌无法识别", "unreadable plate"),
        "NO_PLATE": ("无牌车", "vehicle without a plate"),
        "STAGE_UNKNOWN": ("排放阶段不明", "emission stage unknown"),
        "STAGE_INFERENCE": ("排放阶段推定", "emission stage inferred"),
        "NEV_MISMATCH": ("新能源号牌不符", "new-energy plate mismatch"),
        "PICTURE_QUALITY": ("图片质量", "picture quality"),
        "PICTURE_COLOUR": ("号牌颜色复核", "plate colour checked against the picture"),
        "CLONED_PLATE": ("套牌嫌疑", "suspected cloned plate"),
        "SCOPE": ("管控车辆范围", "vehicles in scope"),
        "DOCUMENT_REVIEW": ("车辆证件审核", "vehicle document review"),
        "LEDGER_INCOMPLETE": ("台账记录不完整", "ledger record incomplete"),
        "PLATE_TEXT": ("号牌复核不一致", "plate read contradicted by the picture"),
        "OBD_MONITORING": ("远程排放监控", "remote emission monitoring"),
        "REMOTE_SENSING": ("遥感监测", "remote sensing"),
        "HIGH_EMITTER": ("疑似高排放车辆", "suspected high emitter"),
        "RESTRICTION_ZONE": ("限行区域", "restriction zone"),
        "STAGE_MISMATCH": ("排放阶段与证件不符", "emission stage does not match the documents"),
    },
    "violation_status": {
        "open": ("待处理", "open"),
        "confirmed": ("已确认", "confirmed"),
        "dismissed": ("已驳回", "dismissed"),
    },
    "decision": {
        "pass": ("允许通行", "pass"),
        "deny": ("禁止通行", "deny"),
        "review": ("待人工复核", "review"),
    },
    "severity": {
        "deny": ("禁止", "deny"),
        "review": ("待复核", "review"),
        "info": ("提示", "information"),
    },
    "plate_colour": {
        "blue": ("蓝牌", "blue"),
        "yellow": ("黄牌", "yellow"),
        "yellow_green": ("黄绿牌", "yellow-green"),
        "green": ("绿牌", "green"),
        "white": ("白牌", "white"),
        "black": ("黑牌", "black"),
    },
    "direction": {"in": ("进厂", "in"), "out": ("出厂", "out")},
    "stage": {code: (STAGE_NAMES_ZH[code], STAGE_NAMES_EN[code]) for code in STAGE_NAMES_ZH},
    "stage_source": {
        "declared": ("自报", "declared"),
        "verified": ("已核实", "verified"),
        "inferred": ("按注册日期推定", "inferred from the registration date"),
    },
    "fuel": {
        "diesel": ("柴油", "diesel"),
        "gas": ("燃气", "gas"),
        "gasoline": ("汽油", "petrol"),
        "electric": ("电动", "electric"),
        "hybrid": ("混合动力", "hybrid"),
        "hydrogen": ("氢燃料", "hydrogen"),
    },
    "vehicle_class": VEHICLE_CLASSES,
    "industry": {
        "power": ("电力", "power"),
        "coking": ("焦化", "coking"),
        "steel": ("钢铁", "steel"),
        "cement": ("水泥", "cement"),
        "casting": ("铸造", "casting"),
        "nonferrous": ("有色金属", "non-ferrous metals"),
        "chemical": ("化工", "chemicals"),
        "coal": ("煤炭", "coal"),
        "building_materials": ("建材", "building materials"),
        "logistics": ("物流", "logistics"),
        "other": ("其他", "other"),
    },
    "grade": {
        "A": ("A级", "grade A"),
        "B": ("B级", "grade B"),
        "C": ("C级", "grade C"),
        "D": ("D级", "grade D"),
        "leading": ("引领性", "leading"),
        "unrated": ("未评级", "not graded"),
    },
    "alert_level": {
        "yellow": ("黄色预警", "yellow alert"),
        "orange": ("橙色预警", "orange alert"),
        "red": ("红色预警", "red alert"),
    },
    "alert_action": {
        "create": ("发布", "issued"),
        "correct": ("更正", "corrected"),
        "withdraw": ("撤销", "withdrawn"),
        "update": ("提前解除", "ended early"),
    },
    "alert_state": {
        "scheduled": ("未开始", "not begun"),
        "in_force": ("生效中", "in force"),
        "ended": ("已结束", "ended"),
        "ended_early": ("已提前解除", "ended early"),
        "withdrawn": ("已撤销", "withdrawn"),
    },
    "role": {
        "admin": ("系统管理员", "administrator"),
        "bureau": ("生态环境局", "environment bureau"),
        "police": ("公安交警", "traffic police"),
        "firm": ("企业", "firm"),
        "construction": ("施工单位", "construction unit"),
    },
    "time_source": {
        "camera": ("相机时间", "camera's clock"),
        "envelope": ("消息时间", "message time"),
        "receiver": ("接收时间", "time of receipt"),
    },
    "picture_kind": {"plate": ("号牌图", "plate picture"), "vehicle": ("车辆图", "vehicle picture")},
    "machine_type": {
        "excavator": ("挖掘机", "excavator"),
        "loader": ("装载机", "loader"),
        "bulldozer": ("推土机", "bulldozer"),
        "crane": ("起重机", "crane"),
        "roller": ("压路机", "roller"),
        "paver": ("摊铺机", "paver"),
        "grader": ("平地机", "grader"),
        "forklift": ("叉车", "forklift"),
        "pile_driver": ("打桩机", "pile driver"),
        "other": ("其他", "other"),
    },
    "machine_fuel": {
        "diesel": ("柴油", "diesel"),
        "electric": ("电动", "electric"),
        "gas": ("燃气", "gas"),
        "hybrid": ("混合动力", "hybrid"),
    },
    "machine_stage": dict(MACHINE_STAGES),
    "machinery_status": {
        "pending": ("待审核", "pending"),
        "approved": ("已登记", "registered"),
        "rejected": ("已退回", "returned"),
        "retired": ("已注销", "retired"),
    },
    "inspection_result": {"pass": ("合格", "pass"), "fail": ("不合格", "fail")},
    "firm_inspection_status": {"open": ("核查中", "in progress"), "closed": ("已办结", "closed")},
    "firm_inspection_result": {
        "compliant": ("合格", "compliant"),
        "rectify": ("发现问题，限期整改", "defects: to be corrected"),
        "non_compliant": ("不合格", "not compliant"),
    },
    "ledger_field": {
        "time": ("进出厂时间", "time in or out"),
        "plate": ("车牌号码", "plate"),
        "registration_date": ("注册登记日期", "registration date"),
        "vin": ("车辆识别代号（VIN）", "VIN"),
        "engine_no": ("发动机号码", "engine number"),
        "emission_stage": ("排放阶段", "emission stage"),
        "documents": ("随车清单/行驶证", "documents"),
    },
    "match_status": {
        "matched": ("已匹配", "matched"),
        "ambiguous": ("待人工选择", "to be chosen"),
        "unmatched": ("未匹配", "unmatched"),
    },
    "document_kind": {
        "licence_front": ("行驶证正页", "driving licence, front"),
        "licence_back": ("行驶证副页", "driving licence, back"),
        "environmental_list": ("环保信息随车清单", "environmental information list"),
    },
    "document_status": {
        "pending": ("待审核", "pending"),
        "accepted": ("已核实", "verified"),
        "rejected": ("不符", "does not match"),
    },
    "registration_status": {
        "pending": ("待审核", "pending"),
        "approved": ("已通过", "approved"),
        "rejected": ("已退回", "sent back"),
    },
    "photo_kind": {
        "nameplate": ("机械铭牌", "machine nameplate"),
        "engine_nameplate": ("发动机铭牌", "engine nameplate"),
        "label": ("环保信息标签", "environmental label"),
    },
    "ledger_problem": {
        "changed": ("被修改", "changed"),
        "deleted": ("被删除", "deleted"),
        "inserted": ("被插入", "inserted"),
        "broken chain": ("摘要链断裂", "chain broken"),
        "unsealed": ("尚未封存", "not sealed yet"),
    },
    "record_action": {
        "create": ("登记", "created"),
        "update": ("修改", "changed"),
        "revise": ("新增版本", "new version"),
        "rotate_secret": ("更换门禁密钥", "secret replaced"),
        "set_password": ("重置密码", "password reset"),
        "issue_token": ("签发令牌", "token issued"),
        "revoke_token": ("吊销令牌", "token revoked"),
        "import": ("批量导入", "imported"),
        "register_terminal": ("登记远程排放终端", "terminal registered"),
        "close_alarm": ("消除远程排放报警", "remote emission alarm closed"),
    },
    "obd_alarm": dict(OBD_ALARMS),
    "station_kind": {
        "remote_sensing": ("遥感监测点", "remote-sensing station"),
        "black_smoke": ("黑烟抓拍点", "black-smoke camera"),
    },
    "gate_kind": {"gate": ("企业门禁", "firm gate"), "checkpoint": ("道路卡口", "road checkpoint")},
    "operator": {"bureau": ("生态环境局", "environment bureau"), "police": ("公安交警", "traffic police")},
    "smoke_status": {
        "pending": ("待审核", "to review"),
        "confirmed": ("已确认", "confirmed"),
        "dismissed": ("已排除", "dismissed"),
    },
    "pollutant": {
        "opacity": ("不透光度", "opacity"),
        "ringelmann": ("林格曼黑度", "Ringelmann grade"),
        "no_ppm": ("一氧化氮", "NO"),
        "hc_ppm": ("碳氢化合物", "HC"),
        "co_percent": ("一氧化碳", "CO"),
        "smoke": ("黑烟抓拍", "black smoke"),
    },
    "sensing_reason": {
        "station_invalid": ("监测站判定无效", "the station marked it invalid"),
        "speed_low": ("车速过低", "speed too low"),
        "speed_high": ("车速过高", "speed too high"),
        "acceleration_low": ("加速度过低", "acceleration too low"),
        "acceleration_high": ("加速度过高", "acceleration too high"),
        "wind_high": ("风速过大", "wind too strong"),
        "temperature_low": ("气温过低", "too cold"),
        "temperature_high": ("气温过高", "too hot"),
        "humidity_high": ("湿度过大", "too humid"),
        "no_plate": ("未识别号牌", "no plate read"),
        "no_policy": ("无在用遥感判定政策", "no remote-sensing policy in force"),
    },
    "sensing_source": {"push": ("站点推送", "station push"), "import": ("文件导入", "file import")},
    "zone_origin": {
        "transit": ("外地（过境）车辆", "transit (non-local plates)"),
        "local": ("本地车辆", "local plates"),
        "any": ("不限号牌归属", "any plate"),
    },
    "permit_kind": {"pass": ("电子通行证", "electronic pass"), "exemption": ("豁免", "exemption")},
    "timeline": {
        "gate": ("门禁通行", "gate pass"),
        "checkpoint": ("卡口通行", "checkpoint pass"),
        "sensing": ("遥感监测", "remote sensing"),
        "smoke": ("黑烟抓拍", "black-smoke capture"),
        "obd": ("远程排放数据", "remote OBD data"),
        "emitter": ("疑似高排放", "suspected high emitter"),
    },
    "signature": {
        "verified": ("签名已验证", "signature verified"),
        "mismatch": ("签名不符", "signature does not match"),
        "no_key": ("未激活，无法验签", "not activated: no key"),
        "unsigned": ("未签名", "unsigned"),
    },
    "history_action": {
        "registered": ("申报登记", "registered"),
        "resubmitted": ("修改后重新申报", "resubmitted"),
        "approved": ("审核通过，发放登记编码", "approved, code issued"),
        "rejected": ("退回", "returned"),
        "transferred": ("转移", "transferred"),
        "retired": ("注销", "retired"),
    },
}


def words(kind: str, code, lang: str = "zh") -> str:
    """The word for a code in a language; the code itself when the table has none; empty for None."""
    if code is None:
        return ""
    key = getattr(code, "value", code)
    pair = LABELS.get(kind, {}).get(str(key))
    if pair is None:
        return str(key)
    return pair[1] if lang == "en" else pair[0]
