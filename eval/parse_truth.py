"""Parse truth: how a real document must be parsed, checked against the parser.

Each `truth/<doc_id>.toml` of a corpus folder lists every clause locator in order, the
numbered headings, and sample clauses with their label, a phrase of their text and their
lead unit. `python -m eval.parse_truth [CORPUS_DIR ...]` prints one JSON line per document.
"""

from __future__ import annotations

import json
import sys
import tomllib
from dataclasses import asdict, dataclass, field
from pathlib import Path

from assistant.ingest.corpus import load_corpus
from assistant.ingest.document import Clause, Heading, ParsedDocument, non_blank, render
from assistant.ingest.parse import parse_document

REAL_DOCS = Path(__file__).parent / "realdocs"
HELD_OUT = Path(__file__).parent / "realdocs-heldout"
FRESH = Path(__file__).parent / "realdocs-fresh"  # a third hand's set, collected after the rest was built
FINAL = Path(__file__).parent / "realdocs-final"  # a fourth set, its answers run once, at the end
BLIND = Path(__file__).parent / "realdocs-blind"  # decimal plans, a table notice: answers never read
BLIND2 = Path(__file__).parent / "realdocs-blind2"  # inline lead units, a support policy: answers never read
BLIND3 = Path(__file__).parent / "realdocs-blind3"  # a ministry rule with items and 款: answers never read
BLIND4 = Path(__file__).parent / "realdocs-blind4"  # gov.cn pages as stored, read by the HTML reader
BLIND5 = Path(__file__).parent / "realdocs-blind5"  # a decimal 预案, a support policy, a notice without 文号
BLIND6 = Path(__file__).parent / "realdocs-blind6"  # a district page (.html), a 章/条 regulation (.md), a decimal 预案
BLIND7 = Path(__file__).parent / "realdocs-blind7"  # 行动方案 with （责任单位：…）, 若干措施 with 万元, a notice carrying a 方案 (.md)
BLIND8 = Path(__file__).parent / "realdocs-blind8"  # a bureau 管理办法 by 章/条, a 公告 with a. b. points (.html), a 通告 (.html)
BLIND9 = Path(__file__).parent / "realdocs-blind9"  # （责任单位：…） paragraphs, a notice with a 序号 task table (.md), a ministry 规则
BLIND11 = Path(__file__).parent / "realdocs-blind11"  # a decimal 预案 (.txt), 若干措施 with （责任单位：…） (.md), a short support notice
BLIND12 = Path(__file__).parent / "realdocs-blind12"  # a 扶持办法 by 条 (.md), a city 条例 by 章/节/条, a notice-plan with inline （牵头部门：…）
BLIND13 = Path(__file__).parent / "realdocs-blind13"  # 若干措施 with （责任单位：…） and 万元, a 镇 管理办法 by 章/条 with (一) items (.md), a notice-plan
BLIND14 = Path(__file__).parent / "realdocs-blind14"  # a 令 by 章/条, a notice with two 序号 tables of 万元, a notice-plan (numbers on lines of their own)
BLIND15 = Path(__file__).parent / "realdocs-blind15"  # a support 操作办法 by 第X条（…）, a plan with （牵头部门：…）, a 管理办法 by 章/条
BLIND16 = Path(__file__).parent / "realdocs-blind16"  # a notice-plan with （牵头单位：…，支撑单位：…）, a notice with a cell-per-block table, an opinion
BLIND17 = Path(__file__).parent / "realdocs-blind17"  # 若干措施 with items restarting per section, a 条例 in Markdown with inline HTML, a notice-plan with three tables
BLIND18 = Path(__file__).parent / "realdocs-blind18"  # a notice with a cell-per-block task table, a decimal 预案 with numbers against titles, a 工作方案 with （责任单位：…）
BLIND10 = Path(__file__).parent / "realdocs-blind10"  # a 申报指南 with 万元 caps, a 资金管理办法 by 章/条, a 实施方案 with tables (.md)


@dataclass
class TruthReport:
    doc_id: str
    clauses_expected: int
    clauses_parsed: int
    missing: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)
    order_ok: bool = True
    headings_missing: list[str] = field(default_factory=list)
    sample_errors: list[str] = field(default_factory=list)
    reassembles: bool = True

    @property
    def exact(self) -> bool:
        return not (self.missing or self.unexpected or self.headings_missing or self.sample_errors) and (
            self.order_ok and self.reassembles
        )


def _label_matches(expected: str, actual: str) -> bool:
    """Labels agree when one is the other up to the title the truth may leave out."""
    squeeze = lambda text: non_blank(text).rstrip("。")  # noqa: E731
    return squeeze(actual).startswith(squeeze(expected)) or squeeze(expected).startswith(squeeze(actual))


def check(document: ParsedDocument, truth: dict, source_text: str) -> TruthReport:
    parsed = [c.locator for c in document.clauses]
    expected = list(truth["clauses"])
    report = TruthReport(document.meta.doc_id, len(expected), len(parsed))
    report.missing = [loc for loc in expected if loc not in parsed]
    report.unexpected = [loc for loc in parsed if loc not in expected]
    common = [loc for loc in parsed if loc in expected]
    report.order_ok = common == [loc for loc in expected if loc in parsed]
    headings = {e.locator for e in document.elements if isinstance(e, Heading)}
    report.headings_missing = [loc for loc in truth.get("headings", []) if loc not in headings]
    by_locator = {c.locator: c for c in document.clauses}
    for sample in truth.get("samples", []):
        clause: Clause | None = by_locator.get(sample["locator"])
        if clause is None:
            report.sample_errors.append(f"{sample['locator']}: no such clause")
            continue
        own = clause.breadcrumb[-1] if clause.breadcrumb else clause.label
        if "label" in sample and not any(_label_matches(sample["label"], x) for x in (clause.label, own)):
            report.sample_errors.append(f"{sample['locator']}: label {clause.label!r} != {sample['label']!r}")
        whole = "\n".join((clause.heading, clause.text, clause.trailer))  # a table row's cells around its content
        if "contains" in sample and non_blank(sample["contains"]) not in non_blank(whole):
            report.sample_errors.append(f"{sample['locator']}: text lacks {sample['contains']!r}")
        if sample.get("lead_unit") and non_blank(sample["lead_unit"]) not in non_blank(clause.lead_unit or ""):
            report.sample_errors.append(f"{sample['locator']}: lead {clause.lead_unit!r} != {sample['lead_unit']!r}")
    report.reassembles = non_blank(render(document)) == non_blank(source_text)
    return report


def check_corpus(corpus_dir: Path) -> list[TruthReport]:
    reports = []
    for source in load_corpus(corpus_dir):
        truth_path = corpus_dir / "truth" / f"{source.meta.doc_id}.toml"
        truth = tomllib.loads(truth_path.read_text(encoding="utf-8"))
        reports.append(check(parse_document(source), truth, source.text))
    return reports


def main(argv: list[str]) -> int:
    folders = [Path(arg) for arg in argv] or [REAL_DOCS]
    exact = total = 0
    for folder in folders:
        for report in check_corpus(folder):
            total += 1
            exact += report.exact
            print(json.dumps({**asdict(report), "exact": report.exact}, ensure_ascii=False))
    print(json.dumps({"documents": total, "exact": exact}))
    return 0 if exact == total else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
