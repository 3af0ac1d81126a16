"""Answers on the real plan: each question kind the service must handle."""

from __future__ import annotations

import time

import pytest

from assistant.answer import Answerer
from assistant.extract import TermWeights, answers_figure, asks_quantity, best_excerpts
from assistant.followup import Turn
from assistant.markers import marker, marker_text, markers_in
from eval.answers import evaluate
from eval.gold import load_gold
from eval.perturb import perturbed

pytestmark = pytest.mark.slow


def test_fact_inside_a_clause(answerer: Answerer) -> None:
    answer = answerer.ask("人才公寓计划建设多少平方米？")
    assert "100万平方米" in answer.answer
    assert answer.citations[0].locator == "二/三/3"
    assert "统筹安排建设100万平方米人才公寓［二（三）3］" in answer.answer
    assert any("100万平方米" in h for h in answer.citations[0].highlights)
    assert not answer.abstained


def test_a_question_repeating_a_clauses_own_words_cites_that_clause(answerer: Answerer) -> None:
    # 清单/一/1 speaks of 信用 and 长三角 more often; 二/三/5 alone says 对接“信用长三角”平台建设
    answer = answerer.ask("信用长三角平台建设")
    assert answer.citations[0].locator == "二/三/5"
    assert "信用长三角" in answer.answer
    # the document's own title shared by every clause promotes none (清单/… rows, 通知 keep their rank)
    assert answerer.ask("打造虹桥国际开放枢纽金西翼行动计划的文号是什么？").citations[0].locator == "通知"


def test_every_quote_is_in_its_cited_clause(answerer: Answerer) -> None:
    for question in (
        "德清县的发展定位是什么？",
        "绿色金融改革有哪些措施",
        "长兴县在新能源汽车方面有什么举措",
    ):
        answer = answerer.ask(question)
        for citation in answer.citations:
            for sentence in citation.highlights:
                assert sentence in citation.text
        assert set(markers_in(answer.answer)) == {marker_text(c.locator) for c in answer.citations}


def test_lead_unit_comes_from_the_row(answerer: Answerer) -> None:
    answer = answerer.ask("长三角未来食品产业园项目由哪个单位牵头？")
    assert answer.kind == "lead_unit"
    assert answer.answer == f"长三角未来食品产业园项目的牵头单位是南浔区{marker('清单/三/7')}。"


def test_listing_by_lead_unit_is_complete(answerer: Answerer) -> None:
    answer = answerer.ask("市交通运输局牵头哪些事项？")
    assert [c.locator for c in answer.citations] == ["清单/一/8", "清单/三/1", "清单/三/2", "清单/四/7"]
    assert "共4项" in answer.answer


def test_listing_by_unit_and_category(answerer: Answerer) -> None:
    answer = answerer.ask("南浔区牵头的重大工程项目有哪些？")
    assert [c.locator for c in answer.citations] == ["清单/三/5", "清单/三/6", "清单/三/7"]


def test_listing_a_whole_category(answerer: Answerer) -> None:
    answer = answerer.ask("重大标志性成果有哪些？")
    assert [c.locator for c in answer.citations] == [f"清单/四/{n}" for n in range(1, 9)]


@pytest.mark.parametrize(
    ("question", "value"),
    [
        ("本文件的文号是什么？", "湖政办发〔2024〕28号"),
        ("行动计划是哪天印发的？", "2024年12月30日"),
        ("发文机关是哪个？", "湖州市人民政府办公室"),
        ("规划期是哪几年？", "2024—2030年"),
    ],
)
def test_document_metadata_from_the_notice(answerer: Answerer, question: str, value: str) -> None:
    answer = answerer.ask(question)
    assert value in answer.answer
    assert answer.citations[0].locator == "通知"
    assert value in answer.citations[0].text


def test_follow_up_with_ellipsis(answerer: Answerer) -> None:
    first = answerer.ask("德清县的发展定位是什么？")
    history = [Turn("user", "德清县的发展定位是什么？"), Turn("assistant", first.answer)]
    answer = answerer.ask("那长兴县呢？", history)
    assert answer.standalone_question == "长兴县的发展定位是什么？"
    assert answer.answer.startswith("长兴县")


def test_a_long_earlier_turn_cannot_make_a_follow_up_slow(answerer: Answerer) -> None:
    long_turn = "德清县的发展定位是什么？" + "请详细说明。" * 1500  # 9,000 characters
    history = [Turn("user", long_turn), Turn("assistant", "见上。" * 5000)]
    started = time.perf_counter()
    answer = answerer.ask("那长兴县呢？", history)
    assert answer.standalone_question == "那长兴县呢？"
    assert time.perf_counter() - started < 2.0  # was 6 s: the whole turn was embedded
    many = [Turn("user", "德清县的发展定位是什么？"), Turn("assistant", "……")] * 200
    assert answerer.ask("那长兴县呢？", many).standalone_question == "长兴县的发展定位是什么？"


def test_follow_up_with_pronoun(answerer: Answerer) -> None:
    first = answerer.ask("共建长三角一流营商环境的主要内容是什么？")
    history = [Turn("user", "共建长三角一流营商环境的主要内容是什么？"), Turn("assistant", first.answer)]
    answer = answerer.ask("它的牵头单位是谁？", history)
    assert "市委改革办（市委生态文明办）" in answer.answer
    assert answer.citations[0].locator == "清单/一/1"


def test_pronoun_falls_back_to_the_cited_clause(answerer: Answerer) -> None:
    history = [Turn("user", "哪一项是关于未来食品的？"), Turn("assistant", f"见{marker('清单/三/7')}。")]
    answer = answerer.ask("它的牵头单位是谁？", history)
    assert "南浔区" in answer.answer


@pytest.mark.parametrize("greeting", ["你好", "谢谢", "您好，你能做什么？", "hello"])
def test_greetings_get_a_short_reply_without_citations(answerer: Answerer, greeting: str) -> None:
    answer = answerer.ask(greeting)
    assert answer.kind == "greeting"
    assert answer.citations == ()
    assert not answer.abstained
    assert "行动计划" in answer.answer or "再见" in answer.answer


@pytest.mark.parametrize(
    "question",
    ["湖州2025年GDP是多少？", "今天天气怎么样？", "购买新能源汽车补贴多少钱？", "How are you today?"],
)
def test_out_of_scope_questions_abstain(answerer: Answerer, question: str) -> None:
    answer = answerer.ask(question)
    assert answer.abstained
    assert "没有涉及" in answer.answer
    assert len(answer.citations) <= 3


@pytest.mark.parametrize("noise", [0.0, 0.005])
def test_gold_set_answer_quality(answerer: Answerer, noise: float) -> None:
    """Floors below today's measured level, also when query vectors and abstention inputs
    carry noise of the size CPUs differ by (the README reports the gap to the targets)."""
    scores = evaluate(perturbed(answerer, noise, seed=7) if noise else answerer, load_gold())
    rates = scores.rates()
    assert scores.answerable >= 80 and scores.unanswerable >= 15
    # Floors below the spread eval.perturb measured (noise on query vectors and abstention
    # inputs: first citation 0.909–0.932, key phrase 0.917–0.932, wrong abstentions ≤ 0.038).
    assert rates["key_phrase_in_answer"] >= 0.88, scores.failures
    assert rates["wrong_abstention_on_answerable"] <= 0.06, scores.failures
    assert rates["first_citation_expected"] >= 0.88, scores.failures
    # 0.964 on one CPU, 0.893 on another (see eval.harness.GATE): the floor sits below both.
    assert rates["abstention_on_unanswerable"] >= 0.85, scores.failures
    assert rates["listing_complete"] == 1.0
    assert rates["chitchat_ok"] == 1.0


@pytest.mark.parametrize(
    ("question", "text", "answers"),
    [
        ("一次可以献多少毫升？", "每次可以选择献二百毫升、三百毫升或者四百毫升血液", True),
        ("两次献全血之间至少要间隔多长时间？", "每次可以选择献二百毫升、三百毫升或者四百毫升血液", False),
        ("两次献全血之间至少要间隔多长时间？", "献全血的间隔期不少于六个月", True),
        ("多久内拒不参加学习会被公告？", "满分教育通知书送达之日起三十日内", True),
        # a share of the rent is a percentage, not an amount in 元
        ("租金缴交比例是项目租金标准的多少？", "租金缴交比例为公共租赁住房项目租金标准的10％－70％", True),
        ("租金缴交比例是项目租金标准的多少？", "补贴标准为建筑面积每平方米37元", False),
        # how often, or how soon, said without a number
        ("多久要认证一次？", "待遇领取人员每年至少进行一次资格认证", True),
        ("补贴多长时间发放一次？", "补贴按月申请，次月发放", True),
        ("补贴多长时间发放一次？", "补贴由区民政部门审核后发放", False),
        # a share said as a ratio of two parts
        ("共建协同创新中心的出资比例是多少？", "政府、企业按照1∶1比例共同出资", True),
        ("补贴比例是多少？", "受理时间为工作日上午9:00至12:00", False),  # a clock time is no share
        ("补贴比例是多少？", "阶段1：2024年底前完成", False),
        ("申报截止时间是哪天？", "申报时间。2026年3月20日前。", True),
        ("申报截止是哪日？", "联系电话12345", False),
        # a month or a clock time asked for; 几个人 counts people
        ("新标准从几月算起？", "自2025年6月1日起按新标准执行", True),
        ("网吧每天几点必须关门？", "每日24时至次日8时不得营业", True),
        ("网吧每天几点必须关门？", "每日二十四时至次日八时不得营业", True),
        ("网吧每天几点必须关门？", "同时应当悬挂标志", False),
        ("网吧每天几点关门？", "每日二十四时至次日八时不得营业", True),
        ("网吧每天几点关门？", "实行统一时限管理", False),
        ("网吧每天几点关门？", "按1：10配比配备人员", False),
        ("基本原则有几点？", "坚持以下4项原则", True),  # 有几点 counts, asks no time
        # a word after 多少 is no unit (名额, 家庭); 余 and 多 stand between a number and its unit
        ("今年人才公寓有多少名额？", "人才公寓名额30个", True),
        ("能惠及多少家庭？", "惠及3000户家庭", True),
        ("培育多少家龙头企业？", "培育龙头企业50余家", True),
        ("多少天内办结？", "一周内办结", True),
        ("救援人员多少小时内到达？", "接报后半小时内到达现场", True),
        ("业主委员会至少要有几个人？", "业主委员会由五至十一人组成", True),
        ("业主委员会至少要有几个人？", "业主委员会任期五年", False),
        # the unit asked for: 亿元 is money, 平方 an area, 几个小时 hours, 多少天 days
        ("总投资多少亿元？", "改建或新建9座左右口袋公园", False),
        ("总投资多少亿元？", "项目总投资120亿元", True),
        ("一套大概多少平方？", "每套建筑面积60平方米左右", True),
        ("一套大概多少平方？", "共筹集房源300套", False),
        ("最多能连续开几个小时车？", "驾驶人员连续驾驶时间不得超过4个小时", True),
        ("入户信息卡的有效期是多少天？", "本细则有效期5年", False),
        ("要隔多久才能再献？", "提倡十八周岁至五十五周岁的健康公民自愿献血", False),  # 五周 of 五十五周岁 is no span
        ("几个部门联合搞的演练多久搞一次？", "一般2—3年举行一次", True),  # 几个 names no unit asked
        ("湖州打算盖多少人才房？", "统筹安排建设100万平方米人才公寓", True),
        # an event's time answers when
        ("奖励电量从什么时候开始算？", "奖励电量的起始时间以并网时间为准", True),
        ("奖励电量从什么时候开始算？", "奖励电量按上网电量计算", False),
        # 哪天 asks a day; a year in a column's name is none
        ("补贴资金哪天打到企业账户上？", "2024年拨付资金（万元）：0.11", False),
        ("报名哪天截止？", "5月22日下午3点截止", True),
        # a price per unit, not any amount
        ("补贴价格是每千瓦时多少元？", "补贴金额900万元", False),
        ("补贴价格是每千瓦时多少元？", "奖励标准为0.1元/千瓦时", True),
        ("物业费每平方米多少钱？", "租金18元/平方米/月", True),
        # a column's unit in its name states the cell's unit (a table row's fields, quoted)
        ("补贴总额是多少万元？", "补贴总额（万元）：40.51", True),
        ("申报的响应能力是多少千瓦时？", "申报响应能力（千瓦时）：180000", True),
        ("申报的响应能力是多少千瓦时？", "用户名称：甲公司", False),
        ("奖励标准是多少钱？", "奖励标准（每人）：500元", True),  # a bracket before a sentence is no column
        ("补贴价格是每度多少元？", "奖励标准为0.1元/千瓦时", True),
        # 价格 inside a name (价格结算机制) asks no money
        ("想退出价格结算机制，要提前多久申请？", "应提前15个工作日向电网企业申请", True),
        # a fine is an amount in 元 or a multiple; 1+2+3 is neither
        ("不按规定分类投放垃圾罚款多少？", "实行“1+2+3”理念，即1名专管员与2名居委干部配合", False),
        ("不按规定分类投放垃圾罚款多少？", "处五十元以上二百元以下罚款", True),
        ("卖没检疫证明的狗罚多少？", "处违法所得一倍以上三倍以下罚款", True),
    ],
)
def test_figures_of_the_asked_kind(question: str, text: str, answers: bool) -> None:
    assert answers_figure(question, text) is answers


@pytest.mark.parametrize(
    ("question", "asks"),
    [
        ("我家是低保户，新标准出来之前几个月按老标准领的钱，差的部分能补吗？", False),
        ("好几个人先后举报了同一件事，奖金给谁？", False),
        ("今年低保涨了，前几个月少领的差额会补吗？", False),
        ("合同到期前几个月要提出续租申请？", True),
        ("要提前几天申请？", True),
        ("审批几个月能办完？", True),
        ("补贴最多领几年？", True),
        ("被取消资格后多久之内不能再被认定？", True),
        ("申报截止时间是哪天？", True),
    ],
)
def test_a_few_told_of_is_not_a_quantity_asked(question: str, asks: bool) -> None:
    assert asks_quantity(question) is asks


def test_clauses_retrieval_cannot_tell_apart_are_judged_by_their_sentences() -> None:
    question = "被取消资格后多久之内不能再被认定？"
    tokens = ["取消", "资格", "多久", "之内", "认定"]
    weights = TermWeights.from_token_lists([tokens[:2], tokens[2:], ["其他"]])
    candidates = [
        ("d", "第十三条", "经评估后由认定机关取消其资格并予以认定公告。", "", ""),
        ("d", "第十五条", "被取消的，两年内不予认定。", "", ""),
    ]
    apart = best_excerpts(question, tokens, weights, candidates, ranks=[0, 1])
    tied = best_excerpts(question, tokens, weights, candidates, ranks=[0, 0])
    assert apart[0].locator == "第十三条"  # the first-ranked clause's better-matching sentence wins
    assert tied[0].locator == "第十五条"  # of two equals, the sentence stating how long


def test_a_figure_in_the_sentence_beside_the_best_one_is_quoted_with_it() -> None:
    question = "人才公寓一次最多能签几年？"
    tokens = ["人才", "公寓", "一次", "最多", "签", "续租"]
    weights = TermWeights.from_token_lists([tokens, ["其他"]])
    text = "合同租赁期限不超过3年。期满后人才公寓需要续租的，经批准后可以续租。"
    found = best_excerpts(question, tokens, weights, [("d", "三/二", text, "", "")])
    assert [e.sentence for e in found] == ["合同租赁期限不超过3年。", "期满后人才公寓需要续租的，经批准后可以续租。"]  # in their order
    # a bare 多少 takes any number: no sentence is borrowed for it
    bare = best_excerpts("人才公寓续租的标准是多少？", tokens, weights, [("d", "三/二", text, "", "")])
    assert [e.sentence for e in bare] == ["期满后人才公寓需要续租的，经批准后可以续租。"]


@pytest.mark.parametrize(
    ("question", "answering", "other"),
    [
        ("新建项目一年以上没开工会怎么样？", "新建项目一年以上未开工的，应当缴纳闲置费。", "新建项目一年以上未开工的，由建设单位管理。"),
        ("开办场所应当向哪个部门申请？", "开办场所应当向县级文化行政部门申请。", "开办场所应当提出书面申请。"),
        ("驾驶人可以去哪里参加学习？", "驾驶人可以在驾驶证核发地参加学习。", "驾驶人可以参加学习。"),
        ("办理登记需要提供什么材料？", "办理登记应当提交居住证明。", "办理登记应当及时。"),
    ],
)
def test_of_two_equal_sentences_the_one_of_the_asked_kind_is_quoted(question: str, answering: str, other: str) -> None:
    tokens = [t for t in ("新建", "项目", "开工", "开办", "场所", "申请", "驾驶人", "参加", "学习", "办理", "登记") if t in question]
    weights = TermWeights.from_token_lists([tokens, ["其他"]])
    for first, second in ((other, answering), (answering, other)):
        candidates = [("d", "第一条", first, "", ""), ("d", "第二条", second, "", "")]
        assert best_excerpts(question, tokens, weights, candidates, ranks=[0, 0])[0].sentence == answering


@pytest.mark.parametrize(
    ("question", "counts"),
    [
        ("一次记3分的情形有多少种？", True),
        ("应急响应分为几级？", True),
        ("补贴分几档？", True),
        ("长者饭堂的厨师必须持有几级厨师证才能上岗？", False),  # which grade, not how many
    ],
)
def test_a_grade_asked_before_its_noun_counts_no_list(question: str, counts: bool) -> None:
    from assistant.answer.facts import _COUNTS_KINDS

    assert bool(_COUNTS_KINDS.search(question)) is counts
