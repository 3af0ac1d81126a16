"""Citation markers inside answers: ［二（三）3］ for body clauses, ［清单·一·5］ for table rows.

Body locators are written the way the document numbers them (part, （section）, item,
（sub-item）); table rows join their parts with a middle dot so that row numbers never
run into category numerals. 通知 and 前言 stand as they are.
"""

from __future__ import annotations

import re

from assistant.ingest.numbering import CIRCLED

OPEN, CLOSE = "［", "］"
MARKER = re.compile(rf"{OPEN}([^{OPEN}{CLOSE}\n]{{1,40}}){CLOSE}")
TABLE_ROOTS = ("清单", "附表")


def marker_text(locator: str) -> str:
    """The text between the brackets for a locator."""
    parts = locator.split("/")
    if parts[0] in TABLE_ROOTS:
        return "·".join(parts)
    out = parts[0]
    for depth, part in enumerate(parts[1:], start=2):
        if depth == 2 or depth == 4:
            out += f"（{part}）"
        elif depth == 5 and part.isdigit() and 0 < int(part) <= len(CIRCLED):
            out += CIRCLED[int(part) - 1]
        else:
            out += part
    return out


def marker(locator: str) -> str:
    """The full marker for a locator, brackets included."""
    return f"{OPEN}{marker_text(locator)}{CLOSE}"


def bracket(cite: str) -> str:
    """A marker from the text a parsed clause stores for it (Clause.cite)."""
    return f"{OPEN}{cite}{CLOSE}"


def markers_in(text: str) -> list[str]:
    """Marker texts in the order they appear (without brackets)."""
    return MARKER.findall(text)
