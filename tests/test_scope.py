"""Which document a question names: title, a run of it, 文号, or place; the rest is asked."""

from __future__ import annotations

import pytest

from assistant.ingest.corpus import load_corpus
from assistant.ingest.parse import parse_document
from assistant.scope import DocumentNames, documents_named
from eval.parse_truth import REAL_DOCS


@pytest.fixture(scope="module")
def names() -> list[DocumentNames]:
    return [DocumentNames.of(parse_document(source)) for source in load_corpus(REAL_DOCS)]


@pytest.mark.parametrize(
    ("question", "doc_prefix", "asked"),
    [
        ("嘉兴市生活垃圾分类管理条例从哪天起施行？", "jiaxing", "从哪天起施行？"),
        ("《明码标价和禁止价格欺诈规定》是以第几号令公布的？", "samr", "是以第几号令公布的？"),
        ("国办发〔2018〕123号讲的是什么？", "gov-new-media", "讲的是什么？"),
        ("嘉兴生活垃圾分为哪几类？", "jiaxing", "生活垃圾分为哪几类？"),
    ],
)
def test_a_named_document_scopes_the_question(
    names: list[DocumentNames], question: str, doc_prefix: str, asked: str
) -> None:
    scope = documents_named(question, names)
    assert scope is not None
    assert [d for d in scope.doc_ids] == [n.doc_id for n in names if n.doc_id.startswith(doc_prefix)]
    assert scope.question == asked


def test_a_question_naming_no_document_is_not_scoped(names: list[DocumentNames]) -> None:
    assert documents_named("罚款最高多少？", names) is None
    assert documents_named("嘉兴生活垃圾分为哪几类？", names[:1]) is None  # one document: no place to choose by


def test_the_name_of_the_only_document_leaves_the_question_too(names: list[DocumentNames]) -> None:
    # its title's words would otherwise rank the clauses repeating them (the notice, 第二条)
    # above the one answering, as they do not once a second document is loaded
    only = [n for n in names if n.doc_id.startswith("jiaxing")]
    scope = documents_named("嘉兴市生活垃圾分类管理条例从哪天起施行？", only)
    assert scope is not None and scope.question == "从哪天起施行？"
    # a topic its title shares is no name: 生活垃圾分类 stays in the question
    assert documents_named("厨余垃圾和生活垃圾分类投放有什么要求？", only) is None


def test_a_place_is_read_wherever_the_title_names_it() -> None:
    from assistant.ingest.corpus import DocumentMeta, SourceDocument

    def named(doc_id: str, title: str) -> DocumentNames:
        meta = DocumentMeta(doc_id, title, "", "", "", f"{doc_id}.txt")
        return DocumentNames.of(parse_document(SourceDocument(meta, f"{title}\n一、总则\n正文。")))

    housing = named("housing", "关于推出供应广州市2025年第一批户籍家庭公共租赁住房常态分配房源的通告")
    regulation = named("regulation", "嘉兴市生活垃圾分类管理条例")
    assert "广州" in housing.places  # not 应广州: the place is the words just before 市
    scope = documents_named("广州户籍家庭公租房常态分配的目的是什么？", [housing, regulation])
    assert scope is not None and scope.doc_ids == {"housing"}


def test_of_two_places_named_the_documents_of_one_speaking_of_the_other_are_meant() -> None:
    plan = DocumentNames("plan", "", ("湖州市打造虹桥国际开放枢纽金西翼三年行动计划",), ("湖州",),
                         body="深化与上海医疗机构合作，推动上海优质医疗资源向湖州延伸。")
    rule = DocumentNames("rule", "", ("上海市养犬管理条例",), ("上海",), body="养犬人应当为犬只办理养犬登记。")
    water = DocumentNames("water", "", ("上海市供水管理条例",), ("上海",), body="供水企业应当保障供水安全。")
    other = DocumentNames("other", "", ("嘉兴市生活垃圾分类管理条例",), ("嘉兴",), body="生活垃圾分为四类。")
    scope = documents_named("湖州的老年人能去上海看病吗？", [plan, rule, water, other])
    assert scope is not None and scope.doc_ids == {"plan"}
    assert scope.question == "的老年人能去上海看病吗？" and scope.places == ("湖州",)  # 上海 is what is asked about
    # one place: every document of it
    assert documents_named("上海的狗要办什么登记？", [plan, rule, water, other]).doc_ids == {"rule", "water"}  # type: ignore[union-attr]


def test_a_title_run_other_documents_speak_of_is_a_topic_not_a_name() -> None:
    # two housing policies of one city: 公共租赁住房 is in the title of one and the text of both
    notice = DocumentNames("notice", "", ("关于推出供应某市第一批户籍家庭公共租赁住房常态分配房源的通告",),
                           body="本批公共租赁住房房源共554套。")
    policy = DocumentNames("policy", "", ("某市住房和城乡建设局关于加强户籍家庭住房保障工作的通知",),
                           body="户籍家庭公共租赁住房保障收入准入限额基准为家庭年人均收入49952元。")
    assert documents_named("申请公共租赁住房，收入准入限额的基准是多少？", [notice, policy]) is None
    # a run only its own document speaks of still names it
    assert documents_named("常态分配房源有多少套？", [notice, policy]).doc_ids == {"notice"}  # type: ignore[union-attr]


def test_a_run_of_a_title_followed_by_its_kind_names_it_also_with_a_de_between() -> None:
    reply = DocumentNames("reply", "国办函〔2005〕21号", ("国务院办公厅关于科技节水建议的复函",), body="节水工作十分重要。")
    other = DocumentNames("other", "国办函〔2004〕80号", ("国务院办公厅关于某县地质灾害险情有关问题的复函",), body="险情。")
    scope = documents_named("这份关于科技节水的复函是写给谁的？", [reply, other])
    assert scope is not None and scope.doc_ids == {"reply"}
    assert documents_named("关于节水的事是写给谁的？", [reply, other]) is None  # a run of 2 is no name


def test_documents_named_alike_are_told_apart_by_the_rest_of_their_titles() -> None:
    national = DocumentNames("national", "", ("国家自然灾害救助应急预案",))
    regional = DocumentNames("regional", "", ("新疆维吾尔自治区自然灾害救助应急预案",))
    both = [national, regional]
    # 救助 of the question is in both titles' shared name; 新疆 only in the rest of one
    scope = documents_named("新疆自然灾害救助应急预案里过渡期生活救助怎么安排？", both)
    assert scope is not None and scope.doc_ids == {"regional"}
    scope = documents_named("国家自然灾害救助应急预案分为几个部分？", both)
    assert scope is not None and scope.doc_ids == {"national"}
    scope = documents_named("自然灾害救助应急预案里过渡期生活救助怎么安排？", both)
    assert scope is not None and scope.doc_ids == {"national", "regional"}  # nothing tells them apart
    # what is asked after the name tells nothing: 国家层面 is no part of the name said
    scope = documents_named("自然灾害救助应急预案中国家层面的响应分几级？", both)
    assert scope is not None and scope.doc_ids == {"national", "regional"}
