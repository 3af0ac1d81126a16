"""Lines that a web page's text extraction broke at every inline element, joined back.

Some copies of government pages put each styled run of text on a line of its own:
``现下达 / 2025 / 年专项资金计划 / 645 / 万元，用于``, ``（ / 十一 / ）``,
``三、 / 推动新能源上网电价…``, ``建立 / “ / 多电源参与… / ” / 的电力现货市场。``. Such a text
is recognised by lines that open with punctuation no line of a written text opens with
(，。、；：）” …): at least FRAGMENTED_AT of them. In it, a line is joined to the one before when

- it opens with such punctuation, or the line before ends inside a bracket or quote, or
  with a comma (…，补贴金额 / 900);
- it is an opening quote alone (a bracket alone may open （ / 十一 / ）), or the line before
  ends with a closing quote,
  inside a sentence (建立 / “ / 统筹 / ” / 的机制。);
- the line before ends with a number and it opens with a unit (2025 / 年, 645 / 万元, 107 / 户);
- it is a number whose next line opens with a unit, after a line of text (有效响应用户 / 62 / 户);
- the line before is a bare numbering mark (三、, 1., （十一）), or 附件 before its number.

Nothing else is joined: a heading stays over its text, a signature over its date, a table's
cells on lines of their own (from its 序号 to the next 附件, heading or paragraph) are left alone but for a
column name broken after its year (2024 / 年拨付资金（万元）), and a text without the sign is
returned unchanged.
"""

from __future__ import annotations

import re

FRAGMENTED_AT = 3  # lines opening with a closing mark that make a text a broken extraction
_CLOSING = "，。、；：？！）)」』”’〕】》%％,.:;!?"
_OPENING = "（(「『“‘〔【《"
_CLOSERS = "）)」』”’〕】》"
_QUOTES = ("”", "’", "」", "』")  # a closing quote, unlike a bracket, never ends an item's note
_FINAL = ("。", "！", "？", "；", "：", "。”", "！”", "？”")
_TABLE_START = re.compile(r"^序\s*号$")  # a table's cells on lines of their own from here: no joins…
_ATTACHMENT = re.compile(r"^附\s*件\s*\d*$")  # …until the next attachment, heading or paragraph
_PROSE = re.compile(r"^.{30,}[。；！？]$")
_OPENS_CLOSING = re.compile(rf"^[{_CLOSING}]")
_NUMBER = re.compile(r"^\d+(?:[.．]\d+)?$")
# units a figure's line may run into (not 天, 百, 千 …, which as often open a name: 天河, 百花)
_UNIT = re.compile(r"^(?:年|月|日|号|万|亿|元|个|户|项|家|名|人(?!民)|次|岁|倍|天内|小时|分钟|千瓦|平方米|%|％)")
_LISTED = re.compile(r"[:：]\s*\d{1,2}[.．、]$")  # 附件:1. / 甲省…细则
_HEADING = re.compile(r"^(?:[一二三四五六七八九十百]+[、．.]|[（(][一二三四五六七八九十百\d]+[）)]|\d{1,2}[.．、](?!\d)|第[一二三四五六七八九十百\d]+[章节条])")
_DATE_REST = re.compile(r"^年(?:\s*\d{1,2}\s*月|$)")
_YEAR = re.compile(r"^(?:19|20)\d{2}$")
_MARK = re.compile(
    r"^(?:[一二三四五六七八九十百]+[、．.]|[（(][一二三四五六七八九十百\d]+[）)]|\d{1,2}[.．、]|第[一二三四五六七八九十百\d]+[章节条])$"
)


def is_fragmented(lines: list[str]) -> bool:
    return sum(1 for line in lines if _OPENS_CLOSING.match(line.strip())) >= FRAGMENTED_AT


def _unclosed(line: str) -> bool:
    """Whether a line ends inside a bracket or a quote it opened."""
    depth = 0
    for ch in line:
        if ch in _OPENING:
            depth += 1
        elif ch in _CLOSERS and depth:
            depth -= 1
    return depth > 0


def _joins(before: str, line: str, after: str) -> bool:
    """Whether `line` goes on from `before` (`after` is the line following it)."""
    if not before:
        return False
    if _OPENS_CLOSING.match(line) or _unclosed(before) or before.endswith(("，", "、")):
        return True
    if _ATTACHMENT.match(before):  # 附件 / 1, never 附件1 / 项目申报表 (a heading and its title)
        return not before[-1].isdigit() and line.isdigit()
    heading = _HEADING.match(before)  # （二）深入推进“放管服” / 各区要… is a heading over its text
    opening_quote = all(ch in "“‘「『" for ch in line)
    if not before.endswith(_FINAL) and (opening_quote or before.endswith(_QUOTES) and not heading):
        return True  # 建立 / “ / 统筹 / ” / 的机制。: a quotation inside a sentence
    if before[-1].isdigit() and _UNIT.match(line):
        return True
    if _MARK.match(before) or _LISTED.search(before):
        return True
    # a figure inside a sentence: text, the number, its unit on the next line; not after a full
    # stop, nor a date's year under a signature (甲省能源局 / 2025 / 年9月29日)
    date = _YEAR.match(line) and _DATE_REST.match(after)
    inside = not before.endswith(_FINAL) and not before[-1].isdigit()
    return bool(_NUMBER.match(line) and _UNIT.match(after) and inside and not date)


def join_fragments(lines: list[str]) -> list[str]:
    """The lines of a broken extraction joined back into the lines of the text; any other
    text's lines unchanged. Joined lines are stripped; the others keep their indentation."""
    if not is_fragmented(lines):
        return lines
    stripped = [line.strip() for line in lines]
    out: list[str] = []
    joined = False
    in_table = header = False
    for position, line in enumerate(stripped):
        if _TABLE_START.match(line) or _ATTACHMENT.match(line) or _HEADING.match(line) or _PROSE.match(line):
            in_table = bool(_TABLE_START.match(line))  # until an attachment, a heading or a paragraph
            header = in_table
        elif header and line == "1":
            header = False  # the first row
        if header and out and out[-1].strip()[-1:].isdigit() and _UNIT.match(line):
            out[-1] = out[-1].strip() + line  # a column 2024 / 年拨付资金（万元）
            joined = True
            continue
        if in_table:
            out.append(lines[position])
            continue
        after = stripped[position + 1] if position + 1 < len(stripped) else ""
        if out and _joins(out[-1].strip(), line, after):
            out[-1] = out[-1].strip() + line
            joined = True
            continue
        out.append(lines[position])
    return out if joined else lines
