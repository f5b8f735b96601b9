"""Deep Learning Notes Lab: entry point. Run with ``streamlit run app.py``.

This file has two readers. ``streamlit run`` finds the ``st.App`` at the bottom and the server imports
the file to serve it: the app's lifespan starts the warm-up (``ui/warmup.py``) as the server starts.
Each visitor's session then runs the file as its script (``__main__``): :func:`main` below.
"""

import streamlit as st

from ui import server, warmup
from ui.i18n import init_language, language_selector, mirror_language_into_url, t
from ui.navigation import PAGES


def main() -> None:
    """One script run of a visitor's session: page config, language, navigation, the page."""
    warmup.wait_for_warm_up()  # a first visitor early after the server started waits, not imports beside it
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


if __name__ == "__main__":  # a visitor's session (and AppTest) runs this file as its script
    main()
else:  # the server imports it: `streamlit run app.py` serves this st.App
    app = st.App(__file__, lifespan=warmup.lifespan)
