"""The attached table (重大事项清单 and the like) in its plain-text form.

In the text files a cell starts on a line that begins with a tab; a line without a
leading tab continues the cell above it, because long cells wrap ("共建长三角一流" /
"营商环境", "市发展" / "改革委"). Rows begin with their number, categories with 一、.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from assistant.document import Clause, Element, Heading
from assistant.numbering import Level, match_heading

HEADER_FIRST_CELL = "序号"
_LEAD_COLUMN = re.compile(r"牵头|责任|单位|部门")
_CONTENT_COLUMN = re.compile(r"内容|任务|举措|措施")
_ROW_NUMBER = re.compile(r"^\d{1,3}$")


@dataclass
class _Cell:
    lines: list[str] = field(default_factory=list)

    @property
    def first(self) -> str:
        return self.lines[0] if self.lines else ""


def is_header_line(raw_line: str) -> bool:
    """The first line of a table: a tab-started cell reading 序号."""
    return raw_line.startswith("\t") and raw_line.strip() == HEADER_FIRST_CELL


def _cells(raw_lines: list[str]) -> list[_Cell]:
    cells: list[_Cell] = []
    for raw in raw_lines:
        text = raw.strip()
        if not text:
            continue
        if raw.startswith("\t") or not cells:
            cells.append(_Cell([text]))
        else:
            cells[-1].lines.append(text)
    return cells


def _column_roles(header: list[str]) -> tuple[int, int | None]:
    """Which column holds the content (kept line by line) and which the lead unit."""
    lead = next((i for i, name in enumerate(header) if _LEAD_COLUMN.search(name)), None)
    content = next(
        (i for i, name in enumerate(header) if i != lead and "内容" in name),
        next(
            (i for i, name in enumerate(header) if i not in (0, lead) and _CONTENT_COLUMN.search(name)), None
        ),
    )
    return (content if content is not None else len(header) - 1 - (lead == len(header) - 1)), lead


class _TableBuilder:
    def __init__(self, doc_id: str, title_lines: list[str], cells: list[_Cell]) -> None:
        self.doc_id = doc_id
        self.name = title_lines[-1] if title_lines else "附表"
        self.root = "清单" if self.name.endswith("清单") else "附表"
        self.title_lines = title_lines
        self.cells = cells
        self.elements: list[Element] = []

    def build(self) -> list[Element]:
        header_end = next(
            (i for i, cell in enumerate(self.cells) if self._category(cell) or _ROW_NUMBER.match(cell.first)),
            len(self.cells),
        )
        header = ["".join(cell.lines) for cell in self.cells[:header_end]]
        content_col, lead_col = _column_roles(header)
        pending: Heading | None = Heading(
            self.doc_id, self.root, "table", self.name, "\n".join([*self.title_lines, *header])
        )
        category: tuple[str, str] | None = None  # (locator, label)
        row: list[_Cell] = []
        expected = 1
        for cell in self.cells[header_end:]:
            found = self._category(cell)
            starts_row = len(cell.lines) == 1 and cell.first == str(expected)
            if (found or starts_row) and row:
                self._add_row(row, header, content_col, lead_col, category)
                row = []
            if found:
                if pending:
                    self.elements.append(pending)
                category, expected = found, 1
                pending = Heading(self.doc_id, found[0], "category", found[1], cell.first)
            elif starts_row:
                if pending:
                    self.elements.append(pending)
                    pending = None
                row, expected = [cell], expected + 1
            elif row:
                row.append(cell)
            elif pending:  # text between a heading and its first row stays with the heading
                pending = replace(pending, source="\n".join([pending.source, *cell.lines]))
        if row:
            self._add_row(row, header, content_col, lead_col, category)
        if pending:
            self.elements.append(pending)
        return self.elements

    def _category(self, cell: _Cell | None) -> tuple[str, str] | None:
        if cell is None or len(cell.lines) != 1:
            return None
        found = match_heading(cell.first)
        if found is None or found.level is not Level.PART or len(found.rest) > 30:
            return None
        return f"{self.root}/{found.locator_token}", cell.first

    def _add_row(
        self,
        cells: list[_Cell],
        header: list[str],
        content_col: int,
        lead_col: int | None,
        category: tuple[str, str] | None,
    ) -> None:
        number = cells[0].first
        values = cells[: len(header)]
        if len(cells) > len(header):  # stray extra cells are kept with the content
            values[content_col].lines.extend(line for cell in cells[len(header) :] for line in cell.lines)
        joined = ["".join(cell.lines) for cell in values]
        name_col = next((i for i in range(1, len(values)) if i not in (content_col, lead_col)), None)
        name = joined[name_col] if name_col is not None else ""
        lead = joined[lead_col] if lead_col is not None and lead_col < len(values) else None
        content_lines = values[content_col].lines if content_col < len(values) else []
        fields = tuple(
            (header[i], "\n".join(values[i].lines) if i == content_col else joined[i])
            for i in range(1, len(values))
        )
        crumb = f"{number}. {name}".strip()
        breadcrumb = (self.name, category[1], crumb) if category else (self.name, crumb)
        locator = f"{category[0] if category else self.root}/{number}"
        before = [line for cell in values[: min(content_col, len(values))] for line in cell.lines]
        after = [line for cell in values[content_col + 1 :] for line in cell.lines]
        self.elements.append(
            Clause(
                doc_id=self.doc_id,
                locator=locator,
                kind="row",
                label=" ".join(breadcrumb),
                title=name,
                breadcrumb=breadcrumb,
                paragraphs=tuple(content_lines),
                heading="\n".join(before),
                trailer="\n".join(after),
                fields=fields,
                lead_unit=lead or None,
            )
        )


def parse_table(doc_id: str, title_lines: list[str], raw_lines: list[str]) -> list[Element]:
    """Elements of a table whose first line is its 序号 header cell."""
    return _TableBuilder(doc_id, title_lines, _cells(raw_lines)).build()
