"""What kind of question this is, decided from its wording and the corpus's own names."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

from assistant.lexicon import Category, Lexicon


class Kind(StrEnum):
    GREETING = "greeting"
    METADATA = "metadata"
    LEAD_UNIT = "lead_unit"
    LISTING = "listing"
    PURPOSE = "purpose"
    STRUCTURE = "structure"
    FACT = "fact"


class MetaField(StrEnum):
    NUMBER = "number"
    DATE = "date"
    ISSUER = "issuer"
    PERIOD = "period"
    RECIPIENTS = "recipients"
    TITLE = "title"
    IN_FORCE = "in_force"  # 施行日期 / 有效期: stated in a closing clause of the policy
    BASIS = "basis"  # the laws and rules a policy rests on: 根据《…》 in its opening


@dataclass(frozen=True)
class Intent:
    kind: Kind
    meta_field: MetaField | None = None
    units: tuple[str, ...] = ()
    categories: tuple[Category, ...] = field(default_factory=tuple)


_GREETING = re.compile(
    r"^(你好|您好|你们好|嗨|哈喽|哈啰|在吗|早上好|上午好|中午好|下午好|晚上好|谢谢|谢谢你|谢谢您|感谢|多谢|辛苦了|再见|拜拜|"
    r"你是谁|你能做什么|你会什么|你可以做什么|你能干什么|你叫什么|你叫什么名字|hello|hi|hey|thanks|thank you|bye)"
    r"[呀啊啦呢吧哦～~]*$",
    re.IGNORECASE,
)
_GREETING_SPLIT = re.compile(r"[！!。.？?，,、\s]+")
_META = [
    (MetaField.NUMBER, re.compile(r"文号|字号|发文号|文件编号|文件号|编号|第几号令|几号令")),
    (
        MetaField.DATE,
        re.compile(
            r"印发日期|发布日期|成文日期|印发时间|发布时间|哪天|哪一天|什么时候(印发|发布|出台)|何时(印发|发布|出台)|日期"
        ),
    ),
    (
        MetaField.ISSUER,
        re.compile(
            r"发文机关|发文单位|印发单位|发布单位|发布机关|谁(印发|发布|发的)|哪个(部门|单位|机关)(印发|发布)"
        ),
    ),
    (MetaField.PERIOD, re.compile(r"规划期|实施期|期限|时间跨度|哪几年|起止|哪一年到哪一年|覆盖.*年")),
    (MetaField.RECIPIENTS, re.compile(r"主送|(发|写|复|回复|答复)给(谁|哪些|哪个)|是给谁的|抄送")),
    (MetaField.TITLE, re.compile(r"(文件|这份|本文件|文件的)(标题|名称|全称)|叫什么名字")),
]
# 施行, 生效, 有效期 and deadlines are stated in a clause of the policy, not in its notice.
_IN_FORCE = re.compile(r"施行|生效|执行到|有效期|截止|废止|实施之日")
# …from when, until when, for how long: the document's own 施行 / 有效期 clause
_ASKS_IN_FORCE = re.compile(
    r"(从|自|于)?(哪天|哪一天|何时|什么时候|什么时间|哪年|哪一年)(起|开始)?(施行|生效|实施|执行)"
    r"|(施行|生效|实施)(日期|时间)|(执行|实施|有效)期限|有效期|执行到(哪|什么)|(多长|多久|几年)(时间)?有效|(有效|施行)(多长|多久|几年)"
    r"|管(几年|多久|多长时间)"  # 这份文件管多长时间: everyday words for 有效期
)
_ASKS_BASIS = re.compile(
    r"(根据|依据|依照|按照)(哪些|哪个|哪部|什么)(法律|法规|规定|文件|政策|办法)?|(法律|政策|制定|法规)依据|上位法|依据是什么"
    r"|(贯彻落实|贯彻)(哪些|哪个|哪部|什么)(法律|法规|规定|文件|政策|办法|意见)"  # 是为了贯彻落实哪个文件 (not 落实哪些政策)
    r"|(根据|依据|依照|按照)(国家|中央|上级|省里|市里|省级|市级|哪一级)(哪些|哪个|哪部|什么)(法律|法规|规定|文件|政策|办法)"  # 根据国家哪个文件
)
_LEAD = re.compile(r"牵头|负责|责任单位|主管")
_WHO_LEADS = re.compile(
    r"(哪个|哪些|什么|哪家)(单位|部门|机构)|谁(牵头|负责|主管|来)|由谁|(牵头|责任|负责|主管|推进|实施|承担|落实)(单位|部门)"
)
_LISTING = re.compile(r"哪些|有什么|有几|多少(项|个)|列出|列举|清单|都有|包括什么|包含什么")
_ASKS_LIST_OF_ITEMS = re.compile(r"事项|项目|任务|举措|成果|工作")
_PURPOSE = re.compile(r"为什么|为何|为了什么|(?<!项)目的|背景|初衷|出发点|意义")
_ABOUT_THE_PLAN = re.compile(r"行动计划|本计划|这个计划|该计划|这份文件|本文件|这个文件|方案|意见|政策|规定|条例|办法")


def classify(question: str, lexicon: Lexicon) -> Intent:
    """Decide the kind of a standalone question (follow-ups are resolved before this)."""
    text = question.strip()
    parts = [part for part in _GREETING_SPLIT.split(text) if part]
    if parts and all(_GREETING.match(part) for part in parts):
        return Intent(Kind.GREETING)
    if _ASKS_IN_FORCE.search(text) and not lexicon.entities_in(text):
        return Intent(Kind.METADATA, meta_field=MetaField.IN_FORCE)
    if _ASKS_BASIS.search(text) and not _PURPOSE.search(text):  # 为了什么、依据什么: the purpose sentence says both
        return Intent(Kind.METADATA, meta_field=MetaField.BASIS)
    for meta_field, pattern in _META:
        if pattern.search(text) and not lexicon.entities_in(text) and not _IN_FORCE.search(text):
            return Intent(Kind.METADATA, meta_field=meta_field)
    if _PURPOSE.search(text) and (_ABOUT_THE_PLAN.search(text) or lexicon.names_a_document(text)):
        return Intent(Kind.PURPOSE)
    units = tuple(lexicon.units_in(text))
    categories = tuple(lexicon.categories_in(text))
    asks_list = bool(_LISTING.search(text))
    if asks_list and categories:
        return Intent(Kind.LISTING, units=units, categories=categories)
    if asks_list and units and _LEAD.search(text) and _ASKS_LIST_OF_ITEMS.search(text):
        return Intent(Kind.LISTING, units=units)
    if _WHO_LEADS.search(text):
        return Intent(Kind.LEAD_UNIT)
    return Intent(Kind.FACT, units=units, categories=categories)
