"""Home: what the app is, and a link to every topic."""

import streamlit as st

from ui.i18n import t
from ui.navigation import NOTES, TOPICS

st.title(t("common.app_title"))
st.markdown(t("home.intro"))
st.markdown(t("home.how"))
with st.container(border=True):
    st.page_link(NOTES.path, label=t(f"nav.{NOTES.slug}"), icon=NOTES.icon)
    st.caption(t("home.notes_blurb"))
st.subheader(t("home.topics"))
for spec in TOPICS:
    with st.container(border=True):
        st.page_link(spec.path, label=t(f"nav.{spec.slug}"), icon=spec.icon)
        st.caption(t(f"home.{spec.slug}_blurb"))
st.caption(t("home.footer"))
