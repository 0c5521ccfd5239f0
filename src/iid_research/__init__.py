"""iid-research: a research workbench for Indonesia's Indeks Inovasi Daerah (IID).

Modules
-------
config      paths of the project (data, reports, notebooks)
numbers     reading numbers written in Indonesian notation
regions     the pemda table and matching of codes and names
data        verified loaders and pandera-validated tidy tables
frameworks  scoring rules per framework year, loaded from ``rules/``
scoring     the official IID method: SPD, SID, IID, predikat, ranks
plots       seaborn-style plotting functions returning Axes
report      papermill execution and code-free HTML export
"""

__version__ = "0.1.0"
