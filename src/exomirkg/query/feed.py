"""An embedded store that loads N-Quads while they are being written.

A builder that writes N-Quads in Python leaves the machine's other cores idle; pyoxigraph parses
without holding the GIL. :class:`StoreFeed` takes the lines as they are written (``writelines``,
like a text file), hands them in blocks to a loader thread, and :meth:`StoreFeed.finish` returns
the loaded :class:`~exomirkg.query.store.EmbeddedStore` once the last block is in: the load then
ends with the build instead of starting after it (100,000 claims: the store ready 0.2 s after a
30 s build, which took 23 s to load after it before).

Each block is parsed on its own, so a blank node would become two nodes in two blocks: lines with
a blank node are refused (:class:`StoreFeedFailed`; a literal holding " _:" too, to be safe), never
split silently; this project's builder writes none. A failure of the loader (a line that does not
parse) is raised at the next write or at :meth:`finish`, and a writer never waits forever on a
loader that has stopped.
"""
from __future__ import annotations

import queue
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from types import TracebackType
from typing import BinaryIO, Self

from ..errors import ExomirError
from .store import ONTOLOGY_GRAPH, EmbeddedStore

BLOCK_LINES = 40_000        # about 6 MB of N-Quads a block
QUEUED_BLOCKS = 8           # blocks written and not yet loaded, at most: the memory the feed holds


class StoreFeedFailed(ExomirError):
    """The lines fed to the store could not be loaded."""


class StoreFeed:
    """An in-memory pyoxigraph store loaded on a background thread from the N-Quads lines handed to
    :meth:`writelines`. ``lenient`` skips pyoxigraph's IRI and language-tag checks: only for lines
    this project's builder wrote, never for a user's file (see :class:`EmbeddedStore`).
    ``copy_to``: a binary file the loader thread also writes each block to (the N-Quads file, made
    without costing the writer anything: the block is already encoded)."""

    def __init__(self, ontology: Sequence[Path] = (), lenient: bool = False, block_lines: int = BLOCK_LINES,
                 queued_blocks: int = QUEUED_BLOCKS, copy_to: BinaryIO | None = None) -> None:
        import pyoxigraph as ox
        self._ox = ox
        self._copy = copy_to
        self._store = ox.Store()
        self._ontology = list(ontology)
        self._lenient = lenient
        self._block_lines = block_lines
        self._pending: list[str] = []
        self._blocks: queue.Queue[bytes | None] = queue.Queue(queued_blocks)
        self._error: BaseException | None = None
        self._finished = False
        self._thread = threading.Thread(target=self._load, name="store-feed", daemon=True)
        self._thread.start()

    # ----------------------------------------------------------------- the loader thread
    def _load(self) -> None:
        while (block := self._blocks.get()) is not None:
            if self._error is not None:
                continue                        # drain, so that a writer never blocks
            try:
                if self._copy is not None:
                    self._copy.write(block)
                self._store.load(input=block, format=self._ox.RdfFormat.N_QUADS, lenient=self._lenient)
            except BaseException as error:      # noqa: BLE001 - handed to the writer, never lost
                self._error = error

    def _raise_if_failed(self) -> None:
        if self._error is not None:
            raise StoreFeedFailed(f"the store could not load the N-Quads fed to it: {self._error}") from self._error

    def _put(self, block: bytes | None) -> None:
        while True:
            self._raise_if_failed()
            if not self._thread.is_alive():
                raise StoreFeedFailed("the store's loader thread has stopped")
            try:
                self._blocks.put(block, timeout=0.5)
                return
            except queue.Full:
                continue

    def _send(self) -> None:
        if not self._pending:
            return
        text = "".join(self._pending)
        self._pending = []
        if text.startswith("_:") or " _:" in text or "\n_:" in text:
            self._error = StoreFeedFailed("a line has a blank node, which a block-wise load would split in two: "
                                          "load such a file whole (EmbeddedStore)")
            self._raise_if_failed()
        self._put(text.encode("utf-8"))

    # ----------------------------------------------------------------- the writer's side
    def writelines(self, lines: Iterable[str]) -> None:
        """Take N-Quads lines (each ending in a newline); a full block goes to the loader."""
        if self._finished:
            raise StoreFeedFailed("the feed is finished: no more lines")
        self._pending.extend(lines)
        if len(self._pending) >= self._block_lines:
            self._send()

    def write(self, text: str) -> int:
        """Take text made of whole N-Quads lines."""
        self.writelines([text])
        return len(text)

    def finish(self) -> EmbeddedStore:
        """Load the last block and the ontology files (into the ontology graph); wait for the loader;
        return the store. Raises :class:`StoreFeedFailed` if any block failed."""
        if not self._finished:
            self._send()
            self._put(None)
            self._finished = True
        self._thread.join()
        self._raise_if_failed()
        for path in self._ontology:
            self._store.load(path=str(path), format=self._ox.RdfFormat.TURTLE, to_graph=self._ox.NamedNode(str(ONTOLOGY_GRAPH)))
        self._ontology = []
        return EmbeddedStore.wrapping(self._store)

    def abandon(self) -> None:
        """Stop the loader without loading what is left (the writer failed)."""
        self._pending = []
        self._error = self._error or StoreFeedFailed("abandoned")
        if not self._finished:
            self._finished = True
            while self._thread.is_alive():      # the loader skips what is queued once it sees the error
                try:
                    self._blocks.put(None, timeout=0.5)
                    break
                except queue.Full:
                    continue
        self._thread.join()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None) -> None:
        if kind is not None:
            self.abandon()


__all__ = ["StoreFeed", "StoreFeedFailed"]
