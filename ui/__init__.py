"""Shared Streamlit helpers: navigation, languages, layout pieces and Altair chart builders."""
