"""The numbering grammar of Chinese policy texts: which line prefixes can open a heading.

Three families share one grammar, ranked from the outermost level inwards:

- legal style: 第X编 > 第X部分 > 第X章 > 第X节 > 第X条 (Chinese or Arabic numerals,
  digits spaced by PDF extraction such as 第 2 6 条);
- 公文 style (GB/T 9704): 一、 > （一） > 1. > （1） > ①, with the half-width (一),
  1、 1． variants and stray spaces (二 、); below ①, letters a. b. c. (or A、 a） …) where a
  text goes deeper still;
- decimal outlines 1 / 1.1 / 1.1.1, between （一） and 1.

Only whole-line prefixes are candidates; whether a candidate really opens a heading is
decided by the parser from the sequence its number continues, so "1小时交通圈", "5G",
"“2＋8”平台" or "2.5亿元" never open one here or there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

CN_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_NUMERAL = "[〇零一二两三四五六七八九十百千]+"
_ANY_NUMERAL = rf"(?:{_CN_NUMERAL}|\d[\d ]{{0,6}})"
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_DOT = "[.．]"
# After "1." a number is the item's first word (11.121人才梯队项目) unless it reads as a
# quantity: 1.5亿元, 2.5%, 3.14, 2.1 (a decimal heading, matched before items).
UNITS = "万亿千百个年月日倍%％元米吨亩"  # what follows a quantity, not a title
_QUANTITY = rf"\d{{1,2}}(?!\d)|\d+\s*[{UNITS}]|\d+[.．]\d"


class Style(StrEnum):
    """A numbering style; its place in RANK says which styles may nest inside which."""

    BOOK = "编"
    DIVISION = "部分"
    CHAPTER = "章"
    SUBCHAPTER = "节"
    ARTICLE = "条"
    PART = "一、"
    SECTION = "（一）"
    DECIMAL = "1.1"
    ITEM = "1."
    SUBITEM = "（1）"
    POINT = "①"
    LETTER = "a."


RANK = {style: rank for rank, style in enumerate(Style)}
LEGAL = (Style.BOOK, Style.DIVISION, Style.CHAPTER, Style.SUBCHAPTER, Style.ARTICLE)
# Styles whose locator does not include the headings above them: people cite 第十二条
# or 5.1.2 without the chapter, and both numbers are unique in their document.
ABSOLUTE = (Style.ARTICLE, Style.DECIMAL)


def cn_to_int(numeral: str) -> int | None:
    """Parse a Chinese numeral up to 9999 (一, 十, 十一, 二十三, 一百零五); None if malformed."""
    if not numeral or any(ch not in CN_DIGITS and ch not in "十百千" for ch in numeral):
        return None
    total, current = 0, 0
    for ch in numeral:
        if ch in CN_DIGITS:
            current = CN_DIGITS[ch]
        else:
            total += (current or 1) * {"十": 10, "百": 100, "千": 1000}[ch]
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


def numeral_value(numeral: str) -> int | None:
    """The value of a numeral written in Chinese or in (possibly spaced) Arabic digits."""
    compact = numeral.replace(" ", "")
    return int(compact) if compact.isdigit() else cn_to_int(compact)


@dataclass(frozen=True)
class HeadingMatch:
    """A line that starts with a numbering token.

    `number` is the last number of the token (3 for 2.1.3); `path` holds every number of
    a decimal token (2, 1, 3) and just `number` otherwise. `printed` is the token as the
    document prints it, whitespace removed (第26条, (一), 1、).
    """

    style: Style
    number: int
    rest: str
    printed: str
    path: tuple[int, ...] = ()
    ambiguous: bool = False  # 1.3人户家庭: an item, or the quantity 1.3? only the sequence can tell

    @property
    def rank(self) -> float:
        """Smaller is outer; deeper decimal levels rank inside shallower ones."""
        return RANK[self.style] + (len(self.path) / 100 if self.style is Style.DECIMAL else 0)

    @property
    def locator_tokens(self) -> tuple[str, ...]:
        """What the token adds to a locator: 第十二条, 二, 5/1/2, 3."""
        if self.style in LEGAL:
            return (self.printed,)
        if self.style in (Style.PART, Style.SECTION):
            return (int_to_cn(self.number),)
        if self.style is Style.DECIMAL:
            return tuple(str(n) for n in self.path)
        return (str(self.number),)

    @property
    def cite(self) -> str:
        """The token as a citation marker writes it: 二 （三） 3 （1） ① 第十二条 5.1.2."""
        if self.style is Style.PART:
            return int_to_cn(self.number)
        if self.style is Style.SECTION:
            return f"（{int_to_cn(self.number)}）"
        if self.style is Style.SUBITEM:
            return f"（{self.number}）"
        if self.style is Style.POINT:
            return CIRCLED[self.number - 1]
        if self.style is Style.LETTER:
            return self.printed.rstrip(".．、)）")
        if self.style is Style.DECIMAL:
            return ".".join(str(n) for n in self.path)
        if self.style is Style.ITEM:
            return str(self.number)
        return self.printed

    @property
    def separator(self) -> str:
        """What goes between the printed token and the title in a label."""
        return " " if self.style in (*LEGAL, Style.DECIMAL) or self.printed.endswith(".") else ""


_LEGAL_UNIT = {"编": Style.BOOK, "部分": Style.DIVISION, "章": Style.CHAPTER, "节": Style.SUBCHAPTER, "条": Style.ARTICLE}
_LEGAL = re.compile(rf"^(第\s*({_ANY_NUMERAL})\s*(编|部分|章|节|条))[\s\u3000]*(.*)$", re.S)
_PATTERNS: list[tuple[Style, re.Pattern[str]]] = [
    (Style.PART, re.compile(rf"^(({_CN_NUMERAL})\s*[、，,]|({_CN_NUMERAL})\s*{_DOT}(?!\d))\s*(.*)$", re.S)),
    (Style.SECTION, re.compile(rf"^([（(]\s*({_CN_NUMERAL})\s*[）)][、.．]?)\s*(.*)$", re.S)),
    (Style.DECIMAL, re.compile(rf"^((\d{{1,2}}(?:\s*{_DOT}\s*\d{{1,2}}){{1,4}}){_DOT}?)(?![\d%％A-Za-z]|\s*[{UNITS}])\s*(.*)$", re.S)),
    (Style.ITEM, re.compile(rf"^((\d{{1,3}})\s*(?:{_DOT}|、)(?!{_QUANTITY}))\s*(.*)$", re.S)),
    (Style.SUBITEM, re.compile(r"^([（(]\s*(\d{1,3})\s*[）)][、.．]?|(\d{1,3})[）)])\s*(.*)$", re.S)),
    (Style.POINT, re.compile(rf"^(([{CIRCLED}]))[、.．]?\s*(.*)$", re.S)),
    (Style.LETTER, re.compile(r"^(([a-zA-Z])[.．、)）])\s*(.*)$", re.S)),
]
_BARE_NUMBER = re.compile(r"^((\d{1,2}))[\s\u3000]+(\S.{0,30})$", re.S)
# A part number alone on its line (a Markdown "## 三", a PDF's numeral above its title):
# a heading only where the sequence expects exactly that number.
_BARE_PART = re.compile(r"^([一二三四五六七八九十]{1,3})$")


# the item's text must say more than a number: 4.42 alone on its line is a table cell's figure
_LOOSE_ITEM = re.compile(
    rf"^((\d{{1,3}})\s*{_DOT})\s*(?!\d[\d.．,，]*\s*(?:[%％‰]|万人|万元|亿元|平方公里|平方米|公顷|公里|万|亿|元|米|吨|亩|人|个|家)?$)(\d.*)$",
    re.S,
)


def match_heading(line: str, loose: bool = False) -> HeadingMatch | None:
    """The numbering token at the start of a stripped line, if any.

    With `loose`, a line such as 1.3人户家庭 that reads as a quantity also comes back, as an
    ambiguous item the parser accepts only where the sequence expects exactly that number.
    """
    found = _match_heading(line)
    if loose and (found is None or (found.style is Style.DECIMAL and len(found.path) == 2)):
        item = _LOOSE_ITEM.match(line)
        if item and int(item.group(2)):
            return HeadingMatch(Style.ITEM, int(item.group(2)), item.group(3).strip(), item.group(1), (int(item.group(2)),), True)
    return found


def _match_heading(line: str) -> HeadingMatch | None:
    bare = _BARE_PART.match(line)
    if bare and (number := cn_to_int(bare.group(1))):
        return HeadingMatch(Style.PART, number, "", bare.group(1), (number,), ambiguous=True)
    legal = _LEGAL.match(line)
    if legal:
        number = numeral_value(legal.group(2))
        if number:
            printed = re.sub(r"\s", "", legal.group(1))
            return HeadingMatch(_LEGAL_UNIT[legal.group(3)], number, legal.group(4).strip(), printed)
        return None
    for style, pattern in _PATTERNS:
        found = pattern.match(line)
        if not found:
            continue
        groups = [g for g in found.groups() if g is not None]
        printed, raw, rest = re.sub(r"\s", "", groups[0]), groups[1], groups[-1].strip()
        if not rest:
            return None
        if style is Style.DECIMAL:
            path = tuple(int(n) for n in re.split(r"\s*[.．]\s*", raw.strip()))
            if 0 in path:
                return None
            return HeadingMatch(style, path[-1], rest, printed, path)
        if style in (Style.PART, Style.SECTION):
            number = cn_to_int(raw.replace(" ", ""))
        elif style is Style.POINT:
            number = CIRCLED.index(raw) + 1
        elif style is Style.LETTER:
            number = ord(raw.lower()) - ord("a") + 1
        else:
            number = int(raw)
        if number:
            return HeadingMatch(style, number, rest, printed, (number,))
    return None


def match_bare_decimal(line: str) -> HeadingMatch | None:
    """A top-level decimal heading written as a bare number and a short title ("1 总则")."""
    found = _BARE_NUMBER.match(line)
    if not found or not int(found.group(2)) or re.search(r"[。；，]", found.group(3)):
        return None
    number = int(found.group(2))
    return HeadingMatch(Style.DECIMAL, number, found.group(3).strip(), found.group(1), (number,))


def as_top_decimal(found: HeadingMatch) -> HeadingMatch:
    """Read an item token (1. / 1、) as the top level of a decimal outline."""
    return HeadingMatch(Style.DECIMAL, found.number, found.rest, found.printed, (found.number,))


_SENTENCE_END = re.compile(r"[。！？]")


def first_sentence(text: str) -> str:
    """The title of an item whose title and body share a line: its first sentence."""
    found = _SENTENCE_END.search(text)
    return text[: found.start()] if found else text


def has_inline_body(rest: str) -> bool:
    """True when a heading line goes on after its first sentence (title and body share a line)."""
    found = _SENTENCE_END.search(rest)
    return found is not None and found.end() < len(rest.rstrip("”’」』）)"))
