"""Record builders of the simulator: OPD lists in realistic spellings, SPD and innovation tables (SIMULATED).

Used by :mod:`iid_research.simulate`; every table built here carries ``source="simulated"``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .contracts import BENTUK, INISIATOR, JENIS, SPD_COLUMNS
from .scoring import SID_COLUMNS, URUSAN_PELAYANAN_DASAR

# OPD catalogue: (full name, abbreviation, main urusan, relative innovation weight)
OPD_CATALOGUE = (
    ("Badan Perencanaan Pembangunan Daerah", "Bappeda", "Perencanaan", 2.0),
    ("Badan Riset dan Inovasi Daerah", "BRIDA", "Penelitian dan pengembangan", 1.5),
    ("Dinas Kesehatan", "Dinkes", "Kesehatan", 3.0),
    ("Dinas Pendidikan", "Disdik", "Pendidikan", 2.5),
    ("Dinas Komunikasi dan Informatika", "Diskominfo", "Komunikasi dan informatika", 2.5),
    ("Dinas Kependudukan dan Pencatatan Sipil", "Disdukcapil", "Adminitrasi kependudukan dan pencatatan sipil", 2.5),
    ("Dinas Sosial", "Dinsos", "Sosial", 1.5),
    ("Dinas Pekerjaan Umum dan Penataan Ruang", "DPUPR", "Pekerjaan umum dan penataan ruang", 1.0),
    ("Dinas Perumahan Rakyat dan Kawasan Permukiman", "Disperkim", "Perumahan rakyat dan kawasan permukiman", 0.8),
    ("Satuan Polisi Pamong Praja", "Satpol PP", "Ketentraman, Ketertiban umum, dan perlindungan masyarakat", 0.8),
    ("Badan Penanggulangan Bencana Daerah", "BPBD", "Ketentraman, Ketertiban umum, dan perlindungan masyarakat", 0.7),
    ("Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu", "DPMPTSP", "Penanaman modal", 2.0),
    ("Dinas Pertanian", "Distan", "Pertanian", 1.2),
    ("Dinas Perhubungan", "Dishub", "Perhubungan", 0.8),
    ("Dinas Lingkungan Hidup", "DLH", "Lingkungan hidup", 1.0),
    ("Dinas Tenaga Kerja", "Disnaker", "Tenaga kerja", 0.8),
    ("Dinas Koperasi dan Usaha Mikro", "Dinkop UM", "Koperasi, Usaha kecil, dan menengah", 1.0),
    ("Dinas Pemberdayaan Masyarakat dan Desa", "Dispermades", "Pemberdayaan masyarakat dan desa", 1.0),
    ("Dinas Pemberdayaan Perempuan dan Perlindungan Anak", "DP3A", "Pemberdayaan perempuan dan perlindungan anak", 0.8),
    ("Dinas Pariwisata dan Kebudayaan", "Disparbud", "Pariwisata", 0.8),
    ("Dinas Perpustakaan dan Kearsipan", "Dispusip", "Perpustakaan", 0.6),
    ("Dinas Ketahanan Pangan", "DKP", "pangan", 0.6),
    ("Badan Pengelolaan Keuangan dan Aset Daerah", "BPKAD", "Keuangan", 1.0),
    ("Badan Pendapatan Daerah", "Bapenda", "Keuangan", 1.2),
    ("Badan Kepegawaian dan Pengembangan Sumber Daya Manusia", "BKPSDM", "Kepegawaian", 1.2),
    ("Inspektorat", "Inspektorat", "Fungsi lain sesuai dengan ketentuan peraturan perundang-undangan", 0.5),
    ("Sekretariat Daerah", "Setda", "Fungsi lain sesuai dengan ketentuan peraturan perundang-undangan", 1.0),
    ("Sekretariat DPRD", "Setwan", "Fungsi lain sesuai dengan ketentuan peraturan perundang-undangan", 0.3),
)
TEMATIK = ("Digitalisasi layanan pemerintahan", "Penanggulangan kemiskinan", "Kemudahan investasi",
            "Prioritas aktual presiden", "Non tematik")
URUSAN_OTHER = ("Tenaga kerja", "Pemberdayaan perempuan dan perlindungan anak", "pangan", "Lingkungan hidup",
                 "Adminitrasi kependudukan dan pencatatan sipil", "Pemberdayaan masyarakat dan desa",
                 "Perhubungan", "Komunikasi dan informatika", "Koperasi, Usaha kecil, dan menengah",
                 "Penanaman modal", "Pariwisata", "Pertanian", "Perencanaan", "Keuangan", "Kepegawaian",
                 "Penelitian dan pengembangan", "Perpustakaan", "Kearsipan", "Kelautan dan perikanan")
URUSAN_CANON = {u.lower(): u for u in URUSAN_PELAYANAN_DASAR}
URUSAN_CANON.update({"ketentraman, ketertiban umum, dan perlindungan masyarakat": URUSAN_PELAYANAN_DASAR[4],
                      "pekerjaan umum dan penataan ruang": URUSAN_PELAYANAN_DASAR[2],
                      "perumahan rakyat dan kawasan permukiman": URUSAN_PELAYANAN_DASAR[3]})



_PUSKESMAS_PLACES = ("Kota", "Utara", "Selatan", "Timur", "Barat", "Tengah")
_KECAMATAN_PLACES = ("Kota", "Utara", "Selatan")


def _catalogue_spellings(full: str, abbr: str, nama: str, short: str) -> tuple:
    return (full, abbr, full.upper(), f"{full} {nama}", f"{abbr} {short}")


def _rsud_spellings(short: str) -> tuple:
    return (f"RSUD {short}", f"Rumah Sakit Umum Daerah {short}", f"RSUD {short.upper()}", f"RSUD {short}",
            f"RSUD {short}")


def _puskesmas_spellings(place: str) -> tuple:
    return (f"Puskesmas {place}", f"PKM {place}", f"PUSKESMAS {place.upper()}", f"UPTD Puskesmas {place}",
            f"Puskesmas {place}")


def _kecamatan_spellings(place: str) -> tuple:
    return (f"Kecamatan {place}", f"Kec. {place}", f"KECAMATAN {place.upper()}", f"Kantor Kecamatan {place}",
            f"Kecamatan {place}")


def opd_roster(nama: str, nama_short: str, level: str) -> list[tuple[str, tuple]]:
    """Every OPD a simulated pemda can have, with the spellings the simulator writes for it (SIMULATED).

    Parameters
    ----------
    nama, nama_short : str
        The pemda's name ("Kabupaten Blora") and short name ("Blora").
    level : {"provinsi", "kabupaten", "kota"}

    Returns
    -------
    list of (name, spellings)
        In :data:`OPD_CATALOGUE` order, then (kabupaten/kota) the hospital, six puskesmas and three
        kecamatan, or (provinsi) the provincial hospital; ``spellings`` holds the five ways an
        innovation list may write the name (the first is ``name``).
    """
    short = nama_short or nama
    rows = [(full, _catalogue_spellings(full, abbr, nama, short)) for full, abbr, _, _ in OPD_CATALOGUE]
    if level != "provinsi":
        rows.append((f"RSUD {short}", _rsud_spellings(short)))
        rows += [(f"Puskesmas {short} {p}", _puskesmas_spellings(f"{short} {p}")) for p in _PUSKESMAS_PLACES]
        rows += [(f"Kecamatan {short} {p}", _kecamatan_spellings(f"{short} {p}")) for p in _KECAMATAN_PLACES]
    else:
        rows.append((f"RSUD Provinsi {short}", (f"RSUD Provinsi {short}",) * 5))
    return rows


def opd_lists(pemda: pd.DataFrame, rng) -> dict:
    """A fixed OPD list per pemda: (names, urusan, weights); names in that pemda's spelling habits."""
    out = {}
    for r in pemda.itertuples(index=False):
        keep = rng.random(len(OPD_CATALOGUE)) < 0.85
        keep[:6] = True
        cat = [c for c, k in zip(OPD_CATALOGUE, keep) if k]
        style = rng.choice(["full", "abbr", "upper", "full_region"], p=[0.45, 0.2, 0.15, 0.2])
        names, urusan, weights, variants = [], [], [], []
        short = r.nama_short if isinstance(r.nama_short, str) and r.nama_short else r.nama
        for full, abbr, uru, wgt in cat:
            label = {"full": full, "abbr": abbr, "upper": full.upper(),
                     "full_region": f"{full} {r.nama}"}[style]
            names.append(label)
            variants.append(_catalogue_spellings(full, abbr, r.nama, short))
            urusan.append(uru)
            weights.append(wgt)
        if r.level != "provinsi":
            names.append(f"RSUD {short}" if style != "upper" else f"RSUD {short.upper()}")
            variants.append(_rsud_spellings(short))
            urusan.append("Kesehatan")
            weights.append(1.5)
            for k in range(int(rng.integers(2, 6))):
                place = f"{short} {_PUSKESMAS_PLACES[k]}"
                names.append(f"Puskesmas {place}")
                variants.append(_puskesmas_spellings(place))
                urusan.append("Kesehatan")
                weights.append(0.8)
            for k in range(int(rng.integers(1, 4))):
                place = f"{short} {_KECAMATAN_PLACES[k]}"
                names.append(f"Kecamatan {place}")
                variants.append(_kecamatan_spellings(place))
                urusan.append("Fungsi lain sesuai dengan ketentuan peraturan perundang-undangan")
                weights.append(0.4)
        else:
            names.append(f"RSUD Provinsi {short}")
            variants.append((f"RSUD Provinsi {short}",) * 5)
            urusan.append("Kesehatan")
            weights.append(1.2)
        w = np.array(weights) * rng.gamma(2.0, 0.5, len(weights))
        out[r.kode_wilayah] = (np.array(names, dtype=object), np.array(urusan, dtype=object), w / w.sum(),
                               variants)
    return out


def spd_frame(parts, spd_rows) -> pd.DataFrame:
    """SPD answers, long, from ``parts`` = [(kode_wilayah, year, levels per SPD row)] (SIMULATED rows).

    Returns
    -------
    DataFrame with the columns of :data:`iid_research.contracts.SPD_COLUMNS` plus ``source``.
    """
    k = len(spd_rows)
    codes = np.repeat([p[0] for p in parts], k)
    years = np.repeat([p[1] for p in parts], k)
    levels = np.concatenate([p[2] for p in parts]) if parts else np.array([], int)
    ind = np.tile(spd_rows[:, 0].astype(int), len(parts))
    sub = np.tile(np.array([str(x) for x in spd_rows[:, 1]], dtype=object), len(parts))
    df = pd.DataFrame({"kode_wilayah": codes.astype(object), "year": years.astype("int64"),
                       "indicator_no": ind.astype("int64"), "sub": sub, "level": levels.astype("int64"),
                       "raw_value": np.nan})
    df = df[list(SPD_COLUMNS)]
    df["kode_wilayah"] = df["kode_wilayah"].astype(str)
    df["sub"] = df["sub"].astype(str)
    df["source"] = "simulated"
    return df


def innovation_frame(parts, opd_lists, pemda, rng) -> pd.DataFrame:
    """Innovations with SID answers from ``parts`` = [(kode_wilayah, year, SID levels n × 20, tahapan codes)].

    OPDs are drawn from each pemda's list (:func:`opd_lists`), about 8 % typed in another spelling;
    a third of innovations address an urusan other than their OPD's; ids are
    ``SIM-<kode>-<year>-<seq>``.  Every row is SIMULATED (``source="simulated"``).

    Returns
    -------
    DataFrame with the innovations contract's columns plus ``source``.
    """
    rows_code, rows_year, rows_opd, rows_urusan, mats, tahs = [], [], [], [], [], []
    for code, t, L, tah in parts:
        names, urusan, w, variants = opd_lists[code]
        n = len(L)
        which = rng.choice(len(names), size=n, p=w)
        opd = names[which].copy()
        # ~8 % of records typed in another spelling of the same OPD
        alt = rng.random(n) < 0.08
        for j in np.flatnonzero(alt):
            opd[j] = variants[which[j]][int(rng.integers(0, 5))]
        rows_code.append(np.full(n, code, dtype=object))
        rows_year.append(np.full(n, t))
        rows_opd.append(opd)
        rows_urusan.append(urusan[which])
        mats.append(L)
        tahs.append(tah)
    code = np.concatenate(rows_code)
    year = np.concatenate(rows_year).astype("int64")
    n = len(code)
    urusan = np.concatenate(rows_urusan)
    # a third of innovations address an urusan other than their OPD's main one
    other = rng.random(n) < 0.3
    pool = np.array(list(URUSAN_PELAYANAN_DASAR) + list(URUSAN_OTHER), dtype=object)
    urusan[other] = rng.choice(pool, size=other.sum())
    urusan = np.array([URUSAN_CANON.get(str(u).lower(), u) for u in urusan], dtype=object)
    tah = np.concatenate(tahs)
    tahapan = np.array(["inisiatif", "uji coba", "penerapan"], dtype=object)[tah]
    seq = pd.Series(code).groupby([code, year]).cumcount().to_numpy() + 1
    ids = np.char.add(np.char.add(np.char.add("SIM-", code.astype(str)), np.char.add("-", year.astype(str))),
                      np.char.add("-", np.char.zfill(seq.astype(str), 4)))
    impl = pd.to_datetime((year - 1).astype(str), format="%Y") + pd.to_timedelta(rng.integers(0, 540, n), unit="D")
    trial = impl - pd.to_timedelta(rng.integers(30, 300, n), unit="D")
    impl = impl.where(tah == 2, pd.NaT)
    trial = trial.where(tah >= 1, pd.NaT)
    df = pd.DataFrame({
        "innovation_id": ids.astype(object),
        "kode_wilayah": code,
        "year": year,
        "opd_name": np.asarray(rows_opd and np.concatenate(rows_opd), dtype=object),
        "tahapan": tahapan,
        "jenis": rng.choice(np.array(JENIS, dtype=object), size=n, p=[0.58, 0.42]),
        "bentuk": rng.choice(np.array(BENTUK, dtype=object), size=n, p=[0.27, 0.55, 0.18]),
        "inisiator": rng.choice(np.array(INISIATOR, dtype=object), size=n, p=[0.14, 0.02, 0.62, 0.16, 0.06]),
        "urusan": urusan,
        "tematik": rng.choice(np.array(TEMATIK, dtype=object), size=n, p=[0.3, 0.15, 0.1, 0.15, 0.3]),
        "trial_date": pd.DatetimeIndex(trial).astype("datetime64[ns]"),
        "implementation_date": pd.DatetimeIndex(impl).astype("datetime64[ns]"),
    })
    mat = np.vstack(mats).astype("int64")
    for k, c in enumerate(SID_COLUMNS):
        df[c] = mat[:, k]
    for c in ("innovation_id", "kode_wilayah", "opd_name", "tahapan", "jenis", "bentuk", "inisiator", "urusan",
              "tematik"):
        df[c] = df[c].astype(str)
    df["source"] = "simulated"
    return df
