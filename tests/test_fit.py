"""Policy fit on the real plan."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.answer import Answerer
from assistant.fit import FitMatcher, extract_terms, load_vocabulary, support_and_conditions
from assistant.fit_report import fit_to_json, fit_to_markdown
from eval.fit import evaluate_fit, load_fit_gold

from .conftest import CORPUS_DIR

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def matcher(answerer: Answerer) -> FitMatcher:
    return FitMatcher(answerer, load_vocabulary(CORPUS_DIR, answerer.lexicon.places))


def test_profile_terms_use_the_synonym_table(matcher: FitMatcher) -> None:
    terms = extract_terms(matcher.vocabulary, "南浔的芯片材料厂，做光刻胶，想招工程师")
    assert terms.districts == ("南浔区",)
    assert "半导体及光电" in terms.industries
    assert "人才" in terms.needs
    assert extract_terms(matcher.vocabulary, "做预制菜的").industries == ("未来食品",)
    assert extract_terms(matcher.vocabulary, "电动车").industries == ("新能源汽车及关键零部件",)


def test_form_fields_count_as_profile(matcher: FitMatcher) -> None:
    terms = extract_terms(matcher.vocabulary, "一家企业", district="南浔区", industry="半导体")
    assert terms.districts == ("南浔区",) and terms.industries == ("半导体及光电",)


def test_semiconductor_materials_maker_in_nanxun(matcher: FitMatcher) -> None:
    result = matcher.fit("我们是南浔区的一家半导体材料企业，主要生产光刻胶")
    top = [m.locator for m in result.matches[:3]]
    assert "清单/三/6" in top and "二/一/3" in top
    row = next(m for m in result.matches if m.locator == "清单/三/6")
    assert row.level == "高"
    assert row.lead_unit == "南浔区"
    reasons = {r.term: r for r in row.reasons}
    assert reasons["南浔区"].kind == "district" and "南浔区" in reasons["南浔区"].words
    assert reasons["半导体及光电"].kind == "industry" and "光刻胶" in reasons["半导体及光电"].words
    item = next(m for m in result.matches if m.locator == "二/一/3")
    assert item.excerpt.startswith("南浔区发挥全市")


def test_prepared_food_maker_gets_the_future_food_park(matcher: FitMatcher) -> None:
    result = matcher.fit("我们是一家做预制菜的食品企业")
    assert result.matches[0].locator == "清单/三/7"
    assert result.matches[0].theme == "未来食品"


def test_related_projects_share_district_or_industry(matcher: FitMatcher) -> None:
    result = matcher.fit("长兴的电动车零部件厂")
    item = next(m for m in result.matches if m.locator == "二/一/3")
    assert [r.locator for r in item.related] == ["清单/三/9"]


def test_profile_that_matches_nothing_says_so(matcher: FitMatcher) -> None:
    result = matcher.fit("一家开小饭馆的个体户")
    assert result.matches == ()
    assert "没有找到" in result.summary


def test_support_and_conditions_are_pulled_out() -> None:
    text = "对认定的市级智能工厂给予最高500万元奖励。每年新增智能工厂10家。"
    support, conditions = support_and_conditions(text)
    assert support == ("对认定的市级智能工厂给予最高500万元奖励。",)
    assert conditions == ("对认定的市级智能工厂给予最高500万元奖励。",)


def test_json_and_markdown_reports(matcher: FitMatcher) -> None:
    result = matcher.fit("德清县的无人机研发公司，需要引进人才")
    data = fit_to_json(result)
    assert set(data["profile_terms"]) == {"districts", "industries", "needs"}
    match = data["matches"][0]
    assert {
        "doc_id",
        "locator",
        "label",
        "text",
        "score",
        "level",
        "reasons",
        "lead_unit",
        "support",
        "conditions",
    } <= set(match)
    report = fit_to_markdown(result, "湖州市打造虹桥国际开放枢纽金西翼行动计划（2024—2030年）")
    assert report.startswith("# 政策匹配报告")
    assert "## 低空经济" in report
    assert "［清单·三·2］" in report and "- 牵头单位：市交通运输局、吴兴区、德清县" in report


def test_fit_gold_set(matcher: FitMatcher) -> None:
    items = load_fit_gold()
    assert len(items) >= 20
    scores = evaluate_fit(matcher, items)
    assert scores.recall_at_10 >= 0.9, scores.failures
    assert scores.must_have_at_3 >= 0.85, scores.failures


def test_vocabulary_file_is_data(tmp_path: Path) -> None:
    (tmp_path / "fit_terms.toml").write_text(
        '[industries]\n"茶叶" = ["白茶", "安吉白茶"]\n', encoding="utf-8"
    )
    vocabulary = load_vocabulary(tmp_path, ["安吉县"])
    terms = extract_terms(vocabulary, "安吉县的白茶合作社")
    assert terms.industries == ("茶叶",) and terms.districts == ("安吉县",)
