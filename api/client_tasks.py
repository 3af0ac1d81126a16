"""Chat front-ends' own housekeeping prompts, answered in the shape they expect.

Open WebUI (and front-ends built like it) sends, besides the user's questions, prompts of
its own that start with "### Task:" and ask for JSON: a title for the chat, tags,
follow-up suggestions, search queries. They are not questions about the documents: the
answerer would refuse them or quote a clause. Each gets the JSON its task asks for,
built from the chat itself (the title is the first question, shortened).
"""

from __future__ import annotations

import json
import re

TASK_PREFIX = "### Task:"
TITLE_CHARS = 20
_HISTORY = re.compile(r"<chat_history>(.*?)</chat_history>", re.DOTALL)
_FIRST_USER = re.compile(r"^\s*USER:\s*(.+)$", re.MULTILINE)


def is_task_prompt(text: str) -> bool:
    return text.lstrip().startswith(TASK_PREFIX)


def _first_question(prompt: str) -> str:
    history = _HISTORY.search(prompt)
    found = _FIRST_USER.search(history.group(1) if history else prompt)
    return found.group(1).strip() if found else ""


_ASKED_KEY = re.compile(r'\{\s*"(title|tags|follow_ups|queries|text)"\s*:')


def task_reply(prompt: str) -> str:
    """The JSON text a front-end's task prompt asks for: the key its output format names
    ({ "title": … }), else the words of its task line."""
    asked = _ASKED_KEY.search(prompt)
    task = (
        asked.group(1)
        if asked
        else prompt[: prompt.find("\n###", len(TASK_PREFIX)) % (len(prompt) + 1)].lower()
    )
    if "title" in task:
        question = re.sub(r"[？?。！!\s]+$", "", _first_question(prompt)) or "政策问答"
        return json.dumps({"title": question[:TITLE_CHARS]}, ensure_ascii=False)
    if "tags" in task:
        return json.dumps({"tags": ["政策文件", "政策问答"]}, ensure_ascii=False)
    if "follow" in task:
        return json.dumps({"follow_ups": []})
    if "queries" in task or "query" in task:
        question = _first_question(prompt)
        return json.dumps({"queries": [question] if question else []}, ensure_ascii=False)
    return json.dumps({})
