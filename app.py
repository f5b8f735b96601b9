"""Deep Learning Notes Lab: entry point. Run with ``streamlit run app.py``."""

import streamlit as st

from ui import server
from ui.i18n import init_language, language_selector, mirror_language_into_url, t
from ui.navigation import PAGES

server.housekeeping()  # allocator settings (once per process); closed tabs' expired sessions let go of

st.set_page_config(page_title="Deep Learning Notes Lab", page_icon=":material/science:", layout="wide")
init_language()
page = st.navigation(
    [
        st.Page(
            spec.path,
            title=t(f"nav.{spec.slug}"),
            icon=spec.icon,
            url_path=spec.slug,
            default=(spec.slug == "home"),
        )
        for spec in PAGES
    ]
)
language_selector()
try:
    page.run()
finally:  # also after st.stop() in a page
    mirror_language_into_url()
