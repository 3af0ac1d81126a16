"""The frame around a policy: issuing notice, title, 目录, attachments and signature.

Recognised by form, not by words of one document: a notice opens with a 文号, a title
ending in 通知/决定/令/函/批复/意见 or a 主送 line ending in "："; it wraps a policy when
its date line comes before the first numbered heading (现将…印发给你们 … 2024年12月30日),
and carries the policy in its own body otherwise. A signature is the block of issuer,
date and （此件公开发布） lines that closes the body. Lines are indexes into the list of
non-blank, stripped lines the parser works on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.ingest.numbering import match_bare_decimal, match_heading
from assistant.ingest.table import starts_table

DOC_NUMBER = re.compile(r"[〔\[［(（]\s*\d{4}\s*[〕\]］)）]\s*第?\s*\d+\s*号|第\s*\d+\s*号$")
_CN_DATE = "[〇零○Ｏ一二三四五六七八九]{4}年[一二三四五六七八九十]{1,2}月[一二三四五六七八九十]{1,3}日"
DATE = rf"(?:\d{{4}}\s*年\s*\d{{1,2}}\s*月\s*\d{{1,2}}\s*日|{_CN_DATE}|\d{{4}}[-./]\d{{1,2}}[-./]\d{{1,2}})"
DATE_LINE = re.compile(rf"^[（(]?{DATE}[）)]?(?:印发|发布)?$")
_NOTICE_TITLE = re.compile(r"(通知|命令|令|函|批复|公告|通告)$")
# 主送: 各区县人民政府，市政府直属各单位： — not an opening sentence that ends in 如下：
_ADDRESSEES = re.compile(r"^(?!为|根据|按照|依据|经|现|近日|近年|为了)[^。！？；]{2,80}(?<!如下)[：:]$")
# …and the 附注 of GB/T 9704 after the date: （此件公开发布）, （联系人：…，联系电话：…）
_PUBLICATION = re.compile(
    r"^[（(](此件|本件)[^）)]{0,12}[）)]$|^(公开方式|公开属性|信息公开选项|公开类别)\s*[:：]\s*\S{2,8}$"
    r"|^[（(]联系(人|科室|处室|部门|单位|方式|电话)\s*[:：][^（）()]{2,60}[）)]$"
)
_TRAILER = re.compile(r"^(抄送|抄报|主送)[:：]|印发$")
# a notice that hands on a document: 现将《…》印发给你们 / 转发给你们 / 予以印发
_TRANSMITS = re.compile(r"(印发|转发|下发|颁发)给你们|现将.{0,80}(印发|转发|下发)|现?予以?(印发|转发)")
# 附件 / 附件1 / 附件1： alone on a line opens an attachment; a bare 附件： introduces the list
# of attachment names that closes a notice.
_ATTACHMENT = re.compile(r"^附\s*件\s*((\d{1,2}|[一二三四五六七八九十]{1,3})\s*[:：]?)?$")
_ATTACHMENT_LIST = re.compile(r"^附\s*[件表图]\s*\d{0,2}\s*[:：]")
_BARE_LIST = re.compile(r"^附\s*件\s*[:：]$")
_TOC = re.compile(r"^目\s*录$")
_TOC_LEADER = re.compile(r"[.．…·\-—_\s]{2,}\d*$|\s+\d+$")
_ADOPTION = re.compile(r"通过|公布|修订|修正|施行|发布|批准")
_ORG_END = re.compile(r"(政府|办公室|办公厅|委员会|常委会|厅|局|部|院|委|办|会|中心|署|总局|省|市|县|区)$")
TITLE_MAX_CHARS = 40  # longest title line seen in GB/T 9704 layouts is about 30 characters
TITLE_MAX_LINES = 4
_OPENING_LINES = 8  # a notice's 文号 or title sits in its first lines
_NOTICE_SPAN = 60
_NUMBER_LINE_CHARS = 30  # lines searched for the date that closes a wrapping notice


_ISSUER_AND_DATE = re.compile(rf"^(\S.{{1,29}}?)[\s\u3000]+({DATE})$")


def is_date_line(line: str) -> bool:
    """A date alone on its line, or after the issuer it signs for (国务院办公厅 2016年3月10日)."""
    if DATE_LINE.match(re.sub(r"[\s\u3000]", "", line)):
        return True
    signed = _ISSUER_AND_DATE.match(line.strip())
    return signed is not None and is_issuer_line(signed.group(1).strip())


def is_heading_line(line: str) -> bool:
    return match_heading(line) is not None


def is_title_like(line: str) -> bool:
    """A short line without closing punctuation that is neither a heading nor a date."""
    return (
        0 < len(line) <= TITLE_MAX_CHARS
        and line[-1] not in "。；：，:;,"
        and not is_heading_line(line)
        and not match_bare_decimal(line)  # 1 总则 opens a decimal outline
        and not is_date_line(line)
        and not _TOC.match(line)
    )


def is_attachment_heading(line: str) -> bool:
    return _ATTACHMENT.match(line) is not None


def is_attachment_list(line: str) -> bool:
    """附件：, or 附件：1.…, the list of attachments a notice closes with."""
    return _ATTACHMENT_LIST.match(line) is not None and not is_attachment_heading(line)


def is_toc_line(line: str) -> bool:
    return _TOC.match(line) is not None


def toc_entry(line: str) -> str:
    """A 目录 entry without its dot leaders and page number, spaces removed."""
    return re.sub(r"\s", "", _TOC_LEADER.sub("", line))


@dataclass(frozen=True)
class Frame:
    """Where the opening parts of a document lie, as [start, end) line indexes."""

    notice: tuple[int, int]
    title: tuple[int, int]


def is_number_line(line: str) -> bool:
    """A line that is a 文号 (湖政办发〔2024〕28号, 第56号), not a sentence quoting one."""
    return len(line) <= _NUMBER_LINE_CHARS and DOC_NUMBER.search(line) is not None


def _has_notice_form(lines: list[str]) -> bool:
    opening = lines[:_OPENING_LINES]
    if any(is_number_line(line) for line in opening):
        return True
    joined = ""
    for line in opening:
        if is_heading_line(line) or is_date_line(line):
            break
        joined += line
        if _NOTICE_TITLE.search(joined) and ("关于" in joined or joined.endswith("令")):
            return True
    # a 主送 line may open the text when the title stands apart from it (a web page's heading)
    return any(_ADDRESSEES.match(line) for line in lines[: _OPENING_LINES + 4] if not is_heading_line(line))


def _first_heading(lines: list[str], start: int, stop: int) -> int:
    """Index of the first numbered heading, skipping an attachment list (附件：1.…)."""
    in_list = False
    for position in range(start, stop):
        line = lines[position]
        if _ATTACHMENT_LIST.match(line) or is_attachment_heading(line):
            in_list = True
            continue
        if in_list and is_heading_line(line) and is_title_like_item(line):
            continue
        in_list = False
        if is_heading_line(line):
            return position
    return stop


def is_title_like_item(line: str) -> bool:
    """An entry of an attachment list: a numbered short name without punctuation."""
    found = match_heading(line, loose=True)
    return found is not None and 0 < len(found.rest) <= TITLE_MAX_CHARS and found.rest[-1] not in "。；，"


def _notice_end(lines: list[str]) -> int:
    """Lines the issuing notice takes when it wraps the policy; 0 when it carries it."""
    stop = min(len(lines), _NOTICE_SPAN)
    heading = _first_heading(lines, 0, stop)
    date = next((i for i in range(min(heading, stop)) if is_date_line(lines[i])), None)
    if date is None:
        return 0
    end = date + 1
    while end < len(lines) and (_PUBLICATION.match(lines[end]) or _TRAILER.search(lines[end])):
        end += 1
    return end


def _notice_header(lines: list[str]) -> int:
    """For a notice that carries the policy: its 文号, title and 主送 lines."""
    end = 0
    for position, line in enumerate(lines[: _OPENING_LINES + 4]):
        if is_heading_line(line):
            break
        if is_number_line(line) or is_title_like(line) or _ADDRESSEES.match(line):
            end = position + 1
            if _ADDRESSEES.match(line):
                break
        else:
            break
    return end


def _title_end(lines: list[str], start: int) -> int:
    position = start
    while position < len(lines) and position - start < TITLE_MAX_LINES and is_title_like(lines[position]):
        line = lines[position]
        if starts_table(lines, position):
            break  # a table straight after the title: its header is not part of the title
        if _ADOPTION.search(line) and (line.startswith(("（", "(")) or re.search(DATE, line)):
            break
        position += 1
    return position


def signature_start(lines: list[str], start: int, end: int) -> int:
    """Where the closing block of issuer, date and publication lines begins (end if none)."""
    position, has_date = end, False
    while position > start:
        line = lines[position - 1]
        if is_date_line(line):
            has_date = True
        elif not (_PUBLICATION.match(line) or _TRAILER.search(line) or is_issuer_line(line)):
            break
        position -= 1
    if not (has_date or any(_PUBLICATION.match(line) for line in lines[position:end])):
        return end
    # 附件：1.…2.… naming the attachments just before the issuer closes the notice too
    first = position
    while first > start and is_title_like_item(lines[first - 1]):
        first -= 1
    return first - 1 if first > start and is_attachment_list(lines[first - 1]) else position


def is_issuer_line(line: str) -> bool:
    return len(line) <= 30 and not re.search(r"[。；：，]", line) and _ORG_END.search(line) is not None


def find_opening(lines: list[str]) -> Frame:
    """Where the issuing notice and the policy's title lie.

    A notice that wraps the policy ends at its date line; one that carries the policy in
    its body keeps just its 文号, title and 主送 lines, and has no separate title.
    """
    notice_end, carried = 0, False
    if lines and _has_notice_form(lines):
        notice_end = _notice_end(lines)
        if notice_end and _only_tables_follow(lines, notice_end) and not _TRANSMITS.search("".join(lines[:notice_end])):
            notice_end = 0  # its attachments are tables of its own body (名单详见附表), no policy
        if notice_end == 0:
            notice_end, carried = _notice_header(lines), True
            header = lines[:notice_end]
            if not any(is_number_line(line) or _ADDRESSEES.match(line) for line in header):
                notice_end, carried = 0, False  # a title alone is a title, not a notice
    title_end = notice_end if carried else _title_end(lines, notice_end)
    return Frame((0, notice_end), (notice_end, title_end))


def _only_tables_follow(lines: list[str], start: int) -> bool:
    """Whether the text after a notice's date is attachments that each open with a table."""
    starts = attachment_starts(lines, start)
    if not starts or starts[0] != start:
        return False
    bounds = [*starts, len(lines)]
    return all(
        any(starts_table(lines, i) for i in range(begin + 1, min(begin + 4, end)))
        for begin, end in zip(bounds, bounds[1:], strict=False)
    )


def attachment_starts(lines: list[str], start: int) -> list[int]:
    """Indexes of 附件 headings standing alone on their line after `start`.

    A bare 附件： opens the attachment too once a list has named it (附件：甲清单, then 附件：
    over the 甲清单 itself), unless a numbered entry follows it (another list)."""
    starts, named = [], False
    for i in range(start, len(lines)):
        bare = _BARE_LIST.match(lines[i]) is not None
        following = lines[i + 1] if i + 1 < len(lines) else ""
        if is_attachment_heading(lines[i]) or (bare and named and following and match_heading(following) is None):
            starts.append(i)
        named = named or (is_attachment_list(lines[i]) and not bare)
    return starts
