"""What kind of answer a question asks for, beyond figures, and whether a sentence gives one.

哪个部门负责 is answered by a sentence naming an authority (…文化行政部门负责…), 去哪里参加 by
one naming a place (在核发地参加…), 没开工会怎么样 by one stating a consequence (应当缴纳…，
…无偿收回…), 要带什么材料 by one listing documents (…证明). Between sentences that share as
many words with the question, the one of the asked kind is the better quote. These are the
conventions of question words and of Chinese administrative texts, not the words of any
document; figures (多少, 几天, 何时) are `extract.answers_figure`'s.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Cue:
    name: str
    asks: re.Pattern[str]
    states: re.Pattern[str]


CUES = (
    Cue(
        "authority",
        re.compile(r"哪个?(?:部门|单位|机构|机关)|哪一级|哪些(?:部门|单位|机构)|由谁|谁(?:来)?(?:负责|审批|认定|发放|管)|找谁|向谁"),
        re.compile(r"部门|机关|机构|(?<![布格结当大全开新僵出])局(?![面部势])|委员会|人民政府|办公室|办事处|服务中心|法院|检察院"),
    ),
    Cue(
        "place",
        re.compile(r"在哪|去哪|到哪|哪里|哪儿|什么地方|何地|何处|什么地点"),
        re.compile(r"所在地|户籍地|居住地|发生地|核发地|登记地|注册地|学习地|\w地(?:参加|办理|申请|申领|缴纳)|地点|场所|窗口|平台|网站|大厅|服务中心|服务站"),
    ),
    Cue(
        "consequence",
        re.compile(r"会怎[么样]|会如何|怎么处理|如何处理|怎么处罚|如何处罚|怎么办|什么后果|有什么后果|会被|承担什么责任|什么处罚"),
        re.compile(r"处罚|罚款|追回|撤销|收回|吊销|责令|取消|暂停|停止|不予|没收|警告|终止|注销|处分|缴纳|赔偿|退还|视为|视作"),
    ),
    Cue(
        "documents",
        re.compile(r"(?:什么|哪些)(?:材料|证明|证件|资料|手续)|带什么|提交什么|提供什么"),
        re.compile(r"材料|证明|证件|身份证|申请表|复印件|原件|证书|资料"),
    ),
)


def asked_cues(question: str) -> tuple[Cue, ...]:
    """The kinds of answer a question asks for (none for most questions)."""
    return tuple(cue for cue in CUES if cue.asks.search(question))


def states_cue(cues: tuple[Cue, ...], sentence: str, question: str = "") -> bool:
    """Whether a sentence gives an answer of one of the asked kinds; not by naming what the
    question itself names (专家委员会由哪个部门组建: 组建专家委员会 names no authority)."""
    return any(
        not (question and m.start() >= _OWN_WORD and sentence[m.start() - _OWN_WORD : m.end()] in question)
        for cue in cues
        for m in cue.states.finditer(sentence)
    )


_OWN_WORD = 2  # characters before a cue word that make it the question's own word (专家委员会)
