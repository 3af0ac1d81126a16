"""The loaded service, shared by the routes: loaded once, in the background, then read-only."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, Request

from api.errors import ApiError
from assistant.answer import Answerer
from assistant.errors import PolicyQAError
from assistant.fit import FitMatcher
from assistant.service import load_answerer, load_fit_matcher
from assistant.settings import Settings

log = logging.getLogger(__name__)


@dataclass
class ServiceState:
    settings: Settings
    answerer: Answerer | None = None
    fit: FitMatcher | None = None
    error: str | None = None
    ready: threading.Event = field(default_factory=threading.Event)

    def load(self) -> None:
        """Build or load the index; /readyz turns 200 when this is done."""
        try:
            answerer = self.answerer or load_answerer(self.settings, progress=False)
            self.fit = load_fit_matcher(self.settings, answerer)
            self.answerer = answerer
        except PolicyQAError as exc:
            self.error = str(exc)
            log.error("could not load the index: %s", exc)
        finally:
            self.ready.set()

    def start_loading(self) -> None:
        if self.answerer is None:
            threading.Thread(target=self.load, name="policyqa-load", daemon=True).start()
        else:
            self.load()


def get_state(request: Request) -> ServiceState:
    state: ServiceState = request.app.state.service
    return state


def get_answerer(request: Request) -> Answerer:
    """The answerer, or 503 while the index is still loading."""
    state = get_state(request)
    if state.answerer is None:
        if state.error:
            raise ApiError(503, "index_unavailable", "索引不可用，请联系管理员检查服务日志")
        raise ApiError(503, "loading", "服务正在加载索引，请稍后再试")
    return state.answerer


def get_fit(request: Request) -> FitMatcher:
    get_answerer(request)  # the same 503s while loading
    fit = get_state(request).fit
    if fit is None:
        raise ApiError(503, "loading", "服务正在加载索引，请稍后再试")
    return fit


StateDep = Annotated[ServiceState, Depends(get_state)]
AnswererDep = Annotated[Answerer, Depends(get_answerer)]
FitDep = Annotated[FitMatcher, Depends(get_fit)]
