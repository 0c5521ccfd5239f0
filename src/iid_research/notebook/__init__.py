"""What the report notebooks call: one display convention, and one helper module per notebook.

display       setup, headings, text, banners, tables with CSV downloads (the one display API)
images        figures as the smaller of a palette PNG and an SVG, with their alt text
overview      notebook 01: the data-quality list in words
pemda         notebook 02: the pemda summary
rank_drivers  notebook 03: the rank-driver study of one pemda, labelled
opd_clusters  notebook 04: cluster tables, scorecards and upgrades, labelled
"""
