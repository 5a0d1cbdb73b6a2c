"""Chinese and English names of the machinery vocabulary, for pages and exports."""

from registry.common.i18n import t
from registry.machinery.rules import STAGE_NAMES

_NAMES = {
    # machine types
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
    # fuels
    "diesel": ("柴油", "diesel"),
    "electric": ("电动", "electric"),
    "gas": ("燃气", "gas"),
    "hybrid": ("混合动力", "hybrid"),
    **STAGE_NAMES,
    # statuses and results
    "pending": ("待审核", "pending"),
    "approved": ("已登记", "registered"),
    "rejected": ("已退回", "rejected"),
    "retired": ("已注销", "retired"),
    "pass": ("合格", "pass"),
    "fail": ("不合格", "fail"),
    # photos
    "nameplate": ("机械铭牌", "machine nameplate"),
    "engine_nameplate": ("发动机铭牌", "engine nameplate"),
    "label": ("环保信息标签", "environmental label"),
}

_HISTORY = {
    "registered": ("申报登记", "registered"),
    "resubmitted": ("修改后重新申报", "resubmitted"),
    "approved": ("审核通过，发放登记编码", "approved, code issued"),
    "rejected": ("退回", "rejected"),
    "transferred": ("转移", "transferred"),
    "retired": ("注销", "retired"),
}


def NAMES(value) -> str:
    """The reader's name for an enum member or its value."""
    key = getattr(value, "value", value)
    zh, en = _NAMES.get(key, (key, key))
    return t(zh, en)


def history_name(action) -> str:
    zh, en = _HISTORY[getattr(action, "value", action)]
    return t(zh, en)
