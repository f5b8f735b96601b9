"""Normalization: which axes BatchNorm / LayerNorm / GroupNorm / InstanceNorm / RMSNorm average over,
epsilon's placement, train vs eval, the batch-size experiment, and why transformers use LayerNorm."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from ui.i18n import t
from ui.layout import about_the_notes, page_header, reference_check
from ui.state import mirror_into_url, seed_from_url, translated_choice

NS = "normalization"
TOLERANCE = 1e-10

page_header(NS)  # drawn before torch is imported (a few seconds on a cold server)

from core.normalization import demos
from core.normalization import experiment as xp
from ui import normalization as w
from ui.charts import show_chart

labels = {k: t(f"{NS}.kind_{k}") for k in demos.KINDS}

# --- the axis explorer ------------------------------------------------------------------------------------
st.header(t(f"{NS}.explorer_title"))
st.markdown(t(f"{NS}.explorer_intro"))
seed_from_url("norm_layout", "image", str, lambda v: v in demos.LAYOUTS)
layout = translated_choice(
    st.radio,
    t(f"{NS}.layout"),
    list(demos.LAYOUTS),
    {k: t(f"{NS}.layout_{k}") for k in demos.LAYOUTS},
    key="norm_layout",
    horizontal=True,
)
sizes = w.IMAGE_SIZES if layout == "image" else w.SEQUENCE_SIZES
for key, (_, low, high, default) in {**w.IMAGE_SIZES, **w.SEQUENCE_SIZES}.items():
    seed_from_url(key, default, int, lambda v, lo=low, hi=high: lo <= v <= hi)
columns = st.columns(len(sizes) + 1)
shape = []
for column, (key, (name, low, high, _)) in zip(columns, sizes.items(), strict=False):
    shape.append(int(column.slider(name, low, high, key=key)))
channels = shape[1] if layout == "image" else shape[2]
options = w.divisors(channels)
seed_from_url("norm_groups", 2, int, lambda v: v >= 1)
if st.session_state["norm_groups"] not in options:
    st.session_state["norm_groups"] = 2 if 2 in options else 1
groups = int(columns[-1].selectbox(t(f"{NS}.groups"), options, key="norm_groups"))
size_defaults = {key: spec[3] for key, spec in sizes.items()}
mirror_into_url(
    "norm_layout", *sizes, "norm_groups", defaults={"norm_layout": "image", "norm_groups": 2, **size_defaults}
)
st.caption(t(f"{NS}.layout_caption_{layout}"))

results: dict[str, demos.Explored] = {}
for kind in demos.KINDS:
    try:
        results[kind] = w.explored(kind, layout, tuple(shape), groups)
    except ValueError as error:
        st.warning(f"{labels[kind]}: {error}")
if results:
    order = [labels[k] for k in results]
    df = w.explorer_frame(results, labels, layout)
    show_chart(w.explorer_chart(df, order), df, key="norm_explorer")
    st.caption(t(f"{NS}.explorer_caption"))
    rows = []
    for kind, res in results.items():
        rows.append(
            {
                t(f"{NS}.col_norm"): labels[kind],
                t(f"{NS}.col_groups"): int(res.group_mean.size),
                t(f"{NS}.col_group_size"): res.group_size,
                t(f"{NS}.col_stats_shape"): str(res.statistics_shape),
                t(f"{NS}.col_param_shape"): str(res.parameter_shape),
                t(f"{NS}.col_mean_after"): f"{np.abs(res.group_mean).max():.1e}",
                t(f"{NS}.col_var_after"): f"{res.group_var.min():.4f} … {res.group_var.max():.4f}",
                t(
                    f"{NS}.col_ms_after"
                ): f"{res.group_mean_square.min():.4f} … {res.group_mean_square.max():.4f}",
                t(f"{NS}.col_check"): f"{res.torch_diff:.1e}",
            }
        )
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    st.caption(t(f"{NS}.explorer_table_caption"))
    with st.expander(t(f"{NS}.detail_title"), icon=":material/table_view:"):
        detail = translated_choice(
            st.selectbox,
            t(f"{NS}.col_norm"),
            list(results),
            {k: labels[k] for k in results},
            key="norm_detail",
        )
        res = results[detail]
        st.dataframe(
            pd.DataFrame(
                {
                    t(f"{NS}.col_group"): np.arange(res.group_mean.size),
                    t(f"{NS}.col_mean_before"): res.group_mean_before.round(4),
                    t(f"{NS}.col_var_before"): res.group_var_before.round(4),
                    t(f"{NS}.col_mean_after_group"): res.group_mean.round(6),
                    t(f"{NS}.col_var_after_group"): res.group_var.round(6),
                    t(f"{NS}.col_ms_after_group"): res.group_mean_square.round(6),
                }
            ),
            hide_index=True,
            width="stretch",
        )
        st.caption(t(f"{NS}.detail_caption"))
    reference_check(
        "torch.nn." + ", ".join(t(f"{NS}.torch_{k}_{layout}") for k in results),
        max(r.torch_diff for r in results.values()),
        TOLERANCE,
    )

# --- epsilon ----------------------------------------------------------------------------------------------
st.header(t(f"{NS}.eps_title"))
st.markdown(t(f"{NS}.eps_intro"))
c1, c2 = st.columns(2)
c1.markdown(t(f"{NS}.eps_torch_label"))
c1.latex(r"y = \frac{x - \mathrm{E}[x]}{\sqrt{\mathrm{Var}[x] {\color{#d62728} + \epsilon}}}\,\gamma + \beta")
c2.markdown(t(f"{NS}.eps_notes_label"))
c2.latex(
    r"y = \frac{x - \mathrm{E}[x]}{\sqrt{\mathrm{Var}[x]}\; {\color{#d62728} + \epsilon}}\,\gamma + \beta"
)
seed_from_url("norm_eps", 1e-5, float, lambda v: v in w.EPS_CHOICES)
eps = float(st.select_slider("ε", w.EPS_CHOICES, key="norm_eps", format_func=lambda v: f"{v:.0e}"))
mirror_into_url("norm_eps", defaults={"norm_eps": 1e-5})
curves = w.eps_curves(eps)
formula = {"torch": t(f"{NS}.formula_torch"), "notes": t(f"{NS}.formula_notes")}
eps_df = pd.concat(
    [
        pd.DataFrame(
            {"formula": formula["torch"], "variance": curves.variance, "output_std": curves.torch_std}
        ),
        pd.DataFrame(
            {"formula": formula["notes"], "variance": curves.variance, "output_std": curves.notes_std}
        ),
    ],
    ignore_index=True,
)
show_chart(
    w.eps_chart(eps_df, eps, t(f"{NS}.axis_variance"), t(f"{NS}.axis_output_std")),
    eps_df,
    key="norm_eps_curves",
)
at_eps = int(np.argmin(np.abs(np.log(curves.variance / eps))))
at_eps2 = int(np.argmin(np.abs(np.log(curves.variance / eps**2))))
st.markdown(
    t(
        f"{NS}.eps_result",
        eps=f"{eps:.0e}",
        eps2=f"{eps * eps:.0e}",
        torch_at_eps=f"{curves.torch_std[at_eps]:.3f}",
        notes_at_eps=f"{curves.notes_std[at_eps]:.3f}",
        torch_at_eps2=f"{curves.torch_std[at_eps2]:.1e}",
        notes_at_eps2=f"{curves.notes_std[at_eps2]:.3f}",
        gain_torch=f"{1 / np.sqrt(eps):.3g}",
        gain_notes=f"{1 / eps:.3g}",
    )
)
reference_check("torch.nn.functional.layer_norm", curves.torch_diff, TOLERANCE)

# --- train vs eval ----------------------------------------------------------------------------------------
st.header(t(f"{NS}.running_title"))
st.markdown(t(f"{NS}.running_intro"))
seed_from_url("norm_momentum", 0.1, float, lambda v: 0.01 <= v <= 1.0)
seed_from_url("norm_cumulative", False, lambda v: v == "True", lambda v: isinstance(v, bool))
seed_from_url("norm_batch", 8, int, lambda v: 2 <= v <= 64)
seed_from_url("norm_batches", 100, int, lambda v: 10 <= v <= 400)
c1, c3, c4 = st.columns(3)
cumulative = c1.toggle(t(f"{NS}.cumulative"), key="norm_cumulative", help=t(f"{NS}.cumulative_help"))
momentum = float(
    c1.slider(t(f"{NS}.momentum"), 0.01, 1.0, step=0.01, key="norm_momentum", disabled=cumulative)
)
batch_size = int(c3.slider(t(f"{NS}.batch_size"), 2, 64, key="norm_batch"))
batches = int(c4.slider(t(f"{NS}.batches"), 10, 400, step=10, key="norm_batches"))
mirror_into_url(
    "norm_momentum",
    "norm_cumulative",
    "norm_batch",
    "norm_batches",
    defaults={"norm_momentum": 0.1, "norm_cumulative": False, "norm_batch": 8, "norm_batches": 100},
)
stats = w.running(None if cumulative else momentum, batches, batch_size)
steps = np.arange(1, batches + 1)
series = {
    t(f"{NS}.series_running_mean"): stats.running_mean,
    t(f"{NS}.series_running_var"): stats.running_var,
    t(f"{NS}.series_if_biased"): stats.running_var_if_biased,
}
run_df = pd.concat(
    [pd.DataFrame({"series": name, "batch": steps, "value": values}) for name, values in series.items()],
    ignore_index=True,
)
dots = pd.DataFrame({"series": t(f"{NS}.series_batch_var"), "batch": steps, "value": stats.batch_var_biased})
truth = {t(f"{NS}.true_mean"): demos.TRUE_MEAN, t(f"{NS}.true_var"): demos.TRUE_STD**2}
show_chart(
    w.running_chart(run_df, truth, t(f"{NS}.axis_batch"), points=dots),
    pd.concat([run_df, dots], ignore_index=True),
    key="norm_running",
)
st.caption(t(f"{NS}.running_caption"))
ratio = batch_size / (batch_size - 1)
st.markdown(
    t(
        f"{NS}.running_result",
        mean=f"{stats.running_mean[-1]:.3f}",
        var=f"{stats.running_var[-1]:.3f}",
        biased=f"{np.mean(stats.batch_var_biased):.3f}",
        if_biased=f"{stats.running_var_if_biased[-1]:.3f}",
        unbiased=f"{np.mean(stats.batch_var_unbiased):.3f}",
        ratio=f"{ratio:.3f}",
        n=batch_size,
    )
)
reference_check("torch.nn.BatchNorm1d (running_mean, running_var, output)", stats.torch_diff, TOLERANCE)

st.subheader(t(f"{NS}.mode_title"))
effect = w.mode_effect(batch_size)
st.markdown(
    t(
        f"{NS}.mode_result",
        n=batch_size,
        eval_out=f"{effect.eval_output:.3f}",
        low=f"{effect.train_outputs.min():.3f}",
        high=f"{effect.train_outputs.max():.3f}",
        std=f"{effect.train_outputs.std():.3f}",
        trials=effect.train_outputs.size,
    )
)
st.markdown(t(f"{NS}.batch_of_one"))
st.code(
    f"core.normalization.BatchNorm: {effect.batch_of_one_error}\ntorch.nn.BatchNorm1d: {effect.torch_error}"
)

# --- the batch-size experiment ----------------------------------------------------------------------------
st.header(t(f"{NS}.sweep_title"))
st.markdown(t(f"{NS}.sweep_intro"))
record = w.shipped_sweep()
config = record["config"]
norm_labels = {k: t(f"{NS}.net_{k}") for k in xp.NORMS}
summary = pd.DataFrame(xp.summarize(record))
summary["normalization"] = summary["norm"].map(norm_labels)
show_chart(
    w.sweep_chart(summary, t(f"{NS}.axis_batch_size"), t(f"{NS}.axis_accuracy")),
    summary,
    key="norm_sweep",
)
table = summary.pivot(index="normalization", columns="batch_size", values="mean").reindex(
    [norm_labels[k] for k in xp.NORMS]
)
table.index.name = t(f"{NS}.col_norm")
st.dataframe(table.map(lambda v: f"{100 * v:.1f}%"), width="stretch")
st.caption(
    t(
        f"{NS}.sweep_caption",
        epochs=config["epochs"],
        lr=config["lr_at_32"],
        momentum=config["momentum"],
        train=record["train_size"],
        test=record["test_size"],
        seeds=len({c["seed"] for c in record["cells"]}),
        cpu=f"{record['cpu_seconds']:.0f}",
        torch=record["torch_version"],
    )
)
bn2 = summary[(summary["norm"] == "batch") & (summary["batch_size"] == 2)]["mean"].iloc[0]
gn2 = summary[(summary["norm"] == "group") & (summary["batch_size"] == 2)]["mean"].iloc[0]
bn32 = summary[(summary["norm"] == "batch") & (summary["batch_size"] == 32)]["mean"].iloc[0]
st.markdown(t(f"{NS}.sweep_result", bn2=f"{100 * bn2:.1f}", gn2=f"{100 * gn2:.1f}", bn32=f"{100 * bn32:.1f}"))

bn_rows = summary[summary["norm"] == "batch"].set_index("batch_size").sort_index()
mode_table = pd.DataFrame(
    [bn_rows["mean"], bn_rows["train_mode_mean"]], index=[t(f"{NS}.row_eval_mode"), t(f"{NS}.row_train_mode")]
)
st.markdown(t(f"{NS}.train_mode_intro"))
st.dataframe(mode_table.map(lambda v: f"{100 * v:.1f}%"), width="stretch")

st.subheader(t(f"{NS}.retrain_title"))
seed_from_url("norm_cell_norm", "batch", str, lambda v: v in xp.NORMS)
seed_from_url("norm_cell_batch", 2, int, lambda v: v in xp.BATCH_SIZES)
seed_from_url("norm_cell_seed", 0, int, lambda v: v in xp.SEEDS)
c1, c2, c3 = st.columns(3)
with c1:
    cell_norm = translated_choice(
        st.selectbox, t(f"{NS}.cell_norm"), list(xp.NORMS), norm_labels, key="norm_cell_norm"
    )
cell_batch = int(c2.select_slider(t(f"{NS}.batch_size"), list(xp.BATCH_SIZES), key="norm_cell_batch"))
cell_seed = int(c3.selectbox(t(f"{NS}.seed"), list(xp.SEEDS), key="norm_cell_seed"))
mirror_into_url(
    "norm_cell_norm",
    "norm_cell_batch",
    "norm_cell_seed",
    defaults={"norm_cell_norm": "batch", "norm_cell_batch": 2, "norm_cell_seed": 0},
)
cell_key = (cell_norm, cell_batch, cell_seed)
shipped = next(c for c in record["cells"] if (c["norm"], c["batch_size"], c["seed"]) == cell_key)
held = st.session_state.get("norm_live_cell")  # (cell, result) of this session's last retrain
if st.button(t(f"{NS}.retrain_button"), key="norm_retrain", icon=":material/play_arrow:"):
    bar = st.progress(0.0, text=t(f"{NS}.training"))

    def report(step: int, total: int) -> None:
        bar.progress(step / total, text=t(f"{NS}.training_step", step=step, total=total))

    result = w.train_live(cell_key, config, report)
    bar.empty()
    held = st.session_state["norm_live_cell"] = (cell_key, result)
if held is not None and held[0] == cell_key:
    live = held[1]
    st.markdown(
        t(
            f"{NS}.retrain_result",
            acc=f"{100 * live.test_accuracy:.1f}",
            train_mode=f"{100 * live.train_mode_accuracy:.1f}",
            shipped=f"{100 * shipped['test_accuracy']:.1f}",
            steps=live.steps,
            cpu=f"{live.seconds:.1f}",
        )
    )
    loss_df = pd.DataFrame(
        {
            "series": [t(f"{NS}.series_live")] * len(live.train_loss)
            + [t(f"{NS}.series_shipped")] * len(live.train_loss),
            "batch": list(range(1, len(live.train_loss) + 1)) * 2,
            "value": live.train_loss + shipped["train_loss"],
        }
    )
    show_chart(w.running_chart(loss_df, {}, t(f"{NS}.axis_epoch")), loss_df, key="norm_cell_loss")
    st.caption(t(f"{NS}.retrain_caption"))
else:
    st.caption(
        t(
            f"{NS}.retrain_hint",
            shipped=f"{100 * shipped['test_accuracy']:.1f}",
            cpu=f"{shipped['seconds']:.1f}",
        )
    )

# --- transformers -----------------------------------------------------------------------------------------
st.header(t(f"{NS}.nlp_title"))
st.markdown(t(f"{NS}.nlp_intro"))
pad = w.padding()
pad_df = pd.DataFrame(
    {
        t(f"{NS}.col_other_length"): pad.lengths,
        labels["layer"]: [f"{v:.1e}" for v in pad.layer_change],
        labels["rms"]: [f"{v:.1e}" for v in pad.rms_change],
        labels["batch"]: [f"{v:.3f}" for v in pad.batch_change],
    }
)
st.dataframe(pad_df, hide_index=True, width="stretch")
st.markdown(
    t(
        f"{NS}.nlp_result",
        batch=f"{pad.batch_change.max():.2f}",
        rms_vs_layer=f"{pad.rms_vs_layer:.2f}",
        token_mean=f"{pad.token_mean:.2f}",
    )
)
reference_check("torch.nn.LayerNorm, RMSNorm, BatchNorm1d", pad.torch_diff, TOLERANCE)
st.latex(r"\mathrm{RMSNorm}(x) = \frac{x}{\sqrt{\tfrac{1}{D}\sum_{i} x_i^2 + \epsilon}}\,\gamma")
st.markdown(t(f"{NS}.rms_text"))

about_the_notes([(t(f"{NS}.notes_{i}_said"), t(f"{NS}.notes_{i}_verified")) for i in range(1, 5)])
