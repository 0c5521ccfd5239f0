"""Speed of the driver analyses and the simulator on this machine.

Run:  PYTHONPATH=src python benchmarks/bench_drivers.py [--repeat 3]

Targets (issue 3, 2-core machine):
  decomposition, every pemda, one year pair      < 1 s
  exact 8-variable Shapley, every pemda, a pair  < 10 s
  path to target, one pemda                      < 2 s
  simulator, all pemda x 5 years (no cache)      < 30 s
Each line prints the best of ``--repeat`` runs.
"""

from __future__ import annotations

import argparse
import time

from iid_research.analysis.decomposition import decompose_score_change
from iid_research.analysis.path import path_to_target
from iid_research.analysis.shapley import indicator_rank_shapley, rank_shapley
from iid_research.simulate import simulate_iid


def best_of(repeat, func):
    times = []
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    return min(times), result


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--kode-wilayah", default="33.16")
    parser.add_argument("--year-from", type=int, default=2021)
    parser.add_argument("--year-to", type=int, default=2022)
    parser.add_argument("--target-rank", type=int, default=10)
    args = parser.parse_args(argv)

    t_sim, sim = best_of(max(1, args.repeat - 1), lambda: simulate_iid(use_cache=False))
    comp = sim.components()
    levels = sim.scores.drop_duplicates("kode_wilayah").set_index("kode_wilayah")["level"]
    n_pemda = sim.scores["kode_wilayah"].nunique()

    t_dec, dec = best_of(args.repeat, lambda: decompose_score_change(comp, args.year_from, args.year_to))
    t_shap, shap = best_of(args.repeat, lambda: rank_shapley(comp, levels, args.year_from, args.year_to))
    t_path, plan = best_of(args.repeat, lambda: path_to_target(
        sim.spd, sim.innovations, sim.scores, args.kode_wilayah, args.year_to, args.target_rank))
    t_ind, ind = best_of(args.repeat, lambda: indicator_rank_shapley(
        comp, levels, args.kode_wilayah, args.year_from, args.year_to, n_permutations=400, random_state=0))

    rows = [
        (f"simulator: {n_pemda} pemda x {len(sim.years)} years, {len(sim.innovations):,} innovations", t_sim, 30),
        (f"decomposition: {len(dec)} pemda, {args.year_from}->{args.year_to} "
         f"(max |residual| {dec['residual'].abs().max():.1e})", t_dec, 1),
        (f"exact Shapley, 8 variables x 256 coalitions: {len(shap.values)} pemda", t_shap, 10),
        (f"path to rank {args.target_rank}: {args.kode_wilayah} {args.year_to} "
         f"(rank {plan.current_rank} -> {plan.planned_rank}, {plan.method})", t_path, 2),
        (f"indicator Shapley, 41 levers x {ind.n_permutations} permutations: {args.kode_wilayah} "
         f"(error bound ±{ind.max_ci95_halfwidth:.2f} ranks)", t_ind, None),
    ]
    width = max(len(r[0]) for r in rows)
    print("SIMULATED data; best of", args.repeat, "runs")
    for label, seconds, target in rows:
        verdict = "" if target is None else ("  OK" if seconds < target else "  SLOW") + f" (target < {target} s)"
        print(f"{label:<{width}}  {seconds:8.3f} s{verdict}")


if __name__ == "__main__":
    main()
