"""What a question asks about, and whether the clauses found speak of it.

能拿多少购房补贴 asks about 购房补贴; 多少比例的贴息 about 贴息; 有哪些地铁站和学校 about
地铁站 and 学校. Clauses that never name the asked thing do not answer the question,
however close they are otherwise (a plan on 住房补贴 says nothing of 购房补贴). Generic
words (钱, 部门, 条件, 支持 …) name no particular thing and are never checked; an everyday
word counts as named when the clause uses an official term it stands for.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from assistant.expand import Expander

# The asked thing follows 多少 / 哪些 / 哪几, up to a verb, a particle or punctuation. 什么 and
# 哪个 ask as often about an abstract quality (什么效力, 什么照顾) the text words otherwise.
_ASKING = re.compile(r"(?:多少|哪些|哪几)([\u4e00-\u9fff]{1,10})")
_BOUNDARY_WORDS = (
    "能|可以|可|会|要|需|应|该|必须|吗|呢|吧|是|有|在|不|才|就|都|还|没|已|被|同时|怎么|如何|呀|啊|来|为|给|问|用|交|领|拿"
    "|牵头|负责|开始|起|收取|发放|印发|确定|申请|获得|享受|执行|施行|实施|处理|参加|办理|打造|建设|提供|计算"
    "|纳入|列入|计入|用于|达到|这|那"  # 多少比例纳入这笔资金 asks about 比例; 这笔资金 points back
)
_BOUNDARY = re.compile(_BOUNDARY_WORDS)
# Before the question word a single character (交 of 交通, 在 of 在职) is too often part of the
# thing: only words of two characters or more end what comes before it.
_BOUNDARY_BEFORE = re.compile("|".join(w for w in _BOUNDARY_WORDS.split("|") if len(w) >= 2))
_CONNECTIVE = re.compile(r"^(?:那么|那样的?|这样的?|这些|那些|这个|那个|这里|那里|这笔|那笔|此外|另外|以及|还有|在)+")
_PARTS = re.compile(r"的|和|与|及|或|、|以及|方面")
_QUALIFIER = re.compile(r"^(?:具体|主要|重点|相关|有关)")
# A classifier after the question word comes before the thing (多少台电脑 asks about 电脑); a
# unit is the quantity itself (多少天内, 多少倍, 多少万元), and names a thing only through 的
# (多少学时的消防安全培训).
_CLASSIFIER = re.compile(r"^(?:个|种|类|项|家|名|位|套|次|件|条|批|笔|台|张|间|辆|所|座)")
_UNIT = re.compile(r"^(?:个月|小时|分钟|学时|平方米|平方|公里|万元|亿元|年|天|日|月|周|倍|元|万|亿|亩|米|吨|人|分|岁|周岁|钱|%)")
GENERIC = frozenset(
    "钱 人 分 年 天 月 日 次 个 项 条 种 类 部门 单位 机构 时间 时候 地方 地点 内容 条件 要求 措施 政策 方面 情况 "
    "情形 事 事情 问题 东西 好处 帮助 支持 材料 手续 程序 流程 规定 标准 方式 方法 办法 作用 意义 目标 任务 区别 "
    "影响 风险 后果 责任 处罚 服务 优惠 待遇 渠道 途径 比例 金额 数额 费用 资金 补贴 奖励 项目 企业 人员 对象 "
    "范围 领域 工作 活动 部分 东西 样 些 举措 安排 计划 打算 开发计划 限制 职责 原则 基本原则 规则 章 节 款 步 "
    "文号 版本 意见 建议 电话 地址 网站 年内 方向 重点 特点 亮点 原因 目的 依据 前提 结果 变化 区域 时限 期限 "
    "多久 程度 级别 等级 数量 规模 水平 形式 渠道 手段 效果 成效 进展 机制 体系 制度 处室 科室 单位名称 房子 房 业务".split()
)


# …the thing before 是多少 / 为多少 / 有多少 (年径流总量控制率目标是多少 asks about 年径流总量控制率)
_ASKED_BEFORE = re.compile(r"([\u4e00-\u9fff]{2,16}?)(?:是|为|有|达到)多少")


# adverbs and modal verbs between the thing and 是多少 / 达到多少 (…面积比例至少要达到多少)
_ADVERB = re.compile(
    r"(?:一共|总共|合计|累计|共计|大概|大约|大致|平均|一般|最多|最少|最高|最低|至少|至多|不低于|不少于"
    r"|需要|需|要|应当|应该|应|必须|能够|能|可以|可|将|会)+$"
)


def _thing_before(question: str) -> list[str]:
    """The things named just before 是多少 / 为多少 / 有多少 / 达到多少."""
    things = []
    for match in _ASKED_BEFORE.finditer(question):
        run = _ADVERB.sub("", match.group(1))
        run = re.split(r"[的]", _BOUNDARY_BEFORE.split(run)[-1])[-1]
        run = _QUALIFIER.sub("", _CONNECTIVE.sub("", run))
        if len(run) >= 2 and run not in GENERIC:
            things.append(run)
    return things


def asked_things(question: str) -> list[str]:
    """The things a question asks about, as it words them (购房补贴, 贴息, 地铁站)."""
    things: list[str] = _thing_before(question)
    for match in _ASKING.finditer(question):
        run = match.group(1)
        unit = _UNIT.match(run)
        if unit:
            after = run[unit.end() :]
            if not after.startswith("的"):
                continue
            run = after[1:]
        run = _BOUNDARY.split(_CLASSIFIER.sub("", run), maxsplit=1)[0]
        for part in _PARTS.split(run):
            part = _QUALIFIER.sub("", part)
            if part and part not in GENERIC:
                things.append(part)
    return things


def unnamed(
    question: str, texts: Sequence[str], tokens: Callable[[str], list[str]], expander: Expander
) -> list[str]:
    """The asked things that none of the texts name (a word of the thing is missing)."""
    joined = "".join(texts)
    missing = []
    for thing in asked_things(question):
        if any(term in joined for term in expander.terms_for(thing)):
            continue
        words = [w for w in tokens(thing) if w not in GENERIC and len(w) > 1]  # a lone character names nothing
        if any(word not in joined for word in words):  # a thing of generic words only is never missing
            missing.append(thing)
    return missing
