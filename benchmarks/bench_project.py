"""Speed of ``iid-research project``: the whole projection of one pemda with 500 innovations.

Run:  .venv/bin/python benchmarks/bench_project.py [--innovations 500] [--repeat 3]

Target (issue 11, 2-core machine): projection + gap card with its plans + OPD evaluation + validators'
cut for one pemda with 500 innovations in under 3 s.  The workspace is built once (in a temporary folder)
from random answers imported through ``Workspace.import_file``; the timed part is ``project()`` on it
(the dataset is read from the workspace inside the timing too).  Prints the best of ``--repeat`` runs.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np

from iid_research.analysis.projection import project
from iid_research.dataset import from_workspace
from iid_research.frameworks import framework_for_year
from iid_research.workspace import init_workspace

OPDS = ["Dinas Kesehatan", "Dinas Pendidikan", "Bappeda", "Dinas Sosial", "DPMPTSP", "Diskominfo", "Dinas PUPR",
        "Satpol PP", "Dinas Perkim", "Bapenda", "BKPSDM", "Disdukcapil"]
URUSAN = ["Kesehatan", "Pendidikan", "Perencanaan", "Sosial", "Penanaman Modal", "Komunikasi dan Informatika",
          "Pekerjaan Umum dan Penataan Ruang", "Trantibumlinmas", "Perumahan Rakyat dan Kawasan Permukiman",
          "Keuangan", "Kepegawaian", "Administrasi Kependudukan dan Pencatatan Sipil"]


def build(folder: Path, n: int, year: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    fw = framework_for_year(year)
    head = ["pemda", "id inovasi", "nama inovasi", "opd", "tahapan", "urusan", *[str(i) for i in fw.sid_indicators]]
    rows = [head]
    for j in range(n):
        k = int(rng.integers(0, len(OPDS)))
        rows.append(["Kab. Blora", f"I{j}", f"Inovasi {j}", OPDS[k], "penerapan", URUSAN[k],
                     *map(str, rng.integers(0, 4, len(fw.sid_indicators)))])
    (folder / "inovasi.csv").write_text("\n".join(",".join(r) for r in rows) + "\n", encoding="utf-8")
    (folder / "spd.csv").write_text("pemda,indikator,jawaban\n" + "".join(
        f"Kab. Blora,{r},{int(rng.integers(0, 4))}\n" for r in fw.spd_row_ids), encoding="utf-8")
    from iid_research.data import load_regions

    kab = load_regions().query("level == 'kabupaten' and is_autonomous and kode_wilayah != '33.16'")
    scores = np.clip(rng.normal(55, 12, len(kab)), 1, 95)
    lines = ["NO,PEMERINTAH DAERAH,NILAI INDEKS,PREDIKAT"]
    for i, (nama, score) in enumerate(zip(kab["nama"], scores), start=1):
        predikat = "Sangat Inovatif" if score >= 60.01 else "Inovatif" if score >= 35 else "Kurang Inovatif"
        lines.append(f'{i},{nama},"{format(score, ".2f").replace(".", ",")}",{predikat}')
    (folder / "lampiran.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    ws = init_workspace(folder / "ws")
    for kind, name in (("innovations", "inovasi.csv"), ("spd", "spd.csv"), ("annex", "lampiran.csv")):
        ws.import_file(kind, folder / name, year)
        if kind == "annex" and ws.last_report.rows_rejected:
            print(f"  annex: {ws.last_report.rows_rejected} row(s) rejected: "
                  f"{ws.last_report.rejected['reason'].head(3).tolist()}")
    return ws


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--innovations", type=int, default=500)
    parser.add_argument("--year", type=int, default=2024)
    parser.add_argument("--target-rank", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        ws = build(Path(tmp), args.innovations, args.year)
        print(f"workspace built and imported ({args.innovations} innovations, 415-kabupaten annex): "
              f"{time.perf_counter() - start:.2f} s")
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            p = project(from_workspace(ws, kode_wilayah="33.16"), "33.16", args.year, target_rank=args.target_rank)
            times.append(time.perf_counter() - start)
        print(f"IID {p.score['iid_score']:.2f}, rank {p.rank} of {p.rank_of}; gaps {list(p.gaps['gap'])}; "
              f"plan to rank {args.target_rank}: {p.plan.n_steps} steps, {p.plan_steps['opd_key'].nunique()} OPDs; "
              f"{len(p.opds)} OPDs evaluated")
        print(f"projection with plans and OPD evaluation: best {min(times):.2f} s of {args.repeat} "
              f"(target < 3 s) {'OK' if min(times) < 3 else 'SLOW'}")


if __name__ == "__main__":
    main()
