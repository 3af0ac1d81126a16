"""Policy-fit results as a Markdown report an enterprise can keep, and as JSON."""

from __future__ import annotations

from dataclasses import asdict
from itertools import groupby

from assistant.fit import FitMatch, FitResult

LEVEL_ORDER = {"高": 0, "中": 1, "低": 2}


def fit_to_json(result: FitResult) -> dict[str, object]:
    """The stable JSON shape of POST /api/fit and `policyqa fit --json`."""
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
                "support": list(match.support),
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


def fit_to_markdown(result: FitResult, title: str) -> str:
    terms = result.terms
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
            if match.lead_unit:
                lines.append(f"- 牵头单位：{match.lead_unit}")
            if match.reasons:
                why = "；".join(f"{r.term}（{'、'.join(r.words)}）" for r in match.reasons)
                lines.append(f"- 匹配原因：{why}")
            for label, items in (("支持内容", match.support), ("条件", match.conditions)):
                if items:
                    lines.append(f"- {label}：{' '.join(items)}")
            if match.related:
                lines.append(
                    "- 相关重大项目：" + "；".join(f"{r.label}（{r.lead_unit}）" for r in match.related)
                )
            quote = match.excerpt if match.excerpt == match.text else f"……{match.excerpt}……"
            lines += ["", "> " + quote.replace("\n", "\n> ")]
    return "\n".join(lines) + "\n"
