"""Fine-tuning: pretrain on digits 0-4, replace the head, fine-tune on 5-9, and when it pays."""

from __future__ import annotations

import streamlit as st

from ui.i18n import t
from ui.layout import about_the_notes, page_header

NS = "finetune"
page_header(NS)  # title and introduction before torch is imported

import pandas as pd

import core.finetune as ft
from ui import finetune as w
from ui.charts import show_chart
from ui.layout import reference_check
from ui.state import translated_choice

w.restore_state()
results = w.results()
labels = {s: t(f"{NS}.strategy_{s}") for s in ft.STRATEGIES}


def fmt_pct(value: float) -> str:
    return f"{100 * value:.1f}%"


def size_label(size: str) -> str:
    return t(f"{NS}.size_all", n=len(ft.target_task().x_train)) if size == "all" else size


# --- the recipe ---------------------------------------------------------------------------------------
st.header(t(f"{NS}.recipe_title"))
st.markdown(t(f"{NS}.recipe_intro", source_acc=fmt_pct(results["source"]["accuracy"])))
c1, c2 = st.columns(2)
with c1:  # the rates also drive the live runs below: a change reruns the page
    lr = st.select_slider("lr η", w.LR_OPTIONS, format_func=lambda v: f"{v:g}", key="ft_lr")
with c2:
    mult = st.select_slider(
        t(f"{NS}.head_mult"), w.MULT_OPTIONS, format_func=lambda v: f"{v:g}", key="ft_mult"
    )


@st.fragment
def recipe(lr: float, mult: float) -> None:
    """The strategy and what it trains: a fragment, so picking a strategy redraws only this part."""
    strategy = st.radio(
        t(f"{NS}.strategy"), ft.STRATEGIES, horizontal=True, key="ft_strategy", help=t(f"{NS}.strategy_help")
    )
    st.markdown(f"**{strategy}**: {labels[strategy]}")
    rows = w.layer_rows(strategy, lr, mult)
    names = ("source", "target", "copy", "no_copy", "new_head", "dropped", "frozen")
    st.graphviz_chart(w.recipe_dot(rows, {k: t(f"{NS}.dot_{k}") for k in names}, strategy), width="stretch")
    m1, m2, m3 = st.columns(3)
    m1.metric(t(f"{NS}.trainable"), f"{sum(r.torch_count for r in rows if r.trainable):,}")
    m2.metric(t(f"{NS}.frozen"), f"{sum(r.torch_count for r in rows if not r.trainable):,}")
    m3.metric(t(f"{NS}.groups"), sum(r.trainable for r in rows))
    table = pd.DataFrame(
        {
            t(f"{NS}.col_layer"): [r.name for r in rows],
            t(f"{NS}.col_shape"): [r.shape for r in rows],
            t(f"{NS}.col_params"): [r.formula_count for r in rows],
            "numel()": [r.torch_count for r in rows],
            "requires_grad": [r.trainable for r in rows],
            "lr": [f"{r.lr:.3g}" if r.lr is not None else "—" for r in rows],
        }
    )
    st.dataframe(table, hide_index=True, width="stretch")
    st.latex(r"\text{conv: } c_{out}(c_{in}k^2 + 1) \qquad \text{linear: } n_{out}(n_{in} + 1)")
    reference_check(
        "sum(p.numel() for p in layer.parameters())",
        float(max(abs(r.formula_count - r.torch_count) for r in rows)),
        0.0,
    )
    st.caption(t(f"{NS}.groups_caption"))
    w.write_url()  # a fragment run does not reach the end of the page


recipe(float(lr), float(mult))

# --- the comparison -----------------------------------------------------------------------------------
st.header(t(f"{NS}.sweep_title"))
plan = results["plan"]
st.markdown(
    t(
        f"{NS}.sweep_intro",
        seeds=len(plan["seeds"]),
        steps=plan["steps"],
        lr=f"{plan['lr']:g}",
        mult=f"{plan['head_lr_mult']:g}",
        test=5 * results["target"]["test_per_class"],
        pool=sum(results["target"]["pool_per_class"]),
    )
)
summary = w.sweep_summary()
shown = summary.assign(strategy=summary["strategy"].astype(str))
chart = w.sweep_chart(shown, {"x": t(f"{NS}.axis_per_class"), "y": t(f"{NS}.axis_accuracy")})
show_chart(chart, summary, key="ft_sweep")
pivot = summary.assign(
    cell=[f"{100 * m:.1f} ± {100 * s:.1f}" for m, s in zip(summary["mean"], summary["std"], strict=True)]
)
pivot = pivot.pivot(index="strategy", columns="size", values="cell").reindex(index=list(ft.STRATEGIES))
pivot = pivot[w.SIZE_OPTIONS].rename(columns={"all": size_label("all")})
st.dataframe(pivot, width="stretch")
st.caption(t(f"{NS}.sweep_caption", cpu=results["sweep_cpu_seconds"], runs=len(results["runs"])))
mean = summary.set_index(["strategy", "size"])["mean"]
tuned = [s for s in ft.STRATEGIES if s != "scratch"]
best_1 = max(tuned, key=lambda s: mean[(s, "1")])
st.markdown(
    t(
        f"{NS}.sweep_reading",
        scratch_1=fmt_pct(mean[("scratch", "1")]),
        best_1_name=best_1,
        best_1=fmt_pct(mean[(best_1, "1")]),
        probe_1=fmt_pct(mean[("linear_probe", "1")]),
        scratch_all=fmt_pct(mean[("scratch", "all")]),
        full_all=fmt_pct(mean[("full", "all")]),
        probe_all=fmt_pct(mean[("linear_probe", "all")]),
    )
)

# --- live runs ---------------------------------------------------------------------------------------
st.header(t(f"{NS}.live_title"))
st.markdown(t(f"{NS}.live_intro"))
c1, c2, c3 = st.columns([2, 2, 1])
with c1:
    live = st.multiselect(t(f"{NS}.live_strategies"), ft.STRATEGIES, key="ft_live_list")
with c2:
    size = translated_choice(
        st.select_slider,
        t(f"{NS}.per_class"),
        w.SIZE_OPTIONS,
        {s: size_label(s) for s in w.SIZE_OPTIONS},
        key="ft_size",
    )
with c3:
    seed = int(st.number_input(t(f"{NS}.seed"), 0, w.MAX_SEED, step=1, key="ft_seed"))

if not live:
    st.info(t(f"{NS}.choose_one"))
else:
    runs = {}
    for name in live:
        if w.is_remembered(name, size, seed, float(lr), float(mult)):
            runs[name] = w.live_run(name, size, seed, float(lr), float(mult), lambda *_: None)
            continue
        bar = st.progress(0.0, text=t(f"{NS}.training", strategy=name))

        def report(step: int, steps: int, loss: float, bar=bar, name=name) -> None:
            if step % 10 == 0 or step == steps:
                bar.progress(
                    step / steps,
                    text=t(f"{NS}.training_step", strategy=name, step=step, steps=steps, loss=f"{loss:.4f}"),
                )

        runs[name] = w.live_run(name, size, seed, float(lr), float(mult), report)
        bar.empty()

    defaults = float(lr) == plan["lr"] and float(mult) == plan["head_lr_mult"]
    rows_live = []
    for name, run in runs.items():
        ship = w.shipped_accuracy(name, size, seed) if defaults else None
        stats = summary[(summary["strategy"] == name) & (summary["size"] == size)].iloc[0]
        rows_live.append(
            {
                t(f"{NS}.col_strategy"): name,
                t(f"{NS}.col_live"): fmt_pct(run["accuracy"]),
                t(f"{NS}.col_shipped_seed"): fmt_pct(ship) if ship is not None else "—",
                t(f"{NS}.col_shipped_mean"): f"{100 * stats['mean']:.1f} ± {100 * stats['std']:.1f}%",
                t(f"{NS}.col_trainable"): f"{run['trainable']:,}",
                t(f"{NS}.col_cpu"): f"{run['cpu']:.2f}",
            }
        )
    st.dataframe(pd.DataFrame(rows_live), hide_index=True, width="stretch")
    reference_check(
        "sklearn.metrics.accuracy_score", max(run["accuracy_diff"] for run in runs.values()), 1e-12
    )
    st.caption(t(f"{NS}.live_caption"))

    curves = pd.DataFrame(
        [
            {"strategy": name, "step": s, "accuracy": a, "loss": loss}
            for name, run in runs.items()
            for s, a, loss in zip(run["steps"], run["test_accuracy"], run["train_loss"], strict=True)
        ]
    )
    left, right = st.columns(2)
    with left:
        st.subheader(t(f"{NS}.curve_accuracy"))
        titles = {"x": t(f"{NS}.axis_step"), "y": t(f"{NS}.axis_accuracy")}
        show_chart(w.curve_chart(curves, "accuracy", titles), curves, key="ft_curve_acc")
    with right:
        st.subheader(t(f"{NS}.curve_loss"))
        losses = curves[(curves["step"] > 0) & (curves["loss"] > 0)]  # a log axis: no 0, no NaN
        titles = {"x": t(f"{NS}.axis_step"), "y": t(f"{NS}.axis_loss")}
        show_chart(w.curve_chart(losses, "loss", titles, log_y=True), losses, key="ft_curve_loss")

    st.subheader(t(f"{NS}.drift_title"))
    st.markdown(t(f"{NS}.drift_intro"))
    st.latex(r"\frac{\lVert \theta_l - \theta_l^{(0)} \rVert_2}{\lVert \theta_l^{(0)} \rVert_2}")
    drift = pd.DataFrame(
        [
            {"strategy": name, "layer": layer, "drift": value}
            for name, run in runs.items()
            for layer, value in run["drift"].items()
        ]
    )
    show_chart(
        w.drift_chart(drift, {"x": t(f"{NS}.col_layer"), "y": t(f"{NS}.axis_drift")}), drift, key="ft_drift"
    )
    reference_check("numpy.linalg.norm", max(run["drift_diff"] for run in runs.values()), 1e-9)
    if "linear_probe" in runs:
        moved = max(runs["linear_probe"]["drift"].values())
        st.caption(t(f"{NS}.drift_probe", value=f"{moved:g}"))
    if "scratch" in runs:
        st.caption(t(f"{NS}.drift_scratch"))

# --- the features ------------------------------------------------------------------------------------
st.header(t(f"{NS}.features_title"))
st.markdown(t(f"{NS}.features_intro", seed=seed))
points, pca_diff, explained, centroid, centroid_diff = w.feature_projection(seed)
names = {"pretrained": t(f"{NS}.backbone_pretrained"), "random": t(f"{NS}.backbone_random", seed=seed)}
points = points.assign(backbone=points["backbone"].map(names))
show_chart(w.pca_chart(points, {"digit": t(f"{NS}.digit")}, list(names.values())), points, key="ft_pca")
st.caption(
    t(
        f"{NS}.features_caption",
        pre=" + ".join(fmt_pct(v) for v in explained["pretrained"]),
        rand=" + ".join(fmt_pct(v) for v in explained["random"]),
    )
)
reference_check("sklearn.decomposition.PCA", pca_diff, 1e-8)
st.markdown(
    t(
        f"{NS}.centroid_result",
        pre=fmt_pct(centroid["pretrained"]),
        rand=fmt_pct(centroid["random"]),
        seed=seed,
    )
)
reference_check("sklearn.neighbors.NearestCentroid", centroid_diff, 1e-12)
st.markdown(t(f"{NS}.features_reading"))

# --- ResNet and BERT ---------------------------------------------------------------------------------
st.header(t(f"{NS}.big_title"))
st.markdown(t(f"{NS}.big_intro"))
st.markdown("**ResNet-18 (torchvision)**")
st.code(t(f"{NS}.code_resnet"), language="python")
st.markdown("**BERT (Hugging Face transformers)**")
st.code(t(f"{NS}.code_bert"), language="python")
st.caption(t(f"{NS}.big_caption"))

about_the_notes([(t(f"{NS}.notes_{i}_said"), t(f"{NS}.notes_{i}_verified")) for i in range(1, 4)])
w.write_url()
