"""Lines a web page's extraction broke at every inline element, joined back."""

from __future__ import annotations

from assistant.ingest.fragments import join_fragments

BROKEN = """甲市财政局
各有关单位：
现下达
2025
年专项资金
645
万元，用于
补贴。其中：有效响应用户
62
户（详见附件
1
）
。
三、
保障措施
（
十一
）
加强
“
统筹
”
。
甲市财政局
2025
年
9
月
29
日
附件
:1
.
甲市资金汇总表
序号
用户名称
补贴（万元）
1
天津某某公司
40.51
2
万科某某公司
3.03""".split("\n")


def test_a_broken_extraction_is_joined_back_into_its_lines() -> None:
    assert join_fragments(BROKEN) == [
        "甲市财政局",
        "各有关单位：",
        "现下达2025年专项资金645万元，用于",  # a figure and its unit, inside a sentence
        "补贴。其中：有效响应用户62户（详见附件1）。",
        "三、保障措施",  # a bare numbering mark and its title
        "（十一）加强“统筹”。",
        "甲市财政局",  # a signature stays over its date
        "2025年9月29日",
        "附件:1.甲市资金汇总表",
        # a table's cells on lines of their own are left alone (2 / 万科… stays apart)
        "序号", "用户名称", "补贴（万元）", "1", "天津某某公司", "40.51", "2", "万科某某公司", "3.03",
    ]
    assert "".join(join_fragments(BROKEN)) == "".join(BROKEN)  # nothing lost


def test_headings_stay_over_their_text_and_an_attachment_over_its_title() -> None:
    kept = ["（二）深入推进“放管服”", "各区要抓好落实。", "一、工作成效。", "2024年全市实现增长。",
            "附件1", "项目申报表", "甲市财政局", "2025年9月29日"]
    joined = join_fragments([*kept, "乙", "，", "。", "）"])  # broken: lines open with ，。）
    assert joined == [*kept, "乙，。）"]


def test_a_text_without_lines_opening_with_a_closing_mark_is_unchanged() -> None:
    lines = ["一、总体要求", "到", "2030", "年，全面建成。", "（一）", "坚持创新。"]
    assert join_fragments(lines) == lines
