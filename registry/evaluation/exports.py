"""The alert evaluation as an XLSX report (one row a firm, ranked as on the page)."""

from registry.common.exports import Column, Sheet, workbook_response
from registry.common.i18n import t
from registry.common.time import local_minute, utcnow
from registry.evaluation.services import Evaluation
from registry.labels import label

OUTCOMES = {
    "not_staggered": ("未落实", "not staggered"),
    "staggered": ("已落实", "staggered"),
    "quiet": ("无受限车辆通行", "no restricted traffic"),
    "no_baseline": ("无对比数据", "no data to compare"),
}
COLUMNS = [
    Column("排名", "rank", 6),
    Column("企业", "firm", 28),
    Column("绩效等级", "grade", 10),
    Column("预警期间受限车辆日均", "restricted a day, alert", 14),
    Column("预警期间全部车辆日均", "all a day, alert", 14),
    Column("正常日受限车辆日均", "restricted a day, normal", 14),
    Column("正常日全部车辆日均", "all a day, normal", 14),
    Column("预警期间阶段不明车辆日均", "stage unknown a day, alert", 14),
    Column("正常日阶段不明车辆日均", "stage unknown a day, normal", 14),
    Column("受限车辆降幅", "reduction", 10),
    Column("是否落实错峰", "staggered", 12),
]


def _rows(evaluation: Evaluation):
    for rank, row in enumerate(evaluation.firms, 1):
        yield [
            rank,
            row.firm,
            label("grade", row.grade),
            round(row.restricted_per_day_alert, 1),
            round(row.all_per_day_alert, 1),
            None if row.restricted_per_day_normal is None else round(row.restricted_per_day_normal, 1),
            None if row.all_per_day_normal is None else round(row.all_per_day_normal, 1),
            round(row.unknown_per_day_alert, 1),
            None if row.unknown_per_day_normal is None else round(row.unknown_per_day_normal, 1),
            None if row.reduction is None else f"{row.reduction:.0%}",
            t(*OUTCOMES[row.outcome]),
        ]


def preamble(evaluation: Evaluation) -> tuple[str, ...]:
    """What the report covers: the alert, its region and span, the days compared, how it counts, when."""
    alert = evaluation.alert
    document = f" {alert.document_no}" if alert.document_no else ""
    days = "、".join(day.isoformat() for day in evaluation.normal_days) or t("无", "none")
    return (
        t(f"错峰运输执行评估 · {label('alert_level', alert.level)}{document}",
          f"Alert evaluation · {label('alert_level', alert.level)}{document}"),
        t(f"区域：{alert.region or '全区'} · 预警期间：{local_minute(evaluation.starts_at)} – "
          f"{local_minute(evaluation.ends_at)}（{evaluation.alert_days:.2f} 天）",
          f"Region: {alert.region or 'whole district'} · alert: {local_minute(evaluation.starts_at)} – "
          f"{local_minute(evaluation.ends_at)} ({evaluation.alert_days:.2f} days)"),
        t(f"对比正常日：{days}", f"Normal days compared: {days}"),
        t("受限车辆：管控范围内且排放阶段受错峰限制的已登记货车；阶段不明的货车和未登记黄牌车单列",
          "Restricted: registered trucks in scope whose stage the policy bans; unknown stages shown apart"),
        t(f"导出时间：{local_minute(utcnow())}", f"Exported: {local_minute(utcnow())}"),
    )  # fmt: skip


def evaluation_export(evaluation: Evaluation):
    filename = f"alert-{evaluation.alert.id}-evaluation.xlsx"
    sheet = Sheet(t("错峰运输执行评估", "alert evaluation"), COLUMNS, _rows(evaluation), preamble(evaluation))
    return workbook_response(filename, [sheet])
