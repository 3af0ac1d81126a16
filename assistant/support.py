"""Support measures as data: what a clause grants, how much, at what rate, on what base, to whom.

Chinese support policies state money in a few set phrasings (最高给予X万元, 按…的X%给予补助,
给予一次性奖励X万元, 每人每月X元, 不超过X万元, 分别给予X万元、Y万元和Z万元) and say who
qualifies in a phrase before the grant (对…的，给予…; 符合…条件的). These rules read those
conventions only, never the words of one document, so they hold for any support policy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.ingest.chunk import sentences
from assistant.ingest.numbering import CN_DIGITS, match_heading

# The forms support takes, most specific first; 经费/支持 only count beside an amount granted.
FORMS = ("奖补", "补助", "补贴", "奖励", "奖金", "资助", "贴息", "减免", "免征", "减征", "津贴", "扶持资金")
FALLBACK_FORMS = ("经费", "支持")
# Forms that grant by themselves (减免房租), without 给予/予以 or an amount.
SELF_GRANTING = ("贴息", "减免", "免征", "减征")
GRANT_VERBS = ("给予", "予以", "享受", "安排", "发放", "领取", "兑现")
# A grant named without figures: 给予…补助, 享受…补贴; not 享受…津贴的人才 (a description).
GRANT = re.compile(rf"(?:{'|'.join(GRANT_VERBS)})[^，,。；;]{{0,20}}?(?:{'|'.join(FORMS)})(?!的)")
PENALTY = re.compile(r"罚款|罚金|没收|处以")

_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_BIG = {"万": 10_000, "亿": 100_000_000}
_NUMBER = (
    r"(?<![\d.数几余多])"
    r"(?:\d+(?:\.\d+)?[十百千万亿]*|[零〇一二两三四五六七八九十百][零〇一二两三四五六七八九十百千万亿]*)"
)
_MONEY = rf"{_NUMBER}元(?:/[亩人年月户家个次])?"
_TIERED = rf"{_MONEY}(?:[、和及或至到—~-]{_MONEY})*"
_PREFIX = r"(?:每[人家户个年月季次项亩]){0,2}(?:最高(?:奖励|补助|补贴|资助)?)?(?:一次性)?(?:不超过|不高于|最多)?"
AMOUNT = re.compile(rf"{_PREFIX}{_TIERED}")
MONEY = re.compile(rf"(?P<number>{_NUMBER})元")
# An amount that qualifies rather than grants: 投资不低于200万元, 销售额在1亿元及以上.
_THRESHOLD_BEFORE = re.compile(r"(?:不低于|不少于|达到|达|(?<!不)超过|满|在|总额|规模|投资|销售额|纳税额|收入)$")
_THRESHOLD_AFTER = re.compile(r"(?:[（(][^）)]{0,6}[）)])?及?以上")
_PERCENT = r"\d+(?:\.\d+)?%"
RATE = re.compile(rf"{_PERCENT}(?:[—~\-至到、和及]{_PERCENT})*")
BASED_RATE = re.compile(rf"(?:按照|参照|依据|按|对其)其?(?P<basis>[^，,。；;：:]{{1,40}}?)的(?P<rate>{RATE.pattern})")
# Phrases that state a condition wherever they stand in a sentence.
CONDITION_MARK = re.compile(r"符合[^，,。；;]{0,30}条件|申报条件|申请条件|需满足|须")
_QUALIFIER = re.compile(r"的|不低于|不少于|达到|以上|超过|满")
# 对…的企业 directly before 给予/予以 in the part that grants.
EMBEDDED_CONDITION = re.compile(r"(?<![其])对(?!其)[^，,。；;]*?的[^，,。；;]*?(?=(?:分别|当年|一次性)*(?:给予|予以))")
_NOT_QUALIFIER_START = ("按", "参照", "依据", "根据", "从", "由", "以")
# Sentence-level conditions of a clause (申报条件, 门槛 …), kept as whole sentences.
_CLAUSE_CONDITION = re.compile(r"对(符合|认定|经|首次|新)[^，。；]*的|须|应当|需满足|条件|门槛|不低于|以上的")
_FRAGMENT = re.compile(r"[^；;]+[；;]?")
_PART = re.compile(r"[^，,：:]+[，,：:]?")
_WRAP_SPACE = re.compile(r"(?<=[^\x00-\x7f])\s+|\s+(?=[^\x00-\x7f])")


@dataclass(frozen=True)
class SupportMeasure:
    """One measure of support a clause states, with its figures as written.

    text: the sentence or ；-separated fragment stating it (line-wrap spaces removed).
    amount: the money granted as written (最高不超过50万元, 10万元、20万元和50万元), several
        phrasings joined by "；", or "".
    max_amount_wan: the largest sum in `amount`, in 万元 (per-unit sums as stated), or None.
    rate: the share granted (30%, 5%—20%), or "".
    basis: what the rate is taken of (按设备投资额的30% → 设备投资额), or "".
    form: 补助, 补贴, 奖励, 资助, 贴息, 减免 … (支持/经费 when only those are named).
    conditions: the fragments of the same sentence saying who qualifies (对…的, 符合…条件 …).
    """

    text: str
    form: str
    amount: str = ""
    max_amount_wan: float | None = None
    rate: str = ""
    basis: str = ""
    conditions: tuple[str, ...] = ()


def chinese_number(written: str) -> float:
    """The value of a number written in digits, Chinese numerals or both (1.5亿, 二十万, 一万五千)."""
    total = section = 0.0
    number = 0.0
    for token in re.findall(r"\d+(?:\.\d+)?|.", written):
        if token in CN_DIGITS:
            number = CN_DIGITS[token]
        elif token in _CN_UNITS:
            section += (number or 1) * _CN_UNITS[token]
            number = 0
        elif token == "万":
            total += (section + number) * _CN_BIG["万"]
            section = number = 0
        elif token == "亿":
            total = (total + section + number) * _CN_BIG["亿"]
            section = number = 0
        elif token[0].isdigit():
            number = float(token)
        else:
            raise ValueError(f"not a number: {written!r}")
    return total + section + number


def amount_in_wan(written: str) -> float | None:
    """The largest sum of money in `written`, in 万元 (50万元 → 50, 3000元 → 0.3, 1亿元 → 10000)."""
    values = [chinese_number(m["number"]) / _CN_BIG["万"] for m in MONEY.finditer(written)]
    return round(max(values), 6) if values else None


def _compact(text: str) -> str:
    """Text without the spaces PDF line wrapping leaves beside Chinese characters."""
    return _WRAP_SPACE.sub("", text).strip()


def _body(text: str) -> str:
    """A clause's text without the numbering that opens its lines (第 7 条, （二）, 3.)."""
    lines = (line.strip() for line in text.split("\n"))
    return "\n".join(found.rest if (found := match_heading(line)) else line for line in lines)


def _granted_amounts(part: str) -> list[str]:
    """The sums of money a part grants, as written; thresholds (投资不低于200万元, 1亿元及以上) left out."""
    return [
        m.group()
        for m in AMOUNT.finditer(part)
        if not _THRESHOLD_BEFORE.search(part[: m.start()]) and not _THRESHOLD_AFTER.match(part, m.end())
    ]


def _grants(part: str) -> bool:
    return any(word in part for word in (*FORMS, *GRANT_VERBS)) or bool(RATE.search(part) or _granted_amounts(part))


def _conditions(parts: list[str]) -> set[int]:
    """The parts that qualify the grant rather than state it.

    Those before the grant that open with 对 or carry a 的-phrase or a threshold (对…的, 达到…), those
    ending in 的 wherever they stand (…以上的，), and any naming 符合…条件 / 申报条件 / 须.
    """
    chosen: set[int] = set()
    granted = False
    for i, part in enumerate(parts):
        bare = part.rstrip("，,：:")
        if CONDITION_MARK.search(part) or bare.endswith("的"):
            chosen.add(i)
            continue
        granted = granted or _grants(part)
        qualifies = part.startswith("对") or bool(_QUALIFIER.search(part))
        if not granted and qualifies and not part.startswith(_NOT_QUALIFIER_START):
            chosen.add(i)
    return chosen


def _form(fragment: str, has_amount: bool) -> str:
    for forms in (FORMS, FALLBACK_FORMS if has_amount else ()):
        found = sorted((fragment.find(f), f) for f in forms if f in fragment)
        if found:
            return found[0][1]
    return ""


def measure_of(fragment: str) -> SupportMeasure | None:
    """The support a sentence fragment states, or None if it states none (or is a penalty)."""
    text = _compact(fragment)
    if not text or PENALTY.search(text):
        return None
    parts = _PART.findall(text)
    chosen = _conditions(parts)
    conditions = [parts[i].rstrip("，,：:") for i in sorted(chosen)]
    stating = [part for i, part in enumerate(parts) if i not in chosen]
    amounts = [a for part in stating for a in _granted_amounts(part)]
    rates = [m.group() for part in stating for m in RATE.finditer(part)]
    form = _form(text, bool(amounts))
    if not form or not (amounts or rates or form in SELF_GRANTING or GRANT.search(text)):
        return None
    for part in stating:  # 对…的企业给予…: the qualifier inside the granting part
        inner = EMBEDDED_CONDITION.search(part)
        if inner and not RATE.search(inner.group()):
            conditions.append(inner.group())
    based = BASED_RATE.search(text)
    amount = "；".join(amounts)
    return SupportMeasure(
        text=text,
        form=form,
        amount=amount,
        max_amount_wan=amount_in_wan(amount),
        rate=based["rate"] if based else "、".join(dict.fromkeys(rates)),
        basis=based["basis"] if based else "",
        conditions=tuple(dict.fromkeys(conditions)),
    )


def support_measures(text: str) -> tuple[SupportMeasure, ...]:
    """Every support measure a clause states, in document order (at most one per ；-fragment)."""
    found = (measure_of(f) for s in sentences(_body(text)) for f in _FRAGMENT.findall(s))
    return tuple(m for m in found if m is not None)


def clause_conditions(text: str) -> tuple[str, ...]:
    """The sentences of a clause that state conditions (申报条件, 门槛, 对符合…的)."""
    return tuple(s.strip() for s in sentences(text) if _CLAUSE_CONDITION.search(s))
