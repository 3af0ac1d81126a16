"""A document's metadata read from its own text: title, 文号, issuer and date.

Read from the frame of an official document (GB/T 9704): the 文号 line and title of the
issuing notice, the issuer and date that sign it, or a regulation's adoption line
(2021年9月29日…通过). Used by `policyqa docs add` when a field is not given, and shown
for confirmation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.ingest.frame import (
    DATE,
    DOC_NUMBER,
    find_opening,
    is_date_line,
    is_number_line,
    is_title_like,
)
from assistant.ingest.numbering import cn_to_int

_HEAD_LINES = 12
_TAIL_LINES = 8
_CN_DIGIT = dict(zip("〇零○Ｏ一二三四五六七八九", "0000123456789", strict=True))
_ORDER = re.compile(r"^(.{2,30}?)令\s*(?:（?第\s*\d+\s*号）?)?$")
_BEFORE_ABOUT = re.compile(r"^(.{2,30}?)关于")
_KIND_END = re.compile(r"(通知|意见|决定|办法|规定|条例|方案|计划|通告|公告|措施|细则)$")
_ORG = re.compile(r"(政府|办公室|办公厅|委员会|常委会|厅|局|部|院|委|办|中心|署|总局|党委|县委|市委|区委|省委)$")
_ADDRESSEES = re.compile(r"[：:]$")
_ORDER_IN_LINE = re.compile(r"([\u4e00-\u9fa5]{2,30}令\s*第\s*\d+\s*号)")
_HISTORY = re.compile(r"通过|批准|公布|施行|发布|印发|修订|修正")
_SESSION = re.compile(r"第[一二三四五六七八九十\d]+届|第[一二三四五六七八九十百\d]+次会议.*$")
_STATE_PREFIX = "中华人民共和国"
_SEPARATORS = re.compile(r"[\s\u3000、，,]+")


@dataclass(frozen=True)
class GuessedMeta:
    title: str = ""
    number: str = ""
    issuer: str = ""
    date: str = ""  # YYYY-MM-DD

    def to_json(self) -> dict[str, str]:
        return {"title": self.title, "number": self.number, "issuer": self.issuer, "date": self.date}


def iso_date(text: str) -> str:
    """2024年12月30日 / 二〇二四年十二月三十日 / 2024-12-30 as 2024-12-30 ('' if none)."""
    found = re.search(DATE, re.sub(r"[\s\u3000]", "", text))
    if not found:
        return ""
    parts = re.split(r"[年月日\-./]", found.group(0))
    year = "".join(_CN_DIGIT.get(ch, ch) for ch in parts[0])
    month, day = (int(p) if p.isdigit() else cn_to_int(p) for p in parts[1:3])
    if not (year.isdigit() and month and day):
        return ""
    return f"{year}-{month:02d}-{day:02d}"


def _number(lines: list[str]) -> str:
    for line in lines[:_HEAD_LINES]:
        if is_number_line(line):
            return re.sub(r"[\s\u3000]", "", line)
        order = _ORDER_IN_LINE.search(re.sub(DATE, " ", line))  # 2022年4月14日 国家市场监督管理总局令第56号公布
        if order and re.search(DATE, line):
            return order.group(1)
    return ""


def _title(lines: list[str]) -> str:
    frame = find_opening(lines)
    start, end = frame.title if frame.title[1] > frame.title[0] else frame.notice
    header = [
        line
        for line in lines[start:end]
        if is_title_like(line) and not is_number_line(line) and not _ADDRESSEES.search(line)
    ]
    while len(header) > 1 and _is_org_line(header[-1]):  # the issuers signing under it
        header.pop()
    while len(header) > 1 and _is_org_line(header[0]) and not header[1].startswith("关于"):
        header.pop(0)  # the issuers above a notice's title, unless the title reads 甲 乙关于…
    if not header:
        about = next(
            (i for i, line in enumerate(lines[:_HEAD_LINES]) if "关于" in line and _KIND_END.search(line)), None
        )
        if about is not None:
            header = [lines[about]]
            if not _KIND_END.search(lines[about]) and about + 1 < len(lines) and is_title_like(lines[about + 1]):
                header.append(lines[about + 1])
    first = lines[0]
    title = "".join(header) or (first if is_title_like(first) and not is_number_line(first) else "")
    return title.strip("《》")


def _is_org_line(line: str) -> bool:
    return all(_ORG.search(part) for part in _SEPARATORS.split(line) if part)


def _issuers(line: str) -> str:
    return "、".join(part for part in _SEPARATORS.split(line) if part)


def _signature(lines: list[str]) -> tuple[str, str]:
    """(issuer, date) of the notice's closing lines, else of the document's last lines."""
    frame = find_opening(lines)
    windows = [range(frame.notice[0], frame.notice[1]), range(max(0, len(lines) - _TAIL_LINES), len(lines))]
    for window in windows:
        for position in window:
            if is_date_line(lines[position]):
                signers: list[str] = []
                above = position - 1
                while above >= window.start and _is_org_line(lines[above]) and not DOC_NUMBER.search(lines[above]):
                    signers.insert(0, _issuers(lines[above]))
                    above -= 1
                return "、".join(signers), iso_date(lines[position])
    return "", ""


def _history(lines: list[str]) -> list[str]:
    """The dated lines under a regulation's title: adopted, approved, promulgated, amended."""
    return [line for line in lines[:_HEAD_LINES] if _HISTORY.search(line) and re.match(rf"[（(]?{DATE}", line)]


def _adoption_date(lines: list[str]) -> str:
    """The latest date of the history lines (the version in force), else a bare date line."""
    history = [iso_date(line) for line in _history(lines) if "施行" not in line]
    if history:
        return max(history)
    return next((iso_date(line) for line in lines[:_HEAD_LINES] if is_date_line(line)), "")


def _adopting_body(lines: list[str]) -> str:
    """嘉兴市人民代表大会常务委员会 of 2020年6月28日 嘉兴市第八届人民代表大会常务委员会第二十六次会议通过."""
    for line in _history(lines):
        if "通过" in line and "会议" in line:
            body = _SESSION.sub("", re.sub(rf"^[（(]?{DATE}\s*", "", line)).strip()
            if _ORG.search(body):
                return body
    return ""


def _issuer_from(number: str, title: str) -> str:
    order = _ORDER.match(number)
    if order:
        return order.group(1).removeprefix(_STATE_PREFIX)
    about = _BEFORE_ABOUT.match(title)
    if about and _ORG.search(about.group(1)):
        return about.group(1)
    return ""


def guess_metadata(text: str) -> GuessedMeta:
    """What the document says about itself; fields it does not state are ''."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        return GuessedMeta()
    number = _number(lines)
    title = _title(lines)
    issuer, date = _signature(lines)
    opening_issuers = re.match(r"^(.+?)关于", title)
    if not issuer and opening_issuers and _is_org_line(opening_issuers.group(1)):
        issuer = _issuers(opening_issuers.group(1))
    return GuessedMeta(
        title=title,
        number=number,
        issuer=issuer or _adopting_body(lines) or _issuer_from(number, title),
        date=date or _adoption_date(lines),
    )
