"""The loss-functions page's Altair charts and the long tables they draw."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from core import losses as L
from ui.i18n import t
from ui.losses.state import BOX, COLOURS, NS, loss_label


def _colour(names: list[str], labels: dict[str, str] | None = None) -> alt.Scale:
    labels = labels or {n: loss_label(n) for n in names}
    return alt.Scale(domain=[labels[n] for n in names], range=[COLOURS[n] for n in names])


def curve_chart(
    df: pd.DataFrame,
    x: str,
    y: str,
    *,
    x_title: str,
    y_title: str,
    y_domain: tuple[float, float],
    rule_at: float,
) -> alt.LayerChart:
    """Lines of ``y`` against ``x`` per ``label`` (colour per loss), clipped to ``y_domain``, with a rule
    and a dot per curve at ``rule_at``."""
    names = list(dict.fromkeys(df["loss"]))
    labels = {n: loss_label(n) for n in names}  # one lookup per loss, not per row
    data = df.assign(label=df["loss"].map(labels))[["label", x, y]]  # what the chart reads: less to send
    colour = alt.Color(
        "label:N", scale=_colour(names, labels), legend=alt.Legend(title=None, orient="bottom")
    )
    lines = (
        alt.Chart(data)
        .mark_line(strokeWidth=2.2, clip=True)
        .encode(
            x=alt.X(f"{x}:Q", title=x_title),
            y=alt.Y(f"{y}:Q", title=y_title, scale=alt.Scale(domain=list(y_domain))),
            color=colour,
            tooltip=[
                alt.Tooltip("label:N"),
                alt.Tooltip(f"{x}:Q", format=".3f"),
                alt.Tooltip(f"{y}:Q", format=".4g"),
            ],
        )
    )
    rule = (
        alt.Chart(pd.DataFrame({x: [rule_at]}))
        .mark_rule(color="#444", strokeDash=[4, 3])
        .encode(x=alt.X(f"{x}:Q"))
    )
    at = data.loc[np.isclose(data[x], data[x].iloc[(data[x] - rule_at).abs().argmin()])]
    at = at[(at[y] >= y_domain[0]) & (at[y] <= y_domain[1])]
    dots = (
        alt.Chart(at)
        .mark_point(filled=True, size=70)
        .encode(x=alt.X(f"{x}:Q"), y=alt.Y(f"{y}:Q"), color=colour)
    )
    return alt.layer(lines, rule, dots).properties(height=300)


def boundary_points(
    w: np.ndarray, b: float, box: tuple[float, float] = BOX, shift: float = 0.0
) -> np.ndarray:
    """Points of the line w.x + b = shift inside the square ``box`` (empty if w = 0)."""
    norm = float(np.linalg.norm(w))
    if norm < 1e-12:
        return np.empty((0, 2))
    # closest point to the origin, and the line's direction
    p0 = (shift - b) * w / norm**2
    direction = np.array([-w[1], w[0]]) / norm
    s = np.linspace(-40, 40, 801)
    pts = p0 + s[:, None] * direction
    inside = (pts >= box[0]).all(1) & (pts <= box[1]).all(1)
    return pts[inside]


def plane_chart(points: pd.DataFrame, lines: pd.DataFrame, line_colours: dict[str, str], height: int = 420):
    """Training points (colour = label, shape = clean / flipped / outlier) and lines (colour per line,
    dash per ``dash`` column)."""
    pts = (
        alt.Chart(points)
        .mark_point(filled=True, opacity=0.65, size=36, clip=True)
        .encode(
            x=alt.X("x1:Q", scale=alt.Scale(domain=list(BOX), nice=False), title="x₁"),
            y=alt.Y("x2:Q", scale=alt.Scale(domain=list(BOX), nice=False), title="x₂"),
            color=alt.Color(
                "label:N",
                scale=alt.Scale(domain=["+1", "-1"], range=["#4c78a8", "#e45756"]),
                legend=alt.Legend(title="y", orient="right"),
            ),
            shape=alt.Shape("kind:N", legend=alt.Legend(title=None, orient="right")),
            tooltip=[
                alt.Tooltip("label:N"),
                alt.Tooltip("kind:N"),
                alt.Tooltip("x1:Q", format=".2f"),
                alt.Tooltip("x2:Q", format=".2f"),
            ],
        )
    )
    names = list(line_colours)
    line = (
        alt.Chart(lines)
        .mark_line(strokeWidth=2.5, clip=True)
        .encode(
            x=alt.X("x1:Q"),
            y=alt.Y("x2:Q"),
            detail=alt.Detail("line:N"),
            color=alt.Color(
                "model:N",
                scale=alt.Scale(domain=names, range=list(line_colours.values())),
                legend=alt.Legend(title=None, orient="bottom", labelLimit=320),
            ),
            strokeDash=alt.StrokeDash("dash:N", legend=None),
            order=alt.Order("s:Q"),
        )
    )
    return alt.layer(pts, line).resolve_scale(color="independent").properties(height=height)


def points_frame(x: np.ndarray, y: np.ndarray, flipped: np.ndarray, outlier: np.ndarray) -> pd.DataFrame:
    kind = np.where(
        outlier, t(f"{NS}.kind_outlier"), np.where(flipped, t(f"{NS}.kind_flipped"), t(f"{NS}.kind_clean"))
    )
    return pd.DataFrame({"x1": x[:, 0], "x2": x[:, 1], "label": np.where(y > 0, "+1", "-1"), "kind": kind})


def lines_frame(segments: dict[str, tuple[np.ndarray, str]], model_of: dict[str, str]) -> pd.DataFrame:
    frames = []
    for line, (pts, dash) in segments.items():
        if len(pts):
            frames.append(
                pd.DataFrame(
                    {
                        "line": line,
                        "model": model_of[line],
                        "dash": dash,
                        "s": np.arange(len(pts)),
                        "x1": pts[:, 0],
                        "x2": pts[:, 1],
                    }
                )
            )
    columns = ["line", "model", "dash", "s", "x1", "x2"]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)


def regression_chart(
    data: L.RegressionData, lines: dict[str, tuple[float, float]]
) -> tuple[alt.LayerChart, pd.DataFrame]:
    kinds = np.where(data.outlier, t(f"{NS}.kind_outlier"), t(f"{NS}.kind_clean"))
    pts = pd.DataFrame({"x": data.x, "y": data.y, "kind": kinds})
    xs = np.array([0.0, 10.0])
    labels = {k: loss_label(k) for k in lines}
    truth = t(f"{NS}.true_line")
    line_df = pd.concat(
        [pd.DataFrame({"model": labels[k], "x": xs, "y": a * xs + c}) for k, (a, c) in lines.items()]
        + [pd.DataFrame({"model": truth, "x": xs, "y": L.TRUE_SLOPE * xs + L.TRUE_INTERCEPT})],
        ignore_index=True,
    )
    names = [*labels.values(), truth]
    colours = [COLOURS[k] for k in lines] + ["#999999"]
    chart = alt.layer(
        alt.Chart(pts)
        .mark_point(filled=True, size=40, opacity=0.7, color="#555")
        .encode(
            x=alt.X("x:Q", title="x"),
            y=alt.Y("y:Q", title="y"),
            shape=alt.Shape("kind:N", legend=alt.Legend(title=None, orient="right")),
            tooltip=[
                alt.Tooltip("x:Q", format=".2f"),
                alt.Tooltip("y:Q", format=".2f"),
                alt.Tooltip("kind:N"),
            ],
        ),
        alt.Chart(line_df)
        .mark_line(strokeWidth=2.5)
        .encode(
            x=alt.X("x:Q"),
            y=alt.Y("y:Q"),
            color=alt.Color(
                "model:N",
                scale=alt.Scale(domain=names, range=colours),
                legend=alt.Legend(title=None, orient="bottom"),
            ),
            strokeDash=alt.condition(alt.datum.model == truth, alt.value([5, 4]), alt.value([1, 0])),
        ),
    ).properties(height=380)
    download = pd.concat([pts.assign(model="data"), line_df.assign(kind="line")], ignore_index=True)
    return chart, download


def training_chart(
    df: pd.DataFrame, y: str, y_title: str, domain: list[str], colours: list[str]
) -> alt.Chart:
    return (
        alt.Chart(df)
        .mark_line(strokeWidth=2.2)
        .encode(
            x=alt.X("epoch:Q", title=t(f"{NS}.axis_epoch")),
            y=alt.Y(f"{y}:Q", title=y_title),
            color=alt.Color(
                "curve:N",
                scale=alt.Scale(domain=domain, range=colours),
                legend=alt.Legend(title=None, orient="bottom", columns=1, labelLimit=400),
            ),
            tooltip=[alt.Tooltip("curve:N"), alt.Tooltip("epoch:Q"), alt.Tooltip(f"{y}:Q", format=".4f")],
        )
        .properties(height=300)
    )


def bce_chart(df: pd.DataFrame) -> alt.Chart:
    return (
        alt.Chart(df.assign(series=df["form"] + ", y = " + df["y"].astype(str)))
        .mark_line(strokeWidth=2.5)
        .encode(
            x=alt.X("z:Q", title="z"),
            y=alt.Y("loss:Q", title=t(f"{NS}.axis_loss")),
            color=alt.Color(
                "y:N",
                scale=alt.Scale(domain=[0, 1], range=["#e45756", "#4c78a8"]),
                legend=alt.Legend(title="y", orient="right"),
            ),
            strokeDash=alt.StrokeDash(
                "form:N", legend=alt.Legend(title=None, orient="bottom", labelLimit=300)
            ),
            detail=alt.Detail("series:N"),
            tooltip=[
                alt.Tooltip("form:N"),
                alt.Tooltip("y:N"),
                alt.Tooltip("z:Q", format=".2f"),
                alt.Tooltip("loss:Q", format=".4f"),
            ],
        )
        .properties(height=300)
    )
