"""The metrics page's self-contained HTML report: tables and charts as inline SVG, no script, no
network. Charts are drawn by the same Altair builders as the page and turned into SVG by
vl-convert; every piece of user content (file and column names) is HTML-escaped.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Mapping, Sequence

import altair as alt
import pandas as pd
import vl_convert

from ui.metrics import charts

_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", "Noto Sans CJK SC", sans-serif; margin: 2rem auto;
       max-width: 1000px; color: #222; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; font-size: 0.85rem; margin: 0.5rem 0; }
th, td { border: 1px solid #ddd; padding: 0.25rem 0.5rem; text-align: right; }
th:first-child, td:first-child { text-align: left; }
.charts { display: flex; flex-wrap: wrap; gap: 1rem; } .charts figure { margin: 0; }
figcaption { font-size: 0.85rem; color: #555; }
"""


def _svg(chart: alt.TopLevelMixin, width: int = 440) -> str:
    spec = (
        chart.properties(width=width).to_dict()
        if not isinstance(chart, alt.HConcatChart)
        else chart.to_dict()
    )
    return vl_convert.vegalite_to_svg(spec)


def _table(frame: pd.DataFrame) -> str:
    # pandas escapes cell contents and headers (escape=True is the default).
    return frame.to_html(index=False, float_format=lambda x: f"{x:.6g}", border=0, na_rep="—")


def html_report(
    source_name: str,
    strings: Mapping[str, str],
    summaries: list[dict[str, object]],
    comparison: pd.DataFrame,
    frames: Mapping[str, pd.DataFrame],
    *,
    threshold: float,
    lang: str,
    extra: Sequence[tuple[str, pd.DataFrame]] = (),
) -> str:
    """One HTML document: the summary table, the comparison, and ROC / PR / KS / histogram / gains charts.

    ``strings`` holds every translated text the report needs (resolved in the page's script thread,
    because Streamlit builds deferred downloads on another thread).
    """
    s = strings
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    point_free = {"threshold": s["threshold"]}
    figures = [
        (
            s["tab_roc"],
            charts.curve_chart(frames["roc"], x_title=s["fpr"], y_title=s["tpr"], diagonal=True),
        ),
        (
            s["tab_pr"],
            charts.curve_chart(frames["pr"], x_title=s["recall"], y_title=s["precision"], diagonal=False),
        ),
        (
            s["tab_ks"],
            charts.ks_chart(
                frames["ks"],
                ks_at=tuple(frames["ks_gap"].iloc[0]),
                threshold=threshold,
                titles={"x": s["score"], "y": s["cdf"], "gap": s["ks_gap"], **point_free},
            ),
        ),
        (
            s["tab_hist"],
            charts.histogram_chart(
                frames["histogram"],
                threshold=threshold,
                titles={"x": s["score"], "y": s["count"], **point_free},
            ),
        ),
    ]
    parts = [
        f'<!DOCTYPE html><html lang="{html.escape(lang)}"><head><meta charset="utf-8">',
        f"<title>{html.escape(s['report_title'])}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{html.escape(s['report_title'])}</h1>",
        f"<p>{html.escape(s['report_source'])}: <code>{html.escape(source_name)}</code> · "
        f"{html.escape(s['threshold'])} = {threshold:.6g} · {html.escape(when)}</p>",
        f"<h2>{html.escape(s['report_summary'])}</h2>",
        _table(pd.DataFrame(summaries)),
    ]
    if not comparison.empty:
        parts += [f"<h2>{html.escape(s['compare'])}</h2>", _table(comparison)]
    for title, frame in extra:  # more tables (the band table): a title and its table each
        parts += [f"<h2>{html.escape(title)}</h2>", _table(frame)]
    parts.append('<div class="charts">')
    for title, chart in figures:
        parts.append(f"<figure>{_svg(chart)}<figcaption>{html.escape(title)}</figcaption></figure>")
    parts.append("</div>")
    gains = charts.gains_chart(
        frames["gains"],
        titles={
            "model": s["model_name"],
            "perfect": s["perfect"],
            "random": s["random"],
            "depth": s["depth"],
            "captured": s["captured"],
            "lift": s["lift"],
        },
    )
    parts += [f"<h2>{html.escape(s['gains'])}</h2>", _svg(gains), "</body></html>"]
    return "\n".join(parts)
