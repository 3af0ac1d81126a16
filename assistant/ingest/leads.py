"""Lead units named in running text: （牵头单位：市发展改革委，配合单位：…）, 责任单位：….

Plans that do not carry a table name the department after each item, in brackets or on a
line of its own. The unit names themselves may hold brackets (市委组织部（市委人才办）),
so the closing bracket is found by counting, not by a character class.
"""

from __future__ import annotations

import re

LEAD_NAMES = (
    "牵头单位", "牵头部门", "责任单位", "责任部门", "负责单位", "负责部门", "主责单位", "主责部门",
    "推进单位", "推进部门", "实施单位", "实施部门", "执行单位", "执行部门", "承担单位", "落实单位", "牵头",
)
HELPER_NAMES = (
    "配合单位", "配合部门", "协同单位", "参与单位", "协办单位", "支撑单位", "支撑部门", "协助单位", "协作单位",
)
_LABEL = re.compile(rf"({'|'.join(LEAD_NAMES + HELPER_NAMES)})\s*[:：]\s*")
_OPEN, _CLOSE = "（(", "）)"


def _bracket_body(text: str, start: int) -> str:
    """The text from `start` up to the bracket that closes the one opened before it."""
    depth = 0
    for position in range(start, len(text)):
        ch = text[position]
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            if depth == 0:
                return text[start:position]
            depth -= 1
    return text[start:]


def _fields_in(segment: str) -> list[tuple[str, str]]:
    """(label, units) pairs of one bracket or line: 牵头单位：A、B；配合单位：C."""
    found = list(_LABEL.finditer(segment))
    pairs = []
    for index, match in enumerate(found):
        end = found[index + 1].start() if index + 1 < len(found) else len(segment)
        value = segment[match.end() : end].strip().rstrip("，,；;。 ")
        if value:
            pairs.append((match.group(1), value))
    return pairs


def _paragraphs(text: str) -> list[str]:
    """The text's lines, a line left inside an open bracket joined to the next: a page break
    may split （牵头部 / 门：…）, but a bracket never spans two paragraphs of written text."""
    out: list[str] = []
    for line in text.split("\n"):
        if out and _unclosed(out[-1]) and _closes(line):
            out[-1] += line.strip()
        else:
            out.append(line)
    return out


def _unclosed(line: str) -> bool:
    return sum(line.count(c) for c in _OPEN) > sum(line.count(c) for c in _CLOSE)


def _closes(line: str) -> bool:
    """Whether a line closes a bracket before it opens one (门：市交通委）…)."""
    close = min((line.find(c) for c in _CLOSE if c in line), default=-1)
    opening = min((line.find(c) for c in _OPEN if c in line), default=len(line))
    return close >= 0 and close < opening


def inline_fields(text: str) -> list[tuple[str, str]]:
    """Every lead or helper unit field the text states, in order."""
    pairs: list[tuple[str, str]] = []
    for line in _paragraphs(text):
        read_to = 0  # the end of the bracket whose fields were read (its later labels are in them)
        for match in _LABEL.finditer(line):
            before = line[: match.start()].rstrip()
            if match.start() < read_to:
                continue
            if before.endswith(tuple(_OPEN)):
                body = _bracket_body(line, match.start())
                pairs.extend(_fields_in(body))
                read_to = match.start() + len(body)
            elif not before or before.endswith(("。", "；", ";")):
                pairs.extend(_fields_in(line[match.start() :]))
    seen: set[tuple[str, str]] = set()
    return [pair for pair in pairs if not (pair in seen or seen.add(pair))]  # type: ignore[func-returns-value]


def inline_lead(text: str) -> str | None:
    """The lead unit a text names inline, if any (the first lead field)."""
    return next((value for name, value in inline_fields(text) if name in LEAD_NAMES), None)
