"""What the report notebooks call: one display convention, and one helper module per notebook.

display       setup, headings, text, banners, tables (the one display API)
overview      notebook 01: the data-quality list in words
pemda         notebook 02: the pemda summary
rank_drivers  notebook 03: the rank-driver study of one pemda, labelled
opd_clusters  notebook 04: cluster tables, scorecards and upgrades, labelled
"""
