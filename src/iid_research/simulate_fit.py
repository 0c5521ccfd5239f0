"""Fitting the SIMULATED answers of one pemda-year to its targets (used by :mod:`iid_research.simulate`).

Given a target total in points, a number of innovations and drawn SPD levels, these functions find
SPD levels, a number of innovations and a whole number K of SID points over the innovations whose
IID is the target; for a published score, at its published precision (:func:`hit_window`), with a
published count (and mean maturity) kept where given.  Every formula comes from
:mod:`iid_research.scoring`.
"""

from __future__ import annotations

import numpy as np

from .scoring import URUSAN_PELAYANAN_DASAR, count_score, sid_divisor


def adjust_to_sum(levels: np.ndarray, w: np.ndarray, target: int, rng: np.random.Generator) -> np.ndarray:
    """Raise/lower single levels (0-3) until Σ w × level equals the integer ``target``."""
    L = levels
    d = int(target - (L @ w).sum())
    for _ in range(200):
        if d == 0:
            return L
        sign = 1 if d > 0 else -1
        ok = (L < 3) if sign > 0 else (L > 0)
        wmat = np.broadcast_to(w, L.shape)
        cand = np.flatnonzero(ok & (wmat <= abs(d)))
        if len(cand) == 0:
            cand = np.flatnonzero(ok)
            if len(cand) == 0:
                break
            j = cand[np.argmin(wmat.ravel()[cand])]
            L.ravel()[j] += sign
            d -= sign * int(wmat.ravel()[j])
            continue
        cand = rng.permutation(cand)
        cw = wmat.ravel()[cand].astype(int)
        take = np.cumsum(cw) <= abs(d)
        L.ravel()[cand[take]] += sign
        d -= sign * int(cw[take].sum())
    if d != 0:
        raise RuntimeError(f"could not reach SID point total {target} (left {d})")
    return L


def spd_levels(share: float, w: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Draw SPD levels (0-3) around a share of the maximum: Binomial(3, share + N(0, 0.15)) per row."""
    p = np.clip(share + rng.normal(0, 0.15, size=len(w)), 0.02, 0.98)
    return rng.binomial(3, p)



ASSUMED_YANDAS = len(URUSAN_PELAYANAN_DASAR)
"""Under rules with an urusan condition, the fit assumes the innovations cover all six urusan pelayanan dasar."""



# --------------------------------------------------------------------------- fitting the answers of one pemda-year

def fit_totals(T, n, spd_lv, spd_w, fw, rng, *, fix_n=False):
    """Adjust SPD levels and the number of innovations so the SID quality needed is feasible.

    Returns (n, spd_levels, K) with K = Σ SID points over the innovations (integer), or None when
    ``fix_n`` forbids the change of n the fit needs.
    """
    spd_lv = spd_lv.copy()
    yandas = ASSUMED_YANDAS if fw.count_score_min_urusan_yandas else None
    for _ in range(2000):
        C = float(count_score(n, fw, yandas))
        D = int(sid_divisor(n, fw))
        R = T - float(spd_lv @ spd_w) - C
        qmax = fw.max_sid_per_innovation * n / D
        frac = R / qmax if qmax > 0 else 0
        if R < 0:
            down = np.flatnonzero(spd_lv > 0)
            if len(down):
                spd_lv[rng.choice(down)] -= 1
                continue
            if fix_n:
                return None
            if n > 1:
                n = max(1, min(n - 1, int(T / fw.count_score_per_innovation)))
                continue
            R = 0.0
        elif frac > 0.9:
            up = np.flatnonzero(spd_lv < 3)
            if len(up):
                spd_lv[rng.choice(up)] += 1
                continue
            if frac > 1 + 1e-12 and (fix_n or n >= fw.count_score_cap_n):
                return None
            if not (fix_n or n >= fw.count_score_cap_n):
                n += 1
                continue
        elif frac < 0.12 and R > 0 and n > 1 and not fix_n and rng.random() < 0.9:
            n -= 1
            continue
        K = int(round(R * D))
        K = min(K, int(fw.max_sid_per_innovation) * n)
        return n, spd_lv, max(K, 0)
    raise RuntimeError(f"could not fit a total of {T} points")


def reachable_sums(weights: np.ndarray) -> np.ndarray:
    """Every total Σ w × level (levels 0-3, integer weights) that some SPD answers reach, sorted."""
    sums = {0}
    for w in weights:
        sums = {x + k * int(w) for x in sums for k in range(4)}
    return np.array(sorted(sums))


def nearest_levels(levels: np.ndarray, w: np.ndarray, target: int):
    """SPD levels (0-3) with Σ w × level = ``target`` (integer weights) closest to ``levels`` (L1), or None."""
    cost, back = {0: 0}, []
    for j, wj in enumerate(w):
        new, choice = {}, {}
        for total, c in cost.items():
            for lv in range(4):
                v, cc = total + lv * int(wj), c + abs(lv - int(levels[j]))
                if v <= target and (v not in new or cc < new[v]):
                    new[v], choice[v] = cc, (total, lv)
        back.append(choice)
        cost = new
    if target not in cost:
        return None
    out, v = [], target
    for j in range(len(w) - 1, -1, -1):
        v, lv = back[j][v]
        out.append(lv)
    return np.array(out[::-1], dtype=np.int64)


def hit_window(windows, n, spd_lv, spd_w, fw, *, fix_n, mean_window):
    """Move n (unless fixed), the SPD total and K so the IID falls in one of ``windows`` (points, [lo, hi)).

    ``mean_window`` ([lo, hi) of Σ SID points / n) also pins the mean maturity.  Candidates are tried
    nearest first (n, then the SPD total closest to the drawn levels); returns (n, spd_levels, K) or None.
    """
    scale = 4 if np.allclose(spd_w * 4, np.round(spd_w * 4)) else 100  # 2023 SPD weights are multiples of 0.25
    wi = np.round(spd_w * scale).astype(int)
    reach = reachable_sums(wi)
    S0 = int(spd_lv @ wi)
    order = reach[np.argsort(np.abs(reach - S0), kind="stable")]
    yandas = ASSUMED_YANDAS if fw.count_score_min_urusan_yandas else None
    steps = [0] if fix_n else [0, *[d for k in range(1, 41) for d in (k, -k)]]
    eps = 1e-7
    for lo, hi in windows:
        for dn in steps:
            m = n + dn
            if m < 1:
                continue
            C = float(count_score(m, fw, yandas))
            D = int(sid_divisor(m, fw))
            kcap = int(fw.max_sid_per_innovation) * m
            k_lo, k_hi = 0, kcap
            if mean_window is not None:
                k_lo, k_hi = int(np.ceil(m * mean_window[0] - 1e-9)), int(np.ceil(m * mean_window[1] - 1e-9)) - 1
            for Si in order:
                S = Si / scale
                kmin = max(int(np.ceil((lo - S - C) * D + eps)), k_lo, 0)
                kmax = min(int(np.ceil((hi - S - C) * D - eps)) - 1, k_hi, kcap)
                if kmin > kmax:
                    continue
                K = int(np.clip(round(((lo + hi) / 2 - S - C) * D), kmin, kmax))
                levels = nearest_levels(spd_lv, wi, int(Si))
                if levels is not None:
                    return m, levels, K
    return None


def score_windows(score: float, decimals: int, fw) -> list[tuple[float, float]]:
    """Windows (points) of an IID that reproduces ``score``: its 2-decimal value, then its written precision.

    At 2 decimals the IID must round (half up) to the score; a quote with d < 2 decimals is matched
    after rounding to 2 decimals and then to d (:func:`iid_research.scoring.matches_published`).
    """
    f = fw.max_total / 100
    out = [((score - 0.005) * f, (score + 0.005) * f)]
    if decimals < 2:
        half = 0.5 / 10 ** decimals
        out.append(((score - half - 0.005) * f, (score + half - 0.005) * f))
    return out


def fit_pemda(T, n, spd_lv, spd_w, fw, rng, score_pin, count_pin, key, log):
    """Fit one pemda-year: the target total, a published score (at its precision), count and mean maturity."""
    fix_n = count_pin is not None
    if fix_n:
        n = count_pin["n"]
    fit = fit_totals(T, n, spd_lv, spd_w, fw, rng, fix_n=fix_n)
    if fit is None:
        log.append((*key, "count_pin_infeasible"))
        fix_n = False
        fit = fit_totals(T, n, spd_lv, spd_w, fw, rng)
    mean = count_pin.get("mean") if fix_n else None
    if score_pin is None and mean is None:
        return fit
    windows = score_windows(*score_pin, fw) if score_pin is not None else score_windows(T / fw.max_total * 100,
                                                                                          2, fw)
    mean_window = None if mean is None else (mean - 0.005, mean + 0.005)
    hit = hit_window(windows, fit[0], fit[1], spd_w, fw, fix_n=fix_n, mean_window=mean_window)
    if hit is None and mean_window is not None:
        log.append((*key, "mean_maturity_unreachable"))
        hit = hit_window(windows, fit[0], fit[1], spd_w, fw, fix_n=fix_n, mean_window=None)
    if hit is None:
        log.append((*key, "score_window_unreachable"))
        return fit
    return hit


def match_total(fits: dict, free: list, total: int, s, spd_w, fw, rng, max_per_pemda: int):
    """Change the innovation count of pemda without published numbers, one at a time, until Σ n = ``total``."""
    for _ in range(3):
        diff = sum(f[0] for f in fits.values()) - total
        if diff == 0:
            return
        for i in free:
            if diff == 0:
                return
            n, spd_lv, _ = fits[i]
            step = -1 if diff > 0 else 1
            if n + step < 1 or n + step > max_per_pemda:
                continue
            fit = fit_totals(s[i] * fw.max_total / 100, n + step, spd_lv, spd_w, fw, rng, fix_n=True)
            if fit is not None:
                fits[i] = fit
                diff += step
