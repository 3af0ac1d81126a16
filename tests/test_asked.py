"""What a question asks about, read from its wording alone."""

from __future__ import annotations

import pytest

from assistant.answer.asked import asked_things, unnamed
from assistant.answer.definition import asked_term, defines
from assistant.cues import asked_cues, states_cue
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
    # 业务 is as generic as 服务: 租赁业务 is named by a text on 融资租赁服务
    leasing = ["对年度提供融资租赁服务达1000辆的融资租赁机构给予激励。"]
    assert unnamed("一年要做到多少辆的租赁业务才能拿激励？", leasing, tokens, expander) == []


@pytest.mark.parametrize(
    ("question", "term"),
    [
        ("办法里说的“重点旧改地块”指哪些区的地块？", "重点旧改地块"),
        ("请问重点旧改地块是指什么？", "重点旧改地块"),
        ("什么是价格欺诈？", "价格欺诈"),
        ("“一网通办”是什么意思？", "一网通办"),
        ("价格欺诈会受到什么处罚？", ""),  # not a question of meaning
        ("“两新”政策的补贴标准是什么？", ""),  # the quoted name is not what is asked about
    ],
)
def test_the_term_a_question_asks_the_meaning_of(question: str, term: str) -> None:
    assert asked_term(question) == term


def test_a_sentence_defines_a_term_only_in_the_words_texts_define_with() -> None:
    assert defines("本办法所称的重点旧改地块，是指黄浦、杨浦等区内的旧区改造地块。", "重点旧改地块")
    assert defines("本条例所称生活垃圾,是指在日常生活中产生的固体废物。", "生活垃圾")
    assert not defines("本条例所称生活垃圾分类，是指按照规定分类投放。", "生活垃圾")  # a longer term
    assert not defines("网格化管理是指挥调度的基础。", "网格化管理")  # 是指挥, not 是指


def test_a_sentence_naming_only_the_asked_thing_names_no_authority() -> None:
    question = "专家委员会由哪个部门牵头组建？"
    cues = asked_cues(question)
    assert not states_cue(cues, "组建专家委员会，为更新工作提供技术支撑。", question)
    assert states_cue(cues, "区规划资源局牵头组建专家委员会。", question)
    assert states_cue(cues, "组建专家委员会。", "哪个部门负责评审？")  # another question's own words
    # a cue word opening the sentence is the sentence's own subject, not the question's word
    assert states_cue(asked_cues("哪个部门负责？"), "部门应当在五日内答复。", "哪个部门负责？")
