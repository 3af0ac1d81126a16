"""Step 7: answering. One router (`Answerer`) and a small strategy module per kind of question."""

from assistant.answer.router import RELATED_LIMIT, Answerer
from assistant.answer.types import Answer, Citation, Mode

__all__ = ["RELATED_LIMIT", "Answer", "Answerer", "Citation", "Mode"]
