"""The metrics page's pieces: ``source`` (where the scores come from, and reading them into what the
session keeps), ``kept`` (the summary kept of a file, never its rows), ``views`` (what each section of
the page shows), ``charts`` (Altair charts of an evaluation), ``report`` (the downloadable HTML report)
and ``data_folder`` (files on the server)."""
