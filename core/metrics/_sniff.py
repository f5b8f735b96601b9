"""Sniffing a CSV score file: its encoding, header, delimiter and decimal mark, and a sample of rows.

- **Encoding**: UTF-8 with or without a byte-order mark, GBK (Excel on Chinese Windows), UTF-16 with a
  byte-order mark (Excel's "Unicode text"). Anything else, or binary data, is refused.
- **Delimiter**: comma, semicolon, tab or ``|``, sniffed from the header and the first lines (an Excel
  ``sep=;`` first line is honoured). With ``;`` or tab, numbers may use a decimal comma (``0,75``).
- **Header**: the first non-blank line; it must name at least two columns, each once, and not be data.

The result, :class:`Document`, is what the CSV parser reads (the buffer, where the body starts) and a
:class:`~core.metrics._columns.ColumnSample` for the column guessing (the sampled rows: head, middle
and tail of the file).

``benchmarks/bench_sniff.py`` measures DuckDB's CSV sniffer (``sniff_csv``) on the same job: it does
not do it (see its docstring for the figures), so the sniffing is ours.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass

import numpy as np

from core.metrics._columns import ColumnSample, check_header, header_columns
from core.metrics._score_file import (
    DECIMAL_COMMA_NUMBER,
    MISSING,
    NOT_CSV,
    SAVE_AS,
    ScoreFileError,
    is_number,
)
from core.metrics._sources import EXTRA_SAMPLE_BYTES, SAMPLE_BYTES

_DELIMITERS = (",", ";", "\t", "|")
_SAMPLE_ROWS = 2000

_MAGIC = (
    (b"PK\x03\x04", "looks_like_xlsx", "an Excel workbook (.xlsx) or a zip archive"),
    (b"\xd0\xcf\x11\xe0", "looks_like_xls", "an old Excel workbook (.xls)"),
    (b"\x1f\x8b", "looks_like_gzip", "a gzip-compressed file"),
    (b"%PDF", "looks_like_pdf", "a PDF document"),
    (b"\x89PNG", "looks_like_png", "a PNG image"),
    (b"\xff\xd8\xff", "looks_like_jpeg", "a JPEG image"),
)


def _check_binary(head: bytes | bytearray) -> None:
    """Refuse well-known binary formats and data with NUL or many control bytes."""
    for magic, kind, what in _MAGIC:
        if head.startswith(magic):
            raise ScoreFileError(f"metrics.{kind}", f"{NOT_CSV}: it looks like {what}; {SAVE_AS}.")
    sample = bytes(head[:SAMPLE_BYTES])
    control = sum(sample.count(bytes([c])) for c in range(32) if c not in (9, 10, 12, 13))
    if b"\x00" in sample or control > max(2, len(sample) // 1000):
        raise ScoreFileError("metrics.binary_file", f"{NOT_CSV} (it contains binary data); {SAVE_AS}.")


def _first_non_ascii(buf: bytes | bytearray, start: int) -> int:
    """Offset of the first byte >= 128 in buf[start:], or -1 (no copy of buf)."""
    if start == 0 and buf.isascii():
        return -1
    view = np.frombuffer(buf, dtype=np.uint8)
    step = 1 << 23
    for lo in range(start, len(view), step):
        chunk = view[lo : lo + step]
        if chunk.max(initial=0) >= 128:
            return lo + int(np.argmax(chunk >= 128))
    return -1


def whole_lines(data: bytes) -> bytes:
    """data cut after its last line end (so no multi-byte character is split), if it has one."""
    last = max(data.rfind(b"\n"), data.rfind(b"\r"))
    return data[: last + 1] if last > 0 else data


def _is_utf8_near(buf: bytes | bytearray, pos: int) -> bool:
    """Whether the lines from the one holding buf[pos] on (64 KB of them) are valid UTF-8."""
    line_start = max(buf.rfind(b"\n", 0, pos), buf.rfind(b"\r", 0, pos)) + 1
    window = bytes(buf[line_start : line_start + SAMPLE_BYTES])
    if line_start + SAMPLE_BYTES < len(buf):
        window = whole_lines(window)
    try:
        window.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _transcode(buf: bytes | bytearray, start: int, codec: str) -> bytes:
    """buf[start:] decoded with codec and re-encoded as UTF-8, in slices (bounded extra memory)."""
    decoder = codecs.getincrementaldecoder(codec)()
    parts = []
    step = 1 << 23
    with memoryview(buf) as view:
        for lo in range(start, len(buf), step):
            try:
                text = decoder.decode(view[lo : lo + step], final=lo + step >= len(buf))
            except UnicodeDecodeError as exc:
                at = f"{lo + exc.start:,}"
                raise ScoreFileError(
                    "metrics.undecodable_at",
                    f"{NOT_CSV}: it is neither UTF-8 nor GBK text (undecodable bytes near byte {at}); "
                    f"{SAVE_AS}.",
                    at=at,
                ) from exc
            parts.append(text.encode("utf-8"))
    return b"".join(parts)


def detect_encoding(
    data: bytes | bytearray, *, text_source: bool, partial: bool
) -> tuple[bytes | bytearray, int, str, str]:
    """(buffer for Arrow, offset past any BOM, encoding to report, codec of the header and samples).

    UTF-8 is tried first, GBK second. The buffer is the input itself unless the rows must be
    transcoded to UTF-8 (UTF-16, or GBK with non-ASCII data rows). Only the first non-ASCII line is
    test-decoded: Arrow checks the UTF-8 of the text columns it reads, and numbers are ASCII.
    partial: data is only the head of the file (detect_columns), so nothing is transcoded.
    """
    if text_source:
        return data, 3 if data.startswith(codecs.BOM_UTF8) else 0, "text", "utf-8"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = bytes(data).decode("utf-16", errors="ignore" if partial else "strict")
        except UnicodeDecodeError as exc:
            raise ScoreFileError(
                "metrics.broken_utf16", f"{NOT_CSV} (broken UTF-16 text); {SAVE_AS}."
            ) from exc
        converted = text.encode("utf-8")
        _check_binary(converted[:SAMPLE_BYTES])
        return converted, 0, "utf-16", "utf-8"
    _check_binary(data[:SAMPLE_BYTES])
    if b"\x00" in data:
        raise ScoreFileError("metrics.binary_file", f"{NOT_CSV} (it contains binary data); {SAVE_AS}.")
    if data.startswith(codecs.BOM_UTF8):
        return data, 3, "utf-8-sig", "utf-8"
    first_high = _first_non_ascii(data, 0)
    if first_high < 0 or _is_utf8_near(data, first_high):
        return data, 0, "utf-8", "utf-8"
    try:
        whole_lines(bytes(data[: first_high + SAMPLE_BYTES])).decode("gbk")
    except UnicodeDecodeError as exc:
        raise ScoreFileError(
            "metrics.undecodable", f"{NOT_CSV} (it is neither UTF-8 nor GBK text); {SAVE_AS}."
        ) from exc
    if partial or _first_non_ascii(data, Document.header_end(data, 0)) < 0:
        return data, 0, "gbk", "gbk"  # only the header is Chinese: Arrow reads the ASCII rows as they are
    return _transcode(data, 0, "gbk"), 0, "gbk", "utf-8"


def split_line(line: str, delimiter: str) -> list[str]:
    return next(csv.reader([line], delimiter=delimiter), [])


@dataclass
class Document(ColumnSample):
    """A score file after decoding and sniffing: what the parser and the guessing need."""

    buf: bytes | bytearray  # what Arrow parses: UTF-8 (or an ASCII body under a GBK header)
    body_start: int  # offset in buf of the first data row
    newline: bytes
    encoding: str
    delimiter: str
    decimal: str
    columns: list[str]
    sample: dict[str, list[str]]  # column -> sample values (stripped), head + middle + tail
    quoted: bool  # the body contains a quote character

    # -- construction ---------------------------------------------------------------------------

    @classmethod
    def from_bytes(cls, data: bytes | bytearray, *, text_source: bool = False) -> Document:
        """The whole file: encoding checked (GBK rows transcoded to UTF-8) and header sniffed."""
        buf, start, encoding, codec = detect_encoding(data, text_source=text_source, partial=False)
        extras: list[bytes] = []
        size = len(buf) - start
        if size > SAMPLE_BYTES + 2 * EXTRA_SAMPLE_BYTES:
            middle = start + size // 2
            extras = [
                bytes(buf[middle : middle + EXTRA_SAMPLE_BYTES]),
                bytes(buf[len(buf) - EXTRA_SAMPLE_BYTES :]),
            ]
        return cls._sniff(buf, start, codec=codec, encoding=encoding, extras=extras, partial=False)

    @classmethod
    def from_sample(cls, head: bytes, extras: list[bytes], *, text_source: bool = False) -> Document:
        """Only the head and a few samples of the file: the encoding is judged on the head."""
        buf, start, encoding, codec = detect_encoding(head, text_source=text_source, partial=True)
        if encoding == "utf-16":
            extras = [e.decode(utf16_codec(head), errors="ignore").encode("utf-8") for e in extras]
        partial = bool(extras) or len(head) >= SAMPLE_BYTES
        return cls._sniff(buf, start, codec=codec, encoding=encoding, extras=extras, partial=partial)

    @staticmethod
    def _skip_blank_and_sep(buf: bytes | bytearray, start: int) -> tuple[int, str | None]:
        """(offset of the header line, delimiter given by an Excel 'sep=;' first line)."""
        pos, forced = start, None
        while pos < len(buf):
            end = line_end(buf, pos)
            line = bytes(buf[pos:end]).strip(b"\r\n")
            if not line.strip():
                pos = end
                continue
            if forced is None and line[:4].lower() == b"sep=" and len(line) == 5:
                forced = line[4:5].decode("ascii", errors="replace")
                pos = end
                continue
            break
        return pos, forced

    @classmethod
    def header_end(cls, buf: bytes | bytearray, start: int) -> int:
        """Offset just past the header line."""
        pos, _ = cls._skip_blank_and_sep(buf, start)
        return line_end(buf, pos)

    @classmethod
    def _sniff(
        cls,
        buf: bytes | bytearray,
        start: int,
        *,
        codec: str,
        encoding: str,
        extras: list[bytes],
        partial: bool,
    ) -> Document:
        """Header, delimiter, decimal mark and a sample of rows (partial: buf is only the file's head)."""
        if not bytes(buf[start : start + SAMPLE_BYTES]).strip():
            raise ScoreFileError(
                "metrics.file_empty", "The file is empty: it needs a header line (e.g. label,score) and rows."
            )
        header_at, forced = cls._skip_blank_and_sep(buf, start)
        body_start = line_end(buf, header_at)
        newline = b"\r" if buf[body_start - 1 : body_start] == b"\r" else b"\n"
        head = bytes(buf[body_start : body_start + SAMPLE_BYTES])
        truncated = partial or body_start + SAMPLE_BYTES < len(buf)  # the last sample row may be cut
        if truncated:
            head = whole_lines(head)
        try:
            header_text = bytes(buf[header_at:body_start]).decode(codec).strip("\r\n")
            head_text = head.decode(codec)
        except UnicodeDecodeError as exc:
            raise ScoreFileError(
                "metrics.undecodable", f"{NOT_CSV} (it is neither UTF-8 nor GBK text); {SAVE_AS}."
            ) from exc
        all_lines = re.split(r"\r\n|\r|\n", head_text)
        lines = [ln for ln in all_lines if ln.strip()][:_SAMPLE_ROWS]

        delimiter = forced or sniff_delimiter(header_text, lines)
        header = [c.strip() for c in split_line(header_text, delimiter)]
        check_header(header, has_rows=bool(lines))
        width = len(header)
        rows = []
        reader = csv.reader(io.StringIO(head_text, newline=""), delimiter=delimiter)
        for row in reader:
            if row and len(row) != width and not (truncated and reader.line_num >= len(all_lines) - 1):
                line = buf.count(newline, 0, header_at) + 1 + reader.line_num
                raise width_error(line, len(row), width, delimiter.join(row), delimiter)
            if len(row) == width:
                rows.append(row)
        for extra in extras:
            parts = re.split(r"\r\n|\r|\n", extra.decode(codec, errors="replace"))[1:-1]  # whole lines
            rows.extend(r for r in csv.reader(parts, delimiter=delimiter) if len(r) == width)
        decimal = "."
        if delimiter != "," and any(DECIMAL_COMMA_NUMBER.match(v.strip()) for r in rows[:200] for v in r):
            decimal = ","
        columns = header_columns(header, header_text, decimal)
        return cls(
            buf=buf,
            body_start=body_start,
            newline=newline,
            encoding=encoding,
            delimiter=delimiter,
            decimal=decimal,
            columns=columns,
            sample={name: [row[k].strip() for row in rows] for k, name in enumerate(columns)},
            quoted=buf.find(b'"', body_start) >= 0,
        )

    # -- questions about the sample --------------------------------------------------------------

    def is_numeric(self, column: str, *, share: float = 1.0) -> bool:
        """At least `share` of the non-missing sample values (and at least one) are numbers."""
        values = [v for v in self.sample[column] if v.lower() not in MISSING]
        numbers = sum(is_number(v, self.decimal) for v in values)
        return numbers > 0 and numbers >= share * len(values)

    def sample_label_counts(self, column: str) -> dict[str, int]:
        """Distinct non-missing values of a column in the sample, with counts, in order of appearance."""
        counts: dict[str, int] = {}
        for value in self.sample[column]:
            if value.lower() not in MISSING:
                counts[value] = counts.get(value, 0) + 1
        return counts


def utf16_codec(head: bytes) -> str:
    return "utf-16-le" if head.startswith(codecs.BOM_UTF16_LE) else "utf-16-be"


def line_end(buf: bytes | bytearray, pos: int) -> int:
    """Offset just past the line starting at pos (handles \\n, \\r\\n and \\r)."""
    n = buf.find(b"\n", pos)
    r = buf.find(b"\r", pos)
    if n < 0 and r < 0:
        return len(buf)
    if n < 0 or (0 <= r < n - 1):
        return r + 1
    return n + 1


def sniff_delimiter(header: str, lines: list[str]) -> str:
    """The delimiter that splits the header into >= 2 fields and the most sample lines alike."""
    best, best_key = ",", None
    for rank, delimiter in enumerate(_DELIMITERS):
        width = len(split_line(header, delimiter))
        if width < 2:
            continue
        rows = [r for r in csv.reader(lines[:200], delimiter=delimiter) if r]
        agree = sum(len(r) == width for r in rows)
        key = (agree == len(rows), agree, width, -rank)
        if best_key is None or key > best_key:
            best, best_key = delimiter, key
    return best


def width_error(line: int, actual: int, expected: int, text: str, delimiter: str) -> ScoreFileError:
    code, hint = "metrics.width", ""
    if delimiter == "," and actual > expected:
        code, hint = (
            "metrics.width_decimal_comma",
            " If the numbers use a decimal comma (0,75), separate the columns with semicolons or tabs, or"
            " quote the numbers.",
        )
    return ScoreFileError(
        code,
        f"Line {line:,} of the file has {actual} fields where the header has {expected} "
        f"({text[:60]!r}).{hint}",
        line=f"{line:,}",
        actual=actual,
        expected=expected,
        text=repr(text[:60]),
    )
