"""What text may hold, checked once at the edge. Pure: no Flask, no database.

PostgreSQL refuses NUL in text; control characters and bidirectional overrides make stored text read
differently from what it is (a plate shown as 晋H12345 that is really 晋H54321 behind U+202E); lone
surrogates cannot be encoded at all. Such text is refused with the position of the first bad character.
"""

from __future__ import annotations

import re
import unicodedata

# C0 controls, DEL and C1 controls; tab, line feed and carriage return only where a note allows them.
_CONTROLS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
_LINE_BREAKS = "\t\n\r"
# Bidirectional embeddings, overrides, isolates and marks (Unicode UAX #9).
_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
# Lone surrogates (JSON can carry "\ud800") and the noncharacters U+FFFE/U+FFFF.
_UNENCODABLE = "\ud800-\udfff\ufffe\uffff"
# The body of a regular-expression class of every character a single line of text may not hold.
UNSAFE_IN_LINE = f"{_CONTROLS}{_LINE_BREAKS}{_BIDI}{_UNENCODABLE}"
_BAD_LINE = re.compile(f"[{UNSAFE_IN_LINE}]")
_BAD_NOTE = re.compile(f"[{_CONTROLS}{_BIDI}{_UNENCODABLE}]")


def text_problem(value: str, multiline: bool = False) -> tuple[str, str] | None:
    """(Chinese, English) saying what is wrong with the text, or None when it may be stored."""
    match = (_BAD_NOTE if multiline else _BAD_LINE).search(value)
    if match is None:
        return None
    char, position = match.group(), match.start() + 1
    code = f"U+{ord(char):04X}"
    if char in _LINE_BREAKS:
        return f"不能含换行或制表符（第 {position} 个字符）", f"must be one line, without tabs ({code} at {position})"
    if re.match(f"[{_BIDI}]", char):
        return (
            f"不能含文字方向控制符 {code}（第 {position} 个字符）",
            f"must not contain the bidirectional control {code} (at {position})",
        )
    return (
        f"不能含控制字符 {code}（第 {position} 个字符）",
        f"must not contain the control character {code} (at {position})",
    )


def without_format_characters(value: str) -> str:
    """The text without invisible format characters (zero-width space and joiners, BOM, soft hyphen):
    for identifiers such as plates, where they only make a read miss the registered vehicle."""
    if value.isascii():
        return value
    return "".join(ch for ch in value if unicodedata.category(ch) != "Cf")


def printable(value: str) -> str:
    """Text for a log line or an error record: anything that may not be stored shown as an escape."""
    return _BAD_NOTE.sub(lambda m: f"\\u{ord(m.group()):04x}", value)


def decode_spreadsheet_text(raw: bytes) -> str | None:
    """A CSV file's text: UTF-8 (with or without BOM), else GB 18030 as Chinese spreadsheets often save
    it; None when it is neither."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None
