"""The numbering grammar of Chinese government documents: 一、 → （一） → 1. → （1） → ①.

Only whole-line prefixes are headings; the parser additionally requires numbers to
run in sequence, so "1小时交通圈", "5G" or "“2＋8”平台" never open a heading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import IntEnum

_CN_DIGITS = {
    "〇": 0,
    "零": 0,
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_NUMERAL = "[〇零一二三四五六七八九十百]+"
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


class Level(IntEnum):
    """Depth of a numbering style; a smaller value is a higher level."""

    PART = 1  # 一、
    SECTION = 2  # （一）
    ITEM = 3  # 1.
    SUBITEM = 4  # （1）
    POINT = 5  # ①


def cn_to_int(numeral: str) -> int | None:
    """Parse a Chinese numeral up to 999 (一, 十, 十一, 二十三, 一百零五); None if malformed."""
    if not numeral or any(ch not in _CN_DIGITS and ch not in "十百" for ch in numeral):
        return None
    total, current = 0, 0
    for ch in numeral:
        if ch in _CN_DIGITS:
            current = _CN_DIGITS[ch]
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        else:
            total += (current or 1) * 100
            current = 0
    value = total + current
    return value or None


def int_to_cn(number: int) -> str:
    """Write 1..999 as a Chinese numeral the way documents do (十一, 二十, 一百零五)."""
    if not 0 < number < 1000:
        raise ValueError(f"cannot write {number} as a heading numeral")
    digits = "〇一二三四五六七八九"
    hundreds, rest = divmod(number, 100)
    tens, ones = divmod(rest, 10)
    out = ""
    if hundreds:
        out += digits[hundreds] + "百"
        if rest and tens == 0:
            out += "零"
    if tens:
        out += ("" if tens == 1 and not hundreds else digits[tens]) + "十"
    if ones:
        out += digits[ones]
    return out


@dataclass(frozen=True)
class HeadingMatch:
    """A line that starts with a numbering token."""

    level: Level
    number: int
    rest: str

    @property
    def token(self) -> str:
        """The number as it is shown in labels: 二、 （三） 3. （1） ①."""
        if self.level is Level.PART:
            return f"{int_to_cn(self.number)}、"
        if self.level is Level.SECTION:
            return f"（{int_to_cn(self.number)}）"
        if self.level is Level.ITEM:
            return f"{self.number}."
        if self.level is Level.SUBITEM:
            return f"（{self.number}）"
        return CIRCLED[self.number - 1]

    @property
    def locator_token(self) -> str:
        """Chinese numerals for parts and sections, Arabic below them."""
        if self.level in (Level.PART, Level.SECTION):
            return int_to_cn(self.number)
        return str(self.number)


_PATTERNS: list[tuple[Level, re.Pattern[str]]] = [
    (Level.PART, re.compile(rf"^({_CN_NUMERAL})、(.*)$", re.S)),
    (Level.SECTION, re.compile(rf"^[（(]({_CN_NUMERAL})[）)](.*)$", re.S)),
    (Level.ITEM, re.compile(r"^(\d{1,3})[.．、](?![\d．.])(.*)$", re.S)),
    (Level.SUBITEM, re.compile(r"^[（(](\d{1,3})[）)](.*)$", re.S)),
    (Level.POINT, re.compile(rf"^([{CIRCLED}])(.*)$", re.S)),
]


def match_heading(line: str) -> HeadingMatch | None:
    """The numbering token at the start of a stripped line, if any."""
    for level, pattern in _PATTERNS:
        found = pattern.match(line)
        if not found:
            continue
        raw, rest = found.group(1), found.group(2).strip()
        if level in (Level.PART, Level.SECTION):
            number = cn_to_int(raw)
        elif level is Level.POINT:
            number = CIRCLED.index(raw) + 1
        else:
            number = int(raw)
        if number and rest:
            return HeadingMatch(level=level, number=number, rest=rest)
    return None


_SENTENCE_END = re.compile(r"[。！？]")


def first_sentence(text: str) -> str:
    """The title of an item whose title and body share a line: its first sentence."""
    found = _SENTENCE_END.search(text)
    return text[: found.start()] if found else text


def has_inline_body(rest: str) -> bool:
    """True when a heading line goes on after its first sentence (title and body share a line)."""
    found = _SENTENCE_END.search(rest)
    return found is not None and found.end() < len(rest.rstrip("”’」』）)"))
