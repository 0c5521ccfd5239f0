"""Figures in the seaborn style: ``plot_x(data, *, ..., lang, ax=None) -> Axes``; they never compute analyses.

overview  published results: predikat counts, score distribution, rank trajectories, covariates, peers
drivers   waterfall of a score change, Shapley bars, transition heatmap, partial dependence
clusters  k selection, cluster heatmap, PCA projection, dendrogram
labels    numbers in the report notation on axes (LocalFormatter), text alternatives (describe, alt_text)
"""
