"""Answers whose answer is the document's shape: what a part contains, how many, the Nth one.

A question is matched to a node of the parsed document (a part, chapter, section, table,
category, article or item) by position (第三部分, 第十二条, 第二章第一节, 第七个方面) or by
the node's title (重点任务 → 二、重点任务), then answered from the node:
- a node with children lists them, each cited, with their count (共N项);
- a node without children quotes its clause;
- a count of a unit the node holds deeper (条例一共多少条, 清单一共多少项) counts those.
Nothing here knows any document's words; titles come from the parse.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace

import jieba

from assistant.answer.knowledge import Knowledge, Node, display, element_title
from assistant.answer.knowledge import alnum_chars as _chars
from assistant.answer.types import Answer, Citation, cite, cite_heading, make, with_marker
from assistant.extract import RUN_IN_HEADING, asks_quantity, strip_numbering
from assistant.ingest.document import Clause, Heading, attachment_title
from assistant.ingest.numbering import numeral_value
from assistant.ingest.parse import PREAMBLE_LOCATOR
from assistant.ingest.table import NAMED_ORDINAL, TRAILING_PARENS
from assistant.intent import Kind
from assistant.scope import MIN_SHARED_CHARS, longest_shared_run

_NUMERAL = r"[〇零一二两三四五六七八九十百\d]+"
_UNIT = r"编|部分|章|节|条|款|项|方面|点|大类|类|级|档|种|附件|步骤|步|环节|阶段|个"
_POSITION = re.compile(rf"第\s*[（(]?\s*({_NUMERAL})\s*[)）]?\s*个?({_UNIT})")
_COUNT_UNIT = re.compile(rf"(?:多少|几)\s*个?({_UNIT})")
_COUNT = re.compile(r"一共|总共|共有|共计|数量")
_COUNTED_THING = re.compile(r"(?:几|多少)个([\u4e00-\u9fff]{2,8}?)(?=[？?。，,的吗呢]|$)")  # 几个工作组
# a paragraph that says its count: 分为甲、乙和丙三部分, 按照甲、乙、丙三种类型推进 (not 进一步, 第三条)
_COUNT_SAID = re.compile(
    r"(?:分为|分成|包括|包含|共|按照)[^。]{0,60}?(?<![第进每另统])[一二两三四五六七八九十]+\s*"
    r"(?:部分|章|节|项|方面|个方面|大类|类|种|级|阶段|环节)"
)
_TIME_NOUN = re.compile(r"\s*(?:工作日|自然日|日|月|小时|钟头|星期|礼拜|季度|年度|学时|课时|周(?!期))")
_STATED_COUNT = re.compile(rf"哪\s*([二两三四五六七八九十\d]+)\s*个?(?:{_UNIT})")  # 分为哪三类: the count is given
# A question about the whole document's layout (its parts, chapters or articles).
_WHOLE = re.compile(r"主要内容|哪(几|些)(个)?(部分|章|编|方面|附件)|几(个)?(部分|章|编|附件)|多少(条|章|部分|项)|几[条项]|结构|框架|章节|目录|大纲")
_QUOTED = re.compile(r"[“\"]([^”\"]{4,30})[”\"]")
_QUOTE_SPLIT = re.compile(r"[“\"]([^”\"]*)[”\"]")
_CONTENTS = re.compile(
    rf"哪些|哪(?:[二两三四五六七八九十\d]+|一(?=\s*个?(?:{_UNIT})))\s*个?({_UNIT})?|有什么|包括|包含|哪几|分为|分成|由哪些|主要内容|什么内容|内容是|内容有|讲(了|的|的是)?什么|说(了|的)?什么|"
    r"规定(了|的)?什么|是什么|写(了|的)?什么|涉及什么|有何|具体是|怎么(规定|说)|指的是|指什么|是指"
)
# The words of a structure question that are not the name of what it asks about.
_QUESTION_WORDS = re.compile(
    rf"{_POSITION.pattern}|(一共|总共|共有|共计|主要|具体|分别|都|那么|请问|一下|介绍|列出|列举)|"
    rf"(有|包括|包含|分为|分成|共分|分|由)?(哪些|哪几|多少|几)\s*个?({_UNIT})?|有什么|是什么|什么|内容|讲了?|说了?|规定了?|写了?|涉及|有何|"
    r"怎么|指的是|方面|的|了|吗|呢|啊|？|\?|，|。|\s"
)
# Words that only say "the document" once its name has been removed.
_DOCUMENT_WORDS = re.compile(r"本|该|这个|这份|此|文件|全文|行动计划|计划|方案|意见|条例|规定|办法|细则|通知|政策|规划|整体|总共|一共")
_UNIT_KINDS = {
    "编": ("book",),
    "部分": ("part", "division"),
    "章": ("chapter",),
    "节": ("subchapter",),
    "条": ("article",),
    "附件": ("attachment",),
}
_CONTAINER_UNITS = ("编", "章", "节")  # units that hold articles; 第二条 may also say the second item
_UNIT_OF_KIND = {kind: unit for unit, kinds in _UNIT_KINDS.items() for kind in kinds}
_GROUP_UNITS = ("类", "大类", "级", "档", "种", "部分", "方面", "章", "编", "节", "附件")
SPAN_CHARS = 600
# Ordinals that name a class of things (第三类医疗器械, 第一批, 一级) as often as a position
_NAMING_UNITS = frozenset({"类", "种", "级", "档", "批", "大类"})
LISTED_LEAVES = 30  # a grouped count lists what it counts under each group, up to this many
HEAD_CHARS = 120
MIN_TITLE_MATCH = 0.75  # share of a title's characters the question must contain
MIN_SUBJECT_COVERED = 0.4  # share of the question's subject the title must cover
SHORT_LIST_LEAVES = 8  # a list this short is listed with its sub-items
MIN_RUN = 4  # characters of a heading's first phrase a question must quote
QUOTED_TERM = 0.9
RUN_BONUS = 0.1  # a quoted run of 保障措施 names （五）强化保障措施
TABLE_KIND_BONUS = 0.1  # a question saying 清单 names the table so called over any heading it shares words with


@dataclass(frozen=True)
class Shape:
    """What a structure question asks: positions named, whether it counts, and the rest."""

    positions: tuple[tuple[int, str], ...]
    counts: bool
    count_unit: str
    contents: bool
    subject: str  # the question without question words: the name of the node asked about
    whole: bool = False  # asks for the layout of the whole document (几个部分, 多少条)


def shape_of(question: str, own_titles: Sequence[str] = ()) -> Shape:
    """What a structure question asks; `own_titles` are the names of the documents in scope
    (《电力监管条例》第三十三条 is another text's article, 《嘉兴市…条例》第十条 this one's)."""
    positions = tuple(
        (value, found.group(2))
        for found in _POSITION.finditer(question)
        if (value := numeral_value(found.group(1))) is not None
        and not _of_another_text(question[: found.start()], own_titles)
    )
    unit = _COUNT_UNIT.search(question)
    if unit and unit.group(1) == "个" and _TIME_NOUN.match(question, unit.end()):
        unit = None  # 公示几个工作日 asks how long, not how many parts
    counts = bool(unit or _COUNT.search(question))
    subject = _QUESTION_WORDS.sub("", question)
    contents = bool(_CONTENTS.search(question))
    return Shape(positions, counts, unit.group(1) if unit else "", contents, subject, bool(_WHOLE.search(question)))


_BOOK_BEFORE = re.compile(r"《([^》]*)》\s*$")
_BARE_KIND = re.compile(r"^本?(?:条例|规定|办法|细则|规则|意见|方案|计划|通知|决定|预案|措施|规划)$")


def _of_another_text(before: str, own_titles: Sequence[str]) -> bool:
    """Whether a position follows the name of a text other than the document asked about: a
    《…》 that is neither empty (its name taken out), nor a bare kind (《条例》), nor its title."""
    book = _BOOK_BEFORE.search(before)
    if book is None:
        return False
    name = book.group(1).strip()
    return bool(name) and not _BARE_KIND.match(name) and not any(_quotes_title(name, title) for title in own_titles)


def _stated_count(question: str) -> int | None:
    found = _STATED_COUNT.search(question)
    return numeral_value(found.group(1)) if found else None


def subject_of(question: str) -> str:
    """What a question asks about once question words and words meaning "the document" are gone."""
    return _DOCUMENT_WORDS.sub("", shape_of(question).subject)


def _number_of(node: Node) -> int | None:
    last = node.locator.rsplit("/", 1)[-1]
    match = re.fullmatch(rf"第\s*({_NUMERAL})\s*(?:{_UNIT})|附件\s*({_NUMERAL})", last)
    if match and match.group(2):
        return numeral_value(match.group(2))
    return numeral_value(match.group(1) if match else last)


def _ordinal_child(parent: Node, number: int, unit: str) -> Node | None:
    """The child numbered `number`, or the number-th child; for 章/条… searched at any depth."""
    kinds = _UNIT_KINDS.get(unit)
    if kinds and kinds != ("part", "division"):
        of_kind = [n for n in parent.walk() if n.kind in kinds]
        if of_kind:  # a regulation numbers its articles through the whole text
            return next((n for n in of_kind if _number_of(n) == number), None)
        if parent.element is not None and unit in _CONTAINER_UNITS:  # 第三章 is not the third article of a chapter
            return None
        through = _numbered_through(parent) if unit == "条" else []
        if through:  # 若干措施 numbered （一）…（二十三） across its parts: 第三条 is （三）
            return through[number - 1] if 0 < number <= len(through) else None
    children = list(parent.children)
    if kinds:  # 第X部分: the top-level parts
        children = [c for c in children if c.kind in kinds] or children
    numbered = [c for c in children if _number_of(c) == number]
    if numbered:
        return numbered[0]
    return children[number - 1] if 0 < number <= len(children) else None


def _numbered_through(parent: Node) -> list[Node]:
    """The innermost numbered units under parent when they are numbered 1, 2, 3 … straight
    through its groups (measures counted as 条 across parts), else nothing."""
    leaves = [n for n in parent.walk() if not n.children and n.element is not None and isinstance(n.element, Clause)]
    direct = {id(child) for child in parent.children}
    numbered = [n for n in leaves if id(n) not in direct and _number_of(n) is not None]
    if not numbered or [_number_of(n) for n in numbered] != list(range(1, len(numbered) + 1)):
        return []
    return numbered


def _by_position(root: Node, positions: Sequence[tuple[int, str]]) -> Node | None:
    node = root
    for number, unit in positions:
        kinds = _UNIT_KINDS.get(unit)
        if kinds and kinds != ("part", "division") and node.kind in kinds and _number_of(node) == number:
            continue  # a chapter holds no chapters: 第六章“法律责任” names the chapter found by its title
        found = _ordinal_child(node, number, unit)
        if found is None:
            return None
        node = found
    return node


@dataclass(frozen=True)
class _Titled:
    """A node with a name to ask by, and what matching needs of that name."""

    depth: int
    node: Node
    text: str
    title: frozenset[str]
    phrase: str  # the title's first phrase (before the first comma)
    phrase_chars: frozenset[str]
    conjuncts: frozenset[str] = frozenset()  # 支持内容 and 标准 of 支持内容和标准


def _titled(knowledge: Knowledge, doc_id: str, root: Node) -> list[_Titled]:
    """The titled nodes under root, computed once per index."""
    key = ("structure.titled", doc_id, root.locator)
    cached = knowledge.memo.get(key)
    if cached is not None:
        return cached  # type: ignore[return-value]
    found: list[_Titled] = []
    for depth, node in _with_depth(root):
        if _has_title(node):
            text = element_title(node.element)  # type: ignore[arg-type]
            phrase = re.split(r"[，,；;：:]", text, maxsplit=1)[0]
            named = TRAILING_PARENS.sub("", text) or text  # （2023-2025年） after a name is not said
            parts = _conjuncts(named) if _CONJUNCTION.search(named) else frozenset()
            found.append(_Titled(depth, node, text, frozenset(_chars(named)), phrase, frozenset(_chars(phrase)), parts))
    knowledge.memo[key] = found
    return found


def _by_title(titled: Sequence[_Titled], subject: str, naming: set[str]) -> tuple[float, Node] | None:
    """The node whose title the question names, scored in [0, 1].

    Either most of the title's characters are in the question and the title covers a fair
    share of what the question asks about (characters of the document's own title aside),
    or the question quotes most of the title's first phrase (构建开放创新生态 of
    （三）构建开放创新生态，助力打造…).
    """
    asked = _chars(subject)
    rest = asked - naming or asked
    if not asked:
        return None
    best: tuple[float, float, int, Node] | None = None
    for entry in titled:
        shared = len(asked & entry.title)
        if not shared:
            continue
        covered = len(rest & entry.title) / len(rest)
        score = shared / len(entry.title) if covered >= MIN_SUBJECT_COVERED else 0.0
        if f"“{subject}”" in entry.text:  # the question quotes a term the heading quotes
            score = max(score, QUOTED_TERM)
        if any(c in subject and len(_chars(subject.replace(c, "")) - naming) <= MAX_UNNAMED_CHARS for c in entry.conjuncts):
            score = max(score, QUOTED_TERM)  # 支持内容 names 二、支持内容和标准
        if entry.node.kind == "table" and _names_kind(subject, entry.text) and covered >= MIN_SUBJECT_COVERED:
            # 重点任务清单 names the 清单, not 二、重点任务: its name repeats the document's
            said_name = len((asked | naming) & entry.title) / len(entry.title)
            if said_name >= MIN_TITLE_MATCH:
                score = max(score, 1.0 + RUN_BONUS) + TABLE_KIND_BONUS
        if len(asked & entry.title) >= MIN_RUN and score < MIN_TITLE_MATCH:
            # 组织保障部分 names 五、全面优化…运作组织保障: the words a title ends with name what it is
            tail = TRAILING_PARENS.sub("", entry.text)
            run, end = longest_shared_run(subject, tail)
            last_words = subject[end - run : end]
            if run >= MIN_RUN and tail.endswith(last_words) and len(rest - _chars(last_words)) <= MAX_UNNAMED_CHARS:
                score = MIN_TITLE_MATCH
        if len(asked & entry.phrase_chars) >= MIN_RUN:
            run, end = longest_shared_run(subject, entry.phrase)
            # a run of the document's own name counts when the question asks nothing besides
            said = _chars(subject[end - run : end]) - naming or len(asked - naming) <= MAX_UNNAMED_CHARS
            if run >= MIN_RUN and said:
                score = max(score, run / len(entry.phrase) + RUN_BONUS)
        if score < MIN_TITLE_MATCH:
            continue
        if best is None or (score, covered, -entry.depth) > (best[0], best[1], -best[2]):
            best = (score, covered, entry.depth, entry.node)
    return (best[0], best[3]) if best else None


_CONJUNCTION = re.compile(r"和|及|与|、")
_CONJUNCTION_WORDS = frozenset({"和", "及", "与", "以及", "、"})


def _conjuncts(title: str) -> frozenset[str]:
    """支持内容 and 标准 of 支持内容和标准: the parts a title joins, split at conjunctions that are
    words of their own (not 和 of 和谐, 及 of 普及, 与 of 参与)."""
    parts, current = [], ""
    for word in jieba.lcut(title):
        if word in _CONJUNCTION_WORDS:
            parts.append(current)
            current = ""
        else:
            current += word
    parts.append(current)
    return frozenset(p for p in parts if len(p) >= MIN_RUN) if len(parts) > 1 else frozenset()
_ASKS_CONTENTS_OF = re.compile(r"(?:哪些|什么|哪几方面|哪方面)的?内容")


_TABLE_KINDS = re.compile(r"(清单|一览表|明细表|任务表|分工表|分解表|计划表|汇总表)$")


def _names_kind(subject: str, title: str) -> bool:
    """Whether a question says the word a table's name ends with (清单 of …任务清单（2023-2025年）)."""
    kind = _TABLE_KINDS.search(TRAILING_PARENS.sub("", title))
    return kind is not None and kind.group(1) in subject



def _said_verbatim(titled: Sequence[_Titled], question: str, document_titles: str) -> Node | None:
    """The node whose whole title (four characters or more) the question says word for word,
    or whose ordinal name (行动一 of 行动一：再造…) it says, the longest said first; not a title
    inside the document's own name (见习基地管理 of 就业见习基地管理办法)."""
    said: list[tuple[int, int, Node]] = []
    for entry in titled:
        if len(entry.text) >= MIN_RUN and entry.text in question and entry.text not in document_titles:
            said.append((len(entry.text), -entry.depth, entry.node))
        elif _says_ordinal(entry, question):
            said.append((len(entry.phrase), -entry.depth, entry.node))
    return max(said, key=lambda s: s[:2])[2] if said else None


def _table_said(titled: Sequence[_Titled], question: str) -> Node | None:
    """A table whose whole name the question says, not followed by a kind of document (the
    notice that publishes a list is often named after it: 关于发布甲类名单的通知)."""
    for entry in titled:
        name = _YEAR_BEFORE.sub("", entry.text)  # 2019年甲区任务清单 said as 甲区任务清单
        if entry.node.kind != "table" or len(name) < MIN_RUN or name not in question:
            continue
        after = question[question.index(name) + len(name) :]
        if not _KIND_AFTER.match(after):
            return entry.node
    return None


_YEAR_BEFORE = re.compile(r"^\d{4}\s*年度?")
_KIND_AFTER = re.compile(r"的?(?:通知|公告|通告|决定|意见|办法|方案|计划|规定|细则|措施|政策|文件)")


def _says_ordinal(entry: _Titled, question: str) -> bool:
    """Whether a question says the ordinal name a title opens with (行动五 of 行动五：…)."""
    return bool(_NAMED_ORDINAL.fullmatch(entry.phrase)) and bool(
        re.search(rf"{re.escape(entry.phrase)}(?![一二三四五六七八九十])", question)
    )


def _said_ordinal(titled: Sequence[_Titled], question: str, inside: Node) -> Node | None:
    """The node under `inside` whose ordinal name (行动五) the question says."""
    below = inside.walk()
    return next((entry.node for entry in titled if _says_ordinal(entry, question) and entry.node in below), None)


_NAMED_ORDINAL = re.compile(NAMED_ORDINAL)


def _headed_by(
    titled: Sequence[_Titled], subject: str, document_titles: str, root: Node, question: str = ""
) -> Node | None:
    """The one top-most node whose title ends with the word a question adds to the document's
    name: 目标 of 一、工作目标, 任务 of 三、重点任务, 响应 of 4 应急响应 (a word of the document's
    own name, such as 管理 of 见习基地管理办法, names no heading); failing that, the one whose
    title opens with the word the question says before what is counted (支持 of 几类支持事项:
    二、支持内容和标准; not 广州 of 广州…实施意见一共有多少条措施)."""
    opening = _COUNTED_NOUNS.sub("", subject)
    attempts = [(str.endswith, subject, size) for size in (4, 3, 2)]
    if opening != subject:
        attempts += [(str.startswith, opening, size) for size in (4, 3, 2)]
    for edge, said, size in attempts:
        word = said[-size:]
        if len(word) < size or not all(ch.isalnum() for ch in word) or word in document_titles:
            continue
        if edge is str.startswith and not re.search(f"{word}(?:{_COUNTED_NOUNS.pattern})", question):
            continue
        ending = [entry for entry in titled if edge(entry.text, word)]
        if ending:
            top = [entry for entry in ending if entry.depth == min(e.depth for e in ending)]
            if len(top) != 1:
                return None
            if _COUNTED_NOUNS.fullmatch(word) and _leaves(top[0].node) < max(map(_leaves, root.children), default=0):
                continue  # 多少条措施 of a 实施意见 counts all its measures, not its small 三、保障措施
            return top[0].node
    return None


def _leaves(node: Node) -> int:
    return sum(1 for n in node.walk() if not n.children) or 1


def _narrowed(node: Node, subject: str) -> Node:
    """The child a question names besides its parent: 一级应急响应的启动条件 asks for 4.2.1
    一级响应条件 under 4.2 一级应急响应 (the child's title says what the parent's leaves out)."""
    asked = _chars(subject)
    while True:
        left = asked - (_chars(element_title(node.element)) if node.element is not None else set())
        best, best_node = 0, None
        for child in node.children:
            if child.element is None or not _has_title(child):
                continue
            title = _chars(element_title(child.element))
            if not title or len(title & asked) / len(title) < MIN_TITLE_MATCH:
                continue
            said = len(title & left)
            if said > best:
                best, best_node = said, child
        if best_node is None:
            return node
        node = best_node


def _has_title(node: Node) -> bool:
    """Headings, rows and clauses opening with a run-in title have a name to ask by; a list
    item such as （八）其他价格欺诈行为。 is all content."""
    element = node.element
    if element is None or not _chars(element_title(element)):
        return False
    if isinstance(element, Heading) or node.children or element.kind == "row" or element.heading:
        return True
    return len(_chars(element.text)) > len(_chars(element.title)) + 4


def _with_depth(root: Node) -> list[tuple[int, Node]]:
    found: list[tuple[int, Node]] = []

    def visit(node: Node, depth: int) -> None:
        for child in node.children:
            found.append((depth, child))
            visit(child, depth + 1)

    visit(root, 0)
    return found


def _cite_node(knowledge: Knowledge, node: Node) -> Citation:
    element = node.element
    if isinstance(element, Heading):
        return cite_heading(element)
    assert isinstance(element, Clause)
    return cite(element, 1.0)


def _unit_for(children: Sequence[Node]) -> str:
    kinds = {c.kind for c in children}
    if len(kinds) == 1:
        return _UNIT_OF_KIND.get(next(iter(kinds)), "项")
    return "项"


def _name(node: Node, knowledge: Knowledge, doc_id: str) -> str:
    if node.element is None:
        document = knowledge.documents[doc_id]
        # the policy's own title (国家自然灾害救助应急预案), not the notice that issues it
        title = next((e.label for e in document.elements if isinstance(e, Heading) and e.kind == "title"), "")
        return f"《{title or document.meta.title}》"
    if isinstance(node.element, Heading) and node.element.kind != "attachment":
        return node.element.label
    return display(node.element)  # 附件1 with its title


# Units a title states (Ⅰ级响应, 第一档): 分为几级 counts the children that say 级.
_TITLED_UNITS = ("级", "档", "种", "类")


def _states_unit(title: str, unit: str) -> bool:
    """Whether a title names one of what is counted: Ⅰ级应急响应, 第一档 (not 响应分级)."""
    return bool(re.search(rf"[ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩIVX一二三四五六七八九十\d]\s*{unit}", title))


def _list_children(knowledge: Knowledge, question: str, doc_id: str, node: Node, shape: Shape) -> Answer:
    children = list(node.children)
    kinds = _UNIT_KINDS.get(shape.count_unit)
    if kinds:  # 有几个附件, 分为哪几章: the attachments, the chapters, not what stands beside them
        children = [c for c in children if c.kind in kinds] or children
    if shape.count_unit in _TITLED_UNITS:
        stating = [c for c in children if c.element is not None and _states_unit(element_title(c.element), shape.count_unit)]
        children = stating or children
    name = _name(node, knowledge, doc_id)
    leaves = [n for n in node.walk() if not n.children]
    asked_kinds = _UNIT_KINDS.get(shape.count_unit)
    lines: list[str] = []
    citations: list[Citation] = []
    if node.element is not None:
        citations.append(_cite_node(knowledge, node))
        marker = citations[0].marker
    else:
        marker = ""
    counted = [n for n in node.walk() if asked_kinds and n.kind in asked_kinds]
    if shape.counts and counted and not any(c.kind in asked_kinds for c in children):  # type: ignore[operator]
        # 条例一共有多少条: count the articles wherever they sit
        groups = f"，分为{len(children)}{_unit_for(children)}" if counted != children else ""
        lines.append(f"{name}共{len(counted)}{shape.count_unit}{_span(counted)}{groups}{marker}：")
    elif shape.counts and all(c.children for c in children) and shape.count_unit not in _GROUP_UNITS:
        # a table or list grouped in categories: count the items, then the groups
        groups = _unit_for(children)
        unit = shape.count_unit if shape.count_unit in ("条", "项") else "项"
        lines.append(f"{name}共{len(leaves)}{unit}，分为{len(children)}{'类' if groups == '项' else groups}{marker}：")
        for child in children:
            element = child.element
            assert element is not None
            child_cite = _cite_node(knowledge, child)
            items = [n for n in child.walk() if not n.children]
            line = f"{display(element)}（{len(items)}{unit}）{child_cite.marker}"
            citations.append(child_cite)
            if len(leaves) <= LISTED_LEAVES:  # 共20条: which twenty, each cited
                cited = [_cite_node(knowledge, item) for item in items]
                line += "：" + "；".join(f"{display(i.element)}{c.marker}" for i, c in zip(items, cited, strict=True))  # type: ignore[arg-type]
                citations.extend(cited)
            lines.append(line)
        return make(question, "\n".join(lines), Kind.STRUCTURE, citations)
    if not lines:
        unit = shape.count_unit if shape.count_unit and shape.count_unit != "个" else _unit_for(children)
        columns = _columns(node) if node.kind == "table" and not shape.counts else ""
        lines.append(f"{name}共{len(children)}{'个附件' if unit == '附件' else unit}{columns}{marker}：")
    if shape.counts and isinstance(node.element, Clause):
        # its own paragraph may say the count in words (分为…和项目实施四部分): quoted with it
        lines += [f"{p.rstrip('。')}{marker}。" for p in node.element.paragraphs[:1] if _COUNT_SAID.search(p)]
    # 这个计划主要讲了什么, and a short list of lists (支持范围: （一）… 1.… 2.…（二）…): two levels
    overview = (node.element is None or len(leaves) <= SHORT_LIST_LEAVES) and not shape.counts
    firsts = [c.element.paragraphs[0] for c in children if isinstance(c.element, Clause) and c.element.paragraphs]
    whole = not shape.counts and sum(map(len, firsts)) <= SPAN_CHARS
    for child in children:
        element = child.element
        assert element is not None
        child_cite = _cite_node(knowledge, child)
        line = f"{_listed(element, whole)}{_table_named(node, child)}{child_cite.marker}"
        grouped = [g for g in child.children if _is_section(g) or node.element is not None]
        citations.append(child_cite)
        if overview and grouped:
            subdivisions = [_cite_node(knowledge, g) for g in grouped]
            line += "：" + "；".join(f"{display(g.element)}{c.marker}" for g, c in zip(grouped, subdivisions, strict=True))  # type: ignore[arg-type]
            citations.extend(subdivisions)
        lines.append(line)
    return make(question, "\n".join(lines), Kind.STRUCTURE, citations)


def _columns(table: Node) -> str:
    """What each row of a table states, by its column names: （列有所在区、名称、地址）."""
    row = next((n.element for n in table.walk() if isinstance(n.element, Clause) and n.element.fields), None)
    return f"（列有{'、'.join(name for name, _ in row.fields)}）" if row is not None else ""


def _following_table(root: Node, node: Node) -> Node | None:
    """The table that stands right after an attachment heading holding nothing itself."""
    for parent in (root, *root.walk()):
        at = next((i for i, child in enumerate(parent.children) if child is node), None)
        if at is not None:
            after = parent.children[at + 1 : at + 2]
            return after[0] if after and after[0].kind == "table" else None
    return None


def _table_named(parent: Node, child: Node) -> str:
    """For an attachment with no title of its own, the name of the table that follows it
    (附件1 over 甲市…资金汇总表), else nothing."""
    element = child.element
    if not isinstance(element, Heading) or element.kind != "attachment" or attachment_title(element):
        return ""
    table = _following_table(parent, child)
    return f" {table.element.label}" if table is not None and table.element is not None else ""


def _listed(element: Clause | Heading, whole: bool) -> str:
    """How a child is listed: by its title, or, where the children are short notes without one
    (1．申报材料须真实有效，清晰可辨。一经发现造假，…), by its whole first paragraph."""
    if (
        whole
        and isinstance(element, Clause)
        and element.kind not in ("row", "article")
        and element.paragraphs
        and not element.heading
        and not RUN_IN_HEADING.match(strip_numbering(element.paragraphs[0]))
    ):
        return element.paragraphs[0].rstrip("。；;")
    return display(element)


def _span(counted: Sequence[Node]) -> str:
    """（第一条至第四十五条）: the first and last of what was counted, by their own labels."""
    labels = [n.element.label for n in (counted[0], counted[-1]) if n.element is not None]
    if len(counted) < 2 or len(labels) < 2 or not all(label.startswith("第") for label in labels):
        return ""
    return f"（{labels[0]}至{labels[1]}）"


def _is_section(node: Node) -> bool:
    """A part's subdivision worth naming in an overview: a heading, or a clause under a
    standalone heading line (（一）强化组织领导); not articles or table rows."""
    element = node.element
    if isinstance(element, Heading):
        return True
    return isinstance(element, Clause) and bool(element.heading) and element.kind not in ("row", "article")


def _paragraph_head(paragraph: str) -> str:
    """A paragraph's first sentence, and any later sentence stating a dated target (…到2025年底，
    50平方公里以上…达到…): what a long clause says, in few words."""
    first, *rest = re.split(r"(?<=[。；;])", paragraph)
    head = first if len(first) <= HEAD_CHARS else first[:HEAD_CHARS] + "……"
    return head + "".join(s for s in rest if _DATED_TARGET.search(s) and len(s) <= HEAD_CHARS * 2)


_DATED_TARGET = re.compile(r"到\s*\d{4}\s*年")
CELL_CHARS = 20  # a line this short without punctuation, in a long clause, is a table cell's


_FIGURE_CELL = re.compile(r"^[\d.．%％/~～—-]+(?:年|万|亿|个)?$")  # 4.42, 25%, 2020年-2023年
MIN_CELL_RUN = 4  # short lines in a row, one of them a bare figure: a table's cells, not a list


def _summary(text: str) -> str:
    """A long clause by its paragraphs' heads; the cells of a table it holds are left out (a run
    of short lines without punctuation, one of them a bare figure; a list of names stays)."""
    lines = text.split("\n")
    short = [len(p) <= CELL_CHARS and not re.search(r"[。；;，,：:]", p) for p in lines]
    dropped: set[int] = set()
    start = 0
    while start < len(lines):
        end = start
        while end < len(lines) and short[end]:
            end += 1
        run = range(max(start, 1), end)
        if len(run) >= MIN_CELL_RUN and any(_FIGURE_CELL.match(lines[i].strip()) for i in run):
            dropped.update(run)
        start = end + 1
    return "\n".join(_paragraph_head(p) for i, p in enumerate(lines) if i not in dropped)


def quote_clause(question: str, clause: Clause, kind: Kind = Kind.STRUCTURE) -> Answer:
    """A clause quoted whole (cut at a sentence when it is very long)."""
    text = clause.text
    if clause.title and clause.title not in text:  # a table row's name is not in its content
        text = f"{clause.title}：{text}"
    if len(text) > SPAN_CHARS:  # a long clause: each paragraph by its run-in heading or first sentence
        text = _summary(text)
    return make(question, with_marker(text, clause.marker), kind, [cite(clause, 1.0, clause.paragraphs)])


# 附件1, 附件二, 第二个附件: an attachment named by its number
_THE_ATTACHMENT = re.compile(r"的附件(?!\s*[0-9一二三四五六七八九十])")
_ATTACHMENT_NUMBER = re.compile(r"附件\s*([0-9一二三四五六七八九十]{1,3})|第([0-9一二三四五六七八九十]{1,3})个附件")


def attachment_named(root: Node, question: str, document_title: str = "", bare: bool = True) -> Node | None:
    """The attachment (one of the policies a notice carries) the question names: by its number
    (附件1), or by its title when that shares more with the question than the document's own
    title does when the body carries a policy of its own (就业见习基地管理办法 names the body's
    第一章…, not 附件1 就业见习基地申请程序)."""
    attachments = [child for child in root.children if child.kind == "attachment" and child.element is not None]
    if len(attachments) == len(root.children):
        document_title = ""  # a notice carrying its policies as attachments: its title names them all
    numbered = _ATTACHMENT_NUMBER.search(question)
    if numbered:
        value = numeral_value(numbered.group(1) or numbered.group(2))
        if value is not None and 0 < value <= len(attachments):
            return attachments[value - 1]
    if bare and len(attachments) == 1 and _THE_ATTACHMENT.search(question):
        return attachments[0]  # 通知的附件列了哪些内容: the one attachment it has
    best = max(MIN_SHARED_CHARS - 1, longest_shared_run(question, document_title)[0] if document_title else 0)
    found = None
    for child in attachments:
        run, _ = longest_shared_run(question, _attachment_name(root, child))
        if run > best:
            best, found = run, child
    return found


def _attachment_name(root: Node, attachment: Node) -> str:
    """An attachment's title, and the name of the table standing under it (附件1 over 甲区任务清单)."""
    title = element_title(attachment.element)  # type: ignore[arg-type]
    table = None if attachment.children else _following_table(root, attachment)
    return f"{title}{element_title(table.element)}" if table is not None and table.element is not None else title


def _quotes_title(quoted: str, title: str) -> bool:
    """Whether a quoted name is (nearly all of) a title."""
    return longest_shared_run(quoted, title)[0] >= QUOTED_SHARE * len(quoted)


def quotes_a_name(question: str) -> bool:
    """“建设长三角枢纽门户”: the question quotes the name of what it asks about."""
    return bool(_QUOTED.search(question))


def naming_chars(knowledge: Knowledge, doc_id: str) -> set[str]:
    """Characters a question may use to name the document: its titles and its issuer (国办)."""
    return _chars(_document_titles(knowledge, doc_id) + knowledge.documents[doc_id].meta.issuer)


def _document_titles(knowledge: Knowledge, doc_id: str) -> str:
    """The document's titles (the notice's and the policy's), run together."""
    key = ("structure.titles", doc_id)
    if key not in knowledge.memo:
        titles = "".join(t for n in knowledge.names if n.doc_id == doc_id for t in n.titles)
        knowledge.memo[key] = titles + "\n" + knowledge.documents[doc_id].meta.title
    return str(knowledge.memo[key])


# What a count counts (一共有多少条措施, 多少项任务): the document's items, not a name.
_COUNTED_NOUNS = re.compile(r"措施|举措|任务|事项|条款|政策|项目")
# Characters of a question's subject the document's names may leave unexplained: a place
# (广州推进…的实施意见 of a title without 广州) or a stray word.
MAX_UNNAMED_CHARS = 2
_BOOK_TITLE = re.compile(r"《([^》]{4,40})》")
QUOTED_SHARE = 0.8  # a quoted name that is this share of a title names it


# What a document is (its kind, as its title ends): 某市就业见习基地管理办法 names the document
_NAME_KIND = re.compile(r"(条例|规定|办法|细则|意见|方案|计划|规划|通知|决定|通告|公告|措施|政策|预案|复函|函)$")


def _name_said(knowledge: Knowledge, doc_id: str, question: str) -> str:
    """The words naming the document in a question, when they say its kind: they name no
    heading (就业见习基地管理办法分为哪几章 asks for chapters, not 第三章 见习基地管理)."""
    names = next((n for n in knowledge.names if n.doc_id == doc_id), None)
    if names is None:
        return ""
    strength, said = names.mention(question)
    return said if strength >= MIN_SHARED_CHARS and _NAME_KIND.search(said) else ""


def _names_only_the_document(subject: str, naming: set[str], shape: Shape) -> bool:
    """Whether a subject is nothing but the document's name (and, in a count, what is counted)."""
    if shape.counts:
        subject = _COUNTED_NOUNS.sub("", subject)
    subject = re.sub(r"（[^）]*）|\([^)]*\)", "", subject)  # 附件1（国土资源部的报告）: an aside naming it
    return len(_chars(subject) - naming) <= MAX_UNNAMED_CHARS


def answer_structure(
    knowledge: Knowledge,
    question: str,
    doc_ids: Collection[str] | None,
    ranked: Sequence[str] = (),
    full_question: str = "",
) -> Answer | None:
    """An answer from the shape of a document, or None when the question is not about one.

    `question` has the words naming the document taken out; `full_question` keeps them (a
    position may be counted inside an attachment the question names by its title).
    """
    documents = knowledge.in_scope(doc_ids, ranked)
    own_titles = [_document_titles(knowledge, d.meta.doc_id) for d in documents] if "》" in question else []
    shape = shape_of(question, own_titles)
    if not (shape.positions or shape.counts or shape.contents):
        return None
    if asks_quantity(question) and not (shape.counts or shape.positions):
        return None  # 多长时间内启动奖励程序 asks a figure inside the chapter, not for the chapter
    if asks_quantity(question) and not shape.counts and all(unit in _NAMING_UNITS for _, unit in shape.positions):
        return None  # 第三类医疗器械注册证…奖励多少万元: a class of things named, not the third part
    quoted = _QUOTED.findall(question)
    subject = quoted[0] if quoted else _DOCUMENT_WORDS.sub("", shape.subject)
    titles_quoted = quoted + _BOOK_TITLE.findall(full_question or question)
    full_subject = subject_of(full_question) if shape.positions and full_question else ""
    candidates: list[tuple[float, str, Node]] = []
    for rank, document in enumerate(documents):
        doc_id = document.meta.doc_id
        root = knowledge.trees[doc_id]
        naming = naming_chars(knowledge, doc_id)
        # a quoted title of the document's own (第三部分“甲乙建设”) names that part, not an
        # attachment whose title shares its words
        own = {entry.text for entry in _titled(knowledge, doc_id, root)}
        unquoted = "".join(part for part in _QUOTE_SPLIT.split(full_question or question) if part not in own)
        named = attachment_named(root, unquoted, document.meta.title, bare=not shape.counts)
        table_under = _following_table(root, named) if named is not None and not named.children else None
        if table_under is not None and not shape.positions and named is not None:
            table_naming = naming | _chars(f"附件{_attachment_name(root, named)}")
            if _names_only_the_document(subject, table_naming, shape):  # 附件1 over 甲区任务清单: that table
                ordinal = _said_ordinal(_titled(knowledge, doc_id, root), question, table_under)  # …里的行动五
                candidates.append((1.0 - rank * 0.01, doc_id, ordinal or table_under))
                continue
            named = None  # the table is found by its name among the document's nodes
        if named is not None and named.element is not None:  # 附件1（国土资源部的报告）names the attachment
            root = named
            naming = naming | _chars(f"{named.element.label}{element_title(named.element)}附件")
            if not shape.positions and _names_only_the_document(subject, naming, shape):
                headed = _headed_by(_titled(knowledge, doc_id, root), subject, _document_titles(knowledge, doc_id), root)
                candidates.append((1.0 - rank * 0.01, doc_id, headed or root))  # 附件2讲了什么
                continue
        if root.element is not None and any(_quotes_title(q, element_title(root.element)) for q in titles_quoted):
            candidates.append((1.0 - rank * 0.01, doc_id, root))  # 附件《…申请程序》包括哪几部分
            continue
        titled = _titled(knowledge, doc_id, root)
        table = None if shape.positions else _table_said(titled, full_question or question)
        if table is not None:  # 甲类名单一共有几个: the table so named, though the notice names it too
            named_row = _said_ordinal(titled, question, table)  # …名单里的行动五: that category
            candidates.append((1.0 - rank * 0.01, doc_id, named_row or table))
            continue
        said = "" if quoted else _name_said(knowledge, doc_id, question)
        texts = {_DOCUMENT_WORDS.sub("", shape_of(question.replace(said, "", 1)).subject)} if said else {subject, shape.subject}
        texts |= {f"{text}内容" for text in texts if text and _ASKS_CONTENTS_OF.search(question)}  # 支持哪些内容: 支持内容
        found = max(
            (f for text in texts if text and (f := _by_title(titled, text, naming))),
            key=lambda f: f[0],
            default=None,
        )
        counted = _COUNTED_THING.search(question) if shape.counts else None
        titled_so = [e for e in titled if counted and e.text == counted.group(1) and e.node.children]
        if titled_so and (found is None or found[0] < 1.0):  # 成立了几个工作组 counts the parts under 2.3 工作组
            found = (1.0, min(titled_so, key=lambda e: e.depth).node)
        verbatim = None if found and found[0] >= 1.0 else _said_verbatim(titled, question, _document_titles(knowledge, doc_id))
        if verbatim is not None:
            found = (1.0, verbatim)  # 主要任务有哪些 names 一、主要任务, though 主要 is a question word
        elif found is not None and (ordinal := _said_ordinal(titled, question, found[1])) is not None:
            found = (found[0], ordinal)  # 清单里的行动五: the category so named inside the table named
        if shape.positions and quoted and found and [p for p, _ in shape.positions] == [_number_of(found[1])]:
            # 第三部分“甲乙建设”: the part itself, its title in apposition (甲乙建设的第三项 is a child)
            candidates.append((2.0 - rank * 0.01, doc_id, found[1]))
        elif shape.positions:  # 第七个方面 of the part the question names, else of the document
            bases = [found[1]] if found else []
            # the document's own name (新疆自然灾害救助应急预案) names none of its parts (3 灾害救助准备)
            named_part = full_subject and not said and not _names_only_the_document(full_subject, naming, shape)
            full = _by_title(titled, full_subject, set()) if named_part else None
            bases += [full[1]] if full else []
            node = next((n for base in [*bases, root] if (n := _by_position(base, shape.positions))), None)
            if node is not None:
                candidates.append((2.0 - rank * 0.01, doc_id, node))
        elif found is not None:
            candidates.append((found[0] - rank * 0.01, doc_id, _narrowed(found[1], subject or shape.subject)))
        elif _names_only_the_document(subject, naming, shape) and len(documents) == 1:
            # 一共有多少项任务 of a plan with 三、重点任务
            headed = _headed_by(titled, subject, _document_titles(knowledge, doc_id), root, question)
            if headed is not None or shape.whole or not subject:
                candidates.append((1.0, doc_id, headed or root))  # the whole document: 分为几个部分, 一共多少条
    if not candidates:
        return None
    _, doc_id, node = max(candidates, key=lambda c: c[0])
    if node.kind == "attachment" and not node.children:  # 附件2是什么表: the table standing after it
        node = _following_table(knowledge.trees[doc_id], node) or node
    stated = _stated_count(question)
    if stated is not None and node.children and stated not in (len(node.children), _leaves(node)):
        return None  # 保护要求分为哪三类 is not answered by a chapter of twelve articles
    if len(node.children) == 1 and not node.children[0].children and isinstance(node.children[0].element, Clause):
        # 一、总体目标 holding one item 1.目标: the item is the content
        only = quote_clause(question, node.children[0].element)
        head = _cite_node(knowledge, node)
        text = f"{_name(node, knowledge, doc_id)}{head.marker}：\n{only.answer}"
        return replace(only, answer=text, citations=(head, *only.citations))
    if node.children:
        return _list_children(knowledge, question, doc_id, node, shape)
    if isinstance(node.element, Clause) and (shape.positions or shape.contents):
        return quote_clause(question, node.element)
    opening = knowledge.clauses.get((doc_id, f"{node.locator}/{PREAMBLE_LOCATOR}"))
    if node.kind == "attachment" and opening is not None:  # 附件2讲了什么: an attachment of text alone
        return quote_clause(question, opening)
    return None
