from __future__ import annotations

import pytest

from assistant.ingest.corpus import DocumentMeta, SourceDocument
from assistant.ingest.document import Heading, Kind, ParsedDocument, non_blank, render
from assistant.ingest.numbering import Style, cn_to_int, int_to_cn, match_heading
from assistant.ingest.parse import parse_document
from assistant.ingest.readers import markdown_to_text
from assistant.ingest.table import table_roots

ITEMS_PER_SECTION = {"一": 3, "二": 5, "三": 5, "四": 5, "五": 4, "六": 3, "七": 4}
ROWS_PER_CATEGORY = {"一": 9, "二": 9, "三": 14, "四": 8}
LEAD_UNITS = {
    "清单/一/1": "市委改革办（市委生态文明办）",
    "清单/一/2": "市委改革办（市委生态文明办）",
    "清单/一/3": "市发展改革委",
    "清单/一/4": "市经信局",
    "清单/一/5": "市科技局",
    "清单/一/6": "市人力社保局",
    "清单/一/7": "市建设局",
    "清单/一/8": "市交通运输局",
    "清单/一/9": "市文化广电旅游局",
    "清单/二/1": "市政府办公室（金融口）",
    "清单/二/2": "市发展改革委",
    "清单/二/3": "市经信局",
    "清单/二/4": "市科技局",
    "清单/二/5": "市商务局",
    "清单/二/6": "市商务局",
    "清单/二/7": "市文化广电旅游局",
    "清单/二/8": "市区域合作办",
    "清单/二/9": "市区域合作办",
    "清单/三/1": "市交通运输局、各区县",
    "清单/三/2": "市交通运输局、吴兴区、德清县",
    "清单/三/3": "市科技局",
    "清单/三/4": "吴兴区",
    "清单/三/5": "南浔区",
    "清单/三/6": "南浔区",
    "清单/三/7": "南浔区",
    "清单/三/8": "德清县",
    "清单/三/9": "长兴县",
    "清单/三/10": "安吉县",
    "清单/三/11": "南太湖新区",
    "清单/三/12": "南太湖新区",
    "清单/三/13": "南太湖新区",
    "清单/三/14": "长三角（湖州）产业合作区",
    "清单/四/1": "市发展改革委",
    "清单/四/2": "市委组织部（市委人才办）",
    "清单/四/3": "市委改革办（市委生态文明办）",
    "清单/四/4": "市委改革办（市委生态文明办）",
    "清单/四/5": "市经信局",
    "清单/四/6": "市科技局",
    "清单/四/7": "市交通运输局",
    "清单/四/8": "市区域合作办",
}


def expected_locators() -> list[str]:
    body = [f"二/{s}/{n}" for s, count in ITEMS_PER_SECTION.items() for n in range(1, count + 1)]
    table = [f"清单/{c}/{n}" for c, count in ROWS_PER_CATEGORY.items() for n in range(1, count + 1)]
    return ["通知", "前言", "一", *body, "三/一", "三/二", "三/三", *table]


def test_plan_has_exactly_the_expected_clauses(plan) -> None:  # type: ignore[no-untyped-def]
    assert [c.locator for c in plan.clauses] == expected_locators()


def test_every_table_row_has_its_lead_unit(plan) -> None:  # type: ignore[no-untyped-def]
    rows = {c.locator: c.lead_unit for c in plan.clauses if c.kind == "row"}
    assert rows == LEAD_UNITS


def test_parse_table_row_joins_wrapped_cells(plan) -> None:  # type: ignore[no-untyped-def]
    row = plan.clause("清单/一/1")
    assert row.title == "共建长三角一流营商环境"
    assert dict(row.fields)["重大事项"] == "共建长三角一流营商环境"
    assert dict(row.fields)["牵头单位"] == "市委改革办（市委生态文明办）"
    assert row.label == "重大事项清单 一、重大战略任务 1. 共建长三角一流营商环境"
    assert plan.clause("清单/三/11").title == "南太湖未来新城长东片区总部经济园区项目"


def test_table_row_keeps_its_numbered_sub_items(plan) -> None:  # type: ignore[no-untyped-def]
    row = plan.clause("清单/一/8")
    assert [p[:2] for p in row.paragraphs] == ["1.", "2.", "3.", "4."]
    assert dict(row.fields)["主要内容"] == row.text
    # The sub-items of table cells never become items of part 二.
    assert not any(c.locator.startswith("二/") and "轨道上的湖州" in c.text for c in plan.clauses)


def test_part_one_is_one_clause_of_nine_paragraphs(plan) -> None:  # type: ignore[no-untyped-def]
    part = plan.clause("一")
    assert part.label == "一、总体要求"
    assert len(part.paragraphs) == 9
    assert part.paragraphs[1].startswith("到2026年")
    assert part.paragraphs[2].startswith("综合实力实现新跨越")
    assert part.paragraphs[8].startswith("到2030年")


def test_item_title_is_its_first_sentence(plan) -> None:  # type: ignore[no-untyped-def]
    item = plan.clause("二/二/1")
    assert item.title == "全力嵌入上海高端产业链"
    assert item.text.startswith("1.全力嵌入上海高端产业链。培育")
    assert item.label == "二、（二）1. 全力嵌入上海高端产业链"


def test_label_and_breadcrumb_of_an_item(plan) -> None:  # type: ignore[no-untyped-def]
    item = plan.clause("二/三/3")
    assert item.label == "二、（三）3. 建设上海人才高地战略支点城市"
    assert item.breadcrumb == (
        "二、重点任务",
        "（三）构建开放创新生态，助力打造势能更强的活力新湖州",
        "3. 建设上海人才高地战略支点城市",
    )
    row = plan.clause("清单/一/5")
    assert row.label == "重大事项清单 一、重大战略任务 5. 共建长三角技术导流区"
    assert row.breadcrumb == ("重大事项清单", "一、重大战略任务", "5. 共建长三角技术导流区")


def test_notice_and_preamble(plan) -> None:  # type: ignore[no-untyped-def]
    notice = plan.clause("通知")
    assert notice.paragraphs[0] == "湖政办发〔2024〕28号"
    assert "各区县人民政府，市政府直属各单位：" in notice.paragraphs
    assert notice.paragraphs[-1] == "2024年12月30日"
    assert plan.clause("前言").text.startswith("为抢抓沪苏湖高铁开通")


def test_sections_of_part_three_are_clauses(plan) -> None:  # type: ignore[no-untyped-def]
    assert plan.clause("三/一").label == "三、（一）强化组织领导"
    assert plan.clause("三/三").text.startswith("办好上海活动周")


def test_clause_text_is_exactly_as_in_the_source(source, plan) -> None:  # type: ignore[no-untyped-def]
    source_lines = {line.strip() for line in source.text.split("\n")}
    for clause in plan.clauses:
        for paragraph in clause.paragraphs:
            assert paragraph in source_lines, (clause.locator, paragraph[:30])


def test_rendering_the_parse_gives_back_every_character(source, plan) -> None:  # type: ignore[no-untyped-def]
    assert non_blank(render(plan)) == non_blank(source.text)


def test_headings_with_children_are_not_clauses(plan) -> None:  # type: ignore[no-untyped-def]
    headings = {e.locator: e.label for e in plan.elements if isinstance(e, Heading) and e.locator}
    assert headings["二"] == "二、重点任务"
    assert headings["二/三"] == "（三）构建开放创新生态，助力打造势能更强的活力新湖州"
    assert headings["清单"] == "重大事项清单"
    assert headings["清单/四"] == "四、重大标志性成果"


def test_locators_are_unique(plan, sample_plan) -> None:  # type: ignore[no-untyped-def]
    for doc in (plan, sample_plan):
        locators = [c.locator for c in doc.clauses]
        assert len(locators) == len(set(locators))


# The second document, written in the same style with other counts and levels.


def test_sample_reaches_part_twelve(sample_plan) -> None:  # type: ignore[no-untyped-def]
    locators = [c.locator for c in sample_plan.clauses]
    assert "十一" in locators
    assert "十二/二" in locators
    assert sample_plan.clause("十一").label == "十一、组织保障"


def test_sample_subitem_and_point_levels(sample_plan) -> None:  # type: ignore[no-untyped-def]
    assert sample_plan.clause("三/一/2/1").label == "三、（一）2.（1）建设行业级平台"
    assert sample_plan.clause("三/一/2/2/1").title == "上云用云补贴"
    assert sample_plan.clause("三/一/3").title == "培育数字化服务商"


def test_numbers_inside_sentences_are_not_headings(sample_plan) -> None:  # type: ignore[no-untyped-def]
    point = sample_plan.clause("三/一/2/2/2")
    assert any(p.startswith("1小时鲜活农产品物流圈") for p in point.paragraphs)
    assert any(p.startswith("5G基站") for p in point.paragraphs)
    assert sample_plan.clause("前言").text == "为加快数字经济发展，打造“3+6”新型产业体系，制定本方案。"
    assert all(c.locator.count("/") <= 4 for c in sample_plan.clauses)


def test_heading_with_body_on_next_line_keeps_both(sample_plan) -> None:  # type: ignore[no-untyped-def]
    item = sample_plan.clause("三/二/1")
    assert item.paragraphs == ("1.发展数字商贸。", "建设直播电商基地3个，培育电商企业200家。")


def test_section_with_intro_and_items(sample_plan) -> None:  # type: ignore[no-untyped-def]
    assert sample_plan.clause("四/一").text == "重点发展芯片设计与封装测试。"
    assert sample_plan.clause("四/一/2").title == "引进龙头企业"


def test_sample_table_with_responsible_unit_column(sample_plan) -> None:  # type: ignore[no-untyped-def]
    rows = {c.locator: c for c in sample_plan.clauses if c.kind == "row"}
    assert list(rows) == ["清单/一/1", "清单/一/2", "清单/二/1"]
    assert rows["清单/一/1"].title == "集成电路产业园"
    assert rows["清单/一/1"].lead_unit == "市经信局"
    assert rows["清单/一/2"].lead_unit == "市商务局、示例区"
    assert rows["清单/二/1"].lead_unit == "市通信发展办"
    assert dict(rows["清单/一/1"].fields)["责任单位"] == "市经信局"
    assert rows["清单/一/1"].label == "责任清单 一、产业项目 1. 集成电路产业园"


def test_sample_notice_with_chinese_date(sample_plan) -> None:  # type: ignore[no-untyped-def]
    notice = sample_plan.clause("通知")
    assert notice.paragraphs[-1] == "二〇二五年三月一日"


def test_sample_renders_back_without_loss(sample_plan) -> None:  # type: ignore[no-untyped-def]
    from .conftest import SAMPLE_CORPUS_DIR

    text = (SAMPLE_CORPUS_DIR / "sample-plan.txt").read_text(encoding="utf-8")
    assert non_blank(render(sample_plan)) == non_blank(text)


def test_document_without_notice_or_table() -> None:
    meta = DocumentMeta("d", "t", "", "", "", "d.txt")
    text = "某某方案\n\n一、目标\n\n1.第一项。内容。\n2.第二项。内容。\n二、保障\n\n加强领导。\n"
    doc = parse_document(SourceDocument(meta, text))
    assert [c.locator for c in doc.clauses] == ["一/1", "一/2", "二"]


def test_a_decimal_heading_whose_parent_heading_was_lost_sits_where_its_number_says() -> None:
    # a 简本 that dropped 2.1: 2.1.1 and 2.1.2 still state their path, and 2.2 follows them
    text = (
        "某省应急预案\n1　总则 1.1　编制目的\n保障安全。\n1.2　适用范围 本预案适用于全省。\n"
        "2　组织机构 2.1.1　省指挥部\n省政府设立省指挥部。\n2.1.2　省指挥部办公室\n办公室承办日常工作。\n"
        "2.2　组织体系 县级以上人民政府设立指挥部。\n3　保障措施 3.1　资金保障\n列入预算。\n"
    )
    doc = _parsed(text)
    assert [c.locator for c in doc.clauses] == ["1/1", "1/2", "2/1/1", "2/1/2", "2/2", "3/1"]
    assert doc.clause("2/1/2").cite == "2.1.2" and "承办日常工作" in doc.clause("2/1/2").text


def test_a_contents_list_whose_last_entry_ran_into_the_first_heading() -> None:
    # an unmarked 目录 (headings run together in pairs, an attachment listed last) whose last
    # line also carries the text's first heading: the 目录 ends there and the outline starts
    text = (
        "某省防汛应急预案（简本）\n1 总则 1.1 指导思想\n1.2 适用范围\n2 组织体系 2.1 省指挥部\n"
        "2.2 市县指挥机构\n附件 旱情指标 1 总则\n1.1 指导思想 坚持人民至上。\n1.2 适用范围 适用于全省。\n"
        "2 组织体系\n2.1 省指挥部 省政府设立省指挥部。\n2.2 市县指挥机构 市县设立指挥机构。\n"
    )
    doc = _parsed(text)
    assert [c.locator for c in doc.clauses] == ["1/1", "1/2", "2/1", "2/2"]
    assert "省政府设立省指挥部" in doc.clause("2/1").text


def test_items_a_web_page_ran_into_one_paragraph_are_items() -> None:
    # 1.…；2.…；3.… on one line is a list run together; （1）…；（2）… inside an item's text is its text
    text = (
        "一、停止发放\n补贴对象有以下情况之一的，停止发放补贴：\n"
        "1.死亡或宣告死亡的；2.经人民法院宣告失踪的；3.户籍迁出本市的；4.本人自愿申请停止发放的。\n"
        "对上述第2项情况有异议的，可提出复核申请。\n"
        "二、报名\n1.小区配套园。需查册的情况：（1）幼儿与祖辈同住；（2）业主是兄弟姐妹；（3）唯一居住地。\n"
        "2.其他幼儿园。网上报名，投资2.5亿元；3.5亿元以上的另议。\n"
    )
    doc = _parsed(text)
    assert [c.locator for c in doc.clauses] == ["一", "一/1", "一/2", "一/3", "一/4", "二/1", "二/2"]
    assert doc.clause("一/4").text.startswith("4.本人自愿申请停止发放的。") and "复核申请" in doc.clause("一/4").text
    assert "（3）唯一居住地" in doc.clause("二/1").text and "3.5亿元以上" in doc.clause("二/2").text


def test_a_notice_opening_with_its_addressees_and_closing_with_a_contact_note() -> None:
    # no 文号 and no title above the 主送 line (a web page keeps its title apart); the 附注
    # （联系人：…） after the date still belongs to the notice, and the policy's title follows it
    text = (
        "各幼儿园：\n《某区幼儿园招生工作方案》已经局长办公会议审议通过，现印发给你们，请遵照执行。\n"
        "某区教育局\n2026年 4月 20 日\n（联系科室：学前教育科，联系电话：12345678）\n"
        "某区幼儿园招生工作方案\n为做好招生工作，特制定本方案。\n一、招生原则\n（一）适龄优先。优先满足适龄幼儿。\n"
        "（二）免试入园。不得考试。\n二、招生对象\n适龄幼儿。\n"
    )
    doc = _parsed(text)
    assert [c.locator for c in doc.clauses] == ["通知", "前言", "一/一", "一/二", "二"]
    assert "联系电话" in doc.clause("通知").text and "审议通过" in doc.clause("通知").text


def test_out_of_sequence_number_stays_body_text() -> None:
    meta = DocumentMeta("d", "t", "", "", "", "d.txt")
    text = "一、目标\n1.第一项。内容。\n3.这不是第三项。\n2.第二项。\n"
    doc = parse_document(SourceDocument(meta, text))
    assert [c.locator for c in doc.clauses] == ["一/1", "一/2"]
    assert doc.clause("一/1").paragraphs[-1] == "3.这不是第三项。"


@pytest.mark.parametrize(
    ("line", "level", "number"),
    [
        ("一、总体要求", Style.PART, 1),
        ("十一、组织保障", Style.PART, 11),
        ("（三）构建开放创新生态", Style.SECTION, 3),
        ("(2)半角括号", Style.SUBITEM, 2),
        ("3．全角点", Style.ITEM, 3),
        ("②标杆示范", Style.POINT, 2),
    ],
)
def test_heading_tokens(line: str, level: Style, number: int) -> None:
    found = match_heading(line)
    assert found is not None
    assert (found.style, found.number) == (level, number)


@pytest.mark.parametrize(
    "line", ["1小时鲜活农产品物流圈", "30分钟通勤圈", "“2＋8”平台", "5G基站", "1.5亿元", "2024年12月30日"]
)
def test_numbers_that_are_not_headings(line: str) -> None:
    assert match_heading(line) is None


def test_chinese_numerals_round_trip() -> None:
    for number in range(1, 1000):
        assert cn_to_int(int_to_cn(number)) == number
    assert int_to_cn(11) == "十一"
    assert int_to_cn(20) == "二十"
    assert cn_to_int("二十三") == 23


def test_decimal_outline_with_a_table_of_contents() -> None:
    text = "\n".join(
        [
            "某市突发事件应急预案",
            "目录",
            "1 总则……1",
            "1.1 编制目的……1",
            "2 组织体系……3",
            "1 总则",
            "1.1 编制目的",
            "为了提高应对突发事件的能力，制定本预案。",
            "1.2 适用范围",
            "本预案适用于本市行政区域内的突发事件。具体包括：",
            "（1）自然灾害；",
            "（2）事故灾难。",
            "2 组织体系",
            "2.1 领导机构",
            "市政府是突发事件应急管理工作的行政领导机关。",
            "2.2 工作机构",
            "市应急管理局是本市应急管理工作的办事机构。",
        ]
    )
    doc = parse_document(SourceDocument(DocumentMeta("d", "t", "", "", "", "d.txt"), text))
    assert [c.locator for c in doc.clauses] == ["1/1", "1/2", "1/2/1", "1/2/2", "2/1", "2/2"]
    assert doc.clause("1/2/1").cite == "1.2（1）" and doc.clause("2/2").cite == "2.2"
    assert any(e.kind == "toc" for e in doc.elements if isinstance(e, Heading))
    assert non_blank(render(doc)) == non_blank(text)


def test_legal_articles_under_chapters_and_items_in_articles() -> None:
    text = "某市条例\n第一章 总则\n第一条 为了规范管理，制定本条例。\n第二条 有下列情形之一的，予以处罚：\n（一）未登记的；\n（二）逾期未改正的。\n第二章 附则\n第三条 本条例自2025年1月1日起施行。"
    doc = parse_document(SourceDocument(DocumentMeta("d", "t", "", "", "", "d.txt"), text))
    assert [c.locator for c in doc.clauses] == ["第一条", "第二条", "第二条/一", "第二条/二", "第三条"]
    assert doc.clause("第二条/二").cite == "第二条（二）"
    assert {e.locator for e in doc.elements if isinstance(e, Heading) and e.kind == "chapter"} == {"第一章", "第二章"}


def test_an_article_named_in_round_brackets_and_one_that_only_names_its_items() -> None:
    text = (
        "某市专项资金扶持办法\n第一条（目的和依据）\n为推动产业发展，制定本办法。\n第二条（支持范围）\n（一）海上风电\n"
        "（二）光伏\n1.光伏电站项目\n2.分布式光伏项目\n第三条（支持方式）\n（一）按发电量给予奖励。\n"
        "第四条 本办法自2025年1月1日起施行。"
    )
    doc = parse_document(SourceDocument(DocumentMeta("d", "t", "", "", "", "d.txt"), text))
    assert [c.locator for c in doc.clauses] == ["第一条", "第二条/一", "第二条/二/1", "第二条/二/2", "第三条/一", "第四条"]
    headings = {e.locator: e for e in doc.elements if isinstance(e, Heading)}
    assert {"第二条", "第二条/二", "第三条"} <= set(headings)
    assert doc.clause("第一条").label == "第一条（目的和依据）"
    assert headings["第二条"].label == "第二条（支持范围）"
    assert non_blank(render(doc)) == non_blank(text)


def test_a_paragraph_after_an_articles_items_is_its_next_kuan() -> None:
    text = (
        "某市条例\n第一条 管理人按照下列规定确定：\n（一）委托物业服务企业管理的，物业服务企业为管理人；\n"
        "（二）未委托的，本单位为管理人\n按照前款规定不能确定管理人的，由镇人民政府确定。\n"
        "有下列情形之一的，不得担任管理人：\n（一）失信的；\n（二）其他情形。\n"
        "第二条 本条例自2025年1月1日起施行。"
    )
    doc = parse_document(SourceDocument(DocumentMeta("d", "t", "", "", "", "d.txt"), text))
    assert [c.locator for c in doc.clauses] == [
        "第一条", "第一条/一", "第一条/二", "第一条/第二款", "第一条/第三款",
        "第一条/第三款/一", "第一条/第三款/二", "第二条",
    ]
    assert doc.clause("第一条/二").text == "（二）未委托的，本单位为管理人"  # its own line, no trailing 款
    assert doc.clause("第一条/第二款").marker == "［第一条第二款］"
    assert doc.clause("第一条/第三款/二").cite == "第一条第三款（二）"
    assert non_blank(render(doc)) == non_blank(text)


def _parsed(text: str, source: str = "d.txt") -> ParsedDocument:
    """A one-document parse that must reassemble to its text."""
    doc = parse_document(SourceDocument(DocumentMeta("d", "t", "", "", "", source), text))
    assert non_blank(render(doc)) == non_blank(text)
    return doc


def test_a_bare_part_number_on_its_line_opens_the_next_part_only() -> None:
    text = "某某通知\n一、工作时间\n全年250天。\n二、工资折算\n日工资按21.75天折算。\n三\n原通知同时废止。\n五\n这行不是第五部分。"
    doc = _parsed(text, "d.md")
    assert [c.locator for c in doc.clauses] == ["一", "二", "三"]
    assert doc.clause("三").text.endswith("五\n这行不是第五部分。")


def test_the_closing_attachment_list_and_publication_line_join_the_signature() -> None:
    text = (
        "关于加强某项工作的通知\n各区住房保障部门：\n一、申请条件\n（一）符合条件的，可以申请。\n（二）不符合条件的，应当退出：\n"
        "1．收入超标的，腾退住房。\n2．逾期不腾退的，加收租金。\n二、本通知自2024年3月4日起施行。\n"
        "附件：\n1．收入及财产限额\n2．住房租赁补贴标准\n3．分档租金标准\n广州市住房和城乡建设局\n2024年3月4日\n公开方式：主动公开"
    )
    doc = _parsed(text)
    # the attachment names (numbered titles) say nothing about how 1．2． nest in the body
    assert [c.locator for c in doc.clauses][-4:] == ["一/二", "一/二/1", "一/二/2", "二"]
    assert doc.clause("二").text == "二、本通知自2024年3月4日起施行。"
    signature = next(e for e in doc.elements if isinstance(e, Heading) and e.kind == "signature")
    assert signature.source.startswith("附件：") and signature.source.endswith("公开方式：主动公开")


def test_a_policy_sent_as_attachment_1_has_no_title_of_its_own() -> None:
    text = (
        "国务院办公厅关于某某问题的复函\n国办函〔2004〕80号\n湖北省人民政府：\n你省请示收悉。现函复如下。\n"
        "附件：1.国土资源部关于某某的报告\n2.专家组意见\n国务院办公厅\n二〇〇四年十一月四日\n"
        "附件1\n关于某某情况的报告\n国务院：\n现将情况报告如下。\n一、基本情况\n情况属实。\n二、建议\n加强监测。\n"
        "附件2\n专家组意见\n建议搬迁。"
    )
    doc = _parsed(text)
    assert [c.locator for c in doc.clauses] == ["通知", "附件1/前言", "附件1/一", "附件1/二", "附件2/前言"]


def test_a_list_of_attached_forms_is_kept_out_of_the_last_clause() -> None:
    text = "某某办法\n第一条 申请人提交材料。\n第二条 本办法自印发之日起施行。\n附表：1. 申请表\n2. 评估表\n3.补贴申请表"
    doc = _parsed(text)
    assert [c.locator for c in doc.clauses] == ["第一条", "第二条"]
    assert doc.clause("第二条").text == "第二条 本办法自印发之日起施行。"
    assert doc.clause("第二条").trailer.startswith("附表：1. 申请表")


# The openings of two real emergency plans as text extraction gives them (eval/realdocs-blind):
# headings run together on a line, a heading's body after a gap, a 目录 without its word.
_RUN_TOGETHER = (
    "国务院办公厅关于印发\n国家自然灾害救助应急预案的通知\n国办函〔2016〕25号\n"
    "各省、自治区、直辖市人民政府，国务院各部委、各直属机构：\n经国务院同意，现将修订后的《国家自然灾害救助应急预案》印发给你们，请认真组织实施。\n"
    "国务院办公厅 2016年3月10日\n（此件公开发布） 国家自然灾害救助应急预案\n"
    "1\u3000总则 1.1\u3000编制目的\n1.2\u3000编制依据 1.3\u3000适用范围\n2\u3000组织指挥体系\n2.1\u3000国家减灾委员会\n3\u3000灾害预警响应\n"
    "1\u3000总则 1.1\u3000编制目的\n建立健全应对突发重大自然灾害救助体系和运行机制。\n"
    "1.2\u3000编制依据 《中华人民共和国突发事件应对法》、《自然灾害救助条例》等。\n"
    "1.3\u3000适用范围 本预案适用于我国境内发生自然灾害的国家应急救助工作。\n"
    "2\u3000组织指挥体系 2.1\u3000国家减灾委员会\n国家减灾委员会为国家自然灾害救助应急综合协调机构。\n"
    "3\u3000灾害预警响应 气象、水利等部门及时通报自然灾害预警预报信息。\n（1）向可能受影响的省（区、市）通报预警信息。\n"
    "（2）加强应急值守，密切跟踪灾害风险变化。\n"
)


def test_headings_run_together_by_extraction_are_split_and_an_unmarked_toc_skipped() -> None:
    doc = _parsed(_RUN_TOGETHER)
    assert [c.locator for c in doc.clauses] == ["通知", "1/1", "1/2", "1/3", "2/1", "3", "3/1", "3/2"]
    assert doc.clause("通知").text.endswith("国务院办公厅 2016年3月10日\n（此件公开发布）")
    assert doc.clause("1/2").label == "1.2 编制依据"
    assert doc.clause("1/2").text.startswith("《中华人民共和国突发事件应对法》")
    assert doc.clause("3").text.startswith("气象、水利等部门")
    assert any(isinstance(e, Heading) and e.kind is Kind.TOC for e in doc.elements)


def test_a_numbered_title_ending_in_a_full_stop_keeps_its_items_and_gaps_inside_text_stay() -> None:
    text = (
        "青海省防汛抗洪应急预案\n1 总则 1.1 编制目的。\n确保人民群众生命财产安全。\n"
        "1.2 编制依据。 依据《中华人民共和国防洪法》等，制定本预案。\n"
        "1.3 工作原则。 (1)坚持统一领导。防汛工作实行行政首长负责制。\n(2)坚持安全第一。切实保障防洪安全。\n"
        "2 组织指挥体系\n2.1 指挥部。\n总 指 挥：分管副省长\n"
    )
    doc = _parsed(text)
    assert [c.locator for c in doc.clauses] == ["1/1", "1/2", "1/3/1", "1/3/2", "2/1"]
    assert doc.clause("1/2").text == "依据《中华人民共和国防洪法》等，制定本预案。"
    assert doc.clause("2/1").text == "总 指 挥：分管副省长"


def test_a_table_between_two_parts_ends_where_the_parts_go_on() -> None:
    text = (
        "关于开展参保缴费工作的通告\n一、参保范围\n本市户籍人员。\n二、参保登记及缴费渠道\n参保人员按下表办理：\n"
        "序号\t人员类别\t参保缴费渠道\n1\t城乡居民\t到街道办理\n2\t大中专学生\t由学校办理\n"
        "三、缴费方式\n由税务机关负责征收。\n四、注意事项\n（一）已参加职工医保的先停保。\n（二）学生在学籍地参保。\n"
        "广州市医疗保险服务中心\n2025年10月14日\n"
    )
    doc = _parsed(text)
    assert [c.locator for c in doc.clauses] == ["一", "二", "附表/1", "附表/2", "三", "四/一", "四/二"]
    assert doc.clause("附表/2").text.endswith("由学校办理")
    assert [e.locator for e in doc.elements if isinstance(e, Heading) and e.kind is Kind.SIGNATURE] == ["落款"]


def test_letters_below_circled_numbers_open_points_only_from_a_and_in_turn() -> None:
    text = (
        "某区公告\n一、申请材料\n1.企业需提供：\n①申请表；\n②营业执照复印件；\n③按选填条件提交以下资料：\n"
        "a.满足条件1的企业无需提交证明材料；\nb.满足条件2的企业请提交：高新技术企业证书；\n④完税证明。\n"
        "二、物资保障\n(1)物资储备。 a.各单位储备物资。\nb.省级物资用于重点地区。\n"
    )
    doc = _parsed(text)
    assert [c.locator for c in doc.clauses] == ["一/1", "一/1/1", "一/1/2", "一/1/3", "一/1/3/1", "一/1/3/2", "一/1/4", "二/1"]
    assert doc.clause("一/1/3/2").marker == "［一1③b］"
    assert doc.clause("二/1").text.endswith("b.省级物资用于重点地区。")  # b. without an a. above it is text


def test_a_cell_per_line_table_led_by_a_type_column_gives_each_row_its_type() -> None:
    # a web table copied as text: a cell per line, 任务类型 merged over the rows it spans (its
    # cell stands once, above the first), 推进单位 merged likewise, category rows 行动一：…
    text = (
        "关于印发某区更新行动方案的通知\n各街道：\n现将方案印发给你们。\n某区人民政府\n2024年1月5日\n"
        "某区更新行动方案\n一、重点任务\n开展两大行动。\n附件\n某区更新行动任务清单（2024-2026年）\n"
        "任务类型\n序号\n工作任务\n推进单位\n"
        "行动一：片区焕新行动\n1\n推进北片区规划研究\n区规划局、区建设委\n2\n推进南片区规划研究\n区规划局、某某集团\n"
        "行动二：住房改善行动\n旧房改造\n3\n完成旧房改造\n区房管局、各相关街镇\n加装电梯\n4\n完成加装电梯100台\n"
        "5\n推进无障碍改造\n“美好家园”建设\n6\n创建10个示范小区\n区房管局\n"
    )
    doc = _parsed(text)
    rows = [c for c in doc.clauses if c.locator.startswith("清单/")]
    assert [c.locator for c in rows] == ["清单/一/1", "清单/一/2", "清单/二/3", "清单/二/4", "清单/二/5", "清单/二/6"]
    assert [dict(c.fields).get("任务类型") for c in rows] == [None, None, "旧房改造", "加装电梯", "加装电梯", "“美好家园”建设"]
    # the merged 推进单位 cell of row 3 spans rows 4 and 5 of its category; row 6 has its own
    assert [c.lead_unit for c in rows] == ["区规划局、区建设委", "区规划局、某某集团", *["区房管局、各相关街镇"] * 3, "区房管局"]
    assert dict(doc.clause("清单/二/5").fields)["推进单位"] == "区房管局、各相关街镇"
    assert doc.clause("清单/二/5").text == "推进无障碍改造"
    categories = [e for e in doc.elements if isinstance(e, Heading) and e.kind is Kind.CATEGORY]
    assert [(e.locator, e.label) for e in categories] == [("清单/一", "行动一：片区焕新行动"), ("清单/二", "行动二：住房改善行动")]


def test_a_type_column_cell_above_the_first_row_and_a_task_naming_numbers() -> None:
    # no category row before the first 任务类型 cell; 一、二号线 inside a task is no category
    text = (
        "某区更新方案\n一、总体要求\n推进城市更新。\n附件\n某区任务清单\n任务类型\n序号\n工作任务\n推进单位\n旧区改造\n1\n完成旧区改造\n区房管局\n"
        "2\n推进地铁一、二号线建设\n区建管委\n加装电梯\n3\n完成加装电梯\n区住建委\n"
    )
    doc = _parsed(text)
    rows = [c for c in doc.clauses if c.kind == Kind.ROW]
    assert [c.locator for c in rows] == ["清单/1", "清单/2", "清单/3"]
    assert [dict(c.fields)["任务类型"] for c in rows] == ["旧区改造", "旧区改造", "加装电梯"]
    assert doc.clause("清单/2").text == "推进地铁一、二号线建设"


@pytest.mark.parametrize("layout", ["tabs", "cells"])
def test_a_table_straight_after_the_title_is_a_table_named_by_it(layout: str) -> None:
    rows = [("序号", "重点任务", "牵头单位"), ("1", "建设数据中心", "市发展改革委"), ("2", "培育专精特新企业50家", "市经信局"), ("3", "新建5G基站", "")]
    sep = "\t" if layout == "tabs" else "\n"
    text = "某市2024年重点工作任务清单\n" + "\n".join(sep.join(c for c in row if c) for row in rows) + "\n"
    doc = _parsed(text)
    assert [c.locator for c in doc.clauses] == ["清单/1", "清单/2", "清单/3"]
    assert doc.clause("清单/2").lead_unit == "市经信局"
    assert doc.clause("清单/3").lead_unit == "市经信局"  # a merged cell, written once
    title = next(e for e in doc.elements if isinstance(e, Heading) and e.kind is Kind.TITLE)
    assert title.source == "某市2024年重点工作任务清单"


def test_a_markdown_table_a_cell_per_block_keeps_a_wrapped_cell_whole() -> None:
    # a web table copied to Markdown: a blank line between cells, a long cell wrapped inside its block
    text = (
        "某区实施方案\n\n一、重点任务\n\n1.强化规划管控。面积见下表。\n\n马陆社区\n\n4.42\n\n2.加强指标衔接。\n\n"
        "附件：某区重点任务分解表\n\n序号\n\n任务类型\n\n重点内容\n\n责任单位\n\n"
        "1\n\n规划\n建设管理\n\n指导推进建设工作。\n\n区建设管理委、区财政局、\n区水务局，\n各街镇\n\n"
        "2\n\n系统方案\n\n编制系统方案。\n\n区建设管理委\n"
    )
    doc = _parsed(text)
    assert [c.locator for c in doc.clauses if c.locator.startswith("一")] == ["一/1", "一/2"]  # 4.42 is a figure
    rows = [c for c in doc.clauses if c.kind == Kind.ROW]
    assert [c.title for c in rows] == ["规划建设管理", "系统方案"]
    assert [c.lead_unit for c in rows] == ["区建设管理委、区财政局、区水务局，各街镇", "区建设管理委"]
    assert rows[0].text == "指导推进建设工作。"


def test_a_figure_alone_on_its_line_is_text_and_a_row_number_always_opens_a_cell() -> None:
    # 3.42 where item 3 is expected is a table cell's figure (an area in 平方公里), not item 3
    doc = _parsed("某区方案\n一、重点任务\n1.强化管控。\n2.推进建设。面积如下：\n马陆社区\n3.42\n3.加强指标衔接。\n")
    assert doc.clause("一/2").text == "2.推进建设。面积如下：\n马陆社区\n3.42"
    assert doc.clause("一/3").text == "3.加强指标衔接。"
    # a cell-per-block table whose next row number follows a cell with no blank line between
    text = (
        "某区方案\n\n一、总体要求\n\n推进建设。\n\n附件：某区任务分解表\n\n序号\n\n任务类型\n\n重点内容\n\n责任单位\n\n"
        "1\n\n规划\n\n指导推进。\n\n区建设管理委\n2\n\n系统方案\n\n编制系统方案。\n\n区水务局\n"
    )
    rows = [c for c in _parsed(text).clauses if c.kind == Kind.ROW]
    assert [(c.title, c.lead_unit) for c in rows] == [("规划", "区建设管理委"), ("系统方案", "区水务局")]


def test_an_empty_lead_cell_written_out_is_not_a_merged_one() -> None:
    text = "某市重点工作清单\n序号\t重点任务\t牵头单位\t完成时限\n1\t建设数据中心\t市发展改革委\t2024年\n2\t各部门共同推进\t\t长期\n"
    doc = _parsed(text)
    assert [c.lead_unit for c in doc.clauses] == ["市发展改革委", None]


def test_a_paragraph_inside_an_item_whose_numbering_goes_on_is_no_kuan() -> None:
    text = (
        "某区扶持办法\n第一条（奖励标准）\n（一）按发电量给予奖励，奖励时间为连续5年。\n其中，全额上网项目按0.2元/瓦一次性补贴。\n"
        "（二）奖励小时数上限按6050小时计算。\n第二条（申报材料）\n甲类申报材料：\n（一）申请表；\n（二）营业执照。\n"
        "乙类申报材料：\n（一）竣工验收证明；\n（二）租赁协议。\n第三条 本办法自印发之日起施行。"
    )
    doc = _parsed(text)
    assert [c.locator for c in doc.clauses] == [
        "第一条/一", "第一条/二", "第二条", "第二条/一", "第二条/二",
        "第二条/第二款", "第二条/第二款/一", "第二条/第二款/二", "第三条",
    ]
    assert doc.clause("第一条/一").text.endswith("其中，全额上网项目按0.2元/瓦一次性补贴。")
    # the line that only names 第二条 is no 款 of its own: 甲类申报材料 opens the first
    assert doc.clause("第二条").text == "第二条（申报材料）\n甲类申报材料："


def test_a_notice_whose_attachments_are_only_tables_keeps_its_body_as_the_preamble() -> None:
    text = (
        "某市经济信息化委关于发布2024年度重点区域的通知\n相关单位：\n为推进更新，经各区报送，现发布本年度重点区域，详见附表。\n"
        "名单有效期至2025年6月30日止。\n附件：2024年度重点区域\n某市经济和信息化委员会\n2024年6月21日\n附件\n2024年度重点区域\n"
        "序号\n所在区\n名称\n1\n甲区\n甲园区\n2\n乙区\n乙园区"
    )
    doc = _parsed(text, "d.md")
    assert [c.locator for c in doc.clauses][:2] == ["通知", "前言"]
    assert doc.clause("通知").text.endswith("相关单位：")
    assert doc.clause("前言").text.endswith("名单有效期至2025年6月30日止。")
    # a notice that hands on what it attaches is one clause, whatever the attachment holds
    handed_on = text.replace("现发布本年度重点区域，详见附表", "现将《2024年度重点区域》印发给你们")
    assert [c.locator for c in _parsed(handed_on, "d.md").clauses][0] == "通知"
    assert "前言" not in [c.locator for c in _parsed(handed_on, "d.md").clauses]


def test_a_text_saved_from_an_attachment_page_is_not_an_attachment() -> None:
    text = "附件\n某市某产业三年行动计划\n（2021-2023年）\n为推动产业发展，特制定本行动计划。\n一、总体思路\n统筹规划。\n二、保障措施\n加强组织。"
    doc = _parsed(text, "d.md")
    assert [c.locator for c in doc.clauses] == ["前言", "一", "二"]
    title = next(e for e in doc.elements if isinstance(e, Heading) and e.kind == "title")
    assert title.label == "某市某产业三年行动计划（2021-2023年）"


def test_a_long_column_name_ending_in_what_it_names_is_a_header_cell() -> None:
    text = (
        "某委关于发布重点区域的通知\n相关单位：\n现发布重点区域，详见附表。\n某委员会\n2024年6月21日\n附件\n重点区域\n\n序号\n\n所在区\n\n"
        "年度重点推进城市更新的产业区域名称\n\n四至范围\n\n1\n\n甲区\n\n甲园区\n\n东至甲路\n\n2\n\n乙区\n\n乙园区\n\n东至乙路\n"
    )
    doc = _parsed(text, "d.md")
    row = doc.clause("附表/2")
    assert row.fields == (("所在区", "乙区"), ("年度重点推进城市更新的产业区域名称", "乙园区"), ("四至范围", "东至乙路"))
    assert row.title == "乙园区" and row.text == "东至乙路"


def test_decimal_numbers_written_against_their_titles_are_headings() -> None:
    # as a provincial 预案 was saved (eval/realdocs-blind18): no gap between number and title
    text = (
        "某自治区防汛抗旱应急预案\n1总则 1.1编制目的\n最大程度地减少损失。\n"
        "1.2编制依据 依据《甲条例》等编制。\n2组织指挥体系 2.1指挥机构\n指挥部统一指挥。\n"
        "2.2工作机构 办公室设在水利厅。\n2.5亿元用于抢险 物资储备。\n"
        "4应急响应 4.1分级标准\n分为四级。\n4.1.1Ⅳ级响应 可能发生一般灾害。\n"
    )
    doc = _parsed(text)
    assert [c.locator for c in doc.clauses] == ["1/1", "1/2", "2/1", "2/2", "4/1", "4/1/1"]
    assert doc.clause("1/2").label == "1.2 编制依据"
    assert doc.clause("1/2").text == "依据《甲条例》等编制。"
    assert doc.clause("4/1/1").label == "4.1.1 Ⅳ级响应"
    # a quantity against its unit is text, however the line goes on
    assert doc.clause("2/2").text.endswith("2.5亿元用于抢险 物资储备。")
    # a bare number against a word opens nothing without its first child run in after it
    assert [c.locator for c in _parsed(text.replace(" 1.1编制目的", "")).clauses][0] != "1/1"


def test_a_bare_attachment_line_over_an_attachment_the_notice_listed_opens_it() -> None:
    text = (
        "某市交通委关于印发《某市精细化管理三年行动计划》的通知\n各区政府：\n现将《某市精细化管理三年行动计划》印发给你们。\n"
        "某市交通委\n2024年12月11日\n某市精细化管理三年行动计划\n一、总体要求\n推进精细化管理。\n二、保障措施\n加强统筹。\n"
        "附件：某市精细化管理任务清单\n附件：\n某市精细化管理任务清单\n（一）提升设施品质\n1、改善道路环境\n（1）建设精品道路300条。\n"
    )
    doc = _parsed(text, "d.md")
    assert doc.clause("二").text == "加强统筹。"
    assert all(not c.locator.startswith("二/") for c in doc.clauses)
    assert any(c.locator.startswith("附件1") for c in doc.clauses)


def test_html_inside_markdown_is_read_as_its_paragraphs() -> None:
    # as a site generator's source keeps a 条例 (eval/realdocs-blind17): <p>, <b>, <br>, &emsp;
    text = (
        "::: tip 修订信息\n（2021年11月5日某市人民代表大会常务委员会通过）\n:::\n\n"
        "## 第一章&emsp;总则{align=\"center\"}\n\n"
        "<p id=\"t1\">&emsp;&emsp;<b>第一条</b>&emsp;为了防治扬尘污染，制定本条例。</p>\n"
        "<p id=\"t2\">&emsp;&emsp;<b>第二条</b>&emsp;建设单位应当履行下列职责：<br>\n"
        "&emsp;&emsp;（一）进行环境影响评价；<br>\n&emsp;&emsp;（二）列入工程造价。</p>\n"
        "## 第二章&emsp;附则{align=\"center\"}\n\n<p id=\"t3\">&emsp;&emsp;<b>第三条</b>&emsp;本条例自2022年1月1日起施行。</p>\n"
    )
    doc = _parsed(markdown_to_text(text), "d.md")
    assert [c.locator for c in doc.clauses] == ["前言", "第一条", "第二条", "第二条/一", "第二条/二", "第三条"]
    assert all("<" not in c.text and "&emsp;" not in c.text and "{align" not in c.label for c in doc.clauses)
    assert doc.clause("第二条/二").text.endswith("列入工程造价。")


def test_sections_that_introduce_their_items_with_a_colon_hold_items_restarting_under_each() -> None:
    text = (
        "某区若干措施\n一、支持对象\n本区企业。\n二、支持范围和标准\n（一）工业、商业节能减排：\n1.节能技术改造项目\n"
        "给予补贴。\n2.合同能源管理项目\n给予奖励。\n（二）建筑节能减排：\n1.绿色建筑示范项目\n配套补贴。\n"
        "（三）可再生能源利用\n1.屋顶光伏项目\n给予补贴。\n（四）节能管理能力建设\n1.能源中心建设（执行单位：区经委）\n给予补助。\n"
    )
    doc = _parsed(text, "d.md")
    locators = [c.locator for c in doc.clauses]
    assert {"二/一/1", "二/一/2", "二/二/1", "二/三/1", "二/四/1"} <= set(locators)
    assert not any(loc.startswith("二/1") or "/5/" in loc for loc in locators)
    assert doc.clause("二/四/1").lead_unit == "区经委"


def test_of_several_tables_the_one_named_a_list_is_the_list() -> None:
    assert table_roots(["甲区工作任务清单"]) == ["清单"] and table_roots(["甲区指标"]) == ["附表"]
    assert table_roots(["甲区工作任务清单（2019年）", "甲区工作指标"]) == ["清单", "附表"]
    assert table_roots(["甲表", "甲区任务清单", "乙表"]) == ["附表1", "清单", "附表2"]
    assert table_roots(["甲清单", "乙清单"]) == ["附表1", "附表2"]
