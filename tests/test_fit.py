"""Policy fit on the real plan and across the real documents of other styles.

The support-measure extraction is checked on sentences quoted exactly from the real
documents in eval/realdocs and eval/realdocs-heldout, PDF line-wrap spaces included.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from assistant.answer import Answerer
from assistant.fit import FitMatcher, extract_terms, load_vocabulary
from assistant.fit_report import fit_to_json, fit_to_markdown
from assistant.settings import Settings
from assistant.support import (
    SupportMeasure,
    amount_in_wan,
    chinese_number,
    clause_conditions,
    measure_of,
    support_measures,
)
from eval.fit import evaluate_fit, load_fit_gold

from .conftest import CORPUS_DIR

slow = pytest.mark.slow
LIUHE = "liuhe-key-industry-support-2023"
LIUHE_TITLE = "中共柳河县委 柳河县人民政府关于支持重点产业加快发展的实施意见"
CULTURAL = "gov-cultural-enterprise-rules-2018"
LISTING_PROFILE = "我们公司准备在新三板挂牌上市"

# liuhe-key-industry-support-2023.txt, 第9条 and 第8条
LIUHE_ARTICLE_9 = (
    "第 9 条 鼓励企业科技创新。对初次认定为国家级和省 级企业技术(研发)中心的，分别给予企业100万元和30 "
    "万元奖励；对初次认定为国家高新技术企业的，给予企业20 万元奖励；对在重点行业(领域)完成成果转化并且单品种 "
    "销售收入超过2000万元的，给予企业20万元奖励。新列入 国家级和省级“专精特新”中小企业，分别给予企业30万元和10万元奖励。"
)
LIUHE_TCM = (
    "对 中药大品种二次开发项目在县域内投产后，年销售额达到  1000万元及以上的，按其研发实际发生额的20%给予企业奖 "
    "励，最高奖励不超过50万元；"
)
LIUHE_ARTICLE_2 = (
    "第 2 条  对重点产业新上的工业类项目(不含采矿、矿 产品初加工及风、光、水等矿产类、能源类资源型项目),  "
    "固定资产投资1000万元及以上且亩均投资强度不低于200 万元的，按固定资产投资的5%—20%给予企业奖励，"
    "专项用于企业研发、生产及基础设施建设。"
)
# tianhe-gangao-qingnian.txt (held out), 第五条（二） and a sentence of 第八条
TIANHE_RENT = (
    "（二）租金补贴。在天河区依法登记注册并实际运营满一年的港澳青年企业，对其入驻天河区行政区域内港澳青年创新创业"
    "孵化载体期间实际发生的场地租金总额的50%予以租金补贴，每个企业租金补贴每年不超过5万元、补贴期限最长不超过3年。"
)
TIANHE_INTERNS = "基地入驻企业实习的高校在读港澳青年，给予每人每月3000元实习补贴，补贴期限不超过6个月。"
# guangzhou-talent-cluster-opinion-2012.txt, items 2 and 11
GUANGZHOU_SHORTAGE = (
    "对战略性主导产业领域企业引进的紧缺人才，分2年给予政府安家补助；对战略性主导产业领域企业现有的紧缺人才，"
    "5年内享受政府薪酬补贴。"
)
GUANGZHOU_ITEM_11 = (
    "11.121人才梯队项目。重点培养不少于10名站在世界科技前沿的中国科学院、中国工程院院士后备人才，不少于20名具有"
    "国内领先水平的“新世纪百千万人才工程”国家级人选后备人才，不少于100名在学科专业领域起骨干带头作用的享受国务院"
    "政府特殊津贴的后备人才。（牵头单位：市人力资源和社会保障局，配合单位：各区、县级市）"
)
# jiaxing-garbage-sorting-regulation-2021.md, 第二十八条 and 第二十九条: amounts in Chinese numerals
JIAXING_FINES = "情节严重的，处五万元以上五十万元以下罚款。"
JIAXING_ARTICLE_29 = (
    "第二十九条 违反本条例第二十一条第一款规定，旅游业经营者主动提供一次性用品的，由文化和旅游部门责令改正，"
    "可以处二百元以上二千元以下罚款。"
)


@pytest.fixture(scope="module")
def matcher(answerer: Answerer) -> FitMatcher:
    return FitMatcher(answerer, load_vocabulary(CORPUS_DIR, answerer.lexicon.places))


@pytest.fixture(scope="module")
def real_matcher(real_answerer: Answerer, real_settings: Settings) -> FitMatcher:
    """Fit over six real documents at once, with the vocabulary their corpus folder gives."""
    return FitMatcher(real_answerer, load_vocabulary(real_settings.corpus_dir, real_answerer.lexicon.places))


@pytest.fixture(scope="module")
def real_client(real_settings: Settings, real_answerer: Answerer) -> Iterator[TestClient]:
    with TestClient(create_app(real_settings, real_answerer)) as client:
        yield client


@slow
def test_profile_terms_use_the_synonym_table(matcher: FitMatcher) -> None:
    terms = extract_terms(matcher.vocabulary, "南浔的芯片材料厂，做光刻胶，想招工程师")
    assert terms.districts == ("南浔区",)
    assert "半导体及光电" in terms.industries
    assert "人才" in terms.needs
    assert extract_terms(matcher.vocabulary, "做预制菜的").industries == ("未来食品",)
    assert extract_terms(matcher.vocabulary, "电动车").industries == ("新能源汽车及关键零部件",)


@slow
def test_form_fields_count_as_profile(matcher: FitMatcher) -> None:
    terms = extract_terms(matcher.vocabulary, "一家企业", district="南浔区", industry="半导体")
    assert terms.districts == ("南浔区",) and terms.industries == ("半导体及光电",)


@slow
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


@slow
def test_prepared_food_maker_gets_the_future_food_park(matcher: FitMatcher) -> None:
    result = matcher.fit("我们是一家做预制菜的食品企业")
    assert result.matches[0].locator == "清单/三/7"
    assert result.matches[0].theme == "未来食品"


@slow
def test_related_projects_share_district_or_industry(matcher: FitMatcher) -> None:
    result = matcher.fit("长兴的电动车零部件厂")
    item = next(m for m in result.matches if m.locator == "二/一/3")
    assert [r.locator for r in item.related] == ["清单/三/9"]


@slow
def test_profile_that_matches_nothing_says_so(matcher: FitMatcher) -> None:
    result = matcher.fit("一家开小饭馆的个体户")
    assert result.matches == ()
    assert "没有找到" in result.summary


def test_tiered_awards_split_per_fragment_each_with_its_condition() -> None:
    measures = support_measures(LIUHE_ARTICLE_9)
    assert [m.amount for m in measures] == ["100万元和30万元", "20万元", "20万元", "30万元和10万元"]
    assert [m.max_amount_wan for m in measures] == [100.0, 20.0, 20.0, 30.0]
    assert {m.form for m in measures} == {"奖励"}
    first, _, third, _ = measures
    assert first.text == "对初次认定为国家级和省级企业技术(研发)中心的，分别给予企业100万元和30万元奖励；"
    assert first.conditions == ("对初次认定为国家级和省级企业技术(研发)中心的",)
    # 超过2000万元 says who qualifies; it is not a sum granted
    assert third.conditions == ("对在重点行业(领域)完成成果转化并且单品种销售收入超过2000万元的",)


def test_rate_basis_and_cap_are_read_apart_from_thresholds() -> None:
    assert measure_of(LIUHE_TCM) == SupportMeasure(
        text="对中药大品种二次开发项目在县域内投产后，年销售额达到1000万元及以上的，按其研发实际发生额的20%给予企业奖励，最高奖励不超过50万元；",
        form="奖励",
        amount="最高奖励不超过50万元",
        max_amount_wan=50.0,
        rate="20%",
        basis="研发实际发生额",
        conditions=("对中药大品种二次开发项目在县域内投产后", "年销售额达到1000万元及以上的"),
    )
    (investment,) = support_measures(LIUHE_ARTICLE_2)
    assert (investment.rate, investment.basis) == ("5%—20%", "固定资产投资")
    assert investment.amount == "" and investment.max_amount_wan is None  # 1000万元, 200万元 are thresholds
    assert investment.conditions[-1] == "固定资产投资1000万元及以上且亩均投资强度不低于200万元的"


def test_rent_subsidy_rate_of_a_base_with_a_yearly_cap() -> None:
    (rent,) = support_measures(TIANHE_RENT)
    assert rent.form == "补贴" and rent.rate == "50%"
    assert rent.basis == "入驻天河区行政区域内港澳青年创新创业孵化载体期间实际发生的场地租金总额"
    assert rent.amount == "每年不超过5万元" and rent.max_amount_wan == 5.0
    assert rent.conditions == ("在天河区依法登记注册并实际运营满一年的港澳青年企业",)


def test_per_person_per_month_yuan_converts_to_wan() -> None:
    (interns,) = support_measures(TIANHE_INTERNS)
    assert interns.amount == "每人每月3000元" and interns.max_amount_wan == 0.3
    assert interns.form == "补贴"
    assert interns.conditions == ("基地入驻企业实习的高校在读港澳青年",)


def test_grants_without_figures_keep_form_and_condition() -> None:
    housing, salary = support_measures(GUANGZHOU_SHORTAGE)
    assert (housing.form, housing.amount, housing.max_amount_wan) == ("补助", "", None)
    assert housing.conditions == ("对战略性主导产业领域企业引进的紧缺人才",)
    assert salary.form == "补贴" and salary.conditions == ("对战略性主导产业领域企业现有的紧缺人才",)
    # 享受国务院政府特殊津贴的后备人才 describes people; nothing is granted
    assert support_measures(GUANGZHOU_ITEM_11) == ()


def test_chinese_numerals_and_units_convert_to_wan() -> None:
    assert amount_in_wan(JIAXING_FINES) == 50.0
    assert amount_in_wan(JIAXING_ARTICLE_29) == 0.2  # 二千元
    assert amount_in_wan("最高1.5亿元") == 15000.0
    assert [chinese_number(n) for n in ("一百二十万", "一万五千", "两千", "十万", "三亿五千万", "200万")] == [
        1_200_000,
        15_000,
        2_000,
        100_000,
        350_000_000,
        2_000_000,
    ]
    # the conventional phrasing with a Chinese numeral (written for this test, not quoted)
    award = measure_of("对首次认定的企业，给予一次性奖励二十万元。")
    assert award is not None and award.amount == "二十万元" and award.max_amount_wan == 20.0
    assert award.form == "奖励" and award.conditions == ("对首次认定的企业",)


def test_fines_are_not_support() -> None:
    assert support_measures(JIAXING_ARTICLE_29) == ()
    assert support_measures(JIAXING_FINES) == ()


def test_clause_conditions_are_whole_sentences() -> None:
    article_10 = (  # tianhe-gangao-qingnian.txt
        "第十条 享受本办法的扶持对象须遵守国家法律法规、合法经营，并签订相关承诺书，若扶持对象违反承诺的，"
        "应将所获扶持资金予以退回。"
    )
    assert clause_conditions(f"{GUANGZHOU_SHORTAGE}\n{article_10}") == (article_10,)
    assert support_measures(article_10) == ()  # 扶持资金予以退回 takes money back


@slow
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
        "document_title",
        "marker",
        "theme",
        "excerpt",
        "related",
    } <= set(match)
    title = "湖州市打造虹桥国际开放枢纽金西翼行动计划（2024—2030年）"
    assert match["document_title"] == title
    report = fit_to_markdown(result, title)
    assert report.startswith("# 政策匹配报告")
    assert "## 低空经济" in report
    assert "［清单·三·2］" in report and "- 牵头单位：市交通运输局、吴兴区、德清县" in report
    assert "- 文件：" not in report  # one document: named once, at the top


@slow
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


@slow
def test_fit_across_documents_names_each_document_and_parses_amounts(real_matcher: FitMatcher) -> None:
    result = real_matcher.fit(LISTING_PROFILE)
    assert len({m.doc_id for m in result.matches}) > 1
    listing = next(m for m in result.matches[:3] if m.doc_id == LIUHE)
    assert listing.locator == "第15条" and listing.document_title == LIUHE_TITLE
    assert [(s.amount, s.max_amount_wan) for s in listing.support] == [
        ("300万元", 300.0),
        ("200万元", 200.0),
        ("100万元", 100.0),
    ]
    assert listing.support[2].conditions == ("对在新三板挂牌企业",)
    data = fit_to_json(result)
    matches = data["matches"]
    assert isinstance(matches, list)
    first = next(m for m in matches if m["doc_id"] == LIUHE)
    assert first["document_title"] == LIUHE_TITLE
    assert first["support"][0] == {
        "text": "对在主板上市企业，给予企业300万元奖励；",
        "form": "奖励",
        "amount": "300万元",
        "max_amount_wan": 300.0,
        "rate": "",
        "basis": "",
        "conditions": ["对在主板上市企业"],
    }
    assert all(isinstance(c, str) for m in matches for c in m["conditions"])
    report = fit_to_markdown(result, "、".join(d.meta.title for d in real_matcher.answerer.documents.values()))
    assert f"- 文件：《{LIUHE_TITLE}》" in report
    assert "  - 【奖励】300万元：对在主板上市企业，给予企业300万元奖励；" in report


@slow
def test_fit_doc_ids_keeps_to_the_named_documents(real_matcher: FitMatcher) -> None:
    everywhere = real_matcher.fit(LISTING_PROFILE)
    assert any(m.doc_id == LIUHE for m in everywhere.matches)
    only = real_matcher.fit(LISTING_PROFILE, doc_ids=[CULTURAL])
    assert only.matches and {m.doc_id for m in only.matches} == {CULTURAL}
    assert real_matcher.fit(LISTING_PROFILE, doc_ids=[]).matches == ()


@slow
def test_api_fit_doc_ids_filter(real_client: TestClient) -> None:
    response = real_client.post("/api/fit", json={"profile": LISTING_PROFILE, "top_k": 5, "doc_ids": [LIUHE]})
    assert response.status_code == 200, response.text
    matches = response.json()["matches"]
    assert len(matches) == 5 and {m["doc_id"] for m in matches} == {LIUHE}
    listing = next(m for m in matches if m["locator"] == "第15条")
    assert listing["document_title"] == LIUHE_TITLE
    assert [s["max_amount_wan"] for s in listing["support"]] == [300.0, 200.0, 100.0]
    unfiltered = real_client.post("/api/fit", json={"profile": LISTING_PROFILE, "top_k": 10}).json()
    assert len({m["doc_id"] for m in unfiltered["matches"]}) > 1


@slow
def test_api_fit_unknown_doc_id_is_the_404_ask_gives(real_client: TestClient) -> None:
    doc_ids = [LIUHE, "no-such-document"]
    fit = real_client.post("/api/fit", json={"profile": LISTING_PROFILE, "doc_ids": doc_ids})
    ask = real_client.post("/api/ask", json={"question": "新三板挂牌奖励多少？", "doc_ids": doc_ids})
    assert fit.status_code == ask.status_code == 404
    assert fit.json() == ask.json()
    assert "no-such-document" in fit.json()["error"]["message"]
