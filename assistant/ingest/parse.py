"""Step 2: recover a document's structure: frame, numbered body, attachments, tables.

The body is read one non-blank line at a time. A line whose prefix the numbering grammar
recognises opens a heading only when it fits the tree read so far: its style nests
inside the open headings by rank, and its number continues the sequence of its style,
either under its parent (numbering that restarts per parent) or across the document
(numbering that runs straight through), allowing a gap of up to MAX_GAP for a heading
the grammar missed. A locator is never opened twice, so every clause stays citable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.ingest.corpus import SourceDocument
from assistant.ingest.document import Clause, Element, Heading, Kind, ParsedDocument
from assistant.ingest.fragments import join_fragments
from assistant.ingest.frame import (
    attachment_starts,
    find_opening,
    is_attachment_heading,
    is_attachment_list,
    is_title_like,
    is_title_like_item,
    is_toc_line,
    signature_start,
    toc_entry,
)
from assistant.ingest.leads import inline_fields, inline_lead
from assistant.ingest.numbering import (
    ABSOLUTE,
    LEGAL,
    HeadingMatch,
    Style,
    as_top_decimal,
    first_sentence,
    has_inline_body,
    int_to_cn,
    match_bare_decimal,
    match_heading,
)
from assistant.ingest.runon import split_lines
from assistant.ingest.table import is_category_column, is_header_line, parse_table, split_cells, table_roots

NOTICE_LOCATOR = "通知"
PREAMBLE_LOCATOR = "前言"
TOC_LOCATOR = "目录"
SIGNATURE_LOCATOR = "落款"
PARAGRAPH_RANK_OFFSET = 0.5
MAX_GAP = 2  # headings the grammar may miss in a row before the sequence is lost
_TABLE_TITLE_LINES = 3
_KIND_OF_STYLE = {
    Style.BOOK: Kind.BOOK,
    Style.DIVISION: Kind.DIVISION,
    Style.CHAPTER: Kind.CHAPTER,
    Style.SUBCHAPTER: Kind.SUBCHAPTER,
    Style.ARTICLE: Kind.ARTICLE,
    Style.PART: Kind.PART,
    Style.SECTION: Kind.SECTION,
    Style.DECIMAL: Kind.OUTLINE,
    Style.ITEM: Kind.ITEM,
    Style.SUBITEM: Kind.SUBITEM,
    Style.POINT: Kind.POINT,
    Style.LETTER: Kind.POINT,
}
_INLINE_STYLES = (Style.ARTICLE, Style.ITEM, Style.SUBITEM, Style.POINT, Style.LETTER)
_TITLE_ONLY_STYLES = (Style.BOOK, Style.DIVISION, Style.CHAPTER, Style.SUBCHAPTER)
_HEADING_TITLE_CHARS = 40
_SHORT_TITLE_CHARS = 16
_ARTICLE_TITLE_CHARS = 16  # 第9条 鼓励企业科技创新。… : a short first sentence is the article's title
# an article's name in round brackets straight after its number, alone or before its text
_BRACKETED_NAME = re.compile(r"^[（(](?![〇零一二三四五六七八九十百\d]+[）)])[^（）()，。；：,;:]{2,16}[）)](?!\d)")  # not （十一）


@dataclass
class _Node:
    """A heading under construction while the body is read."""

    heading: HeadingMatch | None
    locator: tuple[str, ...]
    cite: str
    label_tokens: str
    crumbs: tuple[str, ...]
    title: str = ""
    heading_line: str = ""
    paragraphs: list[str] = field(default_factory=list)
    trailer: list[str] = field(default_factory=list)  # 附件：… naming attachments: kept, not text
    children: list[_Node] = field(default_factory=list)
    last_number: dict[Style, int] = field(default_factory=dict)
    # the last decimal child placed two levels down because its own parent heading was lost
    # (2.1.1 straight under 2): its siblings (2.1.2) follow it there
    orphan_path: tuple[int, ...] = ()

    rank: float = -1.0
    kind: Kind | None = None  # set for nodes no numbering token opens (款)
    # its line names it and says nothing (第四条（支持范围）, （二）光伏): with children, a heading
    names_only: bool = False


def _separator(separator: str, title: str) -> str:
    """What stands between a number and its title: nothing before a name in brackets, as printed
    (第一条（目的和依据）)."""
    return "" if title.startswith(("（", "(")) else separator


def _is_inline(found: HeadingMatch) -> bool:
    """Title and body share the line (1.全力嵌入…。培育…) rather than a heading standing alone."""
    return found.style in _INLINE_STYLES or _carries_text(found)


def _title_of(found: HeadingMatch, inline: bool) -> str:
    if found.style is Style.ARTICLE:
        rest = found.rest
        if rest.startswith(("【", "［")) and ("】" in rest or "］" in rest):
            return rest[1 : max(rest.find("】"), rest.find("］"))]
        if named := _BRACKETED_NAME.match(rest):  # 第一条（目的和依据）, brackets kept as printed
            return named.group(0)
        first = first_sentence(rest)
        short = len(first) <= _ARTICLE_TITLE_CHARS and not re.search(r"[，、；：,;:]", first) and first != rest
        return first if short else ""
    return first_sentence(found.rest) if inline else found.rest.rstrip("。")


class _BodyReader:
    """Reads a numbered body into a tree of _Node, one stripped line at a time."""

    def __init__(self, lines: list[str], prefix: tuple[str, ...] = ()) -> None:
        self.prefix = prefix
        self.root = _Node(None, prefix, "·".join(prefix), "", ())
        self.stack = [self.root]
        self.global_last: dict[Style, int] = {}
        self.used: set[tuple[str, ...]] = set()
        self.decimal_tops = _decimal_tops(lines)
        self.ranks = _document_ranks(lines)
        self.opened_tops: set[int] = set()
        self.toc: list[str] = []
        self.lines = lines
        self.position = 0
        self.in_attachment_list = False
        self.opened = 0  # nodes opened so far: where an element read later goes in the output

    def feed(self, position: int, next_decimal: int | None) -> None:
        self.position = position
        line = self.lines[position]
        # 附件：1.…清单 names attachments: the open clause keeps it as a trailer (the preamble, as text)
        listing = is_attachment_list(line) or (self.in_attachment_list and is_title_like_item(line))
        self.in_attachment_list = listing
        top = self.stack[-1]
        if listing:
            (top.paragraphs if top is self.root else top.trailer).append(line)
            return
        if top.trailer:  # text goes on after the list: it was the clause's text after all
            top.paragraphs.extend(top.trailer)
            top.trailer.clear()
        found = self._candidate(line, next_decimal)
        if found and self._open(found, line):
            return
        if self._open_paragraph(line):
            return
        self.stack[-1].paragraphs.append(line)

    def _open_paragraph(self, line: str) -> bool:
        """A plain paragraph after an article's items is the article's next 款, not the last
        item's text (第十条 …下列规定：（一）…（四）…。按照前款规定… → 第十条第二款)."""
        top = self.stack[-1]
        if top.kind is not Kind.PARAGRAPH and (top.heading is None or top.heading.style in LEGAL):
            return False
        legal = [i for i in range(1, len(self.stack) - 1) if (h := self.stack[i].heading) is not None and h.style in LEGAL]
        if not legal:
            return False
        at = legal[-1]
        article = self.stack[at]
        if article.heading is None or article.heading.style is not Style.ARTICLE:
            return False
        if self._items_go_on(self.stack[at + 1 :]):
            return False
        opened = sum(1 for child in article.children if child.kind is Kind.PARAGRAPH)
        # 款 before this one: the article's own paragraphs, not a line that only names it
        # (第七条（申报材料）); its items alone make the first 款 when it has no text
        before = len(article.paragraphs) - (1 if article.names_only and article.paragraphs else 0)
        before = max(before, 1 if article.children else 0)
        name = f"第{int_to_cn(before + opened + 1)}款"
        locator = (*article.locator, name)
        if locator in self.used:
            return False
        self.used.add(locator)
        node = _Node(
            heading=None,
            locator=locator,
            cite=article.cite + name,
            label_tokens=article.label_tokens + name,
            crumbs=(*article.crumbs, name),
            paragraphs=[line],
            rank=top.rank - PARAGRAPH_RANK_OFFSET,  # items after a 款 are its items
            kind=Kind.PARAGRAPH,
        )
        article.children.append(node)
        del self.stack[at + 1 :]
        self.stack.append(node)
        self.opened += 1
        return True

    def _items_go_on(self, items: list[_Node]) -> bool:
        """Whether the next numbered line continues one of the open items ((一) text, a
        paragraph, (二)): the paragraph is that item's, not a new 款 of the article."""
        for line in self.lines[self.position + 1 :]:
            later = match_heading(line)
            if later is not None:
                return any(
                    (h := item.heading) is not None and h.style is later.style and later.number == h.number + 1
                    for item in items
                )
        return False

    def _candidate(self, line: str, next_decimal: int | None) -> HeadingMatch | None:
        found = match_heading(line, loose=not self.decimal_tops)
        if self.decimal_tops:
            bare = match_bare_decimal(line)
            top = found if found and found.style is Style.ITEM else bare
            # a top opens the decimal headings under it; a bare 3 灾害预警响应 with none may also
            # just continue the tops (its text is items, not 3.1, 3.2)
            expected = next_decimal, *((max(self.opened_tops) + 1,) if bare and self.opened_tops else ())
            if top and top.number in expected and top.number not in self.opened_tops:
                return as_top_decimal(top)
        return found

    def _fits(self, found: HeadingMatch, parent: _Node) -> bool:
        local = parent.last_number.get(found.style, 0)
        if found.ambiguous:
            return found.number == local + 1 or (local == 0 and found.number == self.global_last.get(found.style, 0) + 1)
        if found.style is Style.LETTER:  # letters restart under each item and skip none: b. alone is text
            return found.number == local + 1
        if found.style is Style.DECIMAL:
            parent_path = parent.heading.path if parent.heading and parent.heading.style is Style.DECIMAL else None
            if parent_path is not None and found.path[:-1] != parent_path:
                return self._lost_parent(found, parent, parent_path) is not None
            if parent_path is None and len(found.path) > 1 and self.decimal_tops:
                return False
            return found.number == local + 1 or self._gap_allowed(found, local)
        if found.number == self.global_last.get(found.style, 0) + 1 and local == 0:
            return True
        return found.number == local + 1 or self._gap_allowed(found, local)

    @staticmethod
    def _lost_parent(found: HeadingMatch, parent: _Node, parent_path: tuple[int, ...]) -> int | None:
        """The number of a lost heading between parent and found (1 of 2.1 for 2.1.1 under 2).

        A decimal number states its whole path, so 2.1.1 right after 2 (a 简本 that dropped
        the 2.1 heading) is placed where its number says, when 2.1 would be parent's next
        child and 2.1.1 its first, or when it follows the sibling placed so before it.
        """
        if len(found.path) != len(parent_path) + 2 or found.path[: len(parent_path)] != parent_path:
            return None
        level = found.path[len(parent_path)]
        opens = found.number == 1 and level == parent.last_number.get(Style.DECIMAL, 0) + 1
        follows = parent.orphan_path[:-1] == found.path[:-1] and found.number == parent.orphan_path[-1] + 1
        return level if opens or follows else None

    def _gap_allowed(self, found: HeadingMatch, local: int) -> bool:
        """A number that skips ahead is a heading only if the skipped one never comes.

        The skipped heading was malformed or lost; but when it turns up later under the
        same parent, this line was a number inside the text (3.这不是第三项 before 2.).
        """
        if not local < found.number <= local + 1 + MAX_GAP:
            return False
        for line in self.lines[self.position + 1 :]:
            later = match_heading(line)
            if later is None:
                continue
            if self._rank(later) < self._rank(found):
                return True
            if later.style is found.style and later.number == local + 1 and later.path[:-1] == found.path[:-1]:
                return False
        return True

    def _rank(self, found: HeadingMatch) -> float:
        """Where a heading nests in this document: its style's group, then the convention."""
        return self.ranks.get(found.style, OUTER_GROUP) + found.rank

    def _open(self, found: HeadingMatch, line: str) -> bool:
        rank = self._rank(found)
        depth = len(self.stack)
        while self.stack[depth - 1].rank >= rank:
            depth -= 1
        parent = self.stack[depth - 1]
        if not self._fits(found, parent):
            return False
        absolute = found.style in ABSOLUTE
        base = self.prefix if absolute else parent.locator
        locator = (*base, *found.locator_tokens)
        if locator in self.used:
            return False
        self.used.add(locator)
        del self.stack[depth:]
        parent_path = parent.heading.path if parent.heading and parent.heading.style is Style.DECIMAL else None
        lost = self._lost_parent(found, parent, parent_path) if found.style is Style.DECIMAL and parent_path else None
        if lost is not None:
            parent.last_number[found.style] = lost
            parent.orphan_path = found.path
        else:
            parent.last_number[found.style] = found.number
        self.global_last[found.style] = found.number
        if found.style is Style.DECIMAL and len(found.path) == 1:
            self.opened_tops.add(found.number)
        # the items of an article carry their text, even without a full stop
        inline = (
            _is_inline(found)
            or parent.kind is Kind.PARAGRAPH
            or (parent.heading is not None and parent.heading.style is Style.ARTICLE)
        )
        title = _title_of(found, inline)
        in_chapter = parent.heading is not None and parent.heading.style in LEGAL and not absolute
        legal_parent = parent.heading is not None and parent.heading.style in LEGAL
        cite_base = "·".join(self.prefix) + ("·" if self.prefix else "")
        if absolute or (parent.heading is None and parent.kind is None):
            cite = cite_base + found.cite
            label_tokens = found.printed
        elif legal_parent and found.style in LEGAL:
            cite = parent.cite + found.cite
            label_tokens = found.printed if in_chapter else parent.label_tokens + found.printed
        else:
            cite = parent.cite + found.cite
            label_tokens = parent.label_tokens + found.printed
        crumb = f"{found.printed}{_separator(found.separator, title)}{title}".strip() if title else found.printed
        node = _Node(
            heading=found,
            locator=locator,
            cite=cite,
            label_tokens=label_tokens,
            crumbs=(*parent.crumbs, crumb),
            title=title,
            heading_line="" if inline else line,
            paragraphs=[line] if inline else [],
            rank=rank,
            names_only=inline and bool(title) and not _carries_text(found),  # 第九条 鼓励企业科技创新 is a sentence
        )
        parent.children.append(node)
        self.stack.append(node)
        self.opened += 1
        return True


OUTER_GROUP, INNER_GROUP = 0.0, 100.0


def _document_ranks(lines: list[str]) -> dict[Style, float]:
    """Per style, the group that decides its nesting in this document.

    Styles used mostly for headings standing alone (一、政策支持, (一)固定资产投资奖励,
    第一章 总则) nest outside styles whose units carry their text on the line (第2条 对…,
    （一）谎称…；), whatever their conventional order: a support policy may put 第N条
    under （一）, a regulation puts （一） under 第N条. Within a group the convention holds.
    """
    standalone: dict[Style, list[bool]] = {}
    in_attachment_list = False
    for line in lines:
        listed = in_attachment_list and is_title_like_item(line)  # 附件：1.…清单 names no heading
        in_attachment_list = is_attachment_list(line) or listed
        found = match_heading(line)
        if found and not listed:
            standalone.setdefault(found.style, []).append(not _carries_text(found) or _introduces(found))
    return {
        style: OUTER_GROUP if sum(flags) * 2 > len(flags) else INNER_GROUP for style, flags in standalone.items()
    }


def _introduces(found: HeadingMatch) -> bool:
    """A short title that ends in a colon ((一)甲类、乙类项目：): a heading over what follows."""
    rest = found.rest
    return len(rest) <= _SHORT_TITLE_CHARS and rest[-1:] in ("：", ":") and not re.search(r"[，。；,;]", rest)


def _carries_text(found: HeadingMatch) -> bool:
    """The line holds text, not just a title (（三）基本原则。 is a title with a full stop)."""
    if found.style in _TITLE_ONLY_STYLES or not found.rest:
        return False
    rest = found.rest
    if rest.endswith("。") and len(rest) <= _SHORT_TITLE_CHARS and not re.search(r"[，、；：。,;:]", rest[:-1]):
        return False
    # a long line is text, unless it has no punctuation at all (a long title, not a sentence)
    long_text = len(rest) > _HEADING_TITLE_CHARS and re.search(r"[，,；;：:。、]", rest) is not None
    return has_inline_body(rest) or rest[-1] in "。；;：:，" or long_text


def _decimal_tops(lines: list[str]) -> set[int]:
    """First numbers of the decimal headings (2 of 2.1): the outline's top level, if any."""
    tops = [
        found.path[0]
        for line in lines
        if (found := match_heading(line)) and found.style is Style.DECIMAL and not _carries_text(found)
    ]
    return set(tops) if len(tops) >= 2 else set()


def _next_decimal_tops(lines: list[str]) -> list[int | None]:
    """For each line, the first number of the next decimal heading after it."""
    out: list[int | None] = [None] * len(lines)
    upcoming: int | None = None
    for position in range(len(lines) - 1, -1, -1):
        out[position] = upcoming
        found = match_heading(lines[position])
        if found and found.style is Style.DECIMAL and len(found.path) > 1:
            upcoming = found.path[0]
    return out


def _emit(node: _Node, doc_id: str, out: list[Element], lead: str | None) -> None:
    assert node.heading is not None or node.kind is not None
    locator = "/".join(node.locator)
    kind = node.kind or _KIND_OF_STYLE[node.heading.style]  # type: ignore[union-attr]
    separator = _separator(node.heading.separator, node.title) if node.heading is not None else ""
    label = f"{node.label_tokens}{separator}{node.title}".strip() if node.title else node.label_tokens
    own_lead = inline_lead("\n".join([node.heading_line, *node.paragraphs])) or lead
    paragraphs = node.paragraphs
    heading_line = node.heading_line
    if not paragraphs and not node.children:  # a heading with no text under it is its own text
        paragraphs, heading_line = [node.heading_line], ""
    if node.names_only and node.children and len(paragraphs) == 1:  # …and one over its items is a heading
        paragraphs, heading_line = [], paragraphs[0]
    if paragraphs:
        text = "\n".join(paragraphs)
        fields = tuple(inline_fields(text))
        out.append(
            Clause(
                doc_id=doc_id,
                locator=locator,
                kind=kind,
                label=label,
                title=node.title,
                breadcrumb=node.crumbs,
                paragraphs=tuple(paragraphs),
                heading=heading_line,
                trailer="\n".join(node.trailer),
                fields=fields,
                lead_unit=own_lead,
                cite=node.cite,
            )
        )
    else:
        out.append(Heading(doc_id, locator, kind, node.crumbs[-1], heading_line, node.cite))
    for child in node.children:
        _emit(child, doc_id, out, own_lead)


def _plain_clause(doc_id: str, locator: str, kind: Kind, lines: list[str], cite: str = "") -> Clause:
    text = "\n".join(lines)
    return Clause(
        doc_id=doc_id,
        locator=locator,
        kind=kind,
        label=locator.rsplit("/", 1)[-1],
        title=locator.rsplit("/", 1)[-1],
        breadcrumb=tuple(locator.split("/")),
        paragraphs=tuple(lines),
        fields=tuple(inline_fields(text)) if kind is Kind.PREAMBLE else (),
        cite=cite or locator.replace("/", "·"),
    )


def _skip_toc(lines: list[str], start: int, end: int) -> int:
    """Index just past a 目录 that repeats the headings of the text after it (start if none)."""
    if start >= end or not is_toc_line(lines[start]):
        return start
    entries = [toc_entry(line) for line in lines[start + 1 : end]]
    if not entries or not entries[0]:
        return start + 1
    first = entries[0]
    for offset, entry in enumerate(entries[1:], start=1):
        if entry == first or (len(first) >= 4 and entry.startswith(first)):
            return start + 1 + offset
    return start + 1


_TOC_MIN_ENTRIES = 4
_ATTACHMENT_ENTRY = re.compile(r"^附\s*件\s*\d{0,2}[\s\u3000]+[^\s，。；：,;:]{2,30}$")


def _unmarked_toc(lines: list[str]) -> int:
    """The end of a run of bare headings opening a body when the text then repeats them from
    its first (1 总则 / 1.1 编制目的 / … / 1 总则 again); 0 when the body opens otherwise."""
    if not lines or not _bare_heading(lines[0]):
        return 0
    entries = [toc_entry(lines[0])]
    for position in range(1, len(lines) - 1):
        if _ATTACHMENT_ENTRY.match(lines[position]):  # 附件 旱情综合指标: the 目录 lists attachments too
            continue
        if not _bare_heading(lines[position]):
            return 0
        entry = toc_entry(lines[position])
        if entry == entries[0]:  # the text begins: it must repeat the first two entries
            repeats = len(entries) > 1 and toc_entry(lines[position + 1]) == entries[1]
            return position if repeats and len(entries) >= _TOC_MIN_ENTRIES else 0
        if entry in entries:
            return 0
        entries.append(entry)
    return 0


def _bare_heading(line: str) -> bool:
    """A numbered heading with a short title and nothing else on its line."""
    found = match_heading(line) or match_bare_decimal(line)
    return found is not None and len(found.rest) <= _HEADING_TITLE_CHARS and not _carries_text(found)


def _read_body(
    doc_id: str,
    lines: list[str],
    prefix: tuple[str, ...],
    preamble: str,
    out: list[Element],
    inserted: tuple[int, list[Element]] = (0, []),
) -> None:
    """The numbered body of lines: its preamble, then its clauses and headings in order.

    `inserted` places elements read elsewhere (a table standing between two parts) before
    the line at that position.
    """
    reader = _BodyReader(lines, prefix)
    upcoming = _next_decimal_tops(lines)
    position = 0
    toc_end = 0
    insert_at, extra = inserted
    nodes_before = None
    unmarked = _unmarked_toc(lines)
    if unmarked:  # headings listed before the text repeats them: a 目录 whose word was lost
        reader.toc, position, toc_end = lines[:unmarked], unmarked, unmarked
    while position < len(lines):
        if position == insert_at and extra:
            nodes_before = reader.opened
        if is_toc_line(lines[position]) and not toc_end:
            toc_end = _skip_toc(lines, position, len(lines))
            reader.toc = lines[position:toc_end]
            position = toc_end
            continue
        reader.feed(position, upcoming[position])
        position += 1
    toc = [Heading(doc_id, "/".join((*prefix, TOC_LOCATOR)), Kind.TOC, TOC_LOCATOR, "\n".join(reader.toc))] if reader.toc else []
    if unmarked:  # the 目录 opened the body: it comes before any text
        out.extend(toc)
    if reader.root.paragraphs:
        cite = "·".join((*prefix, preamble))
        out.append(_plain_clause(doc_id, "/".join((*prefix, preamble)) if prefix else preamble, Kind.PREAMBLE,
                                 reader.root.paragraphs, cite))
    if not unmarked:
        out.extend(toc)
    body_start = len(out)
    for child in reader.root.children:
        _emit(child, doc_id, out, None)
    if extra:
        at = body_start + nodes_before if nodes_before is not None else len(out)
        out[at:at] = extra


def _lines_and_wraps(text: str) -> tuple[list[str], list[bool]]:
    """The non-blank lines of a text, and for each whether it goes on from the line before
    without a blank line between (a cell wrapped inside its block, where a Markdown copy of a
    web table puts a blank line between cells). No line counts as wrapped where splitting
    run-together headings changed the lines."""
    source = text.split("\n")
    kept = [(line, position > 0 and bool(source[position - 1].strip())) for position, line in enumerate(source) if line.strip()]
    joined = join_fragments([line for line, _ in kept])
    if len(joined) != len(kept):
        kept = [(line, False) for line in joined]
    raw = split_lines([line for line, _ in kept])
    if len(raw) != len(kept):
        return raw, [False] * len(raw)
    return raw, [after for _, after in kept]


def _table_block(lines: list[str], raw: list[str], start: int, end: int) -> tuple[int, int] | None:
    """(first title line, header line) of a table in [start, end), or None."""
    header = next((i for i in range(start, end) if is_header_line(raw[i])), None)
    if header is None:
        return None
    if header > start and is_category_column(raw[header - 1]) and len(split_cells(raw[header])) == 1:
        header -= 1  # 任务类型 / 序号 / …: a cell-per-line header led by a category column
    first = header
    while first > start and header - first < _TABLE_TITLE_LINES and is_title_like(lines[first - 1]):
        first -= 1
    return first, header


def parse_document(document: SourceDocument) -> ParsedDocument:
    """Split a document into clauses and headings, in source order."""
    doc_id = document.meta.doc_id
    raw, wrapped = _lines_and_wraps(document.text)
    lines = [line.strip() for line in raw]
    frame = find_opening(lines)
    notice_end, (title_start, title_end) = frame.notice[1], frame.title
    # 附件 over the title of a text that has no notice before it only labels the file it was
    # saved from (the attachment page of a notice); after a notice, the policy comes as 附件1
    # and has no title of its own
    labelled = title_end > title_start + 1 and not notice_end and is_attachment_heading(lines[title_start])
    if title_end > title_start and is_attachment_heading(lines[title_start]) and not labelled:
        title_end = title_start
    attachments = attachment_starts(lines, title_end)
    main_end = attachments[0] if attachments else len(lines)
    main_table = _table_block(lines, raw, title_end, main_end)
    sections = list(zip(attachments, [*attachments[1:], len(lines)], strict=False))
    tables = [_table_block(lines, raw, a + 1, b) for a, b in sections]
    names = [lines[header - 1] if header > first else "" for first, header in (t for t in [main_table, *tables] if t)]
    if main_table and main_table[0] == title_end > title_start:
        names[0] = lines[title_end - 1]  # a table straight after the title is named by it
    roots = table_roots(names)

    elements: list[Element] = []
    if notice_end:
        elements.append(_plain_clause(doc_id, NOTICE_LOCATOR, Kind.NOTICE, lines[:notice_end]))
    if title_end > title_start:
        title = lines[title_start:title_end]
        named = title[1:] if labelled else title
        elements.append(Heading(doc_id, "", Kind.TITLE, "".join(named), "\n".join(title)))

    body_end = main_table[0] if main_table else main_end
    # a table may stand between two parts of the body (…五、… table 六、…): the body goes on after it
    resume = _table_stop(lines, title_end, main_table, main_end) if main_table else main_end
    body_stop = main_end if resume < main_end else body_end
    sign_at = signature_start(lines, resume if resume < main_end else title_end, body_stop)
    table_index = 0
    table_elements: list[Element] = []
    if main_table:
        table_index += 1
        first, header = main_table
        root = roots[table_index - 1]
        table_elements = parse_table(doc_id, lines[first:header], raw[header:resume], root, wrapped=wrapped[header:resume])
    restarts = _policy_restarts(lines, title_end, sign_at) if notice_end and title_end > title_start and resume == main_end else []
    if restarts:  # a notice that issues several policies: each is read as an attachment
        elements.pop()
        bounds = [title_start, *restarts, sign_at]
        for number, (start, end) in enumerate(zip(bounds, bounds[1:], strict=False), start=1):
            stop = _title_end(lines, start, end)
            label = f"附件{number}"
            elements.append(Heading(doc_id, label, Kind.ATTACHMENT, label, "\n".join(lines[start:stop])))
            _read_body(doc_id, lines[stop:end], (label,), PREAMBLE_LOCATOR, elements)
    elif resume < main_end:
        before = lines[title_end:body_end]
        _read_body(doc_id, before + lines[resume:sign_at], (), PREAMBLE_LOCATOR, elements, (len(before), table_elements))
        table_elements = []
    else:
        _read_body(doc_id, lines[title_end:sign_at], (), PREAMBLE_LOCATOR, elements)
    if sign_at < body_stop:
        signature = lines[sign_at:body_stop]
        elements.append(Heading(doc_id, SIGNATURE_LOCATOR, Kind.SIGNATURE, SIGNATURE_LOCATOR, "\n".join(signature)))
    elements.extend(table_elements)

    for number, ((start, end), table) in enumerate(zip(sections, tables, strict=True), start=1):
        label = _attachment_label(lines[start], number)
        if table:
            table_index += 1
            first, header = table
            title_lines = lines[first:header]
            elements.append(Heading(doc_id, label, Kind.ATTACHMENT, label, "\n".join(lines[start:first])))
            root = roots[table_index - 1]
            elements.extend(parse_table(doc_id, title_lines, raw[header:end], root, wrapped=wrapped[header:end]))
            continue
        title_stop = _title_end(lines, start + 1, end)
        elements.append(Heading(doc_id, label, Kind.ATTACHMENT, label, "\n".join(lines[start:title_stop])))
        _read_body(doc_id, lines[title_stop:end], (label,), PREAMBLE_LOCATOR, elements)
    return ParsedDocument(meta=document.meta, elements=tuple(elements))


_OUTER_STYLES = (*LEGAL, Style.PART)


def _table_stop(lines: list[str], body_start: int, table: tuple[int, int], end: int) -> int:
    """Where a table inside the body ends: at the outer heading that continues the body's
    numbering from before the table (六、 after 五、) and not the table's own categories;
    `end` when the table runs to the end."""
    first, header = table
    last: dict[Style, int] = {}
    for line in lines[body_start:first]:  # the body's own sequence, from its first heading
        found = match_heading(line)
        if found and found.style in _OUTER_STYLES and found.number == last.get(found.style, 0) + 1:
            last[found.style] = found.number
    own: dict[Style, int] = {}  # the table's own categories (一、… restarting under its header)
    for position in range(header + 1, end):
        found = match_heading(lines[position])
        if found is None or found.style not in _OUTER_STYLES:
            continue
        if found.number == own.get(found.style, 0) + 1:
            own[found.style] = found.number
        elif found.style in last and found.number == last[found.style] + 1:
            return position
    return end


def _title_end(lines: list[str], start: int, end: int) -> int:
    """Index just past the short title lines that open a section at start."""
    stop = start
    while stop < end and stop - start < _TABLE_TITLE_LINES and is_title_like(lines[stop]):
        stop += 1
    return stop


_GENRE = re.compile(r"(规定|办法|方案|意见|细则|计划|措施|政策|规则|条例|纲要|要点|指南|制度|准则|标准)(（[^）]*）)?$")


def _policy_restarts(lines: list[str], start: int, end: int) -> list[int]:
    """Where a further policy begins in a body: its title, then numbering restarting at 1."""
    restarts = []
    highest: dict[Style, int] = {}
    position = start
    while position < end:
        line = lines[position]
        found = match_heading(line)
        if found:
            highest[found.style] = max(highest.get(found.style, 0), found.number)
        elif is_title_like(line) and _GENRE.search(line) and highest:
            first = position
            while first > start and position - first < _TABLE_TITLE_LINES - 1 and is_title_like(lines[first - 1]):
                first -= 1
            following = next((match_heading(x) for x in lines[position + 1 : position + 6] if match_heading(x)), None)
            if following and following.number == 1 and highest.get(following.style, 0) > 1:
                restarts.append(first)
                highest = {}
        position += 1
    return restarts


def _attachment_label(line: str, ordinal: int) -> str:
    """附件1 for "附件1", "附件 1：" or the n-th bare "附件"."""
    digits = "".join(ch for ch in line if ch.isdigit())
    return f"附件{digits or ordinal}" if is_attachment_heading(line) else f"附件{ordinal}"
