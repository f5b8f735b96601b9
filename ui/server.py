"""The server's own tuning: memory given back to the system, sessions and uploads let go of, and small
responses sent at once.

A Streamlit server is one process; every visitor's session is a thread in it. ``app.py`` calls
:func:`housekeeping` at the start of every script run: the allocator settings once per process, then the
sessions whose tab closed past their TTL let go of. The metrics page calls :func:`forget_upload` once it
has taken an upload's bytes and :func:`release_memory` once it has read a file.

Measured causes of memory held per session (``benchmarks/bench_visitors.py``):

- Streamlit's uploaded-file store keeps its own copy of every upload until the session is shut down,
  and a session whose tab closed is never shut down: it only expires from Streamlit's
  disconnected-session store (streamlit/streamlit#9218, #12506). :func:`forget_upload` removes the
  session's file from the store as soon as it is read; :func:`reap_expired_sessions` shuts expired
  sessions down;
- freed memory that glibc's malloc keeps in its per-thread heaps instead of giving it back:
  :func:`tune_allocators` and :func:`release_memory` (after a file is read). Arrow's memory pool is
  not a cause here: the score reader allocates through Arrow's system pool, i.e. glibc's malloc.

And one cause of latency: Streamlit's server keeps Nagle's algorithm on its connections, so a small response
waits ~40 ms for the browser's delayed ACK (:func:`send_small_writes_at_once`, called by the server's
lifespan in ``ui/warmup.py``).

Three of these reach into Streamlit's runtime, which has no public API for them (``Runtime._session_mgr``,
its ``_storage_lock`` and ``_session_storage._cache.expire()``, ``ScriptRunContext.uploaded_file_mgr``
with ``remove_file``): ``tests/test_server.py`` fails, naming the internal, when one of them changes.
Here, a change makes the function do nothing rather than break a page.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import io
import os
import socket
import threading
from typing import Any


def _libc() -> Any:
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
    except OSError:
        return None
    return libc if libc is not None and hasattr(libc, "malloc_trim") else None


_LIBC = _libc()
_M_MMAP_THRESHOLD = -3  # mallopt's parameter numbers (malloc.h)
_M_ARENA_MAX = -8
ARENA_MAX = 2  # heaps shared by all threads (glibc's default: 8 per core)
MMAP_THRESHOLD = 4 << 20  # bytes: blocks at least this big get their own mapping, unmapped when freed

_tuned = False
_tune_lock = threading.Lock()


def tune_allocators() -> None:
    """Make big freed blocks go back to the system at once (glibc).

    glibc gives a block of 4 MB or more its own mapping, returned when it is freed. By default the
    threshold moves up to the largest block freed so far (up to 32 MB): after one big file, every
    array of the next ones came from the heaps, where it stayed. Measured on four loads + evaluations
    of a 20 MB file, each in a new thread as Streamlit runs scripts (kept: four Evaluations, ~10 MB):
    RSS +88 MB as it was, +17 MB with :func:`release_memory`, +8 MB with both.

    And at most two heaps for all threads: Streamlit starts a new thread for every script run, and
    glibc gives new threads new heaps (up to 8 per core), each keeping its own free and fragmented
    memory; with fewer heaps a wave of visitors reuses what the previous one left.
    """
    if _LIBC is not None and hasattr(_LIBC, "mallopt"):
        _LIBC.mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)
        _LIBC.mallopt(_M_ARENA_MAX, ARENA_MAX)


def tune_once() -> None:
    """:func:`tune_allocators`, the first time it is called in this process."""
    global _tuned
    with _tune_lock:
        if not _tuned:
            tune_allocators()
            _tuned = True


def send_small_writes_at_once(fd_dir: str = "/dev/fd") -> int:
    """Set TCP_NODELAY on every listening TCP socket of this process; return how many there were.

    Streamlit (1.67) binds its server's socket itself, as ``socket.socket(family)``: protocol 0. asyncio
    turns Nagle's algorithm off (TCP_NODELAY) on a connection it accepts only when the socket's protocol
    is IPPROTO_TCP, so Streamlit's connections keep it. A response goes out as two writes, the headers
    and then the body; on a connection the browser reuses, a small body waits until the headers are
    acknowledged, and the browser delays that acknowledgement: ~40 ms for each small file of the
    75-150 a first visit loads (measured on one kept-alive connection here: 43 ms a file, 1.5 ms with it;
    ``benchmarks/bench_server_latency.py``), and for the websocket's small messages. Linux copies
    TCP_NODELAY from a listening socket to the connections it accepts (``tests/test_server.py`` checks it),
    so setting it on the listening socket, before the server accepts, reaches every connection; a system
    that does not copy it keeps Nagle's algorithm, as before.

    The sockets are found among the process's open file descriptors (``/dev/fd``; none where it does
    not exist, e.g. Windows: nothing is changed there). No descriptor is closed or taken over.
    """
    try:
        fds = [int(name) for name in os.listdir(fd_dir)]
    except OSError:
        return 0
    found = 0
    for fd in fds:
        try:
            sock = socket.socket(fileno=fd)  # reads the descriptor's family, type and protocol
        except OSError:  # not a socket, or closed since it was listed
            continue
        try:
            if (
                sock.family in (socket.AF_INET, socket.AF_INET6)
                and sock.type == socket.SOCK_STREAM
                and sock.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN)
            ):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                found += 1
        except OSError:
            pass
        finally:
            sock.detach()  # the descriptor stays open and its owner's
    return found


def release_memory() -> None:
    """Give freed memory back to the system: glibc's heaps, and Arrow's default pool.

    Both allocators keep freed memory for reuse. (The score reader already allocates through Arrow's
    system pool, i.e. glibc; the default pool is asked too for whatever else used it.) Streamlit runs
    each session's script in its own thread, and glibc gives threads their own heaps (arenas), so
    memory freed in one session's thread was not reused by the next session's and the process grew
    with every upload. ``malloc_trim(0)`` returns the free pages of every arena. Not glibc (macOS,
    musl): only Arrow's pool is asked.
    """
    import pyarrow as pa

    pa.default_memory_pool().release_unused()
    if _LIBC is not None:
        _LIBC.malloc_trim(0)


def forget_upload(file_id: str, *handles: object) -> None:
    """Let go of this session's uploaded file ``file_id`` once its bytes have been taken: remove it from
    Streamlit's uploaded-file store and empty the ``UploadedFile`` objects in ``handles``.

    The store holds a copy of every upload until its session is shut down, and a session whose tab
    was closed is not shut down (streamlit/streamlit#9218): without this, every file ever uploaded
    stays in the server's memory. After it the uploader widget hands back a ``DeletedFile`` (same
    ``file_id``, not a file) instead of the file. The widget's state also keeps an ``UploadedFile`` of
    its own (another object over the same bytes) until the session's next run from the browser, or for
    good once the tab is closed: pass it (``st.session_state[<uploader key>]``) with the one the widget
    returned. Each is truncated to nothing, which drops its hold on the bytes and leaves a valid, empty
    file (Streamlit copies the widget's value on a rerun the script asks for, and AppTest uploads it
    again before every run: a closed file would fail there).
    """
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    if ctx is not None:
        ctx.uploaded_file_mgr.remove_file(ctx.session_id, file_id)
    for handle in handles:
        if isinstance(handle, io.BytesIO) and not handle.closed:
            handle.seek(0)
            handle.truncate(0)


def expire_sessions(manager: Any) -> list[tuple[str, Any]]:
    """The ``(session id, SessionInfo)`` pairs Streamlit's session manager ``manager`` holds for closed
    tabs past ``server.disconnectedSessionTTL``, taken out of its store (under its lock)."""
    with manager._storage_lock:
        return manager._session_storage._cache.expire()


def reap_expired_sessions(manager: Any = None) -> int:
    """Let go of the sessions whose tab closed more than ``server.disconnectedSessionTTL`` ago; returns
    how many. ``manager``: the running server's session manager when None.

    Streamlit keeps a disconnected session (for a reconnect) in a store whose expired entries are only
    removed when the store is next written, i.e. when another tab disconnects, and it never shuts
    them down, so their session state and uploaded files stay until then (streamlit/streamlit#12506).
    Shortening the TTL would not help. This asks the store to drop its expired entries now and shuts
    each one down as Streamlit does for a closed session. It reaches into Streamlit's runtime (no
    public API does this): if that changes, it does nothing.
    """
    try:
        if manager is None:
            from streamlit import runtime

            manager = runtime.get_instance()._session_mgr
        expired = expire_sessions(manager)
    except Exception:  # not a websocket server (AppTest, bare mode) or Streamlit's internals moved
        return 0
    count = len(expired)
    for _session_id, info in expired:
        info.session.shutdown()
    if count:
        del info
        expired.clear()
        gc.collect()  # an AppSession sits in reference cycles: free its state now, not at some later pass
        release_memory()
    return count


def housekeeping() -> None:
    """The server's own tuning, called by ``app.py`` at the start of every script run: the allocator
    settings the first time in this process, then the expired sessions let go of (at once, not when
    the next tab happens to disconnect)."""
    tune_once()
    reap_expired_sessions()
