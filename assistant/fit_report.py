"""Policy-fit results as a Markdown report an enterprise can keep, and as JSON."""

from __future__ import annotations

from dataclasses import asdict
from itertools import groupby

from assistant.fit import FitMatch, FitResult
from assistant.support import SupportMeasure

LEVEL_ORDER = {"高": 0, "中": 1, "低": 2}


def support_to_json(measure: SupportMeasure) -> dict[str, object]:
    """One support measure: text, form, amount, max_amount_wan, rate, basis, conditions."""
    return asdict(measure) | {"conditions": list(measure.conditions)}


def fit_to_json(result: FitResult) -> dict[str, object]:
    """The stable JSON shape of POST /api/fit and `policyqa fit --json`.

    Returns:
        {"profile": str,
         "profile_terms": {"districts": [str], "industries": [str], "needs": [str]},
         "matches": [{
             "doc_id": str, "document_title": str, "locator": str, "label": str,
             "marker": str, "text": str, "score": float, "level": "高" | "中" | "低",
             "theme": str, "lead_unit": str | null, "excerpt": str,
             "reasons": [{"kind": "district" | "industry" | "need", "term": str, "words": [str]}],
             "support": [{"text": str, "form": str, "amount": str,
                          "max_amount_wan": float | null, "rate": str, "basis": str,
                          "conditions": [str]}],
             "conditions": [str],
             "related": [{"locator": str, "label": str, "lead_unit": str | null}]}],
         "summary": str}

        `support` holds what the clause grants (amount as written, its largest sum in 万元,
        rate and its base, form, who qualifies); `conditions` the clause's sentences that
        state conditions. Keys are only ever added, never renamed or removed.
    """
    return {
        "profile": result.profile,
        "profile_terms": {
            "districts": list(result.terms.districts),
            "industries": list(result.terms.industries),
            "needs": list(result.terms.needs),
        },
        "matches": [
            {
                **{
                    k: v
                    for k, v in asdict(match).items()
                    if k not in ("reasons", "related", "support", "conditions")
                },
                "marker": match.marker,
                "reasons": [asdict(r) | {"words": list(r.words)} for r in match.reasons],
                "support": [support_to_json(m) for m in match.support],
                "conditions": list(match.conditions),
                "related": [asdict(row) for row in match.related],
            }
            for match in result.matches
        ],
        "summary": result.summary,
    }


def grouped(matches: tuple[FitMatch, ...]) -> list[tuple[str, list[FitMatch]]]:
    """Matches grouped by theme, themes in order of their best match."""
    order: dict[str, int] = {}
    for position, match in enumerate(matches):
        order.setdefault(match.theme, position)
    ordered = sorted(matches, key=lambda m: (order[m.theme], LEVEL_ORDER[m.level], -m.score))
    return [(theme, list(items)) for theme, items in groupby(ordered, key=lambda m: m.theme)]


def _support_line(measure: SupportMeasure) -> str:
    figures = [measure.amount, f"按{measure.basis}的{measure.rate}" if measure.basis else measure.rate]
    said = "；".join(f for f in figures if f)
    return f"  - 【{measure.form}】{said + '：' if said else ''}{measure.text}"


def fit_to_markdown(result: FitResult, title: str) -> str:
    """A report grouped by theme; each match names its document when several are involved."""
    terms = result.terms
    several = len({m.doc_id for m in result.matches}) > 1
    lines = [
        "# 政策匹配报告",
        "",
        f"- 企业描述：{result.profile}",
        f"- 识别出的区县：{'、'.join(terms.districts) or '（无）'}",
        f"- 识别出的产业：{'、'.join(terms.industries) or '（无）'}",
        f"- 识别出的需求：{'、'.join(terms.needs) or '（无）'}",
        f"- 依据文件：《{title}》",
        "",
        result.summary,
    ]
    for theme, matches in grouped(result.matches):
        lines += ["", f"## {theme}"]
        for match in matches:
            lines += ["", f"### 【{match.level}】{match.label} {match.marker}", ""]
            if several:
                lines.append(f"- 文件：《{match.document_title or match.doc_id}》")
            if match.lead_unit:
                lines.append(f"- 牵头单位：{match.lead_unit}")
            if match.reasons:
                why = "；".join(f"{r.term}（{'、'.join(r.words)}）" for r in match.reasons)
                lines.append(f"- 匹配原因：{why}")
            if match.support:
                lines += ["- 支持内容：", *(_support_line(m) for m in match.support)]
            if match.conditions:
                lines.append(f"- 条件：{' '.join(match.conditions)}")
            if match.related:
                lines.append(
                    "- 相关重大项目：" + "；".join(f"{r.label}（{r.lead_unit}）" for r in match.related)
                )
            quote = match.excerpt if match.excerpt == match.text else f"……{match.excerpt}……"
            lines += ["", "> " + quote.replace("\n", "\n> ")]
    return "\n".join(lines) + "\n"
