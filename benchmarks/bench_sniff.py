"""Can DuckDB's CSV sniffer do the score reader's sniffing job? Agreement and time, case by case.

    python benchmarks/bench_sniff.py [--repeats 7]

The sniffing job (``core.metrics._sniff``, what ``detect_columns`` and ``load_scores`` do before
parsing): the encoding (UTF-8, UTF-8 with a BOM, GBK, UTF-16 with a BOM), the delimiter (``, ; tab |``,
an Excel ``sep=;`` line), the decimal mark (a decimal comma after ``;`` or tab), and the header (the
column names; a file whose first line is data is refused). The cases are the project's: the bundled
examples, the inline files of ``tests/metrics/test_scores.py``, and a 17 MB file (1M rows).

For each case it prints what ours finds, what DuckDB's ``sniff_csv`` finds (called on the file's path,
as the engine would: no encoding given, since finding it is the job; a file DuckDB refuses is retried
with the encoding ours found, to show what it needs to be told), whether they agree on every item, and the
median time of each (both from the file's path; ours reads 96 KB of samples, DuckDB its sample of
rows). DuckDB has no decimal-mark detection: a decimal-comma column comes out as VARCHAR, so its
"decimal" is ``,`` only if every column we read with a decimal comma is numeric for it, which it never is.

Result (DuckDB 2.0.1, this machine, 2 shared cores): DuckDB agrees on 14 of 20 cases: every UTF-8 (or
UTF-8 with a BOM) file's delimiter and header, and a first line of data. It does not do the job on the
other 6: GBK (3 cases) is refused ("not utf-8"; told ``encoding='gbk'``, it needs the ``encodings``
extension, downloaded from the internet), UTF-16 is refused unless told, a decimal comma is not detected
(2 cases: the columns come out as text), and an Excel ``sep=;`` line is read as the header. Where it
agrees it is slower: 1.2-7 ms per small file against 0.04-0.5 ms, and 28 ms against 7-8 ms on the 17 MB
file. So the score reader keeps its own sniffer (``core.metrics._sniff``) for every case: DuckDB would
have to be told the encoding and the decimal mark that are the job, and on the cases it does alone it
would only add time (ours would still run for the encoding and the decimal mark).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.metrics._sniff import Document  # noqa: E402
from core.metrics._sources import read_sample  # noqa: E402
from core.scores import EXAMPLES, ScoreFileError  # noqa: E402

NUMERIC = {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "FLOAT", "DOUBLE", "BOOLEAN"}


def big_file() -> bytes:
    """1,000,000 rows of id,label,score (about 17 MB)."""
    rng = np.random.default_rng(0)
    n = 1_000_000
    label = (rng.random(n) < 0.3).astype(int)
    score = np.round(rng.random(n), 5)
    rows = "\n".join(f"{i},{y},{s}" for i, y, s in zip(range(n), label, score, strict=True))
    return ("id,label,score\n" + rows + "\n").encode()


def cases() -> dict[str, bytes]:
    """The project's test files: the examples and tests/metrics/test_scores.py's inline files."""
    found = {f"example {name}": path.read_bytes() for name, path in EXAMPLES.items()}
    found.update(
        {
            "comma": b"label,score\n1,0.9\n0,0.2\n1,0.7\n0,0.4\n",
            "UTF-8 BOM, CRLF": b"\xef\xbb\xbflabel,score\r\n1,0.9\r\n0,0.2\r\n",
            "GBK header": "标签,分数,权重\n1,0.9,2\n0,0.2,1\n0,0.5,3\n".encode("gbk"),
            "GBK rows": "真实值,预测概率\n是,0.9\n否,0.2\n是,0.6\n".encode("gbk"),
            "UTF-8 Chinese": "标签,分数\n是,0.9\n否,0.2\n".encode(),
            "UTF-16 tab": "label\tscore\r\n1\t0.5\r\n0\t0.25\r\n".encode("utf-16"),
            "semicolon, decimal comma": b"label;score;other\n1;0,75;1,5e-3\n0;0,25;2\n1;1;-0,5\n",
            "sep=; line": b"sep=;\nlabel;score\n1;0,5\n0;0,25\n",
            "tab": b"label\tscore\n1\t0.75\n0\t0.25\n",
            "pipe": b"label|score\n1|0.75\n0|0.25\n1|0.5\n",
            "blank lines, spaces": b"\n label , score \n\n1, 0.5\n0 ,0.25 \n\n",
            "CR newlines": b"label,score\r1,0.5\r0,0.25\r",
            "pandas index column": (
                b",user_id,label,model_a,model_b,comment\n0,u1,1,0.9,0.7,x\n1,u2,0,0.2,0.4,y\n"
            ),
            "GBK semicolon, decimal comma": (
                "id;标签;model_a;model_b;数量\n1;yes;0,9;0,7;3\n2;no;0,2;0,4;5\n".encode("gbk")
            ),
            "numeric header (data)": b"a,b\n0.1,0.5\n0.2,0.25\n0.3,0.7\n",
            "no header": b"1,0.5\n0,0.25\n",
            "1M rows (17 MB)": big_file(),
        }
    )
    return found


def ours(path: Path) -> dict[str, object]:
    """What the score reader's sniffer finds (or its error)."""
    try:
        head, extras, text_source = read_sample(path)
        doc = Document.from_sample(head, extras, text_source=text_source)
    except ScoreFileError as exc:
        return {"error": str(exc)[:70]}
    encoding = "utf-8" if doc.encoding == "utf-8-sig" else doc.encoding  # DuckDB skips a BOM silently
    # an empty header cell: ours names it "column <k>" (k from 1), DuckDB "column<k-1>"
    header = [f"column{k - 1}" if name == f"column {k}" else name for k, name in enumerate(doc.columns, 1)]
    return {"encoding": encoding, "delimiter": doc.delimiter, "decimal": doc.decimal, "header": header}


def duck(
    con: duckdb.DuckDBPyConnection, path: Path, decimal_columns: set[str], ours_encoding: object
) -> dict[str, object]:
    """What DuckDB's sniff_csv finds, told nothing; when it refuses the bytes, retried with the encoding
    ours found (``ours_encoding``), to show what it must be told."""
    query = "SELECT Delimiter, HasHeader, Columns FROM sniff_csv(?{})"
    errors = []
    attempts = [("utf-8", "")]
    if ours_encoding in ("utf-16", "gbk"):
        attempts.append((ours_encoding, f", encoding='{ours_encoding}'"))
    for encoding, extra in attempts:
        try:
            delimiter, has_header, columns = con.execute(query.format(extra), [str(path)]).fetchone()
        except duckdb.Error as exc:
            lines = [line for line in str(exc).splitlines() if line.strip()]
            errors.append(" ".join(lines[:2]).removeprefix("Invalid Input Error: ")[:60])
            continue
        names = [c["name"] for c in columns]
        numeric = {c["name"] for c in columns if c["type"] in NUMERIC}
        decimal = "," if decimal_columns and decimal_columns <= numeric else "."
        told = "" if encoding == "utf-8" else " (told)"
        return {
            "encoding": encoding + told,
            "delimiter": delimiter,
            "decimal": decimal,
            "header": names if has_header else None,
        }
    told = f"told {attempts[-1][0]}: " if len(attempts) > 1 else ""
    return {"error": told + errors[-1]}


def median_time(function, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def show(found: dict[str, object]) -> str:
    if "error" in found:
        return f"error: {found['error']}"
    header = found["header"]
    names = "no header" if header is None else ",".join(header)[:28]
    return f"{found['encoding']:<14} {found['delimiter']!r:<5} dec {found['decimal']}  {names}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    # no extension downloads (GBK needs DuckDB's "encodings" extension, fetched from the internet)
    con = duckdb.connect(config={"autoinstall_known_extensions": False, "autoload_known_extensions": False})
    print(f"DuckDB {duckdb.__version__}; median of {args.repeats} runs each, from the file's path\n")
    agree_count = 0
    total = {"ours": 0.0, "duckdb": 0.0}
    with tempfile.TemporaryDirectory() as tmp:
        rows = []
        for k, (name, data) in enumerate(cases().items()):
            path = Path(tmp) / f"case{k}.csv"
            path.write_bytes(data)
            mine = ours(path)
            decimal_columns = set()
            if mine.get("decimal") == ",":  # the columns we read with a decimal comma
                doc = Document.from_sample(*read_sample(path)[:2])
                decimal_columns = {
                    c for c in doc.columns if doc.is_numeric(c) and any("," in v for v in doc.sample[c])
                }
            found_encoding = mine.get("encoding")
            theirs = duck(con, path, decimal_columns, found_encoding)
            # a first line of data: ours refuses the file, DuckDB reads it without a header (the same finding)
            no_header = "looks like data" in str(mine.get("error")) and theirs.get("header", ()) is None
            agree = mine == theirs or no_header
            agree_count += agree
            t_ours = median_time(lambda path=path: ours(path), args.repeats)
            t_duck = median_time(
                lambda path=path, cols=decimal_columns, enc=found_encoding: duck(con, path, cols, enc),
                args.repeats,
            )
            total["ours"] += t_ours
            total["duckdb"] += t_duck
            rows.append((name, mine, theirs, agree, t_ours, t_duck))
        for name, mine, theirs, agree, t_ours, t_duck in rows:
            print(f"{name}")
            print(f"  ours   {show(mine):<62} {t_ours * 1e3:8.2f} ms")
            print(f"  duckdb {show(theirs):<62} {t_duck * 1e3:8.2f} ms   {'agrees' if agree else 'DIFFERS'}")
    print(f"\nDuckDB agrees on {agree_count} of {len(rows)} cases; total time ours "
          f"{total['ours'] * 1e3:.1f} ms, DuckDB {total['duckdb'] * 1e3:.1f} ms")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
