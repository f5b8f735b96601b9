"""The optimizers page's sections as views: display-ready tables, charts with the data they draw, the
texts with their figures, and the live checks against torch.optim. The page only draws them.

Every run comes from :mod:`ui.optimizers.live` through ``ui.compute.shared`` (computed once for every
visitor); what is built here is cheap and in the visitor's language. Figures are written with three
significant digits unless a text says otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from core.errors import InputError
from core.optimizers import FRAMEWORK, SURFACES, RunSpec, decimate_indices, full_hyperparameters
from ui.charts import MAX_BROWSER_POINTS, Figure
from ui.compute import shared
from ui.format import fmt
from ui.i18n import t
from ui.layout import Check
from ui.optimizers import charts, live
from ui.optimizers.state import BATCH_SIZES, check_name, hyperparameters_of

NS = "optimizers"
TOLERANCE = 1e-10
DIGITS = 3  # significant digits of the page's figures


def surface_latex(surface: str) -> str:
    return SURFACES[surface].latex


# --- the surface runs --------------------------------------------------------------------------------------


def chosen_specs(names: list[str]) -> tuple[list[RunSpec], list[ValueError]]:
    """Every chosen optimizer with its widgets' settings, and an error per bad setting, its sentence ("name:
    why") in the page's language (that optimizer is left out)."""
    specs, errors = [], []
    for name in names:
        hyper = hyperparameters_of(name)
        try:
            full_hyperparameters(name, hyper)
        except InputError as error:  # said in the page's language
            errors.append(
                ValueError(t(f"{NS}.bad_setting", name=name, why=t(error.locale_key, **error.values)))
            )
            continue
        specs.append(RunSpec(name, hyper))
    return specs, errors


@dataclass(frozen=True)
class SurfaceRuns:
    specs: list[RunSpec]  # with the tuned learning rates in the fair mode
    run: dict[str, Any]  # ui.optimizers.live.surface_run's result
    tuning: Any  # core.optimizers.Tuning in the fair mode, else None


def tuned(surface: str, specs: list[RunSpec], steps: int, start: tuple[float, float]) -> Any:
    """The fair mode's learning-rate search (core.optimizers.Tuning)."""
    return shared(live.tuning, surface, live.spec_key(specs), steps, start)


def surface_runs(
    surface: str, specs: list[RunSpec], steps: int, start: tuple[float, float], tuning: Any = None
) -> SurfaceRuns:
    """Every spec's path (with its tuned learning rate when ``tuning`` is given) and its torch replay."""
    if tuning is not None:
        specs = [
            RunSpec(s.optimizer, {**s.hyperparameters, "lr": float(lr)})
            for s, lr in zip(specs, tuning.best_lr, strict=True)
        ]
    return SurfaceRuns(specs, shared(live.surface_run, surface, live.spec_key(specs), steps, start), tuning)


@dataclass(frozen=True)
class PathsView:
    paths: Figure
    gap: Figure
    gap_caption: str
    table: pd.DataFrame
    check: Check
    checked: int  # steps replayed per run
    nadam_note: bool  # NAdam is checked: say how


def paths_view(surface: str, runs: SurfaceRuns, shown: int, start: tuple[float, float]) -> PathsView:
    """The paths up to step ``shown`` on the surface, f - f* per step, the table and the torch check."""
    run = runs.run
    positions = run["positions"]
    path_df = charts.paths_frame({name: positions[:, r] for r, name in enumerate(run["names"])}, upto=shown)
    current = pd.DataFrame(
        [
            {"label": name, "step": shown, "x": positions[shown, r, 0], "y": positions[shown, r, 1]}
            for r, name in enumerate(run["names"])
            if np.isfinite(positions[shown, r]).all()
        ]
    )
    paths = Figure(charts.contour_chart(surface, path_df, current=current, start=start), path_df)
    gap_df = charts.gap_frame(run["names"], run["gap"])
    gap_chart = charts.log_line_chart(
        gap_df, "step", "gap", x_title=t(f"{NS}.axis_step"), y_title=t(f"{NS}.axis_gap"), rule_at=shown
    )
    rows = []
    for r, spec in enumerate(runs.specs):
        gap = run["gap"][:, r]
        reached = np.flatnonzero(gap <= 1e-3)
        rows.append(
            {
                t(f"{NS}.col_optimizer"): spec.optimizer,
                t(f"{NS}.col_lr"): fmt(spec.hyperparameters["lr"], DIGITS),
                t(f"{NS}.col_gap_at", step=shown): fmt(gap[shown], DIGITS),
                t(f"{NS}.col_gap_end"): fmt(gap[-1], DIGITS) if np.isfinite(gap[-1]) else t(f"{NS}.diverged"),
                t(f"{NS}.col_reach"): str(reached[0]) if reached.size else "—",
                t(f"{NS}.col_check"): f"{run['check'][r]:.1e}",
            }
        )
    checked_names = dict.fromkeys(s.optimizer for s in runs.specs)
    label = "torch.optim." + ", ".join(check_name(n) for n in checked_names)
    return PathsView(
        paths,
        Figure(gap_chart, gap_df),
        t(f"{NS}.loss_caption", floor=fmt(charts.GAP_FLOOR, DIGITS)),
        pd.DataFrame(rows),
        Check(label, float(run["check"].max()), TOLERANCE),
        run["checked"],
        "NAdam" in checked_names,
    )


@dataclass(frozen=True)
class FairView:
    found: str  # the best learning rates found (optimizers.fair_found)
    edge: str | None  # a warning naming the optimizers whose best lr is at the edge of the grid
    scores: Figure


def fair_view(tuning: Any, steps: int) -> FairView:
    """The fair mode's search: the best of each optimizer and the score of every learning rate tried."""
    best = int(np.argmin(tuning.best_score))
    found = t(
        f"{NS}.fair_found",
        steps=steps,
        low=fmt(tuning.grid[0], DIGITS),
        high=fmt(tuning.grid[-1], DIGITS),
        n=tuning.grid.size,
        best=tuning.optimizers[best],
        lr=fmt(tuning.best_lr[best], DIGITS),
        score=fmt(tuning.best_score[best], DIGITS),
    )
    edge = [n for n, e in zip(tuning.optimizers, tuning.at_edge, strict=True) if e]
    score_df = pd.DataFrame(
        [
            {"label": name, "lr": lr, "score": max(score, charts.GAP_FLOOR)}
            for name, scores in zip(tuning.optimizers, tuning.scores, strict=True)
            for lr, score in zip(tuning.grid, scores, strict=True)
            if np.isfinite(score)
        ]
    )
    chart = charts.log_line_chart(
        score_df,
        "lr",
        "score",
        x_title=t(f"{NS}.axis_lr"),
        y_title=t(f"{NS}.axis_score"),
        log_x=True,
        height=280,
    )
    warning = t(f"{NS}.fair_edge", names=", ".join(edge)) if edge else None
    return FairView(found, warning, Figure(chart, score_df))


def framework_table() -> str:
    """The framework's table (m_t, V_t, eta_t of every optimizer) as markdown."""
    table = [
        f"| {t(f'{NS}.col_optimizer')} | $m_t$ | $V_t$ | $\\eta_t$ |",
        "|---|---|---|---|",
        *(f"| {name} | ${m}$ | ${v}$ | ${eta}$ |" for name, (m, v, eta) in FRAMEWORK.items()),
    ]
    return "\n".join(table)


# --- the notes' forms against torch's ------------------------------------------------------------------


@dataclass(frozen=True)
class FormView:
    """One comparison of the notes' form with torch's: its charts, the runs that diverged, the check, the
    caption under it and the result text (None where the comparison has none)."""

    figures: tuple[Figure, ...]
    diverged: str | None
    check: Check
    caption: str | None
    result: str


def _diverged(diverged: dict[str, int | None], labels: dict[str, str]) -> str | None:
    """The runs that diverged and where (differences are measured only before that step)."""
    items = [t(f"{NS}.diverged_item", name=labels[k], step=s) for k, s in diverged.items() if s is not None]
    return t(f"{NS}.diverged_runs", items=t(f"{NS}.diverged_separator").join(items)) if items else None


def _overlapping(surface: str, paths: dict[str, np.ndarray], start: tuple[float, float]) -> Figure:
    df = charts.paths_frame(paths)
    return Figure(charts.contour_chart(surface, df, start=start, height=400, overlapping=True), df)


def momentum_view(
    surface: str, alpha: float, beta: float, steps: int, start: tuple[float, float]
) -> FormView:
    """The notes' EMA momentum against torch's SGD, scaled and dampened."""
    mom = shared(live.momentum, surface, alpha, beta, steps, start)
    labels = {k: t(f"{NS}.label_{k}") for k in ("notes_ema", "torch_scaled", "torch_dampened")}
    paths = (mom.notes, mom.torch_scaled, mom.torch_dampened)
    figure = _overlapping(surface, dict(zip(labels.values(), paths, strict=True)), start)
    label = f"torch.optim.SGD(lr=α(1-β), momentum=β) vs {labels['notes_ema']}"
    values = {
        "diff": fmt(mom.dampened_diff, DIGITS),
        "ratio": fmt(mom.first_step_ratio, DIGITS),
        "steps": mom.dampened_compared,
    }
    return FormView(
        (figure,),
        _diverged(mom.diverged, labels),
        Check(label, mom.scaled_diff, 1e-9),
        t(f"{NS}.forms_check_caption", checked=mom.checked),
        t(f"{NS}.momentum_result", **values),
    )


def nesterov_settings(alpha: float, beta: float) -> str:
    return f"α = {fmt(alpha, DIGITS)}, β = {fmt(beta, DIGITS)}"


def nesterov_view(
    surface: str, alpha: float, beta: float, steps: int, start: tuple[float, float]
) -> FormView:
    """The notes' look-ahead against the corrected one and torch's SGD(nesterov=True)."""
    nest = shared(live.nesterov, surface, alpha, beta, steps, start)
    keys = ("classical", "torch_nesterov", "corrected_lookahead", "notes_lookahead")
    labels = {k: t(f"{NS}.label_{k}") for k in keys}
    # phi (classical, torch) and theta (the corrected look-ahead, which the notes' path is measured
    # against) are different variables: both are drawn, so the figures below can be seen on the chart
    paths = (nest.lookahead_points, nest.torch, nest.corrected, nest.notes)
    figure = _overlapping(surface, dict(zip(labels.values(), paths, strict=True)), start)
    values = {
        "overshoot": f"{100 * nest.overshoot:.1f}",
        "diff": fmt(nest.notes_vs_corrected, DIGITS),
        "gap_notes": fmt(nest.gap_notes, DIGITS),
        "gap_right": fmt(nest.gap_corrected, DIGITS),
        "steps": nest.notes_compared,
    }
    return FormView(
        (figure,),
        _diverged(nest.diverged, labels),
        Check("torch.optim.SGD(nesterov=True) vs θ + μv", nest.change_of_variable_diff, 1e-9),
        t(f"{NS}.forms_check_caption", checked=nest.checked),
        t(f"{NS}.nesterov_result", **values),
    )


def bias_view(surface: str, steps: int, start: tuple[float, float]) -> FormView:
    """Adam (the widgets' settings) with and without bias correction, and the ratio of their steps."""
    h = hyperparameters_of("Adam")
    bias = shared(live.bias, surface, float(h["lr"]), tuple(h["betas"]), float(h["eps"]), steps, start)
    paths = {t(f"{NS}.label_corrected"): bias.corrected, t(f"{NS}.label_uncorrected"): bias.uncorrected}
    path_df = charts.paths_frame(paths)
    paths_figure = Figure(charts.contour_chart(surface, path_df, start=start, height=340), path_df)
    idx = decimate_indices(steps, MAX_BROWSER_POINTS)
    df = pd.DataFrame({"label": t(f"{NS}.label_ratio"), "step": idx + 1, "ratio": bias.step_ratio[idx]})
    titles = {"x_title": t(f"{NS}.axis_step"), "y_title": t(f"{NS}.axis_ratio")}
    ratio_figure = Figure(charts.log_line_chart(df, "step", "ratio", log_x=True, height=340, **titles), df)
    peak = int(np.argmax(bias.step_ratio))
    values = {
        "first": fmt(bias.step_ratio[0], DIGITS),
        "peak": fmt(bias.step_ratio[peak], DIGITS),
        "at": peak + 1,
    }
    return FormView(
        (paths_figure, ratio_figure),
        _diverged(bias.diverged, {k: t(f"{NS}.label_{k}") for k in bias.diverged}),
        Check("torch.optim.Adam vs " + t(f"{NS}.label_corrected"), bias.corrected_vs_torch, 1e-9),
        t(f"{NS}.forms_check_caption", checked=bias.checked),
        t(f"{NS}.bias_result", **values),
    )


def adam_step_view(surface: str, scale: float, steps: int, start: tuple[float, float]) -> FormView:
    """Adam (the widgets' settings) on f and on scale * f: each step's size against lr, the two paths'
    difference, Kingma & Ba's bound and the sparse case that reaches it."""
    h = hyperparameters_of("Adam")
    lr, betas, eps = float(h["lr"]), tuple(h["betas"]), float(h["eps"])
    res = shared(live.adam_steps, surface, lr, betas, eps, scale, steps, start)
    labels = {
        "notes_adam": t(f"{NS}.label_adam_f"),
        "scaled": t(f"{NS}.label_adam_scaled", scale=fmt(scale, DIGITS)),
    }
    idx = decimate_indices(steps, MAX_BROWSER_POINTS // 2)
    df = pd.concat(
        [
            pd.DataFrame({"label": labels[key], "step": idx + 1, "ratio": ratios[idx]})
            for key, ratios in (("notes_adam", res.step_over_lr), ("scaled", res.scaled_step_over_lr))
        ],
        ignore_index=True,
    )
    df = df[np.isfinite(df["ratio"]) & (df["ratio"] > 0)]
    titles = {"x_title": t(f"{NS}.axis_step"), "y_title": t(f"{NS}.axis_step_over_lr")}
    finite = res.step_over_lr[np.isfinite(res.step_over_lr)]
    values = {
        "largest": fmt(float(finite.max()) if finite.size else float("nan"), DIGITS),
        "steps": steps,
        "scale": fmt(scale, DIGITS),
        "diff": fmt(res.path_diff, DIGITS),
        "compared": res.compared,
        "bound": fmt(res.bound, DIGITS),
        "zeros": res.sparse_zeros,
        "sparse": fmt(res.sparse_step_over_lr, DIGITS),
    }
    return FormView(
        (Figure(charts.log_line_chart(df, "step", "ratio", log_x=True, **titles), df),),
        _diverged(res.diverged, labels),
        Check("torch.optim.Adam vs " + labels["notes_adam"], res.torch_diff, 1e-9),
        t(f"{NS}.forms_check_caption", checked=res.checked),
        t(f"{NS}.adam_step_result", **values),
    )


def adagrad_view(surface: str, steps: int, start: tuple[float, float]) -> FormView:
    """The effective learning rates of Adagrad, RMSprop and Adadelta (the widgets' settings, RMSprop
    uncentred)."""
    rms = {**hyperparameters_of("RMSprop"), "centered": False}
    names = ("Adagrad", "RMSprop", "Adadelta")
    runs = [RunSpec(name, rms if name == "RMSprop" else hyperparameters_of(name)) for name in names]
    effective = shared(live.effective_rates, surface, live.spec_key(runs), steps, start)
    rates = effective.rates
    idx = decimate_indices(steps, MAX_BROWSER_POINTS // 6)
    df = pd.concat(
        [
            pd.DataFrame({"label": f"{name} ({coord})", "step": idx + 1, "rate": rates[idx, r, c]})
            for r, name in enumerate(names)
            for c, coord in enumerate("xy")
        ],
        ignore_index=True,
    )
    df = df[np.isfinite(df["rate"]) & (df["rate"] > 0)]
    titles = {"x_title": t(f"{NS}.axis_step"), "y_title": t(f"{NS}.axis_rate")}
    values = {
        "first": fmt(float(rates[0, 0].min()), DIGITS),
        "last": fmt(float(rates[-1, 0].min()), DIGITS),
        "ada_first": fmt(float(rates[0, 2].min()), DIGITS),
        "ada_last": fmt(float(rates[-1, 2].min()), DIGITS),
        "steps": steps,
    }
    return FormView(
        (Figure(charts.log_line_chart(df, "step", "rate", log_x=True, **titles), df),),
        None,
        Check(t(f"{NS}.adagrad_check"), float(effective.torch_diff.max()), TOLERANCE),
        t(f"{NS}.check_caption", checked=effective.checked),
        t(f"{NS}.adagrad_result", **values),
    )


def amsgrad_view(big: float, lr: float, n: int) -> FormView:
    """Reddi et al.'s counterexample: Adam and AMSGrad on the one-dimensional sequence of C and -1."""
    ce = shared(live.counterexample, big, lr, n)
    idx = decimate_indices(n + 1, MAX_BROWSER_POINTS)
    df = pd.concat(
        [
            pd.DataFrame({"label": "Adam", "step": idx, "x": ce.adam[idx]}),
            pd.DataFrame({"label": t(f"{NS}.label_amsgrad"), "step": idx, "x": ce.amsgrad[idx]}),
        ],
        ignore_index=True,
    )
    chart = charts.line_chart(df, "step", "x", x_title=t(f"{NS}.axis_step"), y_title="x")
    values = {
        "beta2": fmt(1 / (1 + big * big), DIGITS),
        "adam_end": fmt(ce.adam[-1], DIGITS),
        "ams_end": fmt(ce.amsgrad[-1], DIGITS),
        "adam_regret": fmt(ce.adam_regret, DIGITS),
        "ams_regret": fmt(ce.amsgrad_regret, DIGITS),
    }
    return FormView(
        (Figure(chart, df),),
        None,
        Check("torch.optim.Adam (amsgrad=False/True)", ce.torch_diff, 1e-9),
        None,
        t(f"{NS}.amsgrad_result", **values),
    )


def adamw_view(surface: str, lr: float, wd: float, n: int, start: tuple[float, float]) -> FormView:
    """Adam with L2 weight decay against AdamW's decoupled decay, and where each settles."""
    res = shared(live.adamw_forms, surface, lr, wd, n, start)
    labels = {"adam_l2": t(f"{NS}.label_adam_l2"), "adamw": "AdamW"}
    paths = {labels["adam_l2"]: res.adam_l2, labels["adamw"]: res.adamw}
    df = charts.paths_frame(paths)
    ends = pd.DataFrame(
        [
            {"label": k, "step": n, "x": p[-1, 0], "y": p[-1, 1]}
            for k, p in paths.items()
            if np.isfinite(p[-1]).all()
        ]
    )
    point = None
    if np.isfinite(res.l2_minimum).all():
        point = pd.DataFrame([res.l2_minimum], columns=["x", "y"]).assign(what=t(f"{NS}.label_l2_minimum"))
    chart = charts.contour_chart(
        surface, df, current=ends, start=start, extra_points=point, height=400, overlapping=True
    )
    if res.diverged["adam_l2"] is not None:
        result = t(f"{NS}.adamw_result_diverged")
    else:
        values = {
            "x": fmt(res.l2_minimum[0], 4),
            "y": fmt(res.l2_minimum[1], 4),
            "adam": fmt(res.adam_l2_to_minimum, DIGITS),
            "adamw": fmt(res.adamw_to_minimum, DIGITS),
            "adam_spread": fmt(res.adam_l2_spread, DIGITS),
            "adamw_spread": fmt(res.adamw_spread, DIGITS),
            "grad_adam": fmt(res.adam_l2_gradient, DIGITS),
            "grad_adamw": fmt(res.adamw_gradient, DIGITS),
        }
        which = "settled" if res.adam_l2_settled else "unsettled"
        result = t(f"{NS}.adamw_result_{which}", **values)
    return FormView(
        (Figure(chart, df),),
        _diverged(res.diverged, labels),
        Check(t(f"{NS}.adamw_check"), res.torch_diff, TOLERANCE),
        t(f"{NS}.check_caption", checked=res.checked),
        result,
    )


# --- a real model --------------------------------------------------------------------------------------


def model_spec(name: str, lr: float) -> RunSpec:
    """``name`` with its widgets' settings and the model section's learning rate."""
    return RunSpec(name, {**hyperparameters_of(name), "lr": float(lr)})


@dataclass(frozen=True)
class ModelView:
    losses: Figure
    table: pd.DataFrame
    reference: str  # the caption: the reference loss and the number of steps
    check: Check
    nadam_note: bool
    diverged: str | None = None  # the optimizers whose loss left float64, said in a sentence


def _loss_text(value: float) -> str:
    return fmt(value, 4) if np.isfinite(value) else t(f"{NS}.diverged")


def model_view(specs: list[RunSpec], epochs: int, batch_size: int) -> ModelView:
    """Logistic regression trained by every chosen optimizer: losses per epoch, the table, the check."""
    model = shared(live.logistic, live.spec_key(specs), epochs, batch_size)
    splits = ((t(f"{NS}.split_train"), model.train_loss), (t(f"{NS}.split_test"), model.test_loss))
    loss_df = pd.concat(
        [
            pd.DataFrame({"label": name, "split": split, "epoch": np.arange(epochs + 1), "loss": losses[r]})
            for r, name in enumerate(model.names)
            for split, losses in splits
        ],
        ignore_index=True,
    )
    loss_df = loss_df[np.isfinite(loss_df["loss"])]
    titles = {"x_title": t(f"{NS}.axis_epoch"), "y_title": t(f"{NS}.axis_loss")}
    chart = charts.log_line_chart(loss_df, "epoch", "loss", dash="split", **titles)
    table = pd.DataFrame(
        {
            t(f"{NS}.col_optimizer"): model.names,
            t(f"{NS}.col_train"): [_loss_text(v) for v in model.train_loss[:, -1]],
            t(f"{NS}.col_test"): [_loss_text(v) for v in model.test_loss[:, -1]],
            t(f"{NS}.col_accuracy"): [f"{100 * a:.1f}%" for a in model.test_accuracy],
        }
    )
    reference = t(f"{NS}.model_reference", loss=fmt(model.reference_train_loss, 4), steps=model.steps)
    model_names = ", ".join(check_name(n) for n in model.names)
    check = Check(f"torch.optim ({model_names})", model.torch_diff, TOLERANCE)
    gone = [name for r, name in enumerate(model.names) if not np.isfinite(model.train_loss[r]).all()]
    diverged = t(f"{NS}.model_diverged", names=", ".join(gone)) if gone else None
    return ModelView(Figure(chart, loss_df), table, reference, check, "NAdam" in model.names, diverged)


# --- batch, stochastic and mini-batch gradient descent -----------------------------------------------------


@dataclass(frozen=True)
class BatchView:
    by_epoch: Figure  # the training loss at the end of every epoch, one line per batch size
    by_samples: Figure  # the training loss after every update against the samples processed
    by_updates: Figure  # the same against the updates done (log scale)
    table: pd.DataFrame  # per batch size: updates, losses, accuracy, gradient spread (formula, measured)
    check: Check
    result: str  # what the run shows, with its figures


def _batch_label(b: int, n: int) -> str:
    if b == 1:
        return t(f"{NS}.bs_label_one")
    return t(f"{NS}.bs_label_full", b=b) if b == n else t(f"{NS}.bs_label", b=b)


def _batch_describe(done: int, total: int, info: Any) -> str:
    return t(f"{NS}.bs_progress", done=done, total=total)


def batch_view(epochs: int, lr: float) -> BatchView:
    """Plain SGD with every batch size for the same epochs and learning rate: losses, spread, check."""
    sizes = BATCH_SIZES
    runs = shared(live.batch_sizes, sizes, int(epochs), float(lr), describe=_batch_describe)
    labels = [_batch_label(b, runs.n_train) for b in runs.batch_sizes]
    by_epoch = pd.concat(
        [
            pd.DataFrame({"label": label, "epoch": np.arange(epochs + 1), "loss": runs.epoch_loss[k]})
            for k, label in enumerate(labels)
        ],
        ignore_index=True,
    )
    frames = []
    for k, label in enumerate(labels):
        keep = decimate_indices(len(runs.train_loss[k]), MAX_BROWSER_POINTS // len(labels))
        frames.append(
            pd.DataFrame(
                {
                    "label": label,
                    "updates": runs.steps[k][keep],
                    "samples": runs.samples[k][keep],
                    "loss": runs.train_loss[k][keep],
                }
            )
        )
    steps = pd.concat(frames, ignore_index=True)
    steps = steps[np.isfinite(steps["loss"])]
    loss_title = t(f"{NS}.axis_loss")
    epoch_chart = charts.log_line_chart(
        by_epoch, "epoch", "loss", x_title=t(f"{NS}.axis_epoch"), y_title=loss_title
    )
    samples_chart = charts.log_line_chart(
        steps, "samples", "loss", x_title=t(f"{NS}.axis_samples"), y_title=loss_title
    )
    positive = steps[steps["updates"] > 0]
    updates_chart = charts.log_line_chart(
        positive, "updates", "loss", x_title=t(f"{NS}.axis_updates"), y_title=loss_title, log_x=True
    )
    spread = runs.spread
    table = pd.DataFrame(
        {
            t(f"{NS}.col_batch"): labels,
            t(f"{NS}.col_updates"): [len(s) - 1 for s in runs.steps],
            t(f"{NS}.col_train"): [_loss_text(v) for v in runs.epoch_loss[:, -1]],
            t(f"{NS}.col_test"): [_loss_text(v) for v in runs.test_loss],
            t(f"{NS}.col_accuracy"): [f"{100 * a:.1f}%" for a in runs.test_accuracy],
            t(f"{NS}.col_spread_formula"): [fmt(v, DIGITS) for v in spread.formula],
            t(f"{NS}.col_spread_measured", draws=spread.draws): [fmt(v, DIGITS) for v in spread.measured],
            t(f"{NS}.col_spread_run"): [fmt(v, DIGITS) for v in runs.step_spread],
        }
    )
    check = Check("torch.optim.SGD + torch.utils.data.DataLoader", runs.torch_diff, TOLERANCE)
    best_epoch = int(np.nanargmin(runs.epoch_loss[:, -1]))
    result = t(
        f"{NS}.bs_result",
        epochs=epochs,
        best=labels[best_epoch],
        best_loss=fmt(runs.epoch_loss[best_epoch, -1], DIGITS),
        full=labels[-1],
        full_loss=fmt(runs.epoch_loss[-1, -1], DIGITS),
        full_updates=len(runs.steps[-1]) - 1,
        one=labels[0],
        one_updates=len(runs.steps[0]) - 1,
        one_spread=fmt(runs.step_spread[0], DIGITS),
        checked=runs.torch_steps,
        verdict=t(f"{NS}.bs_small_wins" if best_epoch == 0 else f"{NS}.bs_small_loses"),
    )
    return BatchView(
        Figure(epoch_chart, by_epoch),
        Figure(samples_chart, steps),
        Figure(updates_chart, positive),
        table,
        check,
        result,
    )


@dataclass(frozen=True)
class RavineView:
    paths: Figure  # the three paths on the ravine
    across: Figure  # v, the signed distance across the valley, against the step
    table: pd.DataFrame
    check: Check
    result: str


def ravine_view(lr: float, beta: float, noise: float, steps: int, seed: int) -> RavineView:
    """SGD and momentum on the ravine with noisy gradients (and SGD without noise), checked against torch."""
    rv = shared(live.ravine, float(lr), float(beta), float(noise), int(steps), int(seed))
    labels = [t(f"{NS}.rv_label_{name}") for name in rv.names]
    start = tuple(float(v) for v in rv.paths[0, 0])
    df = charts.paths_frame({label: rv.paths[:, r] for r, label in enumerate(labels)})
    paths = Figure(charts.contour_chart("quadratic", df, start=start, height=420), df)
    keep = decimate_indices(steps + 1, MAX_BROWSER_POINTS // 3)
    across = pd.concat(  # all three runs, so each keeps its colour of the paths chart
        [
            pd.DataFrame({"label": lab, "step": keep, "across": rv.across[keep, r]})
            for r, lab in enumerate(labels)
        ],
        ignore_index=True,
    )
    across = across[np.isfinite(across["across"])]
    across_chart = charts.line_chart(
        across, "step", "across", x_title=t(f"{NS}.axis_step"), y_title=t(f"{NS}.axis_across")
    )
    table = pd.DataFrame(
        {
            t(f"{NS}.col_run"): labels,
            t(f"{NS}.col_flips"): [int(v) for v in rv.flips],
            t(f"{NS}.col_rms_across"): [fmt(v, DIGITS) for v in rv.rms_across],
            t(f"{NS}.col_tail_gap"): [fmt(v, DIGITS) for v in rv.tail_gap],
        }
    )
    check = Check("torch.optim.SGD, torch.optim.SGD(momentum=β)", rv.torch_diff, TOLERANCE)
    result = t(
        f"{NS}.rv_result",
        steps=steps,
        sgd_flips=int(rv.flips[1]),
        mom_flips=int(rv.flips[2]),
        sgd_rms=fmt(rv.rms_across[1], DIGITS),
        theory=fmt(rv.sgd_rms_theory, DIGITS),
        mom_rms=fmt(rv.rms_across[2], DIGITS),
        sgd_gap=fmt(rv.tail_gap[1], DIGITS),
        mom_gap=fmt(rv.tail_gap[2], DIGITS),
        exact_gap=fmt(rv.tail_gap[0], DIGITS),
        compared=rv.compared,
    )
    return RavineView(paths, Figure(across_chart, across), table, check, result)


# --- Adam then SGD ----------------------------------------------------------------------------------------

#: the splits (seeds) the Adam-then-SGD result is summarised over, beside the one shown
SWITCH_SEEDS = (0, 1, 2, 3, 4)


@dataclass(frozen=True)
class SwitchView:
    losses: Figure  # train and test loss per epoch of the three runs, a rule at the switch
    accuracy: Figure  # test accuracy per epoch
    table: pd.DataFrame
    check: Check
    result: str  # this split's outcome, and the outcome over SWITCH_SEEDS
    swats: str  # where SWATS's own switching test would have switched along the Adam run, if anywhere


def switch_view(switch_epoch: int, epochs: int, adam_lr: float, sgd_lr: float, seed: int) -> SwitchView:
    """Adam, SGD, and Adam switched to SGD: losses and accuracy per epoch, the table, the torch check."""
    switch_epoch = min(int(switch_epoch), int(epochs))  # a switch after the last epoch is Adam throughout
    args = (switch_epoch, int(epochs), float(adam_lr), float(sgd_lr))
    sw = shared(live.switch, *args, int(seed))
    labels = [t(f"{NS}.sw_label_{run}", k=switch_epoch) for run in sw.runs]
    splits = ((t(f"{NS}.split_train"), sw.train_loss), (t(f"{NS}.split_test"), sw.test_loss))
    epoch_axis = np.arange(epochs + 1)
    losses = pd.concat(
        [
            pd.DataFrame({"label": label, "split": split, "epoch": epoch_axis, "loss": values[r]})
            for r, label in enumerate(labels)
            for split, values in splits
        ],
        ignore_index=True,
    )
    losses = losses[np.isfinite(losses["loss"])]
    loss_chart = charts.log_line_chart(
        losses,
        "epoch",
        "loss",
        dash="split",
        rule_at=switch_epoch,
        x_title=t(f"{NS}.axis_epoch"),
        y_title=t(f"{NS}.axis_loss"),
    )
    accuracy = pd.concat(
        [
            pd.DataFrame({"label": label, "epoch": epoch_axis, "accuracy": sw.test_accuracy[r]})
            for r, label in enumerate(labels)
        ],
        ignore_index=True,
    )
    accuracy_chart = charts.line_chart(
        accuracy, "epoch", "accuracy", x_title=t(f"{NS}.axis_epoch"), y_title=t(f"{NS}.col_accuracy")
    )
    best_epoch = np.argmin(np.where(np.isfinite(sw.test_loss), sw.test_loss, np.inf), axis=1)
    table = pd.DataFrame(
        {
            t(f"{NS}.col_run"): labels,
            t(f"{NS}.col_train"): [_loss_text(v) for v in sw.train_loss[:, -1]],
            t(f"{NS}.col_test"): [_loss_text(v) for v in sw.test_loss[:, -1]],
            t(f"{NS}.col_accuracy"): [f"{100 * a:.1f}%" for a in sw.test_accuracy[:, -1]],
            t(f"{NS}.col_best_test"): [
                t(f"{NS}.sw_best", loss=_loss_text(sw.test_loss[r, e]), epoch=int(e))
                for r, e in enumerate(best_epoch)
            ],
        }
    )
    # the same settings on other splits: which run ends with the lowest test loss
    finals = np.array([shared(live.switch, *args, s).test_loss[:, -1] for s in SWITCH_SEEDS])
    wins = [
        int(np.sum(np.nanargmin(np.where(np.isfinite(finals), finals, np.inf), axis=1) == r))
        for r in range(3)
    ]
    mean = np.mean(finals, axis=0)
    order = np.argsort(sw.test_loss[:, -1])
    result = t(
        f"{NS}.sw_result",
        epochs=epochs,
        first=labels[order[0]],
        first_loss=_loss_text(sw.test_loss[order[0], -1]),
        second=labels[order[1]],
        second_loss=_loss_text(sw.test_loss[order[1], -1]),
        third=labels[order[2]],
        third_loss=_loss_text(sw.test_loss[order[2], -1]),
        n_test=sw.n_test,
        one=f"{100 / sw.n_test:.2f}",
        seeds=len(SWITCH_SEEDS),
        wins_adam=wins[0],
        wins_sgd=wins[1],
        wins_switch=wins[2],
        mean_adam=_loss_text(mean[0]),
        mean_sgd=_loss_text(mean[1]),
        mean_switch=_loss_text(mean[2]),
    )
    check = Check("torch.optim.Adam → torch.optim.SGD", sw.torch_diff, TOLERANCE)
    figures = (Figure(loss_chart, losses), Figure(accuracy_chart, accuracy))
    return SwitchView(*figures, table, check, result, _swats_text(sw, epochs))


def _swats_text(sw, epochs: int) -> str:
    """SWATS's switching test along the Adam run: where it holds first, or how close it came."""
    rule = t(f"{NS}.sw_swats_rule", eps="10^{-9}")
    if sw.swats_step is None:
        gap = f"{sw.swats_min_gap:.2g}"
        return t(f"{NS}.sw_swats_never", rule=rule, updates=sw.updates, gap=gap, lr=f"{sw.swats_lr:.3g}")
    epoch = -(-sw.swats_step * epochs // sw.updates)  # the epoch the update falls in
    step, lr = sw.swats_step, f"{sw.swats_lr:.3g}"
    return t(f"{NS}.sw_swats_fired", rule=rule, step=step, epoch=epoch, lr=lr)
