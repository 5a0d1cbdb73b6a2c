"""The reader's names of the machinery vocabulary, from the one table of labels (registry.labels)."""

from registry.labels import LABELS, label
from registry.machinery.models import (
    HistoryAction,
    InspectionResult,
    MachineFuel,
    MachineryStatus,
    MachineStage,
    MachineType,
    PhotoKind,
)

KINDS = {
    MachineType: "machine_type",
    MachineFuel: "machine_fuel",
    MachineStage: "machine_stage",
    MachineryStatus: "machinery_status",
    InspectionResult: "inspection_result",
    PhotoKind: "photo_kind",
    HistoryAction: "history_action",
}


def NAMES(value) -> str:
    """The reader's name for a member of a machinery enum, or for a value of one (as verify answers carry)."""
    kind = KINDS.get(type(value))
    if kind is None:
        kind = next((k for k in KINDS.values() if str(value) in LABELS[k]), "machine_type")
    return label(kind, value)


def history_name(action) -> str:
    return label("history_action", action)
