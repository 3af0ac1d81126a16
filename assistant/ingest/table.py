"""Attached tables (清单, 任务分工表 …) in every layout a plain-text export gives them.

Layouts, recognised at the 序号 header:
- a row per line, cells separated by tabs or runs of spaces (what the .docx and .html
  readers write for real tables, and what most copies from a web page give);
- a cell per line, each started by a tab, with untabbed lines continuing the cell above
  (a wrapped cell: "共建长三角一流" / "营商环境");
- a cell per line without tabs: the header tells how many cells a row has.
Columns are mapped by header name (spaced headers such as 主 要 内 容 normalised); rows
are numbered per category (一、…) or straight through; every field is kept. A category may
also stand in a first column of its own (类别 | 序号 | …, the cell repeated down its rows or
left empty under its first): its categories are then numbered 一、二、… in order. In a
cell-per-line table such a first column (任务类型 | 序号 | …) beside category rows of its own
(行动一：…) is a field of each row: its cell, standing once above the rows it spans, goes
with the row after it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from assistant.ingest.document import Clause, Element, Heading, Kind
from assistant.ingest.leads import inline_lead
from assistant.ingest.numbering import Style, int_to_cn, match_heading

HEADER_FIRST_CELL = "序号"
# A first column naming each row's category, before the 序号 column
_CATEGORY_COLUMN = re.compile(r"^(类别|类型|分类|大类|领域|板块|方面|项目类别|指标类别|政策类别|任务类型|任务类别|项目类型|工作类别)$")
_CELL_SPLIT = re.compile(r"\t+|[ \u3000]{2,}")
_LEAD_COLUMN = re.compile(
    r"牵头|责任单位|责任部门|责任主体|负责单位|负责部门|主责|指导部门|实施主体|承办|推进单位|推进部门|实施单位|承担单位|落实单位"
)
# A category row named by an ordinal after a short word: 行动一：…, 专项二、…, 任务三：…
NAMED_ORDINAL = r"(?:(?![一二三四五六七八九十第])[\u4e00-\u9fff]){1,4}([一二三四五六七八九十]{1,3})(?![一二三四五六七八九十\d])"
_NAMED_CATEGORY = re.compile(rf"^{NAMED_ORDINAL}[：:]\s*(\S.{{0,40}})$")
# The end of a unit's name (区规划资源局, 各相关街镇, 市北高新集团): a cell of such names is a lead cell
_UNIT_END = re.compile(r"(局|委|办|室|厅|部|中心|集团|公司|街道|街镇|镇|乡|政府|专班|院|所|会|处|队|站|社)$")
_HELPER_COLUMN = re.compile(r"配合|协同|参与|协办")
_CONTENT_COLUMN = re.compile(r"内容|措施|举措|任务|要求|目标|事项|政策|条件|标准")
_NAME_COLUMN = re.compile(r"名称|事项|项目|任务|类别|领域|指标")
_ROW_NUMBER = re.compile(r"^\d{1,3}$")
_MAX_HEADER_CELLS = 12
_MAX_HEADER_CHARS = 16  # a header cell is a short column name


def compact(text: str) -> str:
    return re.sub(r"[\s\u3000]", "", text)


def split_cells(line: str) -> list[str]:
    """The cells of a row: tab-separated (empty cells kept) or separated by runs of spaces."""
    stripped = line.strip(" \u3000\n")
    if "\t" in stripped.strip("\t"):
        cells = [cell.strip() for cell in stripped.strip("\t").split("\t")]
        while cells and not cells[-1]:
            cells.pop()
        return cells
    return [cell.strip() for cell in _CELL_SPLIT.split(stripped.strip()) if cell.strip()]


def is_category_column(raw_line: str) -> bool:
    """A first column's name standing alone on the line before a cell-per-line 序号 header."""
    return bool(_CATEGORY_COLUMN.match(compact(raw_line)))


def is_header_line(raw_line: str) -> bool:
    """The first line of a table: 序号 alone (a cell per line) or followed by more cells, or
    after a category column (类别 | 序号 | …)."""
    cells = split_cells(raw_line)
    if cells and _category_first(cells):
        cells = cells[1:]
    if not cells or compact(cells[0]) != HEADER_FIRST_CELL:
        return False
    return len(cells) == 1 or all(len(compact(cell)) <= _MAX_HEADER_CHARS for cell in cells)


def starts_table(lines: list[str], position: int) -> bool:
    """Whether a table's header begins at lines[position], or a category column (任务类型)
    standing on its own line just before a cell-per-line header."""
    if is_header_line(lines[position]):
        return True
    following = lines[position + 1] if position + 1 < len(lines) else ""
    return is_category_column(lines[position]) and compact(following) == HEADER_FIRST_CELL


def _category_first(header: list[str]) -> bool:
    return len(header) > 2 and bool(_CATEGORY_COLUMN.match(compact(header[0]))) and compact(header[1]) == HEADER_FIRST_CELL


@dataclass
class _Cell:
    lines: list[str] = field(default_factory=list)
    category: tuple[str, str] | None = None  # (locator token, name) of a category the column gave
    carried: str = ""  # a row's category cell repeating the name above, kept for the source
    leading: str = ""  # a row's own cell of a first column before 序号 (任务类型), standing above its number

    @property
    def first(self) -> str:
        return self.lines[0] if self.lines else ""

    @property
    def joined(self) -> str:
        return "".join(self.lines)


def _cells_per_line(raw_lines: list[str], tabbed: bool, wrapped: Sequence[bool] = ()) -> list[_Cell]:
    """Cells of a table written a cell per line; a cell goes on over the next line where a
    tab opens each cell, or where blank lines part the cells (a cell per block)."""
    # a cell per block: the header's first two cells already stand apart
    blocks = len(wrapped) == len(raw_lines) > 1 and not wrapped[1]
    cells: list[_Cell] = []
    for position, raw in enumerate(raw_lines):
        text = raw.strip()
        if not text:
            continue
        goes_on = not raw.startswith("\t") if tabbed else blocks and wrapped[position]
        if goes_on and not tabbed and (_ROW_NUMBER.match(text) or _category(text)):
            goes_on = False  # a row number or a category opens its own cell, blank line or not
        if goes_on and cells:
            cells[-1].lines.append(text)
        else:
            cells.append(_Cell([text]))
    return cells



def _header_width(cells: list[_Cell]) -> int:
    """How many header cells a cell-per-line table has: up to its first row number."""
    for position, cell in enumerate(cells[: _MAX_HEADER_CELLS + 1]):
        if position and (_ROW_NUMBER.match(cell.first) or _category(cell.first)):
            return position
        if len(compact(cell.joined)) > _MAX_HEADER_CHARS and not _long_column_name(cell.joined):
            return position
    return 1


# a longer column name still ends in what it names (年度重点推进的甲类区域名称); not 单位 or 部门,
# which end the values of a lead column too (各区人民政府、市有关部门)
_COLUMN_END = re.compile(r"(名称|范围|时限|时间|地址|地点|金额|备注|说明|类型|类别|依据|进度|指标|事项)$")


def _long_column_name(text: str) -> bool:
    name = compact(text)
    return len(name) <= 2 * _MAX_HEADER_CHARS and _COLUMN_END.search(name) is not None


_OTHER_COLUMN = re.compile(r"单位|部门|时限|时间|备注|说明|序号|类型|类别|依据|进度|金额|标准")


def _is_column_name(text: str) -> bool:
    name = compact(text)
    return any(p.search(name) for p in (_LEAD_COLUMN, _HELPER_COLUMN, _CONTENT_COLUMN, _NAME_COLUMN, _OTHER_COLUMN))


def _category(text: str) -> str | None:
    """The locator token of a category row (一、重大战略任务), or None."""
    found = match_heading(text)
    if found is None:  # 行动一：再造发展新极行动
        named = _NAMED_CATEGORY.match(text)
        return named.group(1) if named else None
    if found.style is not Style.PART or not found.rest or len(found.rest) > 30:
        return None
    return found.locator_tokens[0]


@dataclass(frozen=True)
class Columns:
    """Which column plays which role, by header name."""

    names: tuple[str, ...]
    content: int
    lead: int | None
    name: int | None

    @classmethod
    def of(cls, header: list[str]) -> Columns:
        names = tuple(compact(cell) for cell in header)
        lead = next((i for i, n in enumerate(names) if _LEAD_COLUMN.search(n) and not _HELPER_COLUMN.search(n)), None)
        taken = {0, lead}
        content = next((i for i, n in enumerate(names) if i not in taken and "内容" in n), None)
        if content is None:
            candidates = [i for i, n in enumerate(names) if i not in taken and _CONTENT_COLUMN.search(n)]
            content = candidates[-1] if candidates else None
        if content is None:
            others = [i for i in range(1, len(names)) if i not in taken]
            content = max(others, default=0)
        name = next(
            (i for i, n in enumerate(names) if i not in (0, lead, content) and _NAME_COLUMN.search(n)),
            next((i for i in range(1, content) if i != lead), None),
        )
        return cls(names, content, lead, name)


class TableBuilder:
    """Turns the cells of one table into a table heading, category headings and row clauses."""

    def __init__(self, doc_id: str, root: str, title_lines: list[str], prefix: str = "") -> None:
        self.doc_id = doc_id
        self.root = f"{prefix}{root}"
        self.cite_root = self.root.replace("/", "·")
        self.name = title_lines[-1] if title_lines else root
        self.title_lines = title_lines
        self.leading_name = ""  # the name of a first column before 序号, when its cells are row fields
        self.lead_above = ""  # the lead cell of the last row that had one, in the current category
        self.elements: list[Element] = []

    def build(self, raw_lines: list[str], wrapped: Sequence[bool] = ()) -> list[Element]:
        first = next(line for line in raw_lines if line.strip())
        rows_by_line = len(split_cells(first)) > 1
        if rows_by_line:
            header_cells = split_cells(first)
            body = [_Cell(split_cells(line)) for line in raw_lines[raw_lines.index(first) + 1 :] if line.strip()]
            header = [_Cell([c]) for c in header_cells]
            if _category_first(header_cells):
                header = [_Cell([f"{header_cells[0]}\n{header_cells[1]}"]), *header[2:]]
                body = _categories_from_column(body)
            return self._assemble([header], body, by_line=True)
        tabbed = any(line.startswith("\t") for line in raw_lines)
        cells = _cells_per_line(raw_lines, tabbed, wrapped)
        width = _header_width(cells)
        if width > 3 and _category_first([cell.joined for cell in cells[:width]]) and not _is_column_name(cells[width - 1].joined):
            width -= 1  # 任务类型 / 序号 / … / 旧区改造 / 1: the first row's own leading cell, not a column
        header, body = cells[:width], cells[width:]
        if _category_first([cell.joined for cell in header]):
            self.leading_name = compact(header[0].joined)
            lead_last = Columns.of([cell.joined for cell in header[1:]]).lead == width - 2
            body = _leading_cells(body, width - 2, lead_last)
            header = [_Cell([*header[0].lines, *header[1].lines]), *header[2:]]
        return self._assemble([header], body, by_line=False)

    def _assemble(self, header_rows: list[list[_Cell]], body: list[_Cell], by_line: bool) -> list[Element]:
        header = [cell.joined for cell in header_rows[0]]
        columns = Columns.of(header)
        header_source = "\n".join([*self.title_lines, *(line for cell in header_rows[0] for line in cell.lines)])
        pending: Heading | None = Heading(self.doc_id, self.root, Kind.TABLE, self.name, header_source, self.cite_root)
        category: tuple[str, str] | None = None  # (locator token, label)
        local, global_last = 0, 0
        row: list[_Cell] = []
        used: set[str] = set()

        leading = ""  # the leading-column value of the rows, carried down a merged cell

        def flush() -> None:
            if row:
                self._add_row(row, columns, category, by_line, used, leading)

        for unit in body:
            cells = unit.lines if by_line else [unit.first]
            head = cells[0] if cells else ""
            filled = [cell for cell in cells if cell]
            token = _category(head) if (not by_line or len(filled) <= 2) and not _ROW_NUMBER.match(head) else None
            if unit.category is not None:
                token, filled = unit.category[0], [unit.category[1]]
            number = int(head) if _ROW_NUMBER.match(head) else None
            starts_row = number is not None and (number in (local + 1, global_last + 1) or not row)
            if not by_line:
                starts_row = starts_row and len(unit.lines) == 1
            if token and (by_line or len(unit.lines) == 1):
                flush()
                row = []
                if pending:
                    self.elements.append(pending)
                category, local, leading = (token, " ".join(filled) if by_line or unit.category else unit.first), 0, ""
                self.lead_above = ""
                pending = Heading(
                    self.doc_id, f"{self.root}/{token}", Kind.CATEGORY, category[1],
                    "\n".join(filled), f"{self.cite_root}·{token}",
                )
            elif starts_row and number is not None:
                flush()
                if pending:
                    self.elements.append(pending)
                    pending = None
                local, global_last = number, number
                row = [_Cell([c]) for c in cells] if by_line else [unit]
                row[0].carried = unit.carried
                leading = unit.leading or leading
            elif row:
                if by_line:  # a wrapped row continues its content cell
                    row.append(_Cell(["\n".join(cells)]))
                else:
                    row.append(unit)
            elif pending:  # text between a heading and its first row stays with the heading
                pending = Heading(
                    pending.doc_id, pending.locator, pending.kind, pending.label,
                    "\n".join([pending.source, *(cells if by_line else unit.lines)]), pending.cite,
                )
        flush()
        if pending:
            self.elements.append(pending)
        return self.elements

    def _add_row(
        self,
        cells: list[_Cell],
        columns: Columns,
        category: tuple[str, str] | None,
        by_line: bool,
        used: set[str],
        leading: str = "",
    ) -> None:
        number = cells[0].first
        width = len(columns.names)
        values = [_Cell(list(cell.lines)) for cell in cells[:width]]
        content = min(columns.content, len(values) - 1)
        for extra in cells[width:]:  # stray or wrapped cells follow the row's last cell, in source order
            values[-1].lines.extend(extra.lines)
        joined = [cell.joined for cell in values]
        name = joined[columns.name] if columns.name is not None and columns.name < len(values) else ""
        lead = joined[columns.lead] if columns.lead is not None and columns.lead < len(values) else None
        fields = tuple(
            (columns.names[i], "\n".join(values[i].lines) if i == content else joined[i]) for i in range(1, len(values))
        )
        if self.leading_name and leading:
            fields = ((self.leading_name, leading), *fields)
        content_lines = values[content].lines if content else []
        lead = lead or inline_lead("\n".join(content_lines))
        if lead and columns.lead is not None and columns.lead < len(values) and joined[columns.lead]:
            self.lead_above = lead
        elif not lead and self.lead_above and columns.lead is not None and columns.lead >= len(values):
            # a merged lead cell is written once, on the first row it spans: the rows
            # below it in the same category, with no lead of their own, share it
            lead = self.lead_above
            fields = (*(f for f in fields if f[0] != columns.names[columns.lead]), (columns.names[columns.lead], lead))
        crumb = f"{number}. {name}".strip()
        breadcrumb = (self.name, category[1], crumb) if category else (self.name, crumb)
        locator = f"{self.root}/{category[0]}/{number}" if category else f"{self.root}/{number}"
        if locator in used:
            return self._merge_into_last(values)
        used.add(locator)
        before = [line for cell in values[:content] for line in cell.lines] if content else [values[0].first]
        before = [cells[0].carried, *before] if cells[0].carried else before
        before = [cells[0].leading, *before] if cells[0].leading else before
        after = [line for cell in values[content + 1 :] for line in cell.lines]
        cite = "·".join([self.cite_root, *locator[len(self.root) + 1 :].split("/")])
        self.elements.append(
            Clause(
                doc_id=self.doc_id,
                locator=locator,
                kind=Kind.ROW,
                label=" ".join(breadcrumb),
                title=name,
                breadcrumb=breadcrumb,
                paragraphs=tuple(content_lines) or (" ".join(joined[1:]),),
                heading="\n".join(before) if content_lines else number,
                trailer="\n".join(after) if content_lines else "",
                fields=fields,
                lead_unit=lead or None,
                cite=cite,
            )
        )

    def _merge_into_last(self, values: list[_Cell]) -> None:
        """A repeated row number cannot open a second clause: its text joins the row before."""
        last = self.elements[-1]
        extra = "\n".join(line for cell in values for line in cell.lines)
        if isinstance(last, Clause):
            self.elements[-1] = Clause(**{**last.__dict__, "trailer": "\n".join(p for p in (last.trailer, extra) if p)})
        else:
            self.elements[-1] = Heading(last.doc_id, last.locator, last.kind, last.label, f"{last.source}\n{extra}", last.cite)


def _categories_from_column(body: list[_Cell]) -> list[_Cell]:
    """Rows whose first cell names their category: a category unit wherever the name changes,
    then each row without that cell. An empty cell keeps the category above (a merged cell
    as text exports write it); a row that is not numbered continues the row above."""
    out: list[_Cell] = []
    current = ""
    for unit in body:
        if len(unit.lines) < 2 or not _ROW_NUMBER.match(unit.lines[1]):
            out.append(unit)
            continue
        name = unit.lines[0] or current
        carried = unit.lines[0]
        if name != current:
            current, carried = name, ""
            count = sum(1 for cell in out if cell.category is not None)
            out.append(_Cell([name], (int_to_cn(count + 1), name)))
        out.append(_Cell(unit.lines[1:], carried=carried))
    return out


def _leading_cells(body: list[_Cell], after: int, lead_last: bool) -> list[_Cell]:
    """Cell-per-line rows under a header with a first column before 序号: that column's cell
    stands once above the rows it spans (旧区改造 / 4 / 全面完成… / 区房管局…). A cell before a
    row number goes with that row when it follows a category row, when the row above already
    has its `after` cells, or when it names no unit where the row above lacks only its lead
    cell; the row number carries it as `leading`."""
    body = list(body)
    out: list[_Cell] = []
    since_number: int | None = None  # cells after the last row number, None before any row
    for position, unit in enumerate(body):
        is_number = bool(_ROW_NUMBER.match(unit.first)) and len(unit.lines) == 1
        next_is_number = position + 1 < len(body) and bool(_ROW_NUMBER.match(body[position + 1].first))
        if is_number:
            since_number = 0
        elif _category(unit.first) and len(unit.lines) == 1:
            since_number = None
        elif next_is_number and _leads_next(unit, since_number, after, lead_last):
            body[position + 1] = _Cell(list(body[position + 1].lines), leading="\n".join(unit.lines))
            continue
        elif since_number is not None:
            since_number += 1
        out.append(body[position])
    return out


def _leads_next(unit: _Cell, since_number: int | None, after: int, lead_last: bool) -> bool:
    if since_number is None:
        return True
    if since_number >= after or since_number == after - 1 and since_number > 0 and lead_last:
        return not (lead_last and _names_units(unit.joined))  # 区规划局 after a wrapped content cell
    return False


def _names_units(text: str) -> bool:
    return any(_UNIT_END.search(part) for part in re.split(r"[、，,；;\s]+", text) if part)


def table_roots(names: Sequence[str]) -> list[str]:
    """The root locator of each of a document's tables, by name: 清单 for the one whose name
    ends in 清单, 附表 for another; several others are numbered among themselves (附表1, 附表2)."""
    listed = [TRAILING_PARENS.sub("", name).endswith("清单") for name in names]
    if sum(listed) > 1:  # two 清单: every table numbered
        return [f"附表{i}" for i in range(1, len(names) + 1)]
    others = len(names) - sum(listed)
    roots, number = [], 0
    for is_list in listed:
        number += not is_list
        roots.append("清单" if is_list else "附表" if others == 1 else f"附表{number}")
    return roots


TRAILING_PARENS = re.compile(r"[（(][^（）()]*[）)]$")  # …清单（2023-2025年）: an aside after a name


def parse_table(
    doc_id: str, title_lines: list[str], raw_lines: list[str], root: str = "", prefix: str = "", wrapped: Sequence[bool] = ()
) -> list[Element]:
    """Elements of a table whose first line is its 序号 header; `wrapped` says which lines go
    on from the line before without a blank line between."""
    name = title_lines[-1] if title_lines else ""
    return TableBuilder(doc_id, root or table_roots([name])[0], title_lines, prefix).build(raw_lines, wrapped)
