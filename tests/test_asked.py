"""What a question asks about, read from its wording alone."""

from __future__ import annotations

import pytest

from assistant.answer.asked import asked_things, unnamed
from assistant.expand import Expander
from assistant.tokenize import Tokenizer


@pytest.mark.parametrize(
    ("question", "things"),
    [
        ("港澳青年在天河区购买首套住房能拿多少购房补贴？", ["购房补贴"]),
        ("港澳青年企业申请银行贷款能获得多少比例的贴息？", ["贴息"]),  # 比例 is generic
        ("萝岗和苑附近有哪些地铁站和学校？", ["地铁站", "学校"]),
        ("开网吧要放多少台电脑？", ["电脑"]),  # a classifier comes before the thing
        ("网吧从业人员每年要参加多少学时的消防安全培训？", ["消防安全培训"]),  # a unit names it through 的
        ("受理举报后多少天内反馈？", []),  # a unit is the quantity asked for
        ("加班费按日工资的多少倍计算？", []),
        ("能领多少钱？", []),
        ("一网通办对老人有什么照顾？", []),  # 什么 asks as often about an abstract quality
        # the thing before 是多少 / 达到多少, without adverbs, modals and words pointing back
        ("海绵城市建设的年径流总量控制率目标是多少？", ["年径流总量控制率目标"]),
        ("屋顶装光伏的面积比例至少要达到多少？", ["面积比例"]),
        ("交通补贴标准是多少？", ["交通补贴标准"]),  # 交 of 交通 ends nothing before the question word
        ("那么补贴是多少？", []),
        ("这笔资金一共有多少钱？", []),
        ("旧改任务较重的区要拿出多少比例纳入这笔资金？", []),  # 比例 is generic; 纳入 ends the thing
    ],
)
def test_asked_things(question: str, things: list[str]) -> None:
    assert asked_things(question) == things


def test_a_thing_counts_as_named_through_an_official_term_it_stands_for() -> None:
    expander = Expander({"网店": ("电子商务",)})
    texts = ["支持电子商务企业发展，给予一次性奖励。"]
    tokens = Tokenizer().tokens
    assert unnamed("开网店的有哪些网店奖励？", texts, tokens, expander) == []
    assert unnamed("有哪些贴息？", texts, tokens, expander) == ["贴息"]
    assert unnamed("有哪些具体支持措施？", texts, tokens, expander) == []  # generic words name nothing
