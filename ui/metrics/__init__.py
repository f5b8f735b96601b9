"""The metrics page's Streamlit pieces: ``charts`` (Altair charts of an evaluation) and ``report`` (the
downloadable HTML report)."""
