"""Extractive answers: the sentences of the retrieved clauses that answer the question.

Sentences are scored by the corpus IDF of the question words they contain. Questions
about a quantity (多少, 几, 何时 …) get the comma-delimited segment that carries the
figure ("统筹安排建设100万平方米人才公寓"); other questions get whole sentences.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from assistant.cues import asked_cues, states_cue
from assistant.ingest.chunk import close_gaps, sentences

_QUANTITY = re.compile(r"多少|几|多大|多长|多久|多高|多远|何时|哪年|哪一年|哪天|哪一天|哪日|什么时候|规模|面积|金额|数量")
_SEGMENT = re.compile(r"[^，；：,;]+[，；：,;]?")
_LEADING_NUMBER = re.compile(
    r"^\s*(第\s*[〇零一二两三四五六七八九十百千\d ]+\s*条[\s\u3000]*|\d{1,3}[.．、]|[（(]\d{1,3}[)）]|[（(][一二三四五六七八九十]+[)）]|[①-⑳])"
)
_DIGIT = re.compile(r"\d")
# A figure written in Chinese numerals is a numeral with its unit: 二百元, 五年内, 二十三时,
# 三十日, 百分之十 (legal texts write amounts and terms this way).
CHINESE_FIGURE = re.compile(
    r"(?:[零〇两二三四五六七八九十百千万亿][零〇一两二三四五六七八九十百千万亿]*|一[零〇一两二三四五六七八九十百千万亿]+)\s*"
    r"(?:元|年|个月|月|日|天|时|小时|分钟|周岁|岁|个|项|家|所|座|条|类|场|批|倍|人|名|次|户|套|间|张|台|辆|件|份"
    r"|亩|公顷|平方米|平方公里|立方米|公里|千米|米|毫升|升|千克|公斤|克|吨|学时|课时|分)"
    r"|一\s*(?:元|年|个月|日|天|小时|周岁|倍|亩)"  # 一批, 一流, 一体 are not figures; 一年内 is
    r"|百分之[零一二两三四五六七八九十百]+"
)
# Which-ones questions (哪几类, 哪几个) ask for a list, not a number.
_WHICH_ONES = re.compile(r"哪几")
# 之前几个月, 好几个人, 这几年 tell of a few, they ask nothing
# …and so does 前几个月 opening a clause (…，前几个月少领的…); 到期前几个月 asks how many
_VAGUE = re.compile(r"(?:(?:^|(?<=[，,。；;？?！!\s]))前|之前|以前|以后|之后|过去|最近|好|这|那|头)几")
LONG_SENTENCE = 220
# A short sentence that is conditional (…的，处…罚款) or states several figures of the kind
# asked (城镇…2094.4元，其农村…分别为…) is quoted whole: its condition and its other figures
# belong to the answer. A plan's run of tasks (…，统筹安排建设100万平方米人才公寓，…) is not.
WHOLE_SENTENCE = 120
# …and so is one answering a question that asks two things (多长时间内启动？由哪一级启动？).
_QUESTION_WORD = re.compile(r"多少|几|哪|什么|谁|怎么|如何|是否|吗|多久|多长")
# A short run-in heading opening a paragraph: 综合实力实现新跨越。锚定… (group 1: the heading)
RUN_IN_HEADING = re.compile(r"^([^，。；：,]{2,20})[。：:]")
# For a how-many question, a sentence stating the kind of figure asked for outranks one
# that shares as many words without it (set on the development real documents).
FIGURE_BONUS = 1.3
FIGURE_RIVAL = 0.6  # …and so does one scoring at least this share of the best that does not
# …and one naming the kind of answer asked (an authority, a place, a consequence: assistant/cues.py).
CUE_BONUS = 1.3
CUE_RIVAL = 0.6  # as for figures: 0.8 lost the one case it was measured on (realdocs 拿了地…会怎么样)
# 1.全力嵌入上海高端产业链。 is a title; a long first sentence, or one with a comma
# (转制为企业后，五年内免征企业所得税。), is content.
_TITLE_SENTENCE_CHARS = 30


@dataclass(frozen=True)
class TermWeights:
    """Inverse document frequency of tokens over the indexed chunks."""

    document_frequency: dict[str, int]
    documents: int

    @classmethod
    def from_token_lists(cls, token_lists: Iterable[Sequence[str]]) -> TermWeights:
        counts: Counter[str] = Counter()
        total = 0
        for tokens in token_lists:
            counts.update(set(tokens))
            total += 1
        return cls(dict(counts), total)

    def idf(self, token: str) -> float:
        return math.log((self.documents + 1) / (self.document_frequency.get(token, 0) + 0.5))


def asks_quantity(question: str) -> bool:
    return bool(_QUANTITY.search(_VAGUE.sub("", _WHICH_ONES.sub("", question))))


def has_figure(text: str) -> bool:
    """Whether a text states a figure, in Arabic digits or in Chinese numerals with a unit."""
    return bool(_DIGIT.search(text) or CHINESE_FIGURE.search(text))


_MONEY_QUESTION = re.compile(
    r"多少钱|价格(?:标准)?(?:是|为|大概|一般)?(?:多少|几)|(?:什么|多少)价格|票价|(?<!免)费用|金额|多少[万亿]?元|租金|收费|工资|薪酬|(补贴|奖励|资助|资金|补助)(标准)?(是)?多少|多少(补贴|奖励|资助|资金|补助)"
)
# a fine is an amount in 元, or a multiple of what was gained or owed (一倍以上三倍以下)
_FINE_QUESTION = re.compile(r"罚款?(?:是|为|大概|一般)?(?:多少|几)|罚款(?:金额|数额|标准)")
_MULTIPLE = re.compile(r"[\d一二三四五六七八九十两]+\s*倍")
_RATIO_QUESTION = re.compile(r"比例|比率|百分比|百分之几|占比|折扣|几成|几折")
_RATIO = re.compile(r"\d\s*[%％‰]|(?<![\d:：∶])\d{1,2}\s*[∶:：]\s*\d(?![\d:：∶])|百分之|[一二三四五六七八九十\d]\s*成|[一二三四五六七八九\d]\s*折|\d+\s*倍|分之|半价|减半")
# a column's unit in its header, then the cell (补贴总额（万元）：40.51), as fields are quoted
_HEADER_UNIT = re.compile(r"([^\s：:（(，。]*)[（(]([^）)\d]{1,6})[）)][:：]\s*(\d+(?:\.\d+)?)(?![\d.]|\s*[\u4e00-\u9fff%％])")
_MONEY = re.compile(r"\d+(?:\.\d+)?\s*[万亿]?元|[一二三四五六七八九十百千万亿两]+元")
# 几月 and 几号 ask a date, 几点 a clock time (几点开门, 几点必须关门); 几个月 asks how long,
# 有几点 counts points, 几号线 names a line
_WHEN_QUESTION = re.compile(
    r"何时|什么时候|哪天|哪一天|哪日|从何|起始|几月(?!内)|几号(?![线楼窗房门])|几时|哪一?年(?!内)"
    r"|几点(?=钟|[^，。？?]{0,3}?(?:开门|关门|营业|上班|下班|开始|结束|截止|到|前|后|起|停止))"
)
# 哪天 asks for a day, answered by a date with its day (5月22日, 15号) or an event's time
_DAY_QUESTION = re.compile(r"哪天|哪一天|哪日|几号(?![线楼窗房门])|几月几[日号]|什么日子")
_DAY = re.compile(r"\d{1,2}\s*[日号]|[一二三四五六七八九十]+[日号]|当天|当日|次日")
# 每千瓦时多少元, 每平方米多少钱: a price per unit
_SAME_PRICE_UNIT = {u: "千瓦时|度电|度|kwh" for u in ("千瓦时", "度电", "度")} | {"平方米": "平方米|㎡|m²"}
_PER_UNIT_PRICE = re.compile(
    r"每(千瓦时|度电|度|平方米|立方米|亩|吨|公里|千米)[^，。？?]{0,6}?多少(?:[万亿]?元|钱)"
)
# …or an event's time (以并网时间为准, 当季度第一天)
_RELATIVE_TIME = re.compile(r"次月|当月|次年|当年|之日|以前|之前|年底|年末|月底|届满|期满|(?:时间|日期|时点)为准|第一天|首日")
# A unit after 几 / 多少 is the measure asked for (几个人 counts 人, 多少平方 asks 平方米)
# (not the first character of a word: 多少名额, 多少家庭, 多少所得税, 多少人民币, 多少年轻人, 多少项目)
_MEASURE_QUESTION = re.compile(
    r"(?:几|多少)\s*(?:个\s*(?=[人月]|工作日|小时))?"
    r"(个(?!人)|项(?!目)|名(?![额单称])|条(?![件例款])|类(?!别)|家(?![庭属长])|次(?!数)|人(?![才民员口群])|倍|天|日|"
    r"年(?![轻龄度限份纪])|月(?![份薪租])|工作日|小时|级(?!别)|平方|亩|公里|吨|套(?!餐)|户(?![籍口])|所(?![得有属在])"
    r"|座(?!谈)|周?岁)"
)
_TIME_UNITS = frozenset({"天", "日", "年", "月", "工作日", "小时"})
# 几天 is answered by 五日内, 几个月 by 6个月, 几名 by 3人, 多少个 by any count of things
_SAME_MEASURE = {
    "天": "天|日|个?工作日|周|星期", "日": "日|天|个?工作日|周|星期", "工作日": "个?工作日|日|天", "月": "个?月",
    "人": "人|名", "名": "名|人", "小时": "个?小时|分钟",
    "个": "个|名|人|家|所|座|项|条|套|间|台|辆|处|位|只|批|类|种", "平方": "平方米|平方公里|平米|㎡", "岁": "周?岁", "周岁": "周?岁",
}
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_DURATION_QUESTION = re.compile(r"多长时间|多久|多少天|多少年|多少个月|多少小时|间隔多长|期限多长")
_DURATION = re.compile(
    r"[\d一二两三四五六七八九十百半]+\s*(?:个)?(?:年|个月|月|周(?!岁)|日|天|小时|分钟|工作日)"
    # how often, or how soon without a number: 每年, 每季度, 次月, 当日, 即时办结
    r"|每(?:年|季度|季|月|周|日|天|学期|半年)|(?:次|当)(?:日|月|年)|即时|当场|立即"
)
_DATE = re.compile(r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日")
_POINT_IN_TIME = re.compile(
    r"\d{4}\s*年(?:\s*\d{1,2}\s*月)?|\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?|[〇零一二三四五六七八九十]+年[一二三四五六七八九十]+月"
    r"|[一二三四五六七八九十]+月[一二三四五六七八九十]+日|之日起|起施行|起执行|前|内|后"
    # a clock time: 8时, 24:00, 二十四时 (not 一时间, 同时)
    # (not 统一时限, 一时难以, 分三时段, 1：10配比)
    r"|\d{1,2}\s*[时点](?:\s*\d{1,2}\s*分)?|\d{1,2}\s*[:：]\s*\d{2}(?![\d比配])"
    r"|(?<![统同唯逐第一])(?:[二三四五六七八九]|十[一二三四]?|二十[一二三四]?)时(?![间期候代限段性难])"
)
_NAMES = re.compile(r"《[^》]*》|〔\d{4}〕\d+号|（\d{4}\s*[—–-]\s*\d{4}\s*年）")


def answers_figure(question: str, text: str) -> bool:
    """Whether text states the kind of figure the question asks for.

    Money questions need an amount in 元; 几个/几名… accept 一个/一名 too; when-questions
    accept a time without a figure (次月起, 自发布之日起); numbers the question itself
    states (2024年…) do not count.
    """
    text = _NAMES.sub("", text)  # a year in a document's title (《…（2024—2030年）》) answers nothing
    text = _HEADER_UNIT.sub(r"\1：\3\2", text)  # a table cell under 补贴总额（万元） states 40.51万元
    if _RATIO_QUESTION.search(question):  # 租金缴交比例是多少 asks a share (10％－70％), not an amount
        return bool(_RATIO.search(text))
    per = _PER_UNIT_PRICE.search(question)
    units = _SAME_PRICE_UNIT.get(per.group(1), per.group(1)) if per else ""
    if per and not re.search(rf"元\s*/\s*(?:{units})|每(?:{units})", text, re.IGNORECASE):
        return False  # 每千瓦时多少元 asks a price per unit: 900万元 is none
    if _FINE_QUESTION.search(question):
        return bool(_MONEY.search(text) or _MULTIPLE.search(text))
    if _MONEY_QUESTION.search(question):
        return bool(_MONEY.search(text))
    if _DAY_QUESTION.search(question):  # 哪天 asks a day: 2024年拨付资金 names none
        return bool(_RELATIVE_TIME.search(text) or _DAY.search(text))
    if _WHEN_QUESTION.search(question):  # a point in time answers when; 有效期1年 does not
        return bool(_RELATIVE_TIME.search(text) or _POINT_IN_TIME.search(text))
    text = _DATE.sub("", text)  # a date answers when, not how much
    measure = _MEASURE_QUESTION.search(question)
    timed = measure is not None and measure.group(1) in _TIME_UNITS  # 多少天 is a span counted in days
    if _DURATION_QUESTION.search(question) and not timed:  # how long: a span of time, not 二百毫升
        return bool(_DURATION.search(text))
    if measure:  # 几条 is answered by a count of 条, not by any number (a year, an amount)
        unit = _SAME_MEASURE.get(measure.group(1), measure.group(1))
        # 4个小时, 50余家, 100多座, 半小时
        return bool(re.search(rf"(?:[一二两三四五六七八九十百千万\d]+\s*[余多]?|半)\s*个?\s*(?:{unit})", text))
    asked = set(_NUMBER.findall(question))
    return bool(set(_NUMBER.findall(text)) - asked or CHINESE_FIGURE.search(text))


def overlap(text: str, tokens: Sequence[str], weights: TermWeights) -> float:
    """IDF mass of the question tokens found in text (read across PDF spaces: 原 则)."""
    text = close_gaps(text)
    return sum(weights.idf(token) for token in set(tokens) if token in text)


def strip_numbering(sentence: str) -> str:
    return _LEADING_NUMBER.sub("", sentence, count=1).strip()


def focus(sentence: str, tokens: Sequence[str], weights: TermWeights, question: str | None) -> str:
    """The part of a sentence worth quoting: the figure's segment, or a window around the matches."""
    segments = _SEGMENT.findall(sentence)
    if len(segments) <= 1 or (question is not None and _reads_whole(question, sentence, segments)):
        return sentence
    scores = [overlap(segment, tokens, weights) for segment in segments]
    if question is not None:
        with_figures = [i for i, segment in enumerate(segments) if answers_figure(question, segment)]
        candidates = with_figures or range(len(segments))
        # A figure segment is read with the conditions before it (情节严重的，对单位处…，对个人处…):
        # the segments since the last full stop or semicolon that state no figure themselves.
        conditions = [_conditions(segments, i) for i in range(len(segments))]
        context = [scores[i] + 0.5 * sum(scores[j] for j in conditions[i]) for i in range(len(segments))]
        best = max(candidates, key=lambda i: (context[i], -i))
        if context[best] > 0:
            start = best - 1 if best and scores[best - 1] > 0 and not has_figure(segments[best - 1]) else best
            return "".join(segments[start : best + 1]).rstrip("，；：,;")
    if len(sentence) <= LONG_SENTENCE:
        return sentence
    best = max(range(len(segments)), key=lambda i: (scores[i], -i))
    start = end = best
    while end + 1 < len(segments) and len("".join(segments[start : end + 2])) <= LONG_SENTENCE:
        end += 1
    while start > 0 and len("".join(segments[start - 1 : end + 1])) <= LONG_SENTENCE:
        start -= 1
    window = "".join(segments[start : end + 1]).rstrip("，；：,;")
    return window if end + 1 == len(segments) else window + "……"


def _reads_whole(question: str, sentence: str, segments: Sequence[str]) -> bool:
    if len(sentence) > WHOLE_SENTENCE:
        return False
    conditional = any(segment.rstrip("，；：,;").endswith("的") for segment in segments[:-1])
    parts = re.split(r"[，,；;？?]", question)
    several = sum(1 for part in parts if _QUESTION_WORD.search(part)) > 1
    # the parts that each ask for a figure (每月能领多少补贴，领多久？ asks two)
    asks = [part for part in parts if asks_quantity(part)] or [question]
    return conditional or several or sum(any(answers_figure(ask, segment) for ask in asks) for segment in segments) > 1


def _conditions(segments: Sequence[str], index: int) -> list[int]:
    """The segments before segments[index], back to a semicolon, that state no figure."""
    found = []
    for j in range(index - 1, -1, -1):
        if segments[j].endswith(("；", ";")):
            break
        if not has_figure(segments[j]):
            found.append(j)
    return found


@dataclass(frozen=True)
class Excerpt:
    """A quotable piece of one clause and how well it matches."""

    locator: str
    doc_id: str
    sentence: str
    quote: str
    score: float


def _figure_beside(
    question: str, top: Excerpt, candidates: Sequence[tuple[str, str, str, str, str]]
) -> tuple[Excerpt, bool] | None:
    """The sentence just after (or else just before) the best one in its clause, when it states
    the figure asked for and the best one does not, and whether it comes before. Only for a
    figure of a named measure (几年, 多久, 几次): any number answers a bare 多少, any amount 给多少补贴."""
    if not (_MEASURE_QUESTION.search(question) or _DURATION_QUESTION.search(question)) or _MONEY_QUESTION.search(question):
        return None
    text = next((c[2] for c in candidates if (c[0], c[1]) == (top.doc_id, top.locator)), "")
    found = sentences(text)
    if top.sentence not in found:
        return None
    at = found.index(top.sentence)
    for sentence, before in [(s, False) for s in found[at + 1 : at + 2]] + [(s, True) for s in found[max(at - 1, 0) : at]]:
        if answers_figure(question, strip_numbering(sentence)):
            return Excerpt(top.locator, top.doc_id, sentence, "", top.score), before
    return None


def best_excerpts(
    question: str,
    tokens: Sequence[str],
    weights: TermWeights,
    candidates: Sequence[tuple[str, str, str, str, str]],
    budget: int = 300,
    ranks: Sequence[int] = (),
) -> list[Excerpt]:
    """One or two excerpts answering the question.

    Args:
        candidates: (doc_id, locator, clause text, best chunk, heading) of the top hits, best
            first. The heading (a row's name, an item's title) is what every sentence of the
            clause is about, so its matches count for each of them.
        ranks: each candidate's rank, candidates retrieval could not tell apart sharing one
            (their position by default).
    """
    quantity = asks_quantity(question)
    cues = asked_cues(question)
    scored: list[Excerpt] = []
    stating: set[int] = set()  # the excerpts stating the figure (or else the kind) asked for, by id
    for position, (doc_id, locator, text, best_chunk, heading) in enumerate(candidates):
        rank = ranks[position] if position < len(ranks) else position
        context = overlap(heading, tokens, weights)
        clause_sentences = sentences(text)
        title_sentence = strip_numbering(clause_sentences[0]).rstrip("。") if clause_sentences else ""
        is_title = len(heading) <= _TITLE_SENTENCE_CHARS and not re.search(r"[，,；;]", heading)
        states_figure = quantity and answers_figure(question, title_sentence)
        if len(clause_sentences) > 1 and title_sentence == heading and is_title and not states_figure:
            clause_sentences = clause_sentences[1:]  # an item's title sentence says nothing new
        for sentence in clause_sentences:
            own = overlap(sentence, tokens, weights) * (1.2 if sentence in best_chunk else 1.0)
            figure = quantity and answers_figure(question, strip_numbering(sentence))
            kind = bool(cues) and states_cue(cues, sentence, question)
            own *= (FIGURE_BONUS if figure else 1.0) * (CUE_BONUS if kind else 1.0)
            excerpt = Excerpt(locator, doc_id, sentence, "", (own + 0.5 * context) / (1 + rank))
            if figure if quantity else kind:
                stating.add(id(excerpt))
            scored.append(excerpt)
    if not scored:
        return []
    scored.sort(key=lambda e: -e.score)
    if quantity or cues:  # a close second that states the figure or kind asked for outranks one that does not
        rival_excerpt = next((e for e in scored if id(e) in stating), None)
        rival = FIGURE_RIVAL if quantity else CUE_RIVAL
        if rival_excerpt is not None and rival_excerpt is not scored[0] and rival_excerpt.score >= rival * scored[0].score:
            scored.remove(rival_excerpt)
            scored.insert(0, rival_excerpt)
    top = scored[0]
    if top.score == 0:
        doc_id, locator, text, best_chunk, _ = candidates[0]
        first = next(iter(sentences(best_chunk)), best_chunk)
        top = Excerpt(locator, doc_id, first, "", 0.0)
    chosen = [top]
    for other in scored[1:]:
        if other.score < 0.7 * top.score or other.sentence == top.sentence:
            continue
        if len(top.sentence) + len(other.sentence) <= budget:
            chosen.append(other)
        break
    if quantity and not any(answers_figure(question, strip_numbering(e.sentence)) for e in chosen):
        beside = _figure_beside(question, top, candidates)
        if beside is not None:  # 合同期限不超过3年。期满后…可以续签。: the figure is the sentence next to it
            excerpt, before = beside
            chosen = [excerpt, top] if before else [top, excerpt]  # in the text's order
    return [
        Excerpt(
            e.locator,
            e.doc_id,
            e.sentence,
            focus(strip_numbering(e.sentence), tokens, weights, question if quantity else None),
            e.score,
        )
        for e in chosen
    ]
