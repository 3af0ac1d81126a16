"""Answers that know their document: every gold document in one library, every gold question asked of it.

    python -m eval.library [--work DIR] [--metadata given|read] [--corpora a,b,…] [--quiet] [--json]

Builds a library the way a user would: `policyqa docs add` for each document of the
huzhou, realdocs and heldout corpora, or of the suites --corpora names (all: every real
document set, blind ones included; --quiet then prints no question) (with --metadata given, the manifest's title, 文号,
issuer and date are passed as flags, as someone confirming them would; with read, only
what the document says about itself). Then asks each suite's gold questions of the whole
library, with no document named by the caller, and reports per suite:
  right_document   answered (not abstained) and the first citation is in the gold document,
                   also over the questions that name their document (title, short title, 文号, place)
  first_clause     ... and is an expected clause of it
  key_phrase       every key phrase in the answer
  abstention       unanswerable questions refused
and the metadata questions (文号, 发文机关, 日期, 标题) per document.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tomllib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from assistant.answer import Answerer
from assistant.ingest.corpus import MANIFEST_NAME
from assistant.scope import documents_named
from assistant.service import load_answerer
from assistant.settings import PROJECT_ROOT, get_settings
from eval.answers import ask_with_history
from eval.gold import GoldItem, load_gold
from eval.suites import SUITES

CORPORA = ("huzhou", "realdocs", "heldout")
EVERY_SET = ("huzhou", "realdocs", "heldout", "fresh", "final", "blind", "blind2", "blind3", "blind4", "blind5", "blind6", "blind7", "blind8", "blind9", "blind10", "blind11", "blind12", "blind13", "blind14", "blind15", "blind16", "blind17", "blind18")
SHARED_FILES = ("terms.txt", "fit_terms.toml")  # the Huzhou corpus's word lists come along


@dataclass
class SuiteScores:
    answerable: int = 0
    right_document: int = 0
    first_clause: int = 0
    key_phrase: int = 0
    unanswerable: int = 0
    abstained: int = 0
    named: int = 0  # answerable questions that name their document (title, short title, 文号, place)
    named_right: int = 0
    wrong_document: list[str] = field(default_factory=list)

    def add(self, other: SuiteScores) -> None:
        for name in (
            "answerable",
            "right_document",
            "first_clause",
            "key_phrase",
            "unanswerable",
            "abstained",
            "named",
            "named_right",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def to_json(self) -> dict[str, object]:
        a, u = max(self.answerable, 1), max(self.unanswerable, 1)
        return {
            "answerable": self.answerable,
            "right_document": round(self.right_document / a, 3),
            "named": self.named,
            "right_document_when_named": round(self.named_right / max(self.named, 1), 3),
            "first_clause": round(self.first_clause / a, 3),
            "key_phrase": round(self.key_phrase / a, 3),
            "unanswerable": self.unanswerable,
            "abstention": round(self.abstained / u, 3),
            "wrong_document": self.wrong_document,
        }


def build_library(work: Path, metadata: str, corpora: tuple[str, ...] = CORPORA) -> Path:
    """A fresh corpus folder filled through `policyqa docs add`."""
    corpus = work / "corpus"
    if corpus.exists():
        for path in corpus.iterdir():
            path.unlink()
    corpus.mkdir(parents=True, exist_ok=True)
    for name in SHARED_FILES:
        source = PROJECT_ROOT / "corpus" / name
        if source.exists():
            (corpus / name).write_bytes(source.read_bytes())
    env = {**os.environ, "POLICYQA_CORPUS_DIR": str(corpus), "POLICYQA_INDEX_DIR": str(work / "index")}
    for suite in corpora:
        folder = SUITES[suite].corpus_dir
        for entry in tomllib.loads((folder / MANIFEST_NAME).read_text(encoding="utf-8"))["documents"]:
            args = ["docs", "add", str(folder / entry["source"]), "--id", entry["id"], "--json"]
            if metadata == "given":
                for flag in ("title", "number", "issuer", "date"):
                    args += [f"--{flag}", str(entry.get(flag, ""))]
            done = subprocess.run(
                [sys.executable, "-m", "assistant.cli", *args],
                env=env,
                capture_output=True,
                text=True,
                check=False,
            )
            if done.returncode != 0:
                raise SystemExit(f"docs add {entry['source']} failed: {done.stderr.strip()}")
            print(f"added {entry['id']}", file=sys.stderr)
    return corpus


def evaluate(answerer: Answerer, gold: list[GoldItem], meta: dict[str, list[bool]]) -> SuiteScores:
    scores = SuiteScores()
    for item in gold:
        if item.type == "chitchat":
            continue
        answer = ask_with_history(answerer, item)
        first = answer.citations[0] if answer.citations and not answer.abstained else None
        if not item.answerable:
            scores.unanswerable += 1
            scores.abstained += answer.abstained
            continue
        scores.answerable += 1
        right = first is not None and first.doc_id == item.doc_id
        keys = not answer.abstained and all(phrase in answer.answer for phrase in item.key_phrases)
        scores.right_document += right
        scope = documents_named(item.question, answerer.knowledge.names)
        if scope is not None and scope.doc_ids == {item.doc_id}:
            scores.named += 1
            scores.named_right += right
        scores.first_clause += right and first is not None and first.locator in item.expected_any
        scores.key_phrase += keys
        if not right:
            cited = f"{first.doc_id}/{first.locator}" if first else "abstained"
            scores.wrong_document.append(f"{item.id} {item.question} -> {cited}")
        if item.type == "meta":
            meta[item.doc_id].append(right and keys)
    return scores


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--work", type=Path, default=PROJECT_ROOT / "index" / "library-eval")
    parser.add_argument("--metadata", choices=["given", "read"], default="given")
    parser.add_argument("--corpora", default=",".join(CORPORA), help="suites to load and ask, or all")
    parser.add_argument("--quiet", action="store_true", help="figures only, no question printed")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    corpora = EVERY_SET if args.corpora == "all" else tuple(args.corpora.split(","))
    unknown = [name for name in corpora if name not in SUITES]
    if unknown:
        parser.error(f"unknown suites: {', '.join(unknown)}")

    corpus = build_library(args.work, args.metadata, corpora)
    settings = get_settings().model_copy(update={"corpus_dir": corpus, "index_dir": args.work / "index"})
    answerer = load_answerer(settings, progress=not args.json)
    meta: dict[str, list[bool]] = defaultdict(list)
    report: dict[str, object] = {"documents": len(answerer.documents), "metadata_mode": args.metadata}
    totals = SuiteScores()
    for suite in corpora:
        scores = evaluate(answerer, load_gold(SUITES[suite].gold_file), meta)
        report[suite] = scores.to_json()
        totals.add(scores)
    report["all"] = {k: v for k, v in totals.to_json().items() if k != "wrong_document"}
    report["metadata_per_document"] = {doc: f"{sum(ok)}/{len(ok)}" for doc, ok in sorted(meta.items())}
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return
    for suite in (*corpora, "all"):
        row = report[suite]
        assert isinstance(row, dict)
        print(
            f"{suite:9} answerable {row['answerable']:3}  right document {row['right_document']:.3f} "
            f"(naming it: {row['right_document_when_named']:.3f} of {row['named']})  "
            f"first clause {row['first_clause']:.3f}  key phrase {row['key_phrase']:.3f}  "
            f"abstention {row['abstention']:.3f} ({row['unanswerable']})"
        )
        for line in [] if args.quiet else row.get("wrong_document", []):
            print(f"    {line}")
    print("metadata questions per document:", report["metadata_per_document"])


if __name__ == "__main__":
    main()
