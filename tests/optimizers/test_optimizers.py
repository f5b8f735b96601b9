"""core.optimizers and core.optimizers against torch.optim, step for step, in float64."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from core.optimizers import (
    OPTIMIZERS,
    SGD,
    SURFACES,
    Adadelta,
    Adagrad,
    Adam,
    AdamW,
    BatchedOptimizers,
    NAdam,
    RMSprop,
    RunSpec,
    full_hyperparameters,
    replay_check,
    run_trajectories,
    torch_optimizer,
)

RTOL, ATOL = 1e-10, 1e-12
STEPS = 300
SHAPES = [(3,), (2, 4), (5, 1, 2), (1,)]

# every optimizer and every option, several at once
CASES = [
    ("SGD", {"lr": 0.05}),
    ("SGD", {"lr": 0.05, "momentum": 0.9}),
    ("SGD", {"lr": 0.05, "momentum": 0.9, "dampening": 0.3, "weight_decay": 0.1}),
    ("SGD", {"lr": 0.03, "momentum": 0.8, "nesterov": True, "weight_decay": 0.05}),
    ("SGD", {"lr": 0.01, "momentum": 0.5, "maximize": True}),
    ("Adagrad", {}),
    ("Adagrad", {"lr": 0.1, "lr_decay": 0.01, "initial_accumulator_value": 0.3, "weight_decay": 0.05}),
    ("Adagrad", {"lr": 0.1, "eps": 1e-3, "maximize": True}),
    ("Adadelta", {}),
    ("Adadelta", {"lr": 0.5, "rho": 0.8, "eps": 1e-4, "weight_decay": 0.1}),
    ("Adadelta", {"maximize": True}),
    ("RMSprop", {}),
    ("RMSprop", {"lr": 0.01, "alpha": 0.9, "eps": 1e-6, "weight_decay": 0.1}),
    ("RMSprop", {"lr": 0.01, "centered": True}),
    ("RMSprop", {"lr": 0.005, "momentum": 0.7}),
    ("RMSprop", {"lr": 0.005, "centered": True, "momentum": 0.5, "weight_decay": 0.1, "maximize": True}),
    ("Adam", {}),
    ("Adam", {"lr": 0.01, "betas": (0.8, 0.99), "eps": 1e-6, "weight_decay": 0.1}),
    ("Adam", {"lr": 0.01, "amsgrad": True}),
    ("Adam", {"lr": 0.01, "betas": (0.3, 0.9), "weight_decay": 0.1, "decoupled_weight_decay": True}),
    ("Adam", {"lr": 0.01, "maximize": True, "amsgrad": True, "weight_decay": 0.02}),
    ("NAdam", {}),
    ("NAdam", {"lr": 0.01, "betas": (0.85, 0.995), "momentum_decay": 0.01, "weight_decay": 0.1}),
    ("NAdam", {"lr": 0.01, "weight_decay": 0.1, "decoupled_weight_decay": True}),
    ("NAdam", {"lr": 0.01, "maximize": True, "eps": 1e-5}),
    ("AdamW", {}),
    ("AdamW", {"lr": 0.02, "weight_decay": 0.3, "amsgrad": True}),
    ("AdamW", {"lr": 0.01, "betas": (0.6, 0.95), "maximize": True}),
]


def _case_id(case):
    name, hyper = case
    return name + "-" + "-".join(f"{k}={v}" for k, v in hyper.items())


class NoisyQuadratic:
    """Gradients from a fixed function of the parameters and the step: c*p + cos(p)/2 + b + noise_t.

    The noise keeps the gradients away from zero, so a path never settles into the rounding-sensitive
    oscillation around a minimum, and both libraries see identical gradients for identical parameters.
    """

    def __init__(self, shapes, steps, seed=0):
        rng = np.random.default_rng(seed)
        self.c = [rng.uniform(0.5, 3.0, s) for s in shapes]
        self.b = [rng.normal(size=s) for s in shapes]
        self.noise = [[0.3 * rng.normal(size=s) for s in shapes] for _ in range(steps)]
        self.start = [rng.normal(size=s) for s in shapes]

    def grads(self, params, t):
        terms = zip(params, self.c, self.b, self.noise[t], strict=True)
        return [c * p + 0.5 * np.cos(p) + b + n for p, c, b, n in terms]


def _excess(actual, expected):
    """How far |actual - expected| exceeds atol + rtol |expected| (<= 0 means within tolerance)."""
    return float(np.max(np.abs(actual - expected) - (ATOL + RTOL * np.abs(expected))))


def _run_both(name, hyper, problem, steps, torch_factory=torch_optimizer):
    ours = [x.copy() for x in problem.start]
    opt = OPTIMIZERS[name](ours, **hyper)
    theirs = [torch.tensor(x, requires_grad=True) for x in problem.start]
    topt = torch_factory(name, theirs, hyper)
    for t in range(steps):
        opt.step(problem.grads(ours, t))
        for p, g in zip(theirs, problem.grads([p.detach().numpy() for p in theirs], t), strict=True):
            p.grad = torch.from_numpy(g)
        topt.step()
        worst = max(_excess(o, p.detach().numpy()) for o, p in zip(ours, theirs, strict=True))
        assert worst <= 0, f"step {t + 1}: differs from torch by {worst:.2e} beyond the tolerance"
    return opt, topt, theirs


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_matches_torch_step_for_step(case):
    name, hyper = case
    problem = NoisyQuadratic(SHAPES, STEPS, seed=len(hyper))
    opt, topt, theirs = _run_both(name, hyper, problem, STEPS)
    # the state too, under torch's names: torch_state() has exactly torch's entries, "step" included
    for i, p in enumerate(theirs):
        exported = opt.torch_state(i)
        assert exported.keys() == topt.state[p].keys()
        for key, value in exported.items():
            expected = topt.state[p][key]
            np.testing.assert_allclose(value, expected.detach().numpy(), rtol=RTOL, atol=ATOL, err_msg=key)


@pytest.mark.parametrize("name", ["NAdam", "Adam"])
def test_matches_torch_run_with_float64_defaults(name):
    """Without our NAdam state set-up: torch with float64 as default dtype keeps mu_product in float64."""
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:
        problem = NoisyQuadratic(SHAPES, 200, seed=3)
        _run_both(name, {"lr": 0.01}, problem, 200, lambda n, ps, h: getattr(torch.optim, n)(ps, **h))
    finally:
        torch.set_default_dtype(previous)


def test_defaults_are_torchs():
    for name in OPTIMIZERS:
        ours = full_hyperparameters(name)
        theirs = getattr(torch.optim, name)([torch.zeros(1, requires_grad=True)]).defaults
        for key, value in ours.items():
            assert theirs[key] == value, (name, key)


def test_step_updates_the_arrays_in_place():
    p = np.ones(3)
    view = p[:2]
    SGD([p], lr=0.5).step([np.ones(3)])
    np.testing.assert_array_equal(p, [0.5, 0.5, 0.5])
    np.testing.assert_array_equal(view, [0.5, 0.5])


@pytest.mark.parametrize(
    ("factory", "message"),
    [
        (lambda p: SGD(p, lr=-0.1), r"Invalid learning rate: -0\.1"),
        (lambda p: SGD(p, momentum=-1), "Invalid momentum value: -1"),
        (lambda p: SGD(p, weight_decay=-1e-3), r"Invalid weight_decay value: -0\.001"),
        (lambda p: SGD(p, momentum=0, nesterov=True), "Nesterov momentum requires a momentum and zero"),
        (lambda p: SGD(p, momentum=0.9, dampening=0.1, nesterov=True), "requires a momentum and zero damp"),
        (lambda p: Adagrad(p, lr_decay=-1), "Invalid lr_decay value: -1"),
        (lambda p: Adagrad(p, initial_accumulator_value=-1), "Invalid initial_accumulator_value value: -1"),
        (lambda p: Adagrad(p, eps=-1), "Invalid epsilon value: -1"),
        (lambda p: Adadelta(p, rho=1.5), r"Invalid rho value: 1\.5"),
        (lambda p: Adadelta(p, rho=-0.5), r"Invalid rho value: -0\.5"),
        (lambda p: RMSprop(p, alpha=-0.9), r"Invalid alpha value: -0\.9"),
        (lambda p: RMSprop(p, momentum=-0.9), r"Invalid momentum value: -0\.9"),
        (lambda p: Adam(p, betas=(1.2, 0.999)), r"Invalid beta parameter at index 0: 1\.2"),
        (lambda p: Adam(p, betas=(0.9, 1.0)), r"Invalid beta parameter at index 1: 1\.0"),
        (lambda p: AdamW(p, weight_decay=-0.01), r"Invalid weight_decay value: -0\.01"),
        (lambda p: NAdam(p, momentum_decay=-1), "Invalid momentum_decay value: -1"),
        (lambda p: NAdam(p, lr=float("nan")), "Invalid learning rate: nan"),
        (lambda p: Adam(p, lr="fast"), "Invalid learning rate: 'fast'"),
    ],
)
def test_bad_hyperparameters_name_themselves_like_torch(factory, message):
    with pytest.raises(ValueError, match=message):
        factory([np.zeros(2)])


def test_bad_params_and_grads():
    with pytest.raises(ValueError, match="params is empty"):
        SGD([])
    with pytest.raises(ValueError, match=r"params\[0\] has dtype int64"):
        SGD([np.zeros(2, dtype=np.int64)])
    with pytest.raises(ValueError, match=r"params\[1\] is a list"):
        Adam([np.zeros(2), [0.0, 1.0]])
    opt = Adam([np.zeros(2), np.zeros((2, 2))])
    with pytest.raises(ValueError, match="Got 1 gradients for 2 parameters"):
        opt.step([np.zeros(2)])
    with pytest.raises(ValueError, match=r"grads\[1\] has shape \(4,\) but params\[1\] has shape \(2, 2\)"):
        opt.step([np.zeros(2), np.zeros(4)])


def test_unknown_optimizer_or_hyperparameter():
    with pytest.raises(ValueError, match="Unknown optimizer 'Lion'"):
        full_hyperparameters("Lion")
    with pytest.raises(ValueError, match="SGD has no hyperparameter betas"):
        full_hyperparameters("SGD", {"betas": (0.9, 0.99)})


# --- the batched engine ---------------------------------------------------------------------------------


def test_batched_rows_equal_the_reference_classes():
    """Every case in one BatchedOptimizers, rows of dimension 3, against one class instance per row."""
    steps, dim = 250, 3
    rng = np.random.default_rng(7)
    c = rng.uniform(0.5, 3.0, (len(CASES), dim))
    noise = 0.3 * rng.normal(size=(steps, len(CASES), dim))

    def grad(x, t):
        return c * x + 0.5 * np.cos(x) + 1.0 + noise[t]

    x = rng.normal(size=(len(CASES), dim))
    rows = [x[r].copy() for r in range(len(CASES))]
    batch = BatchedOptimizers(x, [RunSpec(n, h) for n, h in CASES], steps)
    refs = [OPTIMIZERS[n]([row], **h) for row, (n, h) in zip(rows, CASES, strict=True)]
    for t in range(steps):
        g = grad(x, t)
        g_rows = grad(np.stack(rows), t)
        batch.step(g)
        for r, ref in enumerate(refs):
            ref.step([g_rows[r]])
        assert _excess(x, np.stack(rows)) <= 0, f"step {t + 1}"
    # the batched state, under torch's names, equals the reference classes' state
    for r, (ref, (name, _)) in enumerate(zip(refs, CASES, strict=True)):
        for key, value in batch.torch_state(r).items():
            if key != "step":
                expected = ref.state[0][key]
                np.testing.assert_allclose(value, expected, rtol=RTOL, atol=ATOL, err_msg=(name, key))


@pytest.mark.parametrize("surface", sorted(SURFACES))
def test_batched_runs_replay_through_torch_at_every_step(surface):
    """Replayed from our state, one torch.optim step lands where ours did, at every step."""
    specs = [RunSpec(n, h) for n, h in CASES if not h.get("maximize")]
    surf = SURFACES[surface]
    trajectories = run_trajectories(surf, specs, 120, record_states=True)
    worst, checked = replay_check(surf, trajectories, max_checks=120)
    assert checked == 120
    scale = np.maximum(1.0, np.nanmax(np.abs(trajectories.positions), axis=(0, 2)))
    assert np.all(worst <= 1e-13 * scale), dict(zip([s.name for s in specs], worst, strict=True))


def test_batched_engine_validates():
    with pytest.raises(ValueError, match="float64 array of shape"):
        BatchedOptimizers(np.zeros(3), [RunSpec("SGD")], 10)
    with pytest.raises(ValueError, match="Got 2 optimizer specs for 1 rows"):
        BatchedOptimizers(np.zeros((1, 2)), [RunSpec("SGD"), RunSpec("Adam")], 10)
    with pytest.raises(ValueError, match=r"Invalid beta parameter at index 0: 1\.2"):
        BatchedOptimizers(np.zeros((1, 2)), [RunSpec("Adam", {"betas": (1.2, 0.9)})], 10)
    batch = BatchedOptimizers(np.zeros((1, 2)), [RunSpec("SGD")], 1)
    batch.step(np.ones((1, 2)))
    with pytest.raises(ValueError, match="All 1 tabulated steps are used"):
        batch.step(np.ones((1, 2)))


def test_a_diverging_row_leaves_the_others_alone():
    specs = [RunSpec("SGD", {"lr": 1e-3}), RunSpec("SGD", {"lr": 10.0})]
    together = run_trajectories(SURFACES["rosenbrock"], specs, 200)
    alone = run_trajectories(SURFACES["rosenbrock"], specs[:1], 200)
    assert together.diverged.tolist() == [False, True]
    np.testing.assert_array_equal(together.positions[:, 0], alone.positions[:, 0])
    assert np.isnan(together.gap[-1, 1])
