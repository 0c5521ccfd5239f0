"""Labels for reports in Bahasa Indonesia ("id", the default) and English ("en").

Every heading, axis label, table header and sentence a policy reader sees is
looked up here with :func:`t`, so a report is entirely in one language.
"""

from __future__ import annotations

LANGS = ("id", "en")

_STRINGS: dict[str, dict[str, str]] = {
    # generic
    "year": {"id": "Tahun", "en": "Year"},
    "yes": {"id": "ya", "en": "yes"},
    "no": {"id": "tidak", "en": "no"},
    "index_title": {"id": "Laporan Indeks Inovasi Daerah", "en": "Regional Innovation Index reports"},
    "index_count": {"id": "laporan", "en": "reports"},
    "index_search": {"id": "Cari", "en": "Search"},
    "index_all_provinces": {"id": "Semua provinsi", "en": "All provinces"},
    "index_all_levels": {"id": "Semua tingkat", "en": "All levels"},
    "index_all_predicates": {"id": "Semua predikat", "en": "All predicates"},
    "index_report": {"id": "Laporan", "en": "Report"},
    "index_kind": {"id": "Jenis", "en": "Kind"},
    "overview": {"id": "ikhtisar", "en": "overview"},
    "analysis": {"id": "analisis", "en": "analysis"},
    "ok": {"id": "ok", "en": "ok"},
    "failed": {"id": "gagal", "en": "failed"},
    "nb_01_overview": {"id": "Ikhtisar IID", "en": "IID overview"},
    "nb_03_rank_drivers": {"id": "Pendorong peringkat (simulasi)", "en": "Rank drivers (simulated)"},
    "nb_04_opd_clusters": {"id": "Klaster OPD (simulasi dan data LAN)", "en": "OPD clusters (simulated and LAN data)"},
    "pemda": {"id": "Pemerintah daerah", "en": "Regional government"},
    "kode_wilayah": {"id": "Kode wilayah", "en": "Region code"},
    "level": {"id": "Tingkat", "en": "Level"},
    "province": {"id": "Provinsi", "en": "Province"},
    "iid_score": {"id": "Nilai IID", "en": "IID score"},
    "raw_score": {"id": "Nilai IID (skala lama)", "en": "IID score (old raw scale)"},
    "predicate": {"id": "Predikat", "en": "Predicate"},
    "rank": {"id": "Peringkat", "en": "Rank"},
    "rank_of": {"id": "Dari", "en": "Out of"},
    "source": {"id": "Sumber", "en": "Source"},
    "source_url": {"id": "Tautan sumber", "en": "Source link"},
    "nama": {"id": "Pemerintah daerah", "en": "Regional government"},
    "expected_predicate": {"id": "Predikat menurut ambang", "en": "Predicate by threshold"},
    "framework": {"id": "Kerangka", "en": "Framework"},
    "divisor_floor": {"id": "Pembagi minimum SID", "en": "SID divisor floor"},
    "count_score_rule": {"id": "Skor jumlah inovasi", "en": "Innovation-count score"},
    "max_spd": {"id": "Maks. SPD", "en": "Max SPD"},
    "max_sid_per_innovation": {"id": "Maks. SID per inovasi", "en": "Max SID per innovation"},
    "max_count_score": {"id": "Maks. skor jumlah", "en": "Max count score"},
    "max_total": {"id": "Maks. total", "en": "Max total"},
    "status": {"id": "Status", "en": "Status"},
    "note": {"id": "Catatan", "en": "Note"},
    "count": {"id": "Jumlah", "en": "Count"},
    "category": {"id": "Kategori", "en": "Category"},
    "award_rank": {"id": "Urutan", "en": "Order"},
    "issue": {"id": "Masalah", "en": "Issue"},
    "dq_contradiction": {
        "id": "IID {score} dipublikasikan sebagai '{predicate}'; ambang {year} (Sangat Inovatif ≥ {sangat}, "
              "Inovatif ≥ {inovatif}) memberi '{expected}'",
        "en": "IID {score} published as '{predicate}'; the {year} thresholds (Sangat Inovatif ≥ {sangat}, "
              "Inovatif ≥ {inovatif}) give '{expected}'"},
    "dq_no_source": {"id": "tidak ada halaman sumber untuk baris ini (peringkat {rank}); periksa sebelum dipakai",
                     "en": "no source page for this row (rank {rank}); verify before use"},
    "dq_provisional": {"id": "nilai {score} diumumkan sebelum keputusan resmi; bisa berbeda dari hasil akhir",
                       "en": "value {score} published before the decree; may differ from the final result"},
    "predicate_contradicts_threshold": {"id": "predikat bertentangan dengan ambang",
                                        "en": "predicate contradicts threshold"},
    "no_source": {"id": "tanpa sumber", "en": "no source"},
    "provisional": {"id": "nilai sementara", "en": "provisional value"},
    "detail": {"id": "Rincian", "en": "Detail"},
    "file": {"id": "Berkas", "en": "File"},
    "sha256": {"id": "Checksum SHA-256", "en": "SHA-256 checksum"},
    "licence": {"id": "Lisensi", "en": "Licence"},
    "is_provisional": {"id": "Sementara", "en": "Provisional"},
    "value": {"id": "Nilai", "en": "Value"},
    "peer_median": {"id": "Median provinsi", "en": "Province median"},
    "percentile": {"id": "Persentil di provinsi", "en": "Percentile in province"},
    "variable": {"id": "Variabel", "en": "Variable"},
    "participating_pemda_count": {"id": "Pemda berpartisipasi", "en": "Participating pemda"},
    "innovations_reported_count": {"id": "Inovasi dilaporkan", "en": "Innovations reported"},
    "grdp_per_capita_thousand_idr": {"id": "PDRB per kapita (ribu Rp, harga konstan)",
                                     "en": "GRDP per capita (thousand IDR, constant prices)"},
    "idsd_score": {"id": "Indeks Daya Saing Daerah 2024", "en": "Regional Competitiveness Index 2024"},
    "population_2025": {"id": "Penduduk 2025 (jiwa)", "en": "Population 2025 (persons)"},
    "area_km2": {"id": "Luas (km²)", "en": "Area (km²)"},
    "population_density_per_km2": {"id": "Kepadatan (jiwa/km²)", "en": "Density (persons/km²)"},
    "provinsi": {"id": "Provinsi", "en": "Province"},
    "kabupaten": {"id": "Kabupaten", "en": "Regency (kabupaten)"},
    "kota": {"id": "Kota", "en": "City (kota)"},
    "all": {"id": "semua", "en": "all"},
    "Sangat Inovatif": {"id": "Sangat Inovatif", "en": "Sangat Inovatif (very innovative)"},
    "Inovatif": {"id": "Inovatif", "en": "Inovatif (innovative)"},
    "Kurang Inovatif": {"id": "Kurang Inovatif", "en": "Kurang Inovatif (less innovative)"},
    "Tidak Dapat Dinilai": {"id": "Tidak Dapat Dinilai", "en": "Tidak Dapat Dinilai (not assessable)"},
    "real_data_label": {"id": "DATA NYATA: angka dipublikasikan (berita dan situs pemda). Hanya bagian bertanda "
                              "SIMULASI yang memakai data simulasi.",
                        "en": "REAL DATA: published figures (news and government pages). Only parts marked "
                              "SIMULATED use simulated data."},
    "simulated_data_label": {"id": "DATA SIMULASI: bukan fakta daerah mana pun.",
                        "en": "SIMULATED DATA: not facts about any region."},
    "none": {"id": "Tidak ada data.", "en": "No data."},
    # overview
    "overview_title": {"id": "Ikhtisar Indeks Inovasi Daerah (IID)", "en": "Regional Innovation Index (IID) overview"},
    "overview_intro": {
        "id": "Tahun fokus {year}; tingkat: {level}; provinsi: {province}. Semua angka berasal dari sumber publik "
              "yang tercantum di setiap tabel.",
        "en": "Focus year {year}; level: {level}; province: {province}. Every number comes from the public sources "
              "listed with each table."},
    "h_participation": {"id": "Partisipasi dan predikat nasional per tahun",
                        "en": "National participation and predicates by year"},
    "h_distribution": {"id": "Sebaran nilai IID yang dipublikasikan", "en": "Distribution of published IID scores"},
    "h_trajectories": {"id": "Lintasan peringkat pemda dengan beberapa tahun data",
                       "en": "Rank trajectories of pemda with several years"},
    "h_awards": {"id": "Penghargaan Innovative Government Award (IGA)", "en": "Innovative Government Award (IGA)"},
    "h_covariates": {"id": "Nilai IID dan PDRB per kapita", "en": "IID score against GRDP per capita"},
    "h_quality": {"id": "Daftar mutu data", "en": "Data-quality list"},
    "h_rules": {"id": "Aturan penilaian yang dipakai", "en": "Scoring rules used"},
    "distribution_caption": {
        "id": "Sampel nilai dari berita dan situs pemda (bukan lampiran resmi Kepmendagri), jadi tidak mewakili semua pemda. "
              "Garis putus-putus: batas predikat tahun tersebut.",
        "en": "A sample of scores from news and government pages (not the official decree annex), so not representative "
              "of all pemda. Dashed lines: that year's predicate thresholds."},
    "quality_caption": {
        "id": "Pasangan (nilai, predikat) yang bertentangan dengan ambang tahunnya, baris tanpa sumber, dan nilai sementara. "
              "Baris ini tidak diterima begitu saja.",
        "en": "(score, predicate) pairs that contradict their year's thresholds, rows without a source, and provisional values. "
              "These rows are not silently accepted."},
    "score_axis": {"id": "Nilai IID (0-100)", "en": "IID score (0-100)"},
    "rank_axis": {"id": "Peringkat dalam klaster (1 = terbaik)", "en": "Rank within cluster (1 = best)"},
    "n_pemda_axis": {"id": "Jumlah pemda", "en": "Number of pemda"},
    # pemda report
    "pemda_title": {"id": "Laporan Indeks Inovasi Daerah: {nama}", "en": "Regional Innovation Index report: {nama}"},
    "h_summary": {"id": "Ringkasan", "en": "Summary"},
    "h_history": {"id": "Riwayat predikat dan peringkat", "en": "Predicate and rank history"},
    "h_peers": {"id": "Pembanding di provinsi yang sama ({year})", "en": "Peers in the same province ({year})"},
    "h_pemda_awards": {"id": "Penghargaan", "en": "Awards"},
    "h_pemda_covariates": {"id": "Indikator pembanding terhadap pemda lain di provinsi",
                           "en": "Covariates against other pemda in the province"},
    "h_provenance": {"id": "Asal setiap angka", "en": "Where each number comes from"},
    "summary_score": {"id": "Pada IID {year}, {nama} memperoleh nilai {score} dengan predikat **{predicate}**.",
                      "en": "In IID {year}, {nama} scored {score} with the predicate **{predicate}**."},
    "summary_predicate_only": {"id": "Pada IID {year}, {nama} memperoleh predikat **{predicate}** (nilai tidak dipublikasikan).",
                               "en": "In IID {year}, {nama} received the predicate **{predicate}** (score not published)."},
    "summary_rank_no_size": {"id": "Peringkat {rank} di klaster {level}.", "en": "Rank {rank} in the {level} cluster."},
    "summary_rank": {"id": "Peringkat {rank} dari {rank_of} {level}.", "en": "Rank {rank} of {rank_of} {level}."},
    "summary_rank_same": {"id": "Peringkat sama seperti {old_year} ({new_year}).",
                          "en": "Same rank as in {old_year} ({new_year})."},
    "summary_no_results": {"id": "Belum ada hasil IID yang dipublikasikan untuk {nama} dalam data kami.",
                           "en": "No published IID result for {nama} in our data."},
    "summary_rank_change": {"id": "Peringkat berubah dari {old} ({old_year}) menjadi {new} ({new_year}): {direction} {steps} posisi.",
                            "en": "Rank moved from {old} ({old_year}) to {new} ({new_year}): {direction} {steps} places."},
    "up": {"id": "naik", "en": "up"},
    "down": {"id": "turun", "en": "down"},
    "summary_no_year": {"id": "Tidak ada hasil IID yang dipublikasikan untuk {nama} pada {year}; tahun terakhir dengan data: {latest}.",
                        "en": "No published IID result for {nama} in {year}; latest year with data: {latest}."},
    "summary_awards": {"id": "Penghargaan IGA tercatat: {n}.", "en": "IGA awards on record: {n}."},
    "no_peers": {"id": "Tidak ada pemda lain di provinsi ini dengan nilai yang dipublikasikan untuk tahun ini.",
                 "en": "No other pemda in this province has a published score for this year."},
    "provenance_intro": {
        "id": "Hasil IID diambil dari berita dan situs pemerintah (satu tautan per baris). Data wilayah dari Kepmendagri "
              "300.2.2-2138/2025; PDRB per kapita dari quarcs-lab/indonesia514. Checksum setiap berkas masukan:",
        "en": "IID results come from news and government pages (one link per row). Region data from Kepmendagri "
              "300.2.2-2138/2025; GRDP per capita from quarcs-lab/indonesia514. Checksums of every input file:"},
    "h_simulated_insights": {"id": "Pendorong nilai dan OPD (ilustrasi dengan DATA SIMULASI)",
                             "en": "Score drivers and OPDs (illustrated with SIMULATED DATA)"},
    "simulated_insights_intro": {
        "id": "Jawaban per indikator tidak dipublikasikan. Bagian ini memakai data simulasi (yang mereproduksi nilai "
              "yang dipublikasikan bila ada); angka di bawah BUKAN fakta daerah ini, hanya ilustrasi cara membaca "
              "pendorong nilai.",
        "en": "Indicator-level answers are not published. This section uses simulated data (which reproduce the published "
              "scores where they exist); the numbers below are NOT facts about this region, only an illustration of how "
              "to read score drivers."},
    "insight_drivers": {"id": "[SIMULASI] Tiga komponen yang paling menggerakkan nilai {year_from}→{year_to}: {parts} poin IID.",
                        "en": "[SIMULATED] The three components that moved the score most {year_from}→{year_to}: {parts} IID points."},
    "insight_opds": {"id": "[SIMULASI] OPD penyumbang poin SID terbesar: {lead}; terkecil: {lag}.",
                     "en": "[SIMULATED] OPDs contributing the most SID points: {lead}; the least: {lag}."},
    "component_empty_seats": {"id": "Kursi kosong (pembagi minimum SID)", "en": "Empty seats (SID divisor floor)"},
    "component_count_score": {"id": "Skor jumlah inovasi", "en": "Innovation-count score"},
    "component_rules": {"id": "Perubahan aturan", "en": "Rule change"},
    "component": {"id": "Komponen", "en": "Component"},
    "label": {"id": "Komponen", "en": "Component"},
    "contribution_points": {"id": "Kontribusi (poin IID)", "en": "Contribution (IID points)"},
    "opd": {"id": "OPD", "en": "OPD"},
    "innovation_count": {"id": "Jumlah inovasi", "en": "Innovations"},
    "maturity_mean_score": {"id": "Rata-rata kematangan (0-111)", "en": "Mean maturity (0-111)"},
    "is_simulated": {"id": "Simulasi", "en": "Simulated"},
    "old_scale_note": {"id": "Nilai 2019-2020 memakai skala lama (tidak sebanding dengan skala 0-100 sejak 2021).",
                       "en": "2019-2020 values use the old raw scale (not comparable with the 0-100 scale used since 2021)."},
}


def t(key: str, lang: str = "id", **fields) -> str:
    """Return the label ``key`` in ``lang``, formatted with ``fields``.

    Parameters
    ----------
    key : str
        Label key (see ``_STRINGS``); an unknown key is returned unchanged so
        data values without a translation (e.g. a region name) pass through.
    lang : {"id", "en"}, default="id"
    **fields
        Values for ``{placeholders}`` in the label.

    Raises
    ------
    ValueError
        If ``lang`` is not "id" or "en".
    """
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, got {lang!r}")
    entry = _STRINGS.get(key)
    text = key if entry is None else entry[lang]
    return text.format(**fields) if fields else text


def label_columns(frame, lang: str = "id"):
    """Return a copy of ``frame`` with its column names translated by :func:`t`."""
    return frame.rename(columns={c: t(c, lang) for c in frame.columns})


# --------------------------------------------------------------------------- numbers in prose

def fmt_number(value, lang: str = "id", spec: str = ".2f") -> str:
    """Format a number for prose in the report language.

    Indonesian writes the decimal mark as a comma and groups thousands with
    dots (``fmt_number(1234.5, "id", ",.2f")`` -> ``"1.234,50"``); English
    keeps Python's notation.

    >>> fmt_number(72.75, "id")
    '72,75'
    >>> fmt_number(0.38, "en")
    '0.38'
    """
    text = format(value, spec)
    if text.startswith("-") and not any(ch in "123456789" for ch in text):
        text = text[1:]  # "-0.0" (a tiny negative rounded away) reads as zero
    if lang == "id":
        text = text.translate(str.maketrans({".": ",", ",": "."}))
    return text


class LocalNumber(float):
    """A float that formats itself in the report language inside ``str.format`` (``{x:.2f}``)."""

    lang = "id"

    def __new__(cls, value, lang: str = "id"):
        obj = super().__new__(cls, value)
        obj.lang = lang
        return obj

    def __format__(self, spec: str) -> str:
        return fmt_number(float(self), self.lang, spec or "g")


def localize_fields(lang: str, fields: dict) -> dict:
    """``fields`` with every float wrapped so ``{x:.2f}`` gives ``72,75`` when ``lang`` is "id"."""
    if lang != "id":
        return dict(fields)
    return {k: LocalNumber(v, lang) if isinstance(v, float) else v for k, v in fields.items()}
