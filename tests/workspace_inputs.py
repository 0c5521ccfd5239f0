"""Small workspace input files (CSV innovation list, SPD answers, decree annex) for the tests only."""

from __future__ import annotations

from iid_research.frameworks import framework_for_year

#        kabupaten of Jawa Tengah in the annex (Blora itself has an annex row that must not count)
ANNEX = [("Kabupaten Blora", 99.0), ("Kabupaten Semarang", 62.5), ("Kabupaten Kudus", 55.0), ("Kabupaten Pati", 48.0),
         ("Kabupaten Demak", 40.5), ("Kabupaten Rembang", 30.0), ("Kota Semarang", 90.0), ("Kabupaten Bantul", 70.0)]


def write_inputs(folder, year, levels, spd_level, *, opds=("Dinas Kesehatan",), annex=ANNEX, urusan="Kesehatan",
                 first_inisiatif=False):
    """Write inovasi_<year>.csv, spd_<year>.csv and lampiran_<year>.csv for Kab. Blora into ``folder``.

    Innovation j has the SID levels ``levels[j]`` and the OPD ``opds[j % len(opds)]``; with
    ``first_inisiatif`` innovation 0 is at the tahapan "inisiatif" (the others "penerapan").  Every SPD
    row is answered ``spd_level``.  The annex holds ``annex`` (name, score) with decimal commas.
    Returns the three paths.
    """
    fw = framework_for_year(year)
    head = ["pemda", "id inovasi", "nama inovasi", "opd", "tahapan", "urusan", *[str(i) for i in fw.sid_indicators]]
    rows = [["Kab. Blora", f"I{j}", f"Inovasi {j}", opds[j % len(opds)],
             "inisiatif" if first_inisiatif and j == 0 else "penerapan", urusan, *map(str, levels[j])]
            for j in range(len(levels))]
    inn = folder / f"inovasi_{year}.csv"
    inn.write_text("\n".join(",".join(r) for r in [head, *rows]) + "\n", encoding="utf-8")
    spd = folder / f"spd_{year}.csv"
    spd.write_text("pemda,indikator,jawaban\n" + "".join(f"Kab. Blora,{r},{spd_level}\n" for r in fw.spd_row_ids),
                   encoding="utf-8")
    ax = folder / f"lampiran_{year}.csv"
    ax.write_text("NO,PEMERINTAH DAERAH,NILAI INDEKS,PREDIKAT\n" + "".join(
        f'{k},{name},"{str(s).replace(".", ",")}",'
        f'{"Sangat Inovatif" if s > 60 else "Inovatif" if s >= 35 else "Kurang Inovatif"}\n'
        for k, (name, s) in enumerate(annex, start=1)), encoding="utf-8")
    return inn, spd, ax
