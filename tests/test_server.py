"""ui.server against the installed Streamlit: every internal it reaches is still there, with the shape it
expects. ``ui.server`` does nothing (rather than break a page) when one of them moves; these tests are
where such a move shows, each failure naming the internal and what stops working without it."""

from __future__ import annotations

import dataclasses
import inspect
import io
import os
import socket
import sys
import time

import pytest
import streamlit
from streamlit.runtime import Runtime, RuntimeConfig, get_instance
from streamlit.runtime.memory_session_storage import MemorySessionStorage
from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
from streamlit.runtime.scriptrunner import get_script_run_ctx
from streamlit.runtime.scriptrunner_utils.script_run_context import ScriptRunContext
from streamlit.runtime.session_manager import SessionInfo
from streamlit.runtime.uploaded_file_manager import DeletedFile, UploadedFile, UploadedFileRec
from streamlit.runtime.websocket_session_manager import WebsocketSessionManager

from ui import server

MOVED = "Streamlit {version}: {what} changed, so ui.server.{function} {effect} (update it for this version)"


def moved(what: str, function: str, effect: str) -> str:
    return MOVED.format(version=streamlit.__version__, what=what, function=function, effect=effect)


class _Session:
    """A stand-in for an AppSession: an id, and a shutdown that is counted."""

    def __init__(self, session_id: str) -> None:
        self.id = session_id
        self.shut_down = 0

    def shutdown(self) -> None:
        self.shut_down += 1


def _manager(ttl_seconds: float) -> WebsocketSessionManager:
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache

    return WebsocketSessionManager(
        session_storage=MemorySessionStorage(ttl_seconds=ttl_seconds),
        uploaded_file_manager=MemoryUploadedFileManager("/upload"),
        script_cache=ScriptCache(),
        message_enqueued_callback=None,
    )


def test_the_runtime_keeps_its_session_manager_where_reap_expired_sessions_looks():
    assert callable(get_instance), moved(
        "streamlit.runtime.get_instance", "reap_expired_sessions", "finds no running server"
    )
    source = inspect.getsource(Runtime.__init__)
    assert "self._session_mgr = config.session_manager_class(" in source, moved(
        "Runtime._session_mgr (the session manager of the running server)",
        "reap_expired_sessions",
        "never lets go of a closed tab's session",
    )
    defaults = {f.name: f for f in dataclasses.fields(RuntimeConfig)}
    assert defaults["session_manager_class"].default is WebsocketSessionManager, moved(
        "RuntimeConfig.session_manager_class's default (WebsocketSessionManager)",
        "reap_expired_sessions",
        "may not find the disconnected-session store",
    )
    assert (
        "session_storage" in defaults and defaults["session_storage"].default_factory is MemorySessionStorage
    ), moved(
        "RuntimeConfig.session_storage's default (MemorySessionStorage)",
        "reap_expired_sessions",
        "may not find the store's TTL cache",
    )


def test_the_session_manager_has_the_lock_and_the_store_reap_expired_sessions_uses():
    manager = _manager(ttl_seconds=60)
    lock = getattr(manager, "_storage_lock", None)
    assert lock is not None and hasattr(lock, "__enter__") and hasattr(lock, "__exit__"), moved(
        "WebsocketSessionManager._storage_lock (the lock around its session store)",
        "expire_sessions",
        "cannot take the store's entries safely",
    )
    storage = getattr(manager, "_session_storage", None)
    assert isinstance(storage, MemorySessionStorage), moved(
        "WebsocketSessionManager._session_storage (the disconnected-session store)",
        "expire_sessions",
        "finds no store",
    )
    cache = getattr(storage, "_cache", None)
    assert cache is not None and callable(getattr(cache, "expire", None)), moved(
        "MemorySessionStorage._cache.expire() (the TTL cache's removal of expired entries)",
        "expire_sessions",
        "cannot drop expired sessions",
    )
    assert "session" in {f.name for f in dataclasses.fields(SessionInfo)}, moved(
        "SessionInfo.session (the AppSession of a stored session)",
        "reap_expired_sessions",
        "cannot shut it down",
    )
    from streamlit.runtime.app_session import AppSession

    assert callable(getattr(AppSession, "shutdown", None)), moved(
        "AppSession.shutdown()", "reap_expired_sessions", "cannot free a closed tab's session"
    )


def test_reap_expired_sessions_shuts_down_exactly_the_expired_ones():
    manager = _manager(ttl_seconds=1.0)
    old, young = _Session("old"), _Session("young")
    manager._session_storage.save(SessionInfo(client=None, session=old))
    time.sleep(1.3)  # past the TTL: the store still holds "old" (it drops expired entries on its next write)
    assert server.reap_expired_sessions(manager) == 1 and old.shut_down == 1, moved(
        "TTLCache.expire()'s result (a list of (session id, SessionInfo) pairs)",
        "reap_expired_sessions",
        "does not shut expired sessions down",
    )
    assert manager._session_storage.get("old") is None
    assert server.reap_expired_sessions(manager) == 0, "an expired session is reaped once"
    manager._session_storage.save(SessionInfo(client=None, session=young))  # its whole TTL ahead
    assert server.reap_expired_sessions(manager) == 0 and young.shut_down == 0
    assert manager._session_storage.get("young") is not None


def test_reap_expired_sessions_does_nothing_without_a_server():
    assert server.reap_expired_sessions() == 0  # no running server in a test: nothing, no error
    assert server.reap_expired_sessions(object()) == 0  # a manager of another shape: nothing, no error


def test_the_script_context_reaches_the_uploaded_file_store_as_forget_upload_does():
    names = {f.name for f in dataclasses.fields(ScriptRunContext)}
    assert {"session_id", "uploaded_file_mgr"} <= names, moved(
        "ScriptRunContext.session_id / .uploaded_file_mgr",
        "forget_upload",
        "leaves every upload in Streamlit's store for as long as the server runs",
    )
    store = MemoryUploadedFileManager("/upload")
    assert callable(getattr(store, "remove_file", None)), moved(
        "MemoryUploadedFileManager.remove_file(session_id, file_id)",
        "forget_upload",
        "cannot remove an upload",
    )
    store.add_file("s", UploadedFileRec("f1", "a.csv", "text/csv", b"label,score\n1,0.5\n"))
    store.add_file("s", UploadedFileRec("f2", "b.csv", "text/csv", b"label,score\n0,0.5\n"))
    store.remove_file("s", "f1")
    assert [f.file_id for f in store.get_files("s", ["f1", "f2"])] == ["f2"], moved(
        "MemoryUploadedFileManager.remove_file", "forget_upload", "no longer removes the file it names"
    )


def test_the_uploader_hands_back_a_file_or_a_deleted_file_the_page_can_tell_apart():
    # ui.metrics.source.take_upload takes the bytes of an io.BytesIO; after forget_upload the uploader
    # hands back a DeletedFile, which must not look like a file
    assert issubclass(UploadedFile, io.BytesIO), moved(
        "UploadedFile (no longer an io.BytesIO)", "forget_upload", "cannot empty the widget's own copy"
    )
    assert not isinstance(DeletedFile("f1"), io.BytesIO) and DeletedFile("f1").file_id == "f1", moved(
        "DeletedFile", "forget_upload", "leaves the metrics page unable to tell a removed upload from a file"
    )


def test_forget_upload_empties_the_handles_outside_a_script_run():
    assert get_script_run_ctx() is None
    handle = io.BytesIO(b"x" * 1000)
    server.forget_upload("f1", handle, None, "not a file")
    assert handle.getvalue() == b"" and not handle.closed  # empty, still a valid file


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc only")
def test_the_allocator_is_tuned_once_and_memory_released():
    assert server._LIBC is not None and hasattr(server._LIBC, "mallopt"), (
        "glibc's mallopt/malloc_trim not found"
    )
    server.tune_once()
    assert server._tuned
    server.tune_once()  # a second call does nothing
    server.release_memory()
    server.housekeeping()  # what app.py calls at every run: no server here, no error


def _listening(family: int = socket.AF_INET) -> socket.socket:
    """A listening socket made as Streamlit's server makes its own: ``socket.socket(family)``, protocol 0."""
    sock = socket.socket(family)
    sock.bind(("127.0.0.1", 0) if family == socket.AF_INET else ("::1", 0))
    sock.listen(8)
    return sock


def _accepted_nodelay(listener: socket.socket) -> int:
    """TCP_NODELAY of a connection ``listener`` accepts."""
    with socket.create_connection(listener.getsockname()[:2]) as client:
        accepted, _ = listener.accept()
        with accepted:
            client.sendall(b"x")
            return accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)


def test_streamlits_server_socket_leaves_nagle_on_for_the_connections_asyncio_accepts():
    # why send_small_writes_at_once exists: asyncio sets TCP_NODELAY only on sockets of protocol
    # IPPROTO_TCP, and Streamlit binds with protocol 0. When this fails, Streamlit binds differently and
    # the call in ui/warmup.lifespan may be unneeded.
    from streamlit.web.server.starlette import starlette_server

    sock = starlette_server._bind_socket("127.0.0.1", 0, 8)
    with sock:
        assert sock.proto != socket.IPPROTO_TCP, moved(
            "the server's socket protocol", "send_small_writes_at_once", "may be unneeded"
        )
        assert _accepted_nodelay(sock) == 0


def test_send_small_writes_at_once_reaches_every_connection_a_listening_socket_accepts():
    with _listening() as listener:
        assert _accepted_nodelay(listener) == 0  # as Streamlit's server accepts them
        assert server.send_small_writes_at_once() >= 1
        assert _accepted_nodelay(listener) == 1


def test_send_small_writes_at_once_reaches_an_ipv6_listening_socket():
    try:
        listener = _listening(socket.AF_INET6)  # Streamlit binds "::" when the address is IPv6
    except OSError:
        pytest.skip("no IPv6 loopback on this machine")
    with listener:
        server.send_small_writes_at_once()
        assert _accepted_nodelay(listener) == 1


def test_send_small_writes_at_once_leaves_other_descriptors_open_and_unchanged(tmp_path):
    with _listening() as listener, socket.create_connection(listener.getsockname()) as client:
        accepted, _ = listener.accept()
        unix = socket.socket(socket.AF_UNIX)
        unix.bind(str(tmp_path / "s"))
        unix.listen(1)
        read, write = os.pipe()
        with accepted, unix:
            server.send_small_writes_at_once()
            # a connected socket is not a listening one: left as it was
            assert client.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 0
            client.sendall(b"still open")
            assert accepted.recv(64) == b"still open"
            assert unix.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN) == 1
            os.write(write, b"pipe")
            assert os.read(read, 4) == b"pipe"
        os.close(read)
        os.close(write)
    assert server.send_small_writes_at_once(fd_dir=str(tmp_path / "no such dir")) == 0
