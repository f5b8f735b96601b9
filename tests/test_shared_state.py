"""The pages' live computations depend only on their arguments: run in several threads at once (as a
Streamlit server runs its visitors' sessions), each gives bit for bit what the serial run with the same
arguments gives; and a core call leaves the process's global torch random state, torch's thread count
and the BLAS limits as it found them."""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
import torch
from threadpoolctl import threadpool_info
from torch import nn

from core import datasets
from core import losses as L
from core.attention import ModelConfig, SequenceTask, build_model, train_model
from core.finetune import FINETUNE_PLAN, finetune_model, load_pretrained, run_strategy
from core.normalization import TrainConfig, digits_split, train_cell
from core.pytorch_basics import notes_sample_check, train_containers

THREADS = 4
REPEATS = 3
BUILDS = 20  # model builds per (seed, repeat): cheap, and where the old global seeding raced
SEEDS = (0, 1, 2, 3)
TIMINGS = {"seconds", "cpu_seconds"}  # clock readings: the only fields allowed to differ

PRETRAINED = load_pretrained()
SMALL_PLAN = dataclasses.replace(FINETUNE_PLAN, steps=12, batch_size=16, eval_every=4)
NORM_DATA = digits_split()
SEQ_TASK = SequenceTask("reverse", 3, 6)
TINY_SEQ = {"embed_size": 8, "encoder_size": 8, "decoder_size": 16, "attention_size": 8, "window": 2}


X_DIGITS, Y_DIGITS = (a[:400] for a in datasets.load("digits"))
X_DIGITS = X_DIGITS / 16.0


def canonical(value: object) -> object:
    """A comparable form of a result: tensors and arrays stay (compared exactly), modules become their
    state dicts, dataclasses and dicts are walked, timings are dropped."""
    if isinstance(value, nn.Module):
        return canonical(value.state_dict())
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: canonical(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if f.name not in TIMINGS
        }
    if isinstance(value, dict):
        return {k: canonical(v) for k, v in value.items() if k not in TIMINGS}
    if isinstance(value, list | tuple):
        return [canonical(v) for v in value]
    return value


def assert_identical(a: object, b: object, where: str = "") -> None:
    if isinstance(a, torch.Tensor):
        assert isinstance(b, torch.Tensor) and a.dtype == b.dtype and torch.equal(a, b), where
    elif isinstance(a, np.ndarray):
        assert isinstance(b, np.ndarray) and a.dtype == b.dtype and np.array_equal(a, b), where
    elif isinstance(a, dict):
        assert isinstance(b, dict) and list(a) == list(b), where
        for key in a:
            assert_identical(a[key], b[key], f"{where}.{key}")
    elif isinstance(a, list):
        assert isinstance(b, list) and len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            assert_identical(x, y, f"{where}[{i}]")
    elif isinstance(a, float) and np.isnan(a):
        assert isinstance(b, float) and np.isnan(b), where
    else:
        assert a == b, f"{where}: {a!r} != {b!r}"


# --- the live computations, small ------------------------------------------------------------------------
def finetune_build(seed: int) -> object:
    model, groups = finetune_model(PRETRAINED, "scratch", 5, lr=1e-3, seed=seed)
    return model, [g["lr"] for g in groups]


def finetune_run(seed: int) -> object:
    return run_strategy(PRETRAINED, "head_lr", 2, seed, plan=SMALL_PLAN)


def containers(seed: int) -> object:
    return train_containers("breast_cancer", hidden=8, epochs=4, seed=seed)


def notes_sample(seed: int) -> object:
    return notes_sample_check(batch=4, seed=seed)


def normalization(seed: int) -> object:
    return train_cell("batch", 64, seed, TrainConfig(epochs=1), data=NORM_DATA)


def attention(seed: int) -> object:
    model = build_model(ModelConfig("bahdanau", **TINY_SEQ), SEQ_TASK, seed=seed)
    log = train_model(model, SEQ_TASK, steps=3, batch_size=8, seed=seed)
    return model, log


def loss_fits(seed: int) -> object:
    data = L.classification_data(n_train=60, n_test=50, label_noise=0.1, n_outliers=2, seed=seed)
    fits = L.fit_all_classifiers(data)
    svm = L.fit_svm(data.x_train, data.y_train, lam=0.1, steps=200)
    n = 300
    softmax = L.train_softmax_regression(
        X_DIGITS[:n], Y_DIGITS[:n], X_DIGITS[n:], Y_DIGITS[n:], epochs=5 + seed, lr=1.0
    )
    return fits, svm, softmax


COMPUTATIONS: dict[str, Callable[[int], object]] = {
    "finetune_build": finetune_build,
    "finetune_run": finetune_run,
    "containers": containers,
    "notes_sample": notes_sample,
    "normalization": normalization,
    "attention": attention,
    "loss_fits": loss_fits,
}


def _global_state() -> tuple[bytes, int, list[tuple[str, int]]]:
    blas = sorted((info["internal_api"], info["num_threads"]) for info in threadpool_info())
    return bytes(torch.get_rng_state().numpy()), torch.get_num_threads(), blas


@pytest.mark.parametrize("name", list(COMPUTATIONS))
def test_core_call_leaves_global_state(name: str) -> None:
    torch.manual_seed(12345)
    before = _global_state()
    COMPUTATIONS[name](1)
    assert _global_state() == before


def test_threads_give_the_serial_results() -> None:
    serial = {(name, s): canonical(f(s)) for name, f in COMPUTATIONS.items() for s in SEEDS}
    # every (computation, seed) REPEATS times (the cheap model builds more often), interleaved across
    # THREADS threads that switch often (the old torch.manual_seed code failed here)
    jobs = [
        (name, s)
        for _ in range(REPEATS)
        for s in SEEDS
        for name in COMPUTATIONS
        for _ in range(BUILDS if name == "finetune_build" else 1)
    ]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        with ThreadPoolExecutor(THREADS) as pool:
            results = list(pool.map(lambda job: canonical(COMPUTATIONS[job[0]](job[1])), jobs))
    finally:
        sys.setswitchinterval(interval)
    for (name, s), result in zip(jobs, results, strict=True):
        assert_identical(result, serial[(name, s)], f"{name}(seed={s})")


def test_seeds_differ() -> None:
    """The comparison above is not vacuous: different seeds give different models."""
    a, b = finetune_build(0)[0], finetune_build(1)[0]
    assert not torch.equal(a.head.weight, b.head.weight)
    one, two = attention(0)[0], attention(1)[0]
    assert not torch.equal(one.encoder.embed.weight, two.encoder.embed.weight)


def test_explicit_generator_is_the_old_global_draw() -> None:
    """The weights drawn from a generator are those ``torch.manual_seed(seed)`` gave before."""
    from core.finetune._model import DigitNet, new_model

    for seed in (0, 7):
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)
            old = DigitNet(5)
        new = new_model(5, seed)
        assert_identical(canonical(new), canonical(old))
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)
            from core.attention._seq2seq import Seq2Seq

            config = ModelConfig("local-p", **TINY_SEQ)
            old_seq = Seq2Seq(config, SEQ_TASK.src_vocab, SEQ_TASK.tgt_vocab)
        assert_identical(canonical(build_model(config, SEQ_TASK, seed=seed)), canonical(old_seq))
