"""The loaded service, shared by the routes: loaded in the background, rebuilt in the background.

Requests always read one complete answerer. A rebuild (after an upload, a removal or an
explicit re-index) builds the new index in another thread while the current one keeps
answering, then swaps the new answerer in by one assignment; a failed rebuild leaves the
current one serving and says why in the rebuild status.
"""

from __future__ import annotations

import gc
import logging
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, Request

from api.errors import ApiError
from assistant.answer import Answerer
from assistant.errors import PolicyQAError
from assistant.fit import FitMatcher
from assistant.service import load_answerer, load_fit_matcher
from assistant.settings import Settings

log = logging.getLogger(__name__)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass
class RebuildStatus:
    """What the last re-index did: idle (never ran), running, done or failed."""

    state: str = "idle"
    started_at: str = ""
    finished_at: str = ""
    error: str = ""
    documents: int = 0
    queued: bool = False  # another rebuild was asked for while this one ran: it follows

    def to_json(self) -> dict[str, object]:
        return {
            "state": self.state,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "error": self.error,
            "documents": self.documents,
            "queued": self.queued,
        }


def settle_memory() -> None:
    """Collect what loading left behind, then exempt the loaded index from garbage collection.

    The index is some 150,000 long-lived objects; a full collection scanning them paused every
    request for ~150 ms. Frozen objects are still freed by reference counting when a rebuild
    replaces them; unfreezing first lets the collector see the previous index's cycles once.
    """
    gc.unfreeze()
    gc.collect()
    gc.freeze()


@dataclass
class ServiceState:
    settings: Settings
    answerer: Answerer | None = None
    fit: FitMatcher | None = None
    error: str | None = None
    ready: threading.Event = field(default_factory=threading.Event)
    rebuild: RebuildStatus = field(default_factory=RebuildStatus)
    _rebuild_guard: threading.Lock = field(default_factory=threading.Lock)

    def _load_fresh(self) -> None:
        answerer = load_answerer(self.settings, progress=False)
        fit = load_fit_matcher(self.settings, answerer)
        self.fit, self.answerer, self.error = fit, answerer, None  # the fit matcher holds its own answerer
        settle_memory()

    def load(self) -> None:
        """Build or load the index; /readyz turns 200 when this is done."""
        try:
            if self.answerer is None:
                self._load_fresh()
            else:
                self.fit = load_fit_matcher(self.settings, self.answerer)
                settle_memory()
        except PolicyQAError as exc:
            self.error = str(exc)
            log.error("could not load the index: %s", exc)
        except Exception as exc:  # a fault nobody foresaw must not leave /readyz loading forever
            self.error = f"{type(exc).__name__}: {exc}"
            log.exception("could not load the index")
        finally:
            self.ready.set()

    def start_loading(self) -> None:
        if self.answerer is None:
            threading.Thread(target=self.load, name="policyqa-load", daemon=True).start()
        else:
            self.load()

    def request_rebuild(self, queue: bool = True) -> RebuildStatus:
        """Start re-indexing in the background. While one runs, a request is queued to follow it
        (`queue`) or refused with 409."""
        with self._rebuild_guard:
            if self.rebuild.state == "running":
                if not queue:
                    raise ApiError(409, "rebuild_running", "已有索引重建正在进行，请等待其完成后再试")
                self.rebuild.queued = True
                return self.rebuild
            self.rebuild = RebuildStatus(state="running", started_at=_now())
        threading.Thread(target=self._rebuild_loop, name="policyqa-rebuild", daemon=True).start()
        return self.rebuild

    def _rebuild_loop(self) -> None:
        while True:
            try:
                self._load_fresh()
                state, error = "done", ""
            except PolicyQAError as exc:
                state, error = "failed", str(exc)
                log.error("re-index failed, the previous index keeps serving: %s", exc)
            except Exception as exc:
                state, error = "failed", f"{type(exc).__name__}: {exc}"
                log.exception("re-index failed, the previous index keeps serving")
            with self._rebuild_guard:
                if self.rebuild.queued and state == "done":
                    self.rebuild = RebuildStatus(state="running", started_at=_now())
                    continue
                documents = len(self.answerer.documents) if self.answerer else 0
                self.rebuild = RebuildStatus(state, self.rebuild.started_at, _now(), error, documents)
                return


def get_state(request: Request) -> ServiceState:
    state: ServiceState = request.app.state.service
    return state


def get_answerer(request: Request) -> Answerer:
    """The answerer, or 503 while the index is still loading."""
    state = get_state(request)
    answerer = state.answerer
    if answerer is None:
        if state.error:
            raise ApiError(503, "index_unavailable", "索引不可用，请联系管理员检查服务日志")
        raise ApiError(503, "loading", "服务正在加载索引，请稍后再试")
    return answerer


def get_fit(request: Request) -> FitMatcher:
    get_answerer(request)  # the same 503s while loading
    fit = get_state(request).fit
    if fit is None:
        raise ApiError(503, "loading", "服务正在加载索引，请稍后再试")
    return fit


StateDep = Annotated[ServiceState, Depends(get_state)]
AnswererDep = Annotated[Answerer, Depends(get_answerer)]
FitDep = Annotated[FitMatcher, Depends(get_fit)]
