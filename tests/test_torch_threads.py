"""core.torch_threads: one thread while any user trains, the old count back after the last."""

import threading

import torch

from core.torch_threads import one_torch_thread


def test_one_thread_is_restored_after_overlapping_users():
    before = torch.get_num_threads()
    seen = []

    def work() -> None:
        for _ in range(50):
            with one_torch_thread():
                seen.append(torch.get_num_threads())

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert set(seen) == {1}
    assert torch.get_num_threads() == before
