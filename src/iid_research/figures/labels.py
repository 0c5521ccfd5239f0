"""Reader-facing text inside figures: numbers in the report's notation, and text alternatives.

Numbers
    :class:`LocalFormatter` writes tick labels through :func:`iid_research.text.fmt_number`
    (Babel), the formatter of the report tables: in Indonesian ``0,5`` and ``10.000``.
    :func:`localize` puts it on every plain numeric axis of a figure (colour bars and twin
    axes included); every plot function calls it, and the notebook display calls it again
    on each figure it shows, so axes a notebook adds itself are covered too.

Text alternatives
    Every plot function describes what it drew with :func:`describe`: what the figure
    shows and its key number, in the report language ("Garis: peringkat Kabupaten Blora
    per tahun: 2021: 80, 2022: 16, 2023: 12").  matplotlib has no field for this, so the
    descriptions live in a small registry keyed (weakly) by the Axes; :func:`alt_text`
    joins the descriptions of a figure's Axes, each after its title, into the text the
    report gives the image as ``alt`` (:mod:`iid_research.notebook.images`).  A figure
    without any description falls back to its titles and axis labels.
"""

from __future__ import annotations

import weakref

from matplotlib.ticker import ScalarFormatter

from ..text import check_lang, fmt_number

_DESCRIPTIONS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


class LocalFormatter(ScalarFormatter):
    """Tick labels in the report language's notation (``0,5``, ``10.000`` in Indonesian).

    matplotlib's :class:`~matplotlib.ticker.ScalarFormatter` chooses how many decimals the
    ticks of an axis need; the label is then written by :func:`iid_research.text.fmt_number`
    with that many decimals and grouped thousands.  No offset and no scientific notation
    (a reader sees ``1.500.000``, not ``1.5e6``).

    Parameters
    ----------
    lang : {"id", "en"}

    Raises
    ------
    ValueError
        If ``lang`` is not "id" or "en".
    """

    def __init__(self, lang: str = "id"):
        super().__init__(useOffset=False, useMathText=False)
        self.set_scientific(False)
        self.lang = check_lang(lang)

    def __call__(self, x, pos=None):
        """The label of tick value ``x``: the decimals matplotlib chose, in the report notation."""
        plain = super().__call__(x, pos)
        if not plain:
            return plain
        decimals = len(plain.rpartition(".")[2]) if "." in plain else 0
        return self.fix_minus(fmt_number(float(x), self.lang, f",.{decimals}f"))


def localize(ax_or_fig, lang: str = "id"):
    """Give every plain numeric axis of the figure a :class:`LocalFormatter`; return the argument.

    Parameters
    ----------
    ax_or_fig : matplotlib Axes or Figure
        With an Axes, every Axes of its figure is localized (twin axes and colour bars
        are separate Axes of the same figure).
    lang : {"id", "en"}

    Notes
    -----
    Only axes whose formatter is matplotlib's default :class:`~matplotlib.ticker.ScalarFormatter`
    change: categorical axes, tick labels set by hand and log axes keep theirs.
    """
    fig = ax_or_fig.figure if hasattr(ax_or_fig, "xaxis") else ax_or_fig
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            if type(axis.get_major_formatter()) is ScalarFormatter:
                axis.set_major_formatter(LocalFormatter(lang))
    return ax_or_fig


def describe(ax, text: str):
    """Attach the text alternative ``text`` to ``ax`` (what it shows, its key number); return ``ax``.

    A second call replaces the first.  Plot functions call this last, with text from
    the catalogue in the report language.
    """
    _DESCRIPTIONS[ax] = " ".join(str(text).split())
    return ax


def description(ax) -> str:
    """The text set by :func:`describe` for ``ax`` ("" when none)."""
    return _DESCRIPTIONS.get(ax, "")


def alt_text(fig) -> str:
    """The text alternative of a figure: each described Axes' title and description, in order.

    Parameters
    ----------
    fig : matplotlib Figure

    Returns
    -------
    str
        ``"<title>: <description>"`` per described Axes (just the description when the Axes
        has no title or the description already contains it), joined by spaces.  Without
        any description: the titles and axis labels of the figure, e.g.
        ``"Sebaran nilai IID (Tahun; Nilai IID)"``; "" for a figure with no text at all.
    """
    parts = []
    for ax in fig.axes:
        desc = _DESCRIPTIONS.get(ax, "")
        if desc:
            title = ax.get_title().strip()
            parts.append(f"{title}: {desc}" if title and title not in desc else desc)
    if parts:
        return " ".join(parts)
    for ax in fig.axes:
        title = ax.get_title().strip()
        labels = "; ".join(x for x in (ax.get_xlabel().strip(), ax.get_ylabel().strip()) if x)
        if title or labels:
            parts.append(f"{title} ({labels})" if title and labels else title or labels)
    return " ".join(parts)


def join_values(pairs, lang: str = "id", spec: str = ".2f", limit: int = 3) -> str:
    """``"A (1,50); B (-0,25)"``: the first ``limit`` (label, value) pairs, values by ``spec``."""
    return "; ".join(f"{label} ({fmt_number(value, lang, spec)})" for label, value in list(pairs)[:limit])
