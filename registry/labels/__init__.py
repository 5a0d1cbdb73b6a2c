"""Labels of codes in the reader's language (registry.labels.table holds the words)."""

from registry.common.i18n import current_language
from registry.labels.table import LABELS, words

__all__ = ["LABELS", "label", "labels_of", "words"]


def label(kind: str, code) -> str:
    """The reader's word for a code of a kind (rule, decision, stage, ...)."""
    return words(kind, code, current_language())


def labels_of(kind: str) -> list[tuple[str, str]]:
    """Every code of a kind with its word in the reader's language, in the table's order (for a select)."""
    return [(code, label(kind, code)) for code in LABELS[kind]]
