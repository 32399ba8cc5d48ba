"""A measure's observations as a CSV file: size, encoding, header and cells; the operations check each row.

The chart engine's `read_csv` stops at the first bad line and treats dates as optional; an upload
must name every bad line and needs a date on each, so the file is read here, row by row.
"""
import csv
import io

from ideas.errors import Invalid

MAX_BYTES = 256 * 1024
MAX_ROWS = 5000
OPTIONAL = ("note",)


def expected_header(proportion: bool) -> tuple[str, ...]:
    return ("date", "numerator", "denominator") if proportion else ("date", "value")


class UploadRefused(Invalid):
    """A file refused as a whole or line by line: `problems` names each; nothing of it is saved."""

    def __init__(self, problems: list[str]):
        count = len(problems)
        summary = problems[0] if count == 1 else f"The file has {count} problems; nothing of it was saved."
        super().__init__(summary, field="file")
        self.problems = problems


class FileTooLarge(UploadRefused):
    """Over the size limit (413)."""

    status = 413


def read_rows(data: bytes, proportion: bool) -> tuple[list[tuple[int, dict[str, str]]], list[tuple[int, str]]]:
    """Rows as (line, {column: cell}) and misshapen lines as (line, problem); UploadRefused if unfit to read."""
    if len(data) > MAX_BYTES:
        raise FileTooLarge([f"The file is larger than the limit of {MAX_BYTES // 1024} KiB (about {MAX_ROWS:,} "
                            "rows). Split it and upload the parts."])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UploadRefused(["The file is not UTF-8 text. In Excel choose “Save as… CSV UTF-8”."]) from None
    if "\x00" in text:
        raise UploadRefused(["The file holds NUL bytes: it is not a text CSV file."])
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        lines = [(reader.line_num, row) for row in reader if any(cell.strip() for cell in row)]
    except csv.Error as error:
        raise UploadRefused([f"Line {reader.line_num}: the file cannot be read as CSV ({error})."]) from None
    if not lines:
        raise UploadRefused([f"The file is empty: it needs the header line {','.join(expected_header(proportion))} "
                             "and then one row per observation."])
    header = _header(*lines[0], proportion)
    rows = lines[1:]
    if not rows:
        raise UploadRefused(["The file has a header but no observations."])
    if len(rows) > MAX_ROWS:
        raise UploadRefused([f"The file has {len(rows):,} rows; the limit is {MAX_ROWS:,}. Split it and upload the "
                             "parts."])
    needed = len(expected_header(proportion))  # an optional note may be left off a row
    shaped, problems = [], []
    for line, row in rows:
        if needed <= len(row) <= len(header):
            cells = (cell.strip() for cell in row + [""] * (len(header) - len(row)))
            shaped.append((line, dict(zip(header, cells, strict=True))))
        else:
            problems.append((line, f"{len(row)} cells where the header has {len(header)}."))
    return shaped, problems


def _header(line: int, row: list[str], proportion: bool) -> list[str]:
    header = [cell.strip().lower() for cell in row]
    wanted = expected_header(proportion)
    shape = ",".join(wanted)
    missing = [name for name in wanted if name not in header]
    unknown = [name for name in header if name not in wanted + OPTIONAL]
    problems = [f"Line {line}: the column “{name}” is missing; this measure's header is {shape} "
                f"(a note column may follow)." for name in missing]
    problems += [f"Line {line}: the column “{name}” is not one this measure takes ({shape}, and note)."
                 for name in unknown]
    if len(header) != len(set(header)):
        problems.append(f"Line {line}: a column appears twice in the header.")
    if problems:
        raise UploadRefused(problems)
    return header
