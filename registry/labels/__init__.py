"""Labels of codes in the reader's language (registry.labels.table holds the words)."""

import marshmallow as ma

from registry.common.i18n import current_language
from registry.labels.table import LABELS, words

__all__ = ["LABELS", "label", "labelled", "labeller", "labels_of", "words"]


def label(kind: str, code) -> str:
    """The reader's word for a code of a kind (rule, decision, stage, ...)."""
    return words(kind, code, current_language())


def labeller():
    """`label` for one reader, remembering each word: an export asks for some 600,000 of a few dozen."""
    language, known = current_language(), {}

    def word(kind: str, code) -> str:
        key = (kind, code)
        found = known.get(key)
        if found is None:
            found = known[key] = words(kind, code, language)
        return found

    return word


def labels_of(kind: str) -> list[tuple[str, str]]:
    """Every code of a kind with its word in the reader's language, in the table's order (for a select)."""
    return [(code, label(kind, code)) for code in LABELS[kind]]


def labelled(kind: str, code_of):
    """A schema field: the reader's word for a code (Accept-Language or ?lang=), beside the code a
    program reads."""
    return ma.fields.Function(lambda v: label(kind, code_of(v)), metadata={"description": f"label of the {kind}"})
