"""The metrics page's stability section (anchor ``stability``): the chosen model's score-band (decile) table
(``core.metrics.band_table``, downloadable as CSV) and the population stability index of its scores
between two segments of the segment column, or between the segments up to a cut-off and those after it
(a month column split at a date), with each bin's contribution (``core.metrics.psi_from_counts``).

Both are checked live: the band table against a pandas ``groupby`` of the score table, and the PSI
against ``np.histogram`` on the expected sample's quantile edges (``np.quantile`` of its rows)."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from core.metrics import ScoreCounts, SegmentTables, band_table, counts_of, psi_from_counts
from ui.charts import show_chart
from ui.i18n import translator
from ui.layout import notes_corrections, reference_check
from ui.metrics.views import Report, translated_columns
from ui.state import session_memo, url_choice

NS = "metrics"
BANDS = ("5", "10", "20")
PSI_MODES = ("pair", "cutoff")
PSI_BINS = 10
# the usual reading of a PSI (a rule of thumb of credit-risk validation)
STABLE, SHIFTED = 0.1, 0.25
_EXPAND_ROWS = 2_000_000  # the check's quantiles from the rows themselves up to this many rows


def _bands(report: Report, n_bands: int) -> tuple[pd.DataFrame, float]:
    """The band table and its check: max |diff| against a pandas groupby of the score table, and the
    largest KS of the bands that are the distinct scores against the evaluation's KS."""
    ev = report.evaluation
    table = band_table(ev, n_bands=n_bands)
    counts = counts_of(ev)
    frame = pd.DataFrame({"score": counts.scores, "pos": counts.positives, "neg": counts.negatives})
    rows = (frame["pos"] + frame["neg"]).cumsum()
    if n_bands >= len(frame):
        frame["band"] = np.arange(len(frame))
    else:
        frame["band"] = np.ceil(n_bands * rows / rows.iloc[-1] - 1e-12).astype(int) - 1
    grouped = frame.groupby("band").agg(
        min_score=("score", "min"),
        max_score=("score", "max"),
        positives=("pos", "sum"),
        negatives=("neg", "sum"),
    )
    diff = max(
        float(np.max(np.abs(grouped[c].to_numpy(dtype=float) - table[c].to_numpy(dtype=float))))
        for c in ("min_score", "max_score", "positives", "negatives")
    )
    finest = band_table(ev, n_bands=ev.thresholds.size)
    return table, max(diff, abs(float(finest["ks"].max()) - ev.ks))


def _merged(tables: SegmentTables, model: str, segments: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Scores and rows (or weights) of the chosen segments together."""
    parts: list[ScoreCounts] = [tables.tables[model][s] for s in segments]
    scores = np.concatenate([p.scores for p in parts])
    counts = np.concatenate([(p.positives + p.negatives).astype(np.float64) for p in parts])
    return scores, counts


def _brute_psi(expected: tuple[np.ndarray, np.ndarray], actual: tuple[np.ndarray, np.ndarray]) -> float:
    """PSI by np.quantile (on the expected rows, when there are few enough to expand) and np.histogram."""
    e_scores, e_counts = expected
    a_scores, a_counts = actual
    whole = np.array_equal(e_counts, np.round(e_counts)) and e_counts.sum() <= _EXPAND_ROWS
    if not whole:
        return float("nan")
    rows = np.repeat(e_scores, e_counts.astype(np.int64))
    cuts = np.unique(np.quantile(rows, np.linspace(0, 1, PSI_BINS + 1)))
    wide = cuts.copy()
    wide[0] = min(wide[0], e_scores.min(), a_scores.min())
    wide[-1] = max(wide[-1], e_scores.max(), a_scores.max())
    e = np.histogram(e_scores, bins=wide, weights=e_counts)[0] / e_counts.sum()
    a = np.histogram(a_scores, bins=wide, weights=a_counts)[0] / a_counts.sum()
    e, a = np.maximum(e, 1e-4), np.maximum(a, 1e-4)
    return float(np.sum((a - e) * np.log(a / e)))


def _psi(
    tables: SegmentTables, model: str, expected: list[str], actual: list[str]
) -> tuple[float, pd.DataFrame, float]:
    e, a = _merged(tables, model, expected), _merged(tables, model, actual)
    value, table = psi_from_counts(*e, *a, bins=PSI_BINS)
    return value, table, abs(value - _brute_psi(e, a))


def _ranges(table: pd.DataFrame) -> list[str]:
    """Each bin's scores as text, [low, high), the open ends as infinities (symbols, not words)."""

    def end(value: float) -> str:
        return "−∞" if value == -np.inf else "+∞" if value == np.inf else f"{value:.4g}"

    return [f"[{end(lo)}, {end(hi)})" for lo, hi in zip(table["low"], table["high"], strict=True)]


def _shown(table: pd.DataFrame) -> pd.DataFrame:
    """The PSI table as shown: the bin's range as text in place of its two (infinite) ends."""
    shown = table.drop(columns=["low", "high"])
    shown.insert(1, "range", _ranges(table))
    return shown


def contribution_chart(table: pd.DataFrame, titles: dict[str, str]) -> alt.Chart:
    frame = table.assign(range=_ranges(table))
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("bin:O", title=titles["bin"]),
            y=alt.Y("contribution:Q", title=titles["contribution"]),
            tooltip=[
                alt.Tooltip("range:N", title=titles["range"]),
                alt.Tooltip("expected_share:Q", format=".2%", title=titles["expected"]),
                alt.Tooltip("actual_share:Q", format=".2%", title=titles["actual"]),
                alt.Tooltip("contribution:Q", format=".4f", title=titles["contribution"]),
            ],
        )
        .properties(height=220)
    )


def _choose(tables: SegmentTables) -> tuple[list[str], list[str]] | None:
    """The expected and actual segments the widgets pick: two segments, or before / after a cut-off."""
    tr = translator(NS)
    segments = tables.segments
    url_choice("metrics_psi_mode", list(PSI_MODES), "pair")
    mode = st.segmented_control(
        tr("psi_mode"),
        options=list(PSI_MODES),
        format_func=lambda m: tr(f"psi_mode_{m}"),
        key="metrics_psi_mode",
    )
    left, right = st.columns(2)
    if mode == "cutoff":
        url_choice("metrics_psi_cut", segments[:-1], segments[len(segments) // 2 - 1])
        cut = left.selectbox(
            tr("psi_cut"), options=segments[:-1], key="metrics_psi_cut", help=tr("psi_cut_help")
        )
        k = segments.index(cut) + 1
        return segments[:k], segments[k:]
    url_choice("metrics_psi_expected", segments, segments[0])
    expected = left.selectbox(tr("psi_expected"), options=segments, key="metrics_psi_expected")
    url_choice("metrics_psi_actual", segments, segments[1])
    actual = right.selectbox(tr("psi_actual"), options=segments, key="metrics_psi_actual")
    if expected == actual:
        st.info(tr("psi_same"))
        return None
    return [expected], [actual]


def psi_part(report: Report, tables: SegmentTables | None) -> None:
    tr = translator(NS)
    if tables is None or len(tables.segments) < 2:
        st.info(tr("psi_no_segments"))
        return
    st.markdown(tr("psi_intro", column=tables.column))
    chosen = _choose(tables)
    if chosen is None:
        return
    expected, actual = chosen
    key = (
        report.kept.source_id,
        report.kept.mapping,
        tables.column,
        report.model,
        tuple(expected),
        tuple(actual),
    )
    value, table, diff = session_memo("psi", key, lambda: _psi(tables, report.model, expected, actual))
    verdict = "stable" if value < STABLE else "shifted" if value < SHIFTED else "major"
    st.metric(tr("psi_value"), f"{value:.4f}", help=tr("psi_value_help"))
    st.caption(
        tr(f"psi_{verdict}", expected="`, `".join(expected), actual="`, `".join(actual), model=report.model)
    )
    titles = {k: tr(f"psi_{k}") for k in ("bin", "contribution", "range", "expected", "actual")}
    show_chart(contribution_chart(table, titles), table, key="psi_bins")
    st.dataframe(translated_columns(_shown(table)), hide_index=True, width="stretch")
    if np.isfinite(diff):
        reference_check(tr("psi_reference"), diff, 1e-12)


def section(report: Report, tables: SegmentTables | None) -> None:
    tr = translator(NS)
    st.subheader(tr("stability"), anchor="stability")
    notes_corrections(NS, "stability")
    st.markdown(tr("bands_intro", model=report.model))
    url_choice("metrics_score_bands", list(BANDS), "10")
    n_bands = st.segmented_control(tr("bands"), options=list(BANDS), key="metrics_score_bands")
    key = (report.kept.source_id, report.kept.mapping, report.model, n_bands)
    table, diff = session_memo("bands", key, lambda: _bands(report, int(n_bands or 10)))
    shown = translated_columns(table)
    st.dataframe(shown, hide_index=True, width="stretch")
    st.download_button(
        tr("bands_download"),
        data=lambda: table.to_csv(index=False).encode("utf-8"),
        file_name=f"bands_{report.model}.csv",
        mime="text/csv",
        on_click="ignore",
        key="download_bands",
        icon=":material/download:",
    )
    reference_check(tr("bands_reference"), diff, 1e-9)
    psi_part(report, tables)
