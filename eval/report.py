"""Evaluation reports: Markdown, a PNG chart and a diff against the committed baseline."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

REPORTS_DIR = Path(__file__).parent / "reports"
BASELINE = REPORTS_DIR / "baseline.json"
LOWER_IS_BETTER = ("latency", "wrong_abstention", "p50", "p95")
TOLERANCE = 0.01


def flatten(data: Any, prefix: str = "") -> dict[str, float]:
    """Numeric leaves of a nested report, keyed by dotted path."""
    out: dict[str, float] = {}
    if isinstance(data, dict):
        for key, value in data.items():
            out |= flatten(value, f"{prefix}{key}.")
    elif isinstance(data, int | float) and not isinstance(data, bool):
        out[prefix.rstrip(".")] = float(data)
    return out


def diff(current: dict[str, Any], baseline: dict[str, Any]) -> list[dict[str, Any]]:
    """Metric changes against the baseline; regressions are worse by more than the tolerance."""
    now, before = flatten(current), flatten(baseline)
    changes = []
    for key in sorted(now.keys() & before.keys()):
        if "latency" in key or key.endswith(("items", "questions", "profiles")):
            continue
        delta = now[key] - before[key]
        worse = delta > TOLERANCE if any(word in key for word in LOWER_IS_BETTER) else delta < -TOLERANCE
        if abs(delta) > 1e-9:
            changes.append(
                {"metric": key, "baseline": before[key], "now": now[key], "delta": delta, "regression": worse}
            )
    return changes


def _row(cells: list[Any]) -> str:
    return "| " + " | ".join(f"{c:.3f}" if isinstance(c, float) else str(c) for c in cells) + " |"


def markdown(report: dict[str, Any], changes: list[dict[str, Any]] | None) -> str:
    ranking, answers = report["ranking"], report["answers"]
    lines = [
        "# policyqa evaluation report",
        "",
        f"Generated {report['generated_at']} on {report['machine']}. Gold set: {report['gold']['items']} items "
        f"({', '.join(f'{k} {v}' for k, v in report['gold']['by_type'].items())}); "
        f"{ranking['questions']} of them judged on ranking alone.",
        "",
        "## Retrieval (ranx)",
        "",
        "| configuration | hit@1 | hit@5 | MRR@10 | recall@10 | search p50 ms | p95 ms |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, config in ranking["configs"].items():
        o = config["overall"]
        lat = config["latency_ms"]
        lines.append(
            _row(
                [name, o["hit_rate@1"], o["hit_rate@5"], o["mrr@10"], o["recall@10"], lat["p50"], lat["p95"]]
            )
        )
    lines += [
        "",
        "Per question type (hybrid):",
        "",
        "| type | hit@1 | hit@5 | MRR@10 | recall@10 |",
        "|---|---|---|---|---|",
    ]
    for kind, o in ranking["configs"].get("hybrid", {}).get("by_type", {}).items():
        lines.append(_row([kind, o["hit_rate@1"], o["hit_rate@5"], o["mrr@10"], o["recall@10"]]))
    lines += ["", "Paired t-test p-values on MRR@10 / hit@1 (ranx.compare):", ""]
    for name, others in ranking["p_values"].items():
        for other, pvalues in others.items():
            if name < other:
                lines.append(
                    f"- {name} vs {other}: " + ", ".join(f"{m} p={p:.4f}" for m, p in pvalues.items())
                )
    lines += [
        "",
        "## Answers (hybrid, extractive)",
        "",
        "| type | items | key-phrase coverage | first citation expected | citation precision | wrong abstention | abstention recall | abstention precision | abstention accuracy |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for kind, r in answers.items():
        if not isinstance(r, dict) or "items" not in r:
            continue
        lines.append(
            _row(
                [kind, int(r["items"])]
                + [
                    r.get(k, "–")
                    for k in (
                        "key_phrase_coverage",
                        "first_citation_expected",
                        "citation_precision",
                        "wrong_abstention",
                        "abstention_recall",
                        "abstention_precision",
                        "abstention_accuracy",
                    )
                ]
            )
        )
    lat = answers["latency_ms"]
    lines += [
        "",
        f"Answer latency (in process): p50 {lat['p50']:.1f} ms, p95 {lat['p95']:.1f} ms.",
        "",
        "## Policy fit",
        "",
        f"{report['fit']['profiles']} profiles: recall@10 {report['fit']['recall@10']:.3f}, "
        f"must-have clause in the top 3 {report['fit']['must_have@3']:.3f}.",
        "",
        "## CI gate",
        "",
        (
            "All thresholds met."
            if not report["gate_failures"]
            else "Missed: " + "; ".join(report["gate_failures"])
        ),
    ]
    if changes is not None:
        regressions = [c for c in changes if c["regression"]]
        lines += ["", "## Against the committed baseline", ""]
        if not changes:
            lines.append("No change.")
        for c in changes:
            mark = " **regression**" if c["regression"] else ""
            lines.append(f"- {c['metric']}: {c['baseline']:.3f} → {c['now']:.3f} ({c['delta']:+.3f}){mark}")
        lines.append("")
        lines.append(f"{len(regressions)} regression(s).")
    return "\n".join(lines) + "\n"


def chart(report: dict[str, Any], path: Path) -> None:
    """Bar chart of the ranking metrics per configuration."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    configs = report["ranking"]["configs"]
    metrics = ["hit_rate@1", "hit_rate@5", "mrr@10", "recall@10"]
    width = 0.8 / len(configs)
    fig, ax = plt.subplots(figsize=(8, 4))
    for i, (name, config) in enumerate(configs.items()):
        ax.bar(
            [m + i * width for m in range(len(metrics))],
            [config["overall"][m] for m in metrics],
            width,
            label=name,
        )
    ax.set_xticks([m + width * (len(configs) - 1) / 2 for m in range(len(metrics))], metrics)
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("score")
    ax.set_title("Retrieval quality per configuration")
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write(
    report: dict[str, Any], directory: Path = REPORTS_DIR, as_baseline: bool = False
) -> list[dict[str, Any]] | None:
    """report.json, report.md and metrics.png (or the baseline files); returns the diff."""
    directory.mkdir(parents=True, exist_ok=True)
    stem = "baseline" if as_baseline else "report"
    changes = None
    if not as_baseline and BASELINE.exists():
        changes = diff(report, json.loads(BASELINE.read_text(encoding="utf-8")))
    (directory / f"{stem}.json").write_text(
        json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    (directory / f"{stem}.md").write_text(markdown(report, changes), encoding="utf-8")
    chart(report, directory / f"{stem}.png")
    return changes
