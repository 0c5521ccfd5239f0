"""Benchmark: OPD profiles + clustering + bootstrap stability at national scale.

Target (issue 4): 20,000 OPDs x ~40 features, k-means with k chosen by
silhouette over 2-8 and 50 bootstrap resamples, in < 60 s on the 2-core
machine with peak memory < 2 GB.  The innovations come from the planted
generator of the tests (``tests/planted.py``), ~4 innovations per OPD.

Run::

    PYTHONPATH=src python benchmarks/bench_clustering.py [--n-opds 20000] [--n-bootstrap 50] [--others]

``--source simulated`` uses ``iid_research.simulate.simulate_iid()`` (all
years; OPD-years are the rows) instead of the planted generator.
``--no-trace`` times without tracemalloc (which slows Python allocations).
``--others`` also times ward, kmedoids (Gower) and hdbscan on 3,000 OPDs
(methods that need an n x n matrix are limited to
``iid_research.analysis.clustering.MAX_PAIRWISE_OPDS`` OPDs).
Peak memory: ``resource.getrusage(RUSAGE_SELF).ru_maxrss`` (whole process,
includes the generator) and the tracemalloc peak of Python allocations of
each step.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "src"))

from planted import OPD_NAMES, planted_innovations  # noqa: E402

from iid_research.analysis.clustering import OPDClusterer  # noqa: E402
from iid_research.analysis.opd import build_opd_profiles, profile_feature_columns  # noqa: E402


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


TRACE = True


def _step(label, func):
    if TRACE:
        tracemalloc.start()
    t0 = time.perf_counter()
    out = func()
    secs = time.perf_counter() - t0
    peak = f"{tracemalloc.get_traced_memory()[1] / 2**20:7.1f} MB" if TRACE else "    off   "
    if TRACE:
        tracemalloc.stop()
    print(f"{label:<48} {secs:7.2f} s   tracemalloc peak {peak}   max RSS {_rss_mb():7.0f} MB")
    return out, secs


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-opds", type=int, default=20_000)
    parser.add_argument("--n-bootstrap", type=int, default=50)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--source", choices=("planted", "simulated"), default="planted")
    parser.add_argument("--no-trace", action="store_true", help="time without tracemalloc")
    parser.add_argument("--others", action="store_true", help="also time ward, kmedoids, hdbscan on 3,000 OPDs")
    args = parser.parse_args(argv)
    global TRACE
    TRACE = not args.no_trace

    if args.source == "simulated":
        from iid_research.simulate import simulate_iid
        inn, _ = _step("simulate_iid() (SIMULATED, all years)", lambda: simulate_iid().innovations)
    else:
        per_pemda = len(OPD_NAMES)
        n_pemda = -(-args.n_opds // per_pemda)
        (inn, _), _ = _step(f"generate innovations ({n_pemda} pemda x {per_pemda} OPD)",
                            lambda: planted_innovations(n_pemda, per_pemda, innovations_per_opd=(2, 6),
                                                        seed=args.seed))
    print(f"  {len(inn):,} innovations")
    prof, t_prof = _step("build_opd_profiles", lambda: build_opd_profiles(inn))
    prof = prof.iloc[: args.n_opds].reset_index(drop=True)
    n_feat = len(profile_feature_columns(prof))
    print(f"  {len(prof):,} OPDs x {n_feat} features")
    model = OPDClusterer(method="kmeans", k="auto", k_range=(2, 8), n_bootstrap=args.n_bootstrap, random_state=0)
    model, t_fit = _step(f"kmeans, k auto 2-8, {args.n_bootstrap} bootstrap", lambda: model.fit(prof))
    print(f"  k = {model.k_}; gap statistic k = {model.gap_k_} (tendency check on {model.tendency_sample_size:,} "
          f"OPDs); silhouette {model.silhouette_scores_.round(3).to_dict()}")
    if model.stability_ is not None:
        print(f"  stability: mean ARI {model.stability_.mean_ari:.3f}; Jaccard "
              f"{model.stability_.jaccard.round(3).to_dict()}")
    total = t_prof + t_fit
    peak_mb = _rss_mb()
    print(f"\nprofiles + clustering + stability: {total:.1f} s (target < 60 s); "
          f"process peak RSS {peak_mb:.0f} MB (target < 2048 MB)")
    ok = total < 60 and peak_mb < 2048

    if args.others:
        small = prof.sample(3000, random_state=0).reset_index(drop=True)
        for method in ("ward", "kmedoids", "hdbscan"):
            m = OPDClusterer(method=method, n_bootstrap=10, random_state=0)
            m, _ = _step(f"{method}, 3,000 OPDs, 10 bootstrap", lambda m=m: m.fit(small))
            print(f"  k = {m.k_}; mean ARI {m.stability_.mean_ari:.3f}; noise {(m.labels_ == -1).sum()}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
