"""Figures as report images: the smaller of a palette PNG and an SVG, with the figure's text alternative.

:func:`register` (called by :func:`iid_research.notebook.display.setup`) makes IPython
show every matplotlib figure through :func:`figure_bundle`, which

* localizes the figure's numbers (:func:`iid_research.figures.labels.localize`),
* draws it twice, as a PNG at :data:`PNG_DPI` reduced to a 256-colour palette
  (Pillow, zlib level 9) and as an SVG with text kept as text,
* keeps whichever is smaller once embedded in the HTML page (base64 for the PNG,
  :func:`svg_data_uri` for the SVG), and
* puts the figure's text alternative (:func:`iid_research.figures.labels.alt_text`)
  and its display size into the output's metadata: ``{mime: {"alt": ..., "width": ...,
  "height": ...}}``.

The report template (``render/templates/iid_report``) writes that output as
``<img src="data:..." alt="..." width=... height=...>``.  The environment variable
``IID_FIGURE_FORMAT`` ("png" or "svg"; default "auto") forces one format, e.g. SVG for
print or to read the tick labels of a report's figures.
"""

from __future__ import annotations

import base64
import io
import os
import re
from urllib.parse import quote

from ..figures.labels import alt_text, localize
from ..text import t

PNG_DPI = 100
"""Pixels per inch of report PNGs (an 8-inch figure is 800 px wide, shown 640 CSS px wide)."""

CSS_PX_PER_INCH = 80
"""Display size of a figure in the page: CSS pixels per inch of figure size."""

FORMATS = ("auto", "png", "svg")

# Characters left as they are in an SVG data URI; everything else is percent-encoded (UTF-8).
# Not left: '"' and '&' (HTML attribute), '%' and '#' (URL syntax), '<' and '>' (kept out of
# the attribute so no HTML tool escapes them again).
_URI_SAFE = " !$'()*+,-./:;=?@[]^_`{|}~"


def svg_data_uri(svg: str) -> str:
    """``data:image/svg+xml,...`` for an SVG document, percent-encoded only where a URI needs it.

    The result can be written into a double-quoted HTML attribute as it is.

    Examples
    --------
    >>> svg_data_uri('<svg a="1">50% & #1</svg>')
    'data:image/svg+xml,%3Csvg a=%221%22%3E50%25 %26 %231%3C/svg%3E'
    """
    return "data:image/svg+xml," + quote(svg, safe=_URI_SAFE)


def png_data_uri(png_base64: str) -> str:
    """``data:image/png;base64,...`` for a base64-encoded PNG."""
    return "data:image/png;base64," + png_base64


def png_bytes(fig, dpi: int = PNG_DPI) -> bytes:
    """The figure as a PNG with a 256-colour palette (cropped to its content like the notebook's inline images).

    Charts have few colours; the palette keeps antialiased edges and colour ramps
    visually unchanged and makes the file about a third of matplotlib's RGBA PNG.
    """
    from PIL import Image

    raw = io.BytesIO()
    fig.savefig(raw, format="png", dpi=dpi, bbox_inches="tight")
    image = Image.open(raw).convert("RGBA")
    flat = Image.alpha_composite(Image.new("RGBA", image.size, "white"), image).convert("RGB")
    out = io.BytesIO()
    flat.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(out, format="PNG", optimize=True)
    return out.getvalue()


def svg_text(fig) -> str:
    """The figure as a compact SVG document: text as text (system fonts), no metadata, no indentation."""
    import matplotlib as mpl

    out = io.StringIO()
    with mpl.rc_context({"svg.fonttype": "none", "svg.hashsalt": "iid-research"}):
        fig.savefig(out, format="svg", bbox_inches="tight",
                    metadata={"Date": None, "Creator": None, "Format": None, "Type": None})
    svg = out.getvalue()
    svg = re.sub(r"<\?xml[^>]*\?>\s*|<!DOCTYPE[^>]*>\s*|<metadata>.*?</metadata>\s*", "", svg, flags=re.S)
    return re.sub(r">\n\s*<", "><", svg).strip()


def _svg_size(svg: str) -> tuple[float, float]:
    """(width, height) of an SVG document in CSS pixels at :data:`CSS_PX_PER_INCH` per inch."""
    m = re.search(r'<svg[^>]*\bwidth="([\d.]+)pt"[^>]*\bheight="([\d.]+)pt"', svg)
    if m is None:
        return 0.0, 0.0
    return float(m[1]) / 72 * CSS_PX_PER_INCH, float(m[2]) / 72 * CSS_PX_PER_INCH


def figure_format() -> str:
    """The figure format asked for by ``IID_FIGURE_FORMAT`` ("auto", "png" or "svg"; default "auto").

    Raises
    ------
    ValueError
        For another value.
    """
    value = os.environ.get("IID_FIGURE_FORMAT", "auto").strip().lower() or "auto"
    if value not in FORMATS:
        raise ValueError(f"IID_FIGURE_FORMAT must be one of {FORMATS}, got {value!r}")
    return value


def figure_bundle(fig, lang: str = "id", fmt: str | None = None) -> tuple[dict, dict]:
    """IPython mime bundle of a figure: one image (the smaller of PNG and SVG) with its alt text.

    Parameters
    ----------
    fig : matplotlib Figure
    lang : {"id", "en"}
        Language of the tick labels and of the fallback text.
    fmt : {"auto", "png", "svg"}, optional
        Default :func:`figure_format`.

    Returns
    -------
    (data, metadata)
        ``data`` maps "image/png" (base64 text) or "image/svg+xml" (SVG text) to the image;
        ``metadata`` maps the same type to ``{"alt", "width", "height"}`` (CSS pixels).
        Both are empty for a figure without Axes.
    """
    fmt = fmt or figure_format()
    if fmt not in FORMATS:
        raise ValueError(f"fmt must be one of {FORMATS}, got {fmt!r}")
    if not fig.axes:
        return {}, {}
    localize(fig, lang)
    alt = alt_text(fig) or t("alt_no_text", lang)
    png = svg = None
    if fmt in ("auto", "png"):
        png = base64.b64encode(png_bytes(fig)).decode("ascii")
    if fmt in ("auto", "svg"):
        svg = svg_text(fig)
    if svg is not None and (png is None or len(svg_data_uri(svg)) < len(png_data_uri(png))):
        width, height = _svg_size(svg)
        mime, payload = "image/svg+xml", svg
    else:
        from PIL import Image

        with Image.open(io.BytesIO(base64.b64decode(png))) as image:
            width, height = (n * CSS_PX_PER_INCH / PNG_DPI for n in image.size)
        mime, payload = "image/png", png
    return {mime: payload}, {mime: {"alt": alt, "width": round(width), "height": round(height)}}


def register(lang: str = "id") -> bool:
    """Show matplotlib figures in this IPython session through :func:`figure_bundle`.

    Removes the inline backend's own figure formatters (PNG, SVG, ...) so each figure
    yields exactly one image.  Returns False (and does nothing) outside IPython.
    """
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with ipykernel
        return False
    ip = get_ipython()
    if ip is None:
        return False
    import matplotlib.pyplot  # noqa: F401  (loads the inline backend, which registers its formatters first)
    from matplotlib.figure import Figure

    figure_format()  # a bad IID_FIGURE_FORMAT fails here, before any figure
    formatter = ip.display_formatter
    for mime_formatter in formatter.formatters.values():
        mime_formatter.pop(Figure, None)
    formatter.mimebundle_formatter.for_type(Figure, lambda fig: figure_bundle(fig, lang))
    return True
