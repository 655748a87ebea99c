"""Loading the assistant in the background, so the web page is served before the model is ready.

Kept apart from the web module on purpose: it imports no Gradio, so `clinqa serve` starts loading the
index and the model before it spends its seconds importing the web framework.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from index.settings import Settings

LOAD_TIMEOUT_S = 600


class Backend:
    """Loads the assistant in the background; ``get`` waits for it."""

    def __init__(self, load: Callable[[], Any]) -> None:
        self._load = load
        self._ready = threading.Event()
        self.assistant: Any = None
        self.error: str | None = None
        self.thread = threading.Thread(target=self._run, name="clinqa-load", daemon=True)

    def start(self) -> Backend:
        self.thread.start()
        return self

    def _run(self) -> None:
        try:
            self.assistant = self._load()
        except Exception as exc:  # shown to the user as one line, never as a trace
            self.error = f"{type(exc).__name__}: {exc}".splitlines()[0]
        finally:
            self._ready.set()

    def get(self, timeout: float = LOAD_TIMEOUT_S) -> Any:
        if not self._ready.wait(timeout):
            raise RuntimeError("the index is still loading; try again in a moment")
        if self.error:
            raise RuntimeError(self.error)
        return self.assistant


def start_loading(settings: Settings, progress: Callable[[str], None]) -> Backend:
    """Open (or build) the index and load the model in a background thread."""

    def load() -> Any:
        from assistant.engine import open_assistant

        assistant = open_assistant(settings, progress)
        progress("clinqa: index loaded; ready to answer")
        return assistant

    return Backend(load).start()
