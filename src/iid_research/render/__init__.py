"""Rendering reports: parameters, execution (papermill), HTML and PDF, the warm engine, batch runs.

parameters  the ``parameters`` cell, checks before any kernel starts, output names
execute     papermill execution and the one-call run of a report
html        code-free HTML of an executed notebook; the index page (jinja2 templates)
pdf         printing reports with headless Chromium
engine      papermill engine "iid-warm": one warm kernel per worker
runner      parallel batch rendering (processes or Dask), retries, incremental rebuild
batch       run lists: the default report set and YAML run lists
"""
