"""Analyses: they take the contract's tables (a dataset) and return data frames with documented columns.

decomposition  exact split of a score change; the one rules effect; the same answers under other rules
shapley        rank-change attribution (exact over the 8 variables, sampled over 41 indicator levers)
path           the cheapest path to a target rank, verified by rescoring
panel          across pemda: exact fixed effects, indicator -> rank model, boosted drivers, predikat transitions
opd            OPD names -> OPD types, OPD innovation profiles
clustering     OPDClusterer, gap-statistic tendency check, stability, archetypes (as keys)
upgrades       one-step SID upgrades per OPD, the upgrade menu, OPD scorecards
published      tables of the published results behind the overview and pemda reports
quality        the data-quality list of the published results
uncertainty    rank bands: Monte Carlo over validation, method alternatives and the others; Sobol indices (SALib)
"""
