"""Reader text in Bahasa Indonesia ("id", the default) and English ("en"), and numbers in each notation.

Every heading, axis label, table header and sentence a reader sees comes from
the one catalogue (:mod:`iid_research.text.catalogue`) through :func:`t`, so a
report is entirely in one language.  Numbers are formatted by :func:`fmt_number`
with Babel's locale data (Indonesian: decimal comma, thousands dot), rounded
half-up like the published scores.

One behaviour for every lookup: an unknown language raises ``ValueError``; an
unknown key is returned unchanged (so data values without a translation, such
as a region name, pass through).
"""

from __future__ import annotations

import decimal
import re

from .catalogue import CATALOGUE

LANGS = ("id", "en")
_LOCALES = {"id": "id_ID", "en": "en_US"}


def check_lang(lang: str) -> str:
    """Return ``lang`` if it is "id" or "en".

    Raises
    ------
    ValueError
        For any other value (the message lists the two).
    """
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, got {lang!r}")
    return lang


def t(key: str, lang: str = "id", **fields) -> str:
    """Return the text ``key`` in ``lang``, formatted with ``fields``.

    Parameters
    ----------
    key : str
        Key of :data:`~iid_research.text.catalogue.CATALOGUE`; an unknown key is
        returned unchanged (data values pass through).
    lang : {"id", "en"}, default "id"
    **fields
        Values for ``{placeholders}``; floats are written in the language's
        notation (``{x:.2f}`` gives ``72,75`` in Indonesian).

    Raises
    ------
    ValueError
        If ``lang`` is not "id" or "en".

    Examples
    --------
    >>> t("up", "id"), t("up", "en")
    ('naik', 'up')
    >>> t("Kabupaten Blora", "en")
    'Kabupaten Blora'
    """
    check_lang(lang)
    entry = CATALOGUE.get(key)
    text = key if entry is None else entry[lang]
    return text.format(**localize_fields(lang, fields)) if fields else text


def has_text(key: str) -> bool:
    """Whether the catalogue has ``key``."""
    return key in CATALOGUE


def label_columns(frame, lang: str = "id"):
    """A copy of ``frame`` with its column names translated by :func:`t`."""
    return frame.rename(columns={c: t(c, lang) for c in frame.columns})


# --------------------------------------------------------------------------- numbers

_SPEC = re.compile(r"^(?P<sign>[+\- ]?)(?P<group>,?)(?:\.(?P<prec>\d+))?(?P<kind>[fdg%]?)$")


def fmt_number(value, lang: str = "id", spec: str = ".2f") -> str:
    """Format a number in the report language's notation (Babel locale data).

    Parameters
    ----------
    value : float or int
    lang : {"id", "en"}, default "id"
    spec : str, default ".2f"
        A Python format spec of the forms ``[+][,][.N](f|d|g|%)``: ``+`` shows the
        sign, ``,`` groups thousands, ``.N`` gives N decimals.  ``g`` keeps up to
        N significant decimals (default 6) without trailing zeros.

    Returns
    -------
    str
        Rounded half-up on the decimal value (``60,005`` -> ``"60,01"``, the
        published rounding); a value that rounds to zero never shows ``-0``.

    Raises
    ------
    ValueError
        On an unknown language or a spec outside the forms above.

    Examples
    --------
    >>> fmt_number(1234.5, "id", ",.2f")
    '1.234,50'
    >>> fmt_number(72.75, "id"), fmt_number(0.38, "en")
    ('72,75', '0.38')
    >>> fmt_number(-0.001, "id", "+.2f")
    '0,00'
    """
    from babel.numbers import format_decimal

    check_lang(lang)
    m = _SPEC.match(spec)
    if m is None:
        raise ValueError(f"unsupported number format {spec!r}; use e.g. '.2f', ',.0f', '+.3f', 'g'")
    kind = m["kind"] or "g"
    prec = int(m["prec"]) if m["prec"] is not None else (0 if kind == "d" else 6 if kind == "g" else 2)
    number = decimal.Decimal(repr(float(value))) if not isinstance(value, int) else decimal.Decimal(value)
    if kind == "%":
        number *= 100
    integer = "#,##0" if m["group"] else "0"
    decimals = ("." + ("0" if kind in "f%" else "#") * prec) if prec and kind != "d" else ""
    with decimal.localcontext() as ctx:
        ctx.rounding = decimal.ROUND_HALF_UP
        quantum = decimal.Decimal(1).scaleb(-(prec if kind != "d" else 0))
        rounded = number.quantize(quantum) if number.is_finite() else number
        if rounded == 0:
            rounded = abs(rounded)
        pattern = integer + decimals
        if m["sign"] == "+" and rounded != 0:
            pattern = f"+{pattern};-{pattern}"
        text = format_decimal(rounded, format=pattern, locale=_LOCALES[lang])
    if m["sign"] == "+" and rounded == 0:
        text = text.lstrip("+")
    return text + ("%" if kind == "%" else "")


class LocalNumber(float):
    """A float that formats itself in the report language inside ``str.format`` (``{x:.2f}``)."""

    lang = "id"

    def __new__(cls, value, lang: str = "id"):
        """Wrap ``value``; ``lang`` decides the notation."""
        obj = super().__new__(cls, value)
        obj.lang = lang
        return obj

    def __format__(self, spec: str) -> str:
        """Format through :func:`fmt_number`."""
        return fmt_number(float(self), self.lang, spec or "g")


def localize_fields(lang: str, fields: dict) -> dict:
    """``fields`` with every float wrapped so ``{x:.2f}`` gives ``72,75`` when ``lang`` is "id"."""
    return {k: LocalNumber(v, lang) if isinstance(v, float) else v for k, v in fields.items()}


# --------------------------------------------------------------------------- labels of analysis keys

def player_label(name: str, lang: str = "id") -> str:
    """Display name of a Shapley player or decomposition part (variable, lever, ``others``, ``rules``).

    >>> player_label("Institusi", "en"), player_label("others", "id")
    ('Institutions', 'Perubahan skor pemda lain')
    """
    for key in (f"player_{name}", f"component_{name}"):
        if key in CATALOGUE:
            return t(key, lang)
    return t(name, lang)


def component_label(component: str, lang: str = "id", framework=None) -> str:
    """Label of a score component key (``spd_2a``, ``sid_19``, ``empty_seats``, ``count_score``, ``rules``).

    Indicator keys are labelled "2a. <indicator name>" from the framework's
    indicator table (default: the newest framework); ``empty_seats`` names the
    framework's divisor floor ("MAX(12, n)" under the 2026 rules).
    """
    from ..frameworks import latest_framework

    fw = framework if framework is not None else latest_framework()
    col = "name_id" if check_lang(lang) == "id" else "name_en"
    if component.startswith(("spd_", "sid_")):
        row_id = component[4:]
        names = fw.indicators.set_index("row_id")
        if row_id in names.index:
            return f"{row_id}. {names.loc[row_id, col]}"
    if component == "empty_seats":
        return t("component_empty_seats", lang, floor=fw.divisor_floor)
    return player_label(component, lang)


def level_plural(level: str, lang: str = "id") -> str:
    """"kabupaten" -> "regencies" in English (cluster names in running text)."""
    return t(f"level_plural_{level}", lang) if f"level_plural_{level}" in CATALOGUE else t(level, lang)


def feature_label(column: str, lang: str = "id", *, short: bool = False, framework=None) -> str:
    """Readable label of an OPD-profile column.

    SID columns use the indicator names of ``framework`` (the framework of the data's
    year: :func:`iid_research.frameworks.framework_for_years`; default the newest), e.g.
    ``"sid_19_mean_level"`` -> "19 Alat Kerja (rata-rata level)"; with
    ``short=True`` they read "SID 19 Alat Kerja" (for running text).  Unknown
    columns are returned unchanged.

    >>> from iid_research.frameworks import framework_for_year
    >>> feature_label("sid_35_mean_level", "id", short=True, framework=framework_for_year(2024))
    'SID 35 Kualitas Inovasi Daerah'
    """
    from ..frameworks import latest_framework

    check_lang(lang)
    if f"feature_{column}" in CATALOGUE:
        return t(f"feature_{column}", lang)
    if column.startswith("sid_") and column.endswith("_mean_level"):
        no = int(column.split("_")[1])
        sid = (framework if framework is not None else latest_framework()).sid.set_index("indicator_no")
        name = sid.loc[no, "name_id" if lang == "id" else "name_en"] if no in sid.index else str(no)
        return t("feature_sid_short" if short else "feature_sid_mean_level", lang, no=no, name=name)
    if column.startswith("jenis_") and column.endswith("_share"):
        cat = column[len("jenis_"):-len("_share")]
        return t("feature_jenis_share", lang, cat=t(f"lan_jenis_{cat}", lang) if f"lan_jenis_{cat}" in CATALOGUE
                 else cat.replace("_", " "))
    return column


def archetype_label(row, lang: str = "id") -> str:
    """Name of a cluster from its archetype keys (``archetype_level``, ``archetype_focus``, ``archetype_suffix``).

    ``row`` is any object with those attributes or keys (a row of
    ``OPDClusterer.archetypes_``).  Level "high" with focus
    "jenis_digital_share" reads "pelopor layanan digital" / "digital service
    leaders"; a suffix 2 appends " (2)"; level "none" (the one group of a model
    that found no clear groups) reads "semua OPD (tidak ada kelompok yang jelas)".

    >>> archetype_label({"archetype_level": "high", "archetype_focus": "jenis_digital_share",
    ...                  "archetype_suffix": 0}, "en")
    'digital service leaders'
    """
    def get(key):
        return row[key] if isinstance(row, dict) else getattr(row, key)

    level, focus, suffix = get("archetype_level"), get("archetype_focus"), int(get("archetype_suffix") or 0)
    if level in ("dormant", "noise", "none") or not focus:
        name = t(f"archetype_{level}", lang)
    else:
        name = t(f"archetype_{level}_focus", lang, focus=t(f"focus_{focus}", lang))
    return f"{name} ({suffix})" if suffix else name
