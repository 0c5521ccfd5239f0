"""Shared fixtures: a non-interactive backend, closed figures, a seeded generator, planted innovations."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from planted import planted_innovations  # noqa: E402


@pytest.fixture
def rng():
    return np.random.default_rng(20240101)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="session")
def planted():
    """(innovations, truth) of 4 pemda x 15 OPDs drawn from 3 archetypes (seed 1)."""
    return planted_innovations(4, 15, seed=1)


@pytest.fixture(scope="session")
def planted_profiles(planted):
    from iid_research.analysis.opd import build_opd_profiles

    innovations, truth = planted
    profiles = build_opd_profiles(innovations)
    merged = profiles.merge(truth, on=["kode_wilayah", "year", "opd_name"], how="left", validate="1:1")
    assert merged["archetype"].notna().all()
    return profiles, merged["archetype"].to_numpy()
