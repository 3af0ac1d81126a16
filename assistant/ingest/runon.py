"""Lines that text extraction ran together, split back where a decimal outline shows the seam.

A PDF or a web page copied as text often joins a heading to the next one or to its body:
``1　总则 1.1　编制目的``, ``3.2 预警信息。 3.2.1 气象监测预报预警。``, ``1.2　编制依据 《…》…``,
``1.4 工作原则。 (1)坚持…``, ``（此件公开发布） 国家自然灾害救助应急预案``. A line that opens with a
decimal heading (1.1, or a bare 1 when the document has a decimal outline) is split after
its title where a gap follows it, and again where a later decimal number continues the
outline (a child, or a sibling at any level). Nothing else is split: a gap inside a
sentence, a number inside the text (2.5亿元, 5G) and lines of other styles stay as they are.
"""

from __future__ import annotations

import re

from assistant.ingest.numbering import UNITS

_GAP = r"[ \u3000]+"  # not a tab: a table row's cells are tab-separated
# the number may stand against its title (1.1编制目的), not against a unit (2.5亿元)
_DECIMAL = re.compile(rf"^(\d{{1,2}}(?:[.．]\d{{1,2}}){{1,3}})[.．]?(?:{_GAP})?(?=[^\d\s.．%％{UNITS}])")
_BARE = re.compile(rf"^(\d{{1,2}}){_GAP}(?=[\u4e00-\u9fff])")
# a top written against its title (1总则 1.1编制目的): a heading only with its first child run in
_GLUED_BARE = re.compile(r"^(\d{1,2})(?=[\u4e00-\u9fff])")
# the title a heading opens with: a short phrase, no inner punctuation, maybe a full stop
_TITLE = re.compile(rf"^([^\s，,；;：:、。！？（）()《》“”]{{2,20}}。?)(?={_GAP}\S)")
_EMBEDDED = re.compile(rf"{_GAP}(\d{{1,2}}(?:[.．]\d{{1,2}}){{0,3}})[.．]?(?:{_GAP})?(?=[\u4e00-\u9fff])(?![{UNITS}])")
_PUBLICATION = re.compile(rf"^([（(](?:此件|本件)[^）)]{{0,12}}[）)]){_GAP}(?=\S)")


def _path(token: str) -> tuple[int, ...]:
    return tuple(int(n) for n in re.split(r"[.．]", token))


def _continues(after: tuple[int, ...], path: tuple[int, ...]) -> bool:
    """Whether path may follow after in an outline: its first child or a next sibling."""
    if path == (*after, 1):
        return True
    return any(path == (*after[:k], after[k] + 1) for k in range(len(after)))


def _outline_numbers(line: str) -> list[str]:
    """The decimal numbers a line opens with or has run into it (1　总则 1.1　编制目的: 1.1)."""
    opening = _DECIMAL.match(line)
    run_in = [m.group(1) for m in _EMBEDDED.finditer(line)]
    return [opening.group(1), *run_in] if opening else run_in


def has_decimal_outline(lines: list[str]) -> bool:
    """Whether at least two two-level decimal headings (1.1 编制目的) open or run into the lines."""
    return sum(1 for line in lines for number in _outline_numbers(line) if len(_path(number)) > 1) >= 2


def split_run_on(line: str, outline: bool) -> list[str]:
    """The pieces of one stripped line (the line itself when nothing was run together)."""
    publication = _PUBLICATION.match(line)
    if publication:
        return [publication.group(1), *split_run_on(line[publication.end() :].strip(), outline)]
    if not outline:
        return [line]
    opening = _DECIMAL.match(line) or _BARE.match(line) or _GLUED_BARE.match(line)
    if opening is None:
        return [line]
    path = _path(opening.group(1))
    if len(path) == 1 and opening.re is _DECIMAL:
        return [line]  # "1.全力…" is an item, not a decimal heading
    rest = line[opening.end() :].lstrip(" \u3000\t")
    title = _TITLE.match(rest)
    if title is None:
        return [line]
    head = line[: len(line) - len(rest)] + title.group(1)
    after = rest[title.end() :].strip()
    embedded = _EMBEDDED.match(rest[title.end() :])
    if opening.re is _GLUED_BARE:
        if embedded is None or _path(embedded.group(1)) != (*path, 1):
            return [line]
        head = f"{opening.group(1)} {title.group(1)}"  # read as the top it is (1 总则)
    if embedded and _continues(path, _path(embedded.group(1))):
        return [head, *split_run_on(after, outline)]
    return [head, after]


# (the opening item, the next one after a semicolon or full stop with its number at {})
_ITEM_STYLES = (
    (re.compile(r"^(\d{1,2})[.．、](?=\D)"), r"(?<=[；;。])\s*{}[.．、](?=\D)"),
    (re.compile(r"^[（(](\d{1,2})[)）]"), r"(?<=[；;。])\s*[（(]{}[)）]"),
)
_INLINE_ITEMS = 3  # 1.…；2.…；3.… at least: a list a web page ran into one paragraph


def split_items(line: str) -> list[str]:
    """A line that opens with item 1. and runs the next items on after semicolons
    (1.死亡或宣告死亡的；2.经人民法院宣告失踪的；3.…) split into one line per item; items of
    another style inside an item's text (…查册：（1）…；（2）…) stay where they are."""
    for opening, following in _ITEM_STYLES:
        found = opening.match(line)
        if found is None:
            continue
        cuts, number, position = [], int(found.group(1)), found.end()
        while True:
            number += 1
            after = re.compile(following.format(number)).search(line, position)
            if after is None:
                break
            cuts.append(after.start())
            position = after.end()
        if len(cuts) + 1 < _INLINE_ITEMS:
            return [line]
        bounds = [0, *cuts, len(line)]
        return [line[a:b].strip() for a, b in zip(bounds, bounds[1:], strict=False)]
    return [line]


def split_lines(lines: list[str]) -> list[str]:
    """Every line split where extraction ran headings together; a line left whole is kept
    as it was (with its indentation), a split one gives stripped pieces."""
    stripped = [line.strip() for line in lines]
    outline = has_decimal_outline(stripped)
    out = []
    for line, bare in zip(lines, stripped, strict=True):
        pieces = [item for piece in split_run_on(bare, outline) for item in split_items(piece)]
        out.extend(pieces if len(pieces) > 1 else [line])
    return _split_restart(out) if outline else out


def _split_restart(lines: list[str]) -> list[str]:
    """A 目录 lists the outline from its first heading, and the text then begins by repeating
    that heading: where the 目录's last entry ran into it (附件 旱情综合指标 1 总则), it is split
    off again."""
    first = next((i for i, line in enumerate(lines) if _BARE.match(line.strip()) and line.strip().startswith("1")), None)
    if first is None:
        return lines
    head = lines[first].strip()
    opening = _BARE.match(head)
    title = _TITLE.match(head[opening.end() :] + " x") if opening else None
    if title is None:
        return lines
    restart = re.compile(rf"^(.*\S){_GAP}(1{_GAP}{re.escape(title.group(1))})$")
    out = lines[: first + 1]
    for line in lines[first + 1 :]:
        found = restart.match(line.strip())
        out.extend([found.group(1), found.group(2)] if found else [line])
    return out

