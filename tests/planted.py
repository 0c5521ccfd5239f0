"""A small generator of innovations with planted OPD archetypes (tests and benchmark only).

It follows the shared innovations contract (see ``iid_research.contracts.INNOVATION_COLUMNS``)
and is NOT the project's simulator (``iid_research.simulate``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

SEED_OPD_LIST = Path(__file__).resolve().parents[1] / "data" / "raw" / "opd_list_pemprov_banten_seed.csv"

# 33 OPD names with 33 distinct OPD types (Banten seed list without the BKSP secretariat)
OPD_NAMES = [
    "Sekretariat Daerah", "Sekretariat DPRD", "Inspektorat", "Dinas Pendidikan dan Kebudayaan", "Dinas Kesehatan",
    "Dinas Pekerjaan Umum dan Penataan Ruang", "Dinas Perumahan Rakyat dan Kawasan Permukiman",
    "Satuan Polisi Pamong Praja", "Dinas Sosial", "Dinas Tenaga Kerja dan Transmigrasi",
    "Dinas Lingkungan Hidup dan Kehutanan", "Dinas Pemberdayaan Perempuan dan Perlindungan Anak",
    "Dinas Pemberdayaan Masyarakat dan Desa", "Dinas Perhubungan", "Dinas Komunikasi dan Informatika",
    "Dinas Koperasi, Usaha Kecil dan Menengah", "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu",
    "Dinas Kepemudaan dan Olahraga", "Dinas Perpustakaan dan Kearsipan", "Dinas Kelautan dan Perikanan",
    "Dinas Pariwisata", "Dinas Pertanian", "Dinas Ketahanan Pangan", "Dinas Energi dan Sumber Daya Mineral",
    "Dinas Perindustrian dan Perdagangan", "Badan Perencanaan Pembangunan Daerah", "Badan Pendapatan Daerah",
    "Badan Pengelolaan Keuangan dan Aset Daerah", "Badan Kepegawaian Daerah",
    "Badan Pengembangan Sumber Daya Manusia Daerah", "Badan Penghubung Daerah",
    "Badan Penanggulangan Bencana Daerah", "Badan Kesatuan Bangsa dan Politik",
]

URUSAN = ["Pendidikan", "Kesehatan", "Pekerjaan Umum dan Penataan Ruang", "Sosial", "Perhubungan",
          "Komunikasi dan informatika", "Pertanian", "Keuangan", "Perencanaan", "Pariwisata"]

# archetype -> (tahapan probs, digital prob, bentuk probs, inisiator probs, SID level probs,
#              replication prob, mean age in years)
ARCHETYPES = {
    "digital_leaders": ((0.02, 0.08, 0.90), 0.95, (0.05, 0.90, 0.05), (0.05, 0.0, 0.85, 0.10, 0.0),
                        (0.0, 0.05, 0.25, 0.70), 0.8, 5.0),
    "early_starters": ((0.85, 0.10, 0.05), 0.05, (0.90, 0.05, 0.05), (0.80, 0.10, 0.05, 0.05, 0.0),
                       (0.80, 0.20, 0.0, 0.0), 0.0, 0.5),
    "community": ((0.10, 0.80, 0.10), 0.30, (0.05, 0.10, 0.85), (0.0, 0.05, 0.05, 0.10, 0.80),
                  (0.10, 0.40, 0.45, 0.05), 0.2, 2.0),
}
TAHAPAN = ("inisiatif", "uji coba", "penerapan")
BENTUK = ("tata kelola pemerintahan daerah", "pelayanan publik", "inovasi daerah lainnya sesuai urusan")
INISIATOR = ("kepala daerah", "anggota dprd", "opd", "asn", "masyarakat")


def planted_innovations(n_pemda: int = 4, opds_per_pemda: int = 15, *, year: int = 2025,
                        innovations_per_opd=(2, 6), seed: int = 0):
    """Innovations of ``n_pemda`` x ``opds_per_pemda`` OPDs, each OPD drawn from one of 3 archetypes.

    Returns
    -------
    innovations : DataFrame following the innovations contract (``source`` "simulated")
    truth : DataFrame with columns [kode_wilayah, year, opd_name, archetype]
    """
    if opds_per_pemda > len(OPD_NAMES):
        raise ValueError(f"at most {len(OPD_NAMES)} OPDs per pemda")
    rng = np.random.default_rng(seed)
    names = list(ARCHETYPES)
    opd_rows = []
    for p in range(n_pemda):
        kode = f"{90 + p // 100:02d}.{p % 100:02d}"
        for name in OPD_NAMES[:opds_per_pemda]:
            opd_rows.append((kode, name, names[rng.integers(len(names))]))
    truth = pd.DataFrame(opd_rows, columns=["kode_wilayah", "opd_name", "archetype"])
    truth.insert(1, "year", year)
    counts = rng.integers(innovations_per_opd[0], innovations_per_opd[1] + 1, len(truth))
    rep = np.repeat(np.arange(len(truth)), counts)
    n = len(rep)
    arche = truth["archetype"].to_numpy()[rep]
    cols = {"tahapan": np.empty(n, dtype=object), "jenis": np.empty(n, dtype=object),
            "bentuk": np.empty(n, dtype=object), "inisiator": np.empty(n, dtype=object)}
    sid = np.zeros((n, 20), dtype=int)
    age = np.zeros(n)
    for a, (tah, dig, ben, ini, lev, repl, age_y) in ARCHETYPES.items():
        m = arche == a
        k = int(m.sum())
        cols["tahapan"][m] = rng.choice(TAHAPAN, k, p=tah)
        cols["jenis"][m] = np.where(rng.random(k) < dig, "digital", "non digital")
        cols["bentuk"][m] = rng.choice(BENTUK, k, p=ben)
        cols["inisiator"][m] = rng.choice(INISIATOR, k, p=ini)
        sid[m] = rng.choice(4, (k, 20), p=lev)
        sid[m, 15] = np.where(rng.random(k) < repl, rng.integers(1, 4, k), 0)  # sid_31 replication
        age[m] = rng.gamma(4.0, age_y / 4.0 + 0.05, k)
    impl = pd.Timestamp(f"{year}-12-31") - pd.to_timedelta(np.round(age * 365.25), unit="D")
    frame = pd.DataFrame({
        "innovation_id": [f"SIM-{i:07d}" for i in range(n)],
        "kode_wilayah": truth["kode_wilayah"].to_numpy()[rep],
        "year": year,
        "opd_name": truth["opd_name"].to_numpy()[rep],
        **cols,
        "urusan": rng.choice(URUSAN, n),
        "tematik": "Non tematik",
        "trial_date": impl - pd.Timedelta(days=90),
        "implementation_date": impl,
    })
    for j in range(20):
        frame[f"sid_{16 + j}"] = sid[:, j]
    frame["source"] = "simulated"
    return frame, truth
