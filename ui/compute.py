"""One way to compute on a server that every visitor shares.

A Streamlit server is one process; every visitor's session is a thread in it. Every live or heavy
computation of a page (a training, a fit, a sweep, the summary of a bundled example) goes through
:func:`shared`:

- the result is keyed by the function and its arguments, and computed **once**: a second visitor
  asking for the same key while it runs waits for the same job (and sees the same progress bar),
  a visitor asking later gets the stored result;
- the work runs on a small pool of worker threads (:data:`WORKERS`, one per core by default), so a
  crowd of visitors queues instead of oversubscribing the cores, and a visitor who moves a slider
  mid-run does not abort a job others wait for: it finishes and is stored;
- each worker runs torch on one thread. ``torch.set_num_threads`` is per thread with torch's OpenMP
  backend (a thread keeps the count it had when it first ran an op), so the count is set in the
  thread that runs the job, before each job; BLAS (OpenBLAS, MKL) keeps one process-wide count, so it
  is limited once, when the pool starts, and never restored in a different order by overlapping users;
- results are kept in one bounded LRU shared by all sessions, and are never mutated after they are
  stored: numpy arrays in them are made read-only (a page that changed one would change it for every
  visitor), and a page treats frames and dicts it gets back as read-only too.

A visitor's own data (an upload) is not a shared computation: it stays in that visitor's session
(``ui.state.session_memo``). Core holds no state of its own: a result depends only on its arguments,
so computing it once for everyone is correct.
"""

from __future__ import annotations

import dataclasses
import os
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent import futures
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

import streamlit as st

from ui import shipped
from ui.i18n import t

T = TypeVar("T")

#: worker threads for the live work of all visitors together (DLNOTES_WORKERS overrides)
WORKERS = max(1, int(os.environ.get("DLNOTES_WORKERS", "0")) or (os.cpu_count() or 1))
#: results kept for all visitors together, least recently used dropped first
MAX_ENTRIES = 256

#: ``describe(done, total, info) -> str``: the progress bar's text while a job runs
Describe = Callable[[int, int, dict[str, Any]], str]


class Progress:
    """How far a job is: ``(done, total)`` and the latest extra figures (a loss, say).

    Written by the job's thread, read by every waiting visitor's script thread; a tuple is replaced
    whole, so a reader never sees half an update.
    """

    def __init__(self) -> None:
        self.state: tuple[int, int, dict[str, Any]] = (0, 0, {})

    def report(self, done: int, total: int, **info: Any) -> None:
        """The callback a core function gets as ``progress=``: ``done`` of ``total`` steps."""
        self.state = (int(done), int(total), info)

    @property
    def fraction(self) -> float:
        done, total, _ = self.state
        return min(max(done / total, 0.0), 1.0) if total > 0 else 0.0


@dataclasses.dataclass
class _Job:
    future: Future
    progress: Progress


def freeze(value: T) -> T:
    """Make the numpy arrays in ``value`` read-only (through tuples, lists, dicts and dataclasses),
    so a result stored for every visitor cannot be changed by one of them. Returns ``value``."""
    np = sys.modules.get("numpy")
    seen: set[int] = set()

    def walk(item: Any) -> None:
        if id(item) in seen:
            return
        seen.add(id(item))
        if np is not None and isinstance(item, np.ndarray):
            item.flags.writeable = False
        elif isinstance(item, (tuple, list)):
            for x in item:
                walk(x)
        elif isinstance(item, dict):
            for x in item.values():
                walk(x)
        elif dataclasses.is_dataclass(item) and not isinstance(item, type):
            for field in dataclasses.fields(item):
                walk(getattr(item, field.name))

    walk(value)
    return value


_IN_WORKER = threading.local()


def _one_thread_per_worker() -> None:
    """Run on every worker before each job: torch on one thread in *this* thread (the count is per
    thread with OpenMP; torch is imported by the page's ui module before any of its jobs is asked for,
    so it is in ``sys.modules`` here when a job needs it)."""
    torch = sys.modules.get("torch")
    if torch is not None and torch.get_num_threads() != 1:
        torch.set_num_threads(1)


def _start_worker() -> None:
    _IN_WORKER.active = True
    # BLAS thread counts are process-wide: one thread for the whole server, set once, never restored.
    from threadpoolctl import threadpool_limits  # installed with scikit-learn

    threadpool_limits(1, user_api="blas")


class SharedResults:
    """Results keyed by their inputs, each computed once under a per-key lock, in a bounded LRU.

    The per-key lock is the key's job: while a key is being computed, every caller of that key gets
    the same :class:`~concurrent.futures.Future`; the table lock is held only to look up or insert.
    Plain Python (no Streamlit), so it is tested on its own.
    """

    def __init__(self, max_entries: int = MAX_ENTRIES, workers: int = WORKERS) -> None:
        if max_entries < 1 or workers < 1:
            raise ValueError(f"max_entries and workers must be at least 1, got {max_entries}, {workers}")
        self.max_entries = max_entries
        self._workers = workers
        self._lock = threading.Lock()
        self._done: OrderedDict[Hashable, Any] = OrderedDict()
        self._running: dict[Hashable, _Job] = {}
        self._pool: ThreadPoolExecutor | None = None

    def __len__(self) -> int:
        with self._lock:
            return len(self._done)

    def __contains__(self, key: Hashable) -> bool:
        with self._lock:
            return key in self._done

    def clear(self) -> None:
        with self._lock:
            self._done.clear()

    def lookup(self, key: Hashable) -> tuple[bool, Any]:
        """``(True, result)`` if ``key`` is stored (and mark it recently used), else ``(False, None)``."""
        with self._lock:
            if key in self._done:
                self._done.move_to_end(key)
                return True, self._done[key]
        return False, None

    def put(self, key: Hashable, value: T) -> T:
        """Store ``value`` (frozen) as ``key``'s result, unless a result is stored already; returns the
        stored one. For a result computed ahead (:mod:`ui.shipped`): no job, no worker."""
        freeze(value)
        with self._lock:
            if key not in self._done:
                self._done[key] = value
                while len(self._done) > self.max_entries:
                    self._done.popitem(last=False)
            self._done.move_to_end(key)
            return self._done[key]

    def job(self, key: Hashable, compute: Callable[[Progress], Any]) -> Future:
        """The future of ``key``'s result: already done, running for another caller, or started now.

        ``compute(progress)`` runs on the worker pool; its result is frozen and stored (an exception is
        not stored: every caller of that run gets it, the next caller tries again). Called from inside a
        job (a job that needs another result), the work runs inline in that worker, so a full pool
        cannot deadlock on itself.
        """
        with self._lock:
            if key in self._done:
                self._done.move_to_end(key)
                future: Future = Future()
                future.set_result(self._done[key])
                return future
            running = self._running.get(key)
            if running is not None:
                return running.future
            job = _Job(Future(), Progress())
            self._running[key] = job
            inline = getattr(_IN_WORKER, "active", False)
            if not inline and self._pool is None:
                self._pool = ThreadPoolExecutor(
                    self._workers, thread_name_prefix="shared-compute", initializer=_start_worker
                )
            pool = self._pool
        if inline:
            self._run(key, job, compute)
        else:
            assert pool is not None
            pool.submit(self._run, key, job, compute)
        return job.future

    def running_jobs(self) -> int:
        """How many jobs run now (started by any visitor)."""
        with self._lock:
            return len(self._running)

    def future_of(self, key: Hashable) -> Future | None:
        """The future of ``key``'s job while it runs, else None."""
        with self._lock:
            job = self._running.get(key)
        return None if job is None else job.future

    def progress_of(self, key: Hashable) -> Progress | None:
        with self._lock:
            job = self._running.get(key)
        return None if job is None else job.progress

    def _run(self, key: Hashable, job: _Job, compute: Callable[[Progress], Any]) -> None:
        if not job.future.set_running_or_notify_cancel():
            return
        try:
            _one_thread_per_worker()
            result = freeze(compute(job.progress))
        except BaseException as error:  # handed to every waiting caller, never stored
            with self._lock:
                self._running.pop(key, None)
            job.future.set_exception(error)
            return
        with self._lock:
            self._done[key] = result
            self._done.move_to_end(key)
            while len(self._done) > self.max_entries:
                self._done.popitem(last=False)
            self._running.pop(key, None)
        job.future.set_result(result)

    def get(self, key: Hashable, compute: Callable[[Progress], Any]) -> Any:
        """``key``'s result, computing it if needed and waiting for it (no progress shown)."""
        return self.job(key, compute).result()


def key_of(function: Callable[..., Any], args: tuple, kwargs: dict[str, Any]) -> Hashable:
    """The key of ``function(*args, **kwargs)``: the function's module and name and its arguments
    (which must be hashable: numbers, strings, tuples, frozen dataclasses)."""
    key = (function.__module__, function.__qualname__, args, tuple(sorted(kwargs.items())))
    hash(key)  # a TypeError here names the unhashable argument's type
    return key


# --- the Streamlit side ----------------------------------------------------------------------------------

_POLL_SECONDS = 0.1
_SPINNER_AFTER_SECONDS = 0.5  # a job without progress shows a spinner once it has run this long


@st.cache_resource(show_spinner=False)
def _results() -> SharedResults:
    """The one store of the server, shared by every session (``st.cache_resource`` holds it, so
    Streamlit's "Clear cache" clears it)."""
    return SharedResults()


def shared(
    function: Callable[..., T],
    /,
    *args: Hashable,
    describe: Describe | None = None,
    **kwargs: Hashable,
) -> T:
    """``function(*args, **kwargs)``, computed once for all visitors and kept (see the module doc).

    With ``describe``, the function is also passed ``progress=`` (a :meth:`Progress.report`) and a
    progress bar shows ``describe(done, total, info)`` while the job runs, to this visitor and to every
    other visitor waiting for the same result. The result is shared: treat it as read-only.
    """
    key = key_of(function, args, kwargs)
    store = _results()
    found, value = store.lookup(key)
    if found:
        return value
    found, value = shipped.lookup(key)  # the default views' results, computed ahead
    if found:
        return store.put(key, value)

    def compute(progress: Progress) -> T:
        if describe is None:
            return function(*args, **kwargs)
        return function(*args, **kwargs, progress=progress.report)

    in_worker = getattr(_IN_WORKER, "active", False)
    if not in_worker:
        _wait_for_this_visitors_last_job()
    future = store.job(key, compute)
    if not in_worker and not future.done():
        st.session_state[_LAST_JOB] = future
    if future.done():
        return future.result()
    if describe is None:  # a short job; past a moment (the first live one also imports torch) a spinner
        try:
            return future.result(timeout=_SPINNER_AFTER_SECONDS)
        except futures.TimeoutError:
            with st.spinner(t("common.computing")):
                return future.result()
    job_progress = store.progress_of(key)
    bar = st.progress(0.0, text=describe(0, 0, {}))
    while not future.done():
        if job_progress is not None:
            done, total, info = job_progress.state
            bar.progress(job_progress.fraction, text=describe(done, total, info))
        time.sleep(_POLL_SECONDS)
    bar.empty()
    return future.result()


_LAST_JOB = "_compute_last_job"  # session-state key: the future of this visitor's last job


def _wait_for_this_visitors_last_job() -> None:
    """One job in the pool per visitor: a visitor who asks for another computation while their last one
    still runs (a new seed clicked mid-training, a slider moved again) waits for it first. Their
    earlier job is not stopped (others may wait for it too), so without this one visitor's reruns could
    queue unbounded work in front of everyone else."""
    last = st.session_state.get(_LAST_JOB)
    if last is None or last.done():
        return
    with st.spinner(t("common.waiting_last_job")):
        futures.wait([last])


def start(function: Callable[..., Any], /, *args: Hashable, **kwargs: Hashable) -> bool:
    """Start ``function(*args, **kwargs, progress=...)`` as a shared job and return at once: the rerun
    that asked for it is not held for the minutes a long training takes (:func:`follow` shows its
    progress, and reruns the page when it ends). Returns False, and starts nothing, while this visitor's
    last job still runs (one job in the pool per visitor); True if the job runs or is stored."""
    key = key_of(function, args, kwargs)
    store = _results()
    if key in store:
        return True
    last = st.session_state.get(_LAST_JOB)
    if last is not None and not last.done() and last is not store.future_of(key):
        return False

    def compute(progress: Progress) -> Any:
        return function(*args, **kwargs, progress=progress.report)

    st.session_state[_LAST_JOB] = store.job(key, compute)
    return True


def running(function: Callable[..., Any], /, *args: Hashable, **kwargs: Hashable) -> bool:
    """Whether ``function(*args, **kwargs)`` runs as a shared job now (started by anyone)."""
    return _results().progress_of(key_of(function, args, kwargs)) is not None


_FOLLOW_SECONDS = 0.5


@st.fragment(run_every=_FOLLOW_SECONDS)
def _follow(key: Hashable, describe: Describe) -> None:
    progress = _results().progress_of(key)
    if progress is None:  # ended (stored, or failed: the page's next call of the job says why)
        st.rerun()  # the whole page, so it draws the result
    done, total, info = progress.state
    st.progress(progress.fraction, text=describe(done, total, info))


def follow(function: Callable[..., Any], /, *args: Hashable, describe: Describe, **kwargs: Hashable) -> None:
    """While ``function(*args, **kwargs)`` runs as a shared job: its progress bar, redrawn every half
    second by a fragment (the rest of the page stays usable), then a rerun of the page when it ends."""
    key = key_of(function, args, kwargs)
    if _results().progress_of(key) is not None:
        _follow(key, describe)


def is_stored(function: Callable[..., Any], /, *args: Hashable, **kwargs: Hashable) -> bool:
    """Whether ``function(*args, **kwargs)`` is stored already (a page can skip a progress bar)."""
    return key_of(function, args, kwargs) in _results()
