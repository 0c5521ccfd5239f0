"""Reading CSV/TXT/TSV files into a :class:`~.grid.Sheet`: encodings line by line, separators, and
rows that have more fields than the header (decimal commas written without quotes)."""

from __future__ import annotations

import csv
import io
import itertools
import re
from pathlib import Path

from .cells import column_letter
from .grid import Sheet


def _looks_utf16(data: bytes) -> str | None:
    """``"utf-16-le"``/``"utf-16-be"`` when every other byte of the start is a NUL (UTF-16 without BOM)."""
    sample = data[:4096]
    if len(sample) < 4:
        return None
    sample = sample[: len(sample) - len(sample) % 2]
    half = len(sample) // 2
    even = sum(1 for b in sample[0::2] if b == 0) / half
    odd = sum(1 for b in sample[1::2] if b == 0) / half
    if odd > 0.3 and even < 0.05:
        return "utf-16-le"
    if even > 0.3 and odd < 0.05:
        return "utf-16-be"
    return None


def decode(data: bytes, label: str, warnings: list) -> tuple[str, str, list[int]]:
    """Decode CSV bytes.

    UTF-8 (with or without BOM) and UTF-16 with BOM as they are; UTF-16 without a BOM is recognised from
    its NUL bytes; a file that is UTF-8 except for some lines has those lines read as Windows-1252 (each
    named in a warning by the caller); a file with no valid UTF-8 line is read as Windows-1252.

    Returns
    -------
    (text, encoding, lines read as Windows-1252 (1-based line numbers))
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16", []
    bom = data.startswith(b"\xef\xbb\xbf")
    if bom:
        data = data[3:]
    else:
        wide = _looks_utf16(data)
        if wide:
            try:
                text = data.decode(wide)
            except UnicodeDecodeError as exc:
                raise ValueError(f"{label}: looks like UTF-16 text without a byte-order mark (every other byte is "
                                 f"0) but cannot be read as {wide.upper()} ({exc.reason} at byte {exc.start}); save "
                                 "it again as 'CSV UTF-8'") from None
            warnings.append(f"{label} is UTF-16 text without a byte-order mark; read as {wide.upper()}. Save as "
                            "'CSV UTF-8' to avoid this.")
            return text, wide, []
    enc = "utf-8-sig" if bom else "utf-8"
    try:
        return data.decode("utf-8"), enc, []
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    lines = data.split(b"\n")
    bad, good = [], 0
    for i, line in enumerate(lines):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
            good += 1
        except UnicodeDecodeError:
            bad.append(i)
    if good:  # a UTF-8 file with a few lines pasted from a Windows-1252 source: decode line by line
        bad_set = set(bad)
        text = "\n".join(_decode_1252(ln) if i in bad_set else ln.decode("utf-8") for i, ln in enumerate(lines))
        return text, f"{enc}+cp1252", [i + 1 for i in bad]
    try:
        text = data.decode("cp1252")
        enc = "cp1252"
    except UnicodeDecodeError:
        text = data.decode("latin-1")
        enc = "latin-1"
    warnings.append(f"{label} is not valid UTF-8 (first bad byte at offset {first_bad}); read as "
                    f"{'Windows-1252' if enc == 'cp1252' else 'Latin-1'}. Check accented names; save as "
                    "'CSV UTF-8' to avoid this.")
    return text, enc, []


def _decode_1252(line: bytes) -> str:
    try:
        return line.decode("cp1252")
    except UnicodeDecodeError:
        return line.decode("latin-1")


def sniff_delimiter(lines: list[str]) -> str:
    """The separator (``,`` ``;`` tab ``|``) that splits the most sample lines into the same number of fields."""
    best, best_score = ",", -1
    for delim in (",", ";", "\t", "|"):
        counts = []
        try:
            for r in csv.reader(lines, delimiter=delim):
                if len(r) > 1:
                    counts.append(len(r))
        except csv.Error:
            pass  # the full read reports it with the row number
        if not counts:
            continue
        mode = max(set(counts), key=lambda k: (counts.count(k), k))
        score = counts.count(mode) * (mode - 1)
        if score > best_score:
            best, best_score = delim, score
    return best


def read_csv_sheet(path: Path, label: str, warnings: list) -> tuple[Sheet, str]:
    """The one table of a CSV/TXT/TSV file as a :class:`Sheet`, and the encoding used."""
    text, enc, odd_lines = decode(path.read_bytes(), label, warnings)
    sample = [ln for ln in text.splitlines()[:60] if ln.strip()]
    delim = "\t" if path.suffix.lower() == ".tsv" else sniff_delimiter(sample)
    rows, row_of_line = [], {}
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
    last_line = 0
    try:
        for r in reader:
            rows.append(list(r))
            for ln in range(last_line + 1, reader.line_num + 1):
                row_of_line[ln] = len(rows)
            last_line = reader.line_num
    except csv.Error as exc:
        detail = str(exc)
        if "field larger than field limit" in detail:
            detail = (f"a cell holds more than {csv.field_size_limit():,} characters ({exc}); an unclosed "
                      "quote (\") usually swallows the rest of the file")
        raise ValueError(f"{label} row {len(rows) + 1}: cannot read the CSV: {detail}. Expected a table of "
                         "short cells separated by ',', ';', tab or '|'") from None
    if odd_lines:
        shown = ", ".join(f"row {row_of_line.get(ln, ln)}" for ln in odd_lines[:20])
        warnings.append(f"{label} is UTF-8 except {len(odd_lines)} line(s) in Windows-1252 ({shown}"
                        f"{' ...' if len(odd_lines) > 20 else ''}); those lines were read as Windows-1252: check "
                        "their accented letters. Save as 'CSV UTF-8' to avoid this.")
    return Sheet(label, rows, delimiter=delim), enc


# --------------------------------------------------------------------------- rows wider than the header

_WHOLE = re.compile(r"^[+-]?(?:\d{1,3}(?:\.\d{3})+|\d+)$")
_DIGITS = re.compile(r"^\d+$")


def extent(row) -> int:
    """Number of cells up to the last non-empty one."""
    for i in range(len(row) - 1, -1, -1):
        if row[i] is not None:
            return i + 1
    return 0


def _merge_options(row, extra: int, width: int) -> list[tuple[int, ...]]:
    """Header columns where joining a field with the next (``"82"`` + ``"80"``) gives ``width`` fields."""
    n = width + extra
    cells = [row[p] if p < len(row) else None for p in range(n)]
    starts = [p for p in range(n - 1) if isinstance(cells[p], str) and isinstance(cells[p + 1], str)
              and _WHOLE.match(cells[p]) and _DIGITS.match(cells[p + 1])]
    options = []
    for combo in itertools.combinations(starts, extra):
        if any(b - a < 2 for a, b in zip(combo, combo[1:])):
            continue  # "1,234,5": a number split twice is not a decimal comma
        options.append(tuple(p - k for k, p in enumerate(combo)))
    return options


def _merged(row, extra: int, width: int, columns: tuple[int, ...]) -> list:
    out, p = [], 0
    for c in range(width):
        if c in columns:
            out.append(f"{row[p]},{row[p + 1]}")
            p += 2
        else:
            out.append(row[p] if p < len(row) else None)
            p += 1
    return out + [None] * max(0, len(row) - p)


def repair_decimal_commas(sheet: Sheet, start: int, width: int, header: list[str], prefer=(), stop=None,
                          warnings: list | None = None) -> dict[int, tuple[int, str]]:
    """Rows of a comma-separated file with more fields than the header (``"1,Kab. Blora,82,80,1"``).

    When every such row has its extra field(s) in the same place, each joining two whole numbers
    (``"82"``, ``"80"``), the file writes decimal commas without quotes: the rows are joined back in place
    (``"82,80"``) and a warning says so.  Otherwise each such row is returned as an error.  Columns in
    ``prefer`` (the numeric columns with decimals, e.g. the score) decide between two possible places.

    Parameters
    ----------
    sheet : Sheet
        Changed in place.
    start : int
        0-based header row; rows below it up to ``stop`` (exclusive) are checked.
    width : int
        Number of header columns.
    header : list of str
        Header text of each column, for messages.

    Returns
    -------
    dict
        0-based row index -> (0-based column to name, reason) for rows that could not be read.
    """
    if sheet.delimiter != ",":
        return {}
    rows = sheet.rows
    stop = len(rows) if stop is None else stop
    long_rows = [i for i in range(start + 1, stop) if extent(rows[i]) > width]
    if not long_rows:
        return {}
    chosen, errors = {}, {}
    for i in long_rows:
        extra = extent(rows[i]) - width
        options = _merge_options(rows[i], extra, width)
        preferred = [o for o in options if set(o) <= set(prefer)]
        options = preferred or options
        chosen[i] = options
    repairable = [i for i in long_rows if chosen[i]]
    places = {chosen[i][0] for i in repairable if len(chosen[i]) == 1}
    consistent = bool(repairable) and all(len(chosen[i]) == 1 for i in repairable) and len(places) == 1

    def name(c):
        return header[c] if c < len(header) else column_letter(c)

    if consistent:
        place = places.pop()
        for i in repairable:
            extra = extent(rows[i]) - width
            rows[i] = _merged(rows[i], extra, width, place)
        if warnings is not None:
            first = repairable[0]
            shown = "; ".join(f"{name(c)!r} row {first + 1}: {rows[first][c]!r}" for c in place)
            warnings.append(f"{sheet.label}: {len(repairable)} row(s) have {len(place)} field(s) more than the "
                            f"header because decimal commas are written without quotes in a comma-separated "
                            f"file; read as decimal numbers ({shown}). Save with ';' as separator or quote the "
                            "numbers to avoid this.")
    for i in long_rows:
        if consistent and i in repairable:
            continue
        n = extent(rows[i])
        col = chosen[i][0][0] if chosen[i] else width - 1
        where = (" (decimal commas in different places on different rows)" if chosen[i] else
                 " (a comma inside a name or text)")
        errors[i] = (col, f"the row has {n} fields but the header has {width}: a ',' inside a value without quotes"
                          f"{where} shifts the values into the wrong columns (cell {column_letter(width)}{i + 1} "
                          f"is beyond the last column {name(width - 1)!r}); quote the value or save the file with "
                          "';' as separator")
    return errors
