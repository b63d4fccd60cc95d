"""Text dumps of office files, in the exact formats OfficeBench's evaluators compare against.

* xlsx: the active sheet (or a named one), each cell as ``(row, col): value\\t``, ``[Empty Cell]``
  for ``None``, and a newline after each row (``apps/excel_app/excel_read_file.py``);
* docx: the paragraphs' text joined by newlines (``word_read_file_into_string``);
* pdf: the pages' extracted text concatenated (pypdf; the original uses PyPDF2, its predecessor);
* email: for each ``.eml`` of a user, ``Email ID/From/To/Subject/Content`` lines and 50 dashes
  (``apps/email_app/email_list_emails.py``; we sort the files for determinism, the original
  takes ``glob`` order);
* ics and txt: the raw text.

Every reader raises :class:`DocumentError` (with the file name) for a file it cannot parse.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import email
import io
import logging
import re
import zipfile
from email import policy
from email.message import EmailMessage, Message
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

EMAIL_SEPARATOR = "-" * 50
FIXED_TIME = dt.datetime(2024, 1, 1, 0, 0, 0)
"""Timestamp written into generated office files so that equal seeds give equal bytes."""
FIXED_STAMP = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()


class DocumentError(RuntimeError):
    """A file could not be read as the document type asked for."""


def excel_dump(path: Path, sheet: str | None = None) -> str:
    """``(row, col): value\\t`` for every cell of the sheet, a newline after each row."""
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path)
        worksheet = workbook.active if sheet is None else workbook[sheet]
    except Exception as exc:  # openpyxl raises many kinds (zipfile, KeyError, InvalidFileException)
        raise DocumentError(f"cannot read {Path(path).name} as an Excel file: {exc}") from exc
    if worksheet is None:
        raise DocumentError(f"{Path(path).name} has no active sheet")
    parts = []
    for row in worksheet.iter_rows():
        for cell in row:
            value = "[Empty Cell]" if cell.value is None else cell.value
            parts.append(f"({cell.row}, {cell.column}): {value}\t")
        parts.append("\n")
    return "".join(parts)


def excel_cells(path: Path) -> dict[tuple[int, int], Any]:
    """The non-empty cells of the active sheet, keyed by (row, column)."""
    import openpyxl

    try:
        worksheet = openpyxl.load_workbook(path).active
    except Exception as exc:
        raise DocumentError(f"cannot read {Path(path).name} as an Excel file: {exc}") from exc
    if worksheet is None:
        raise DocumentError(f"{Path(path).name} has no active sheet")
    return {(c.row, c.column): c.value for row in worksheet.iter_rows() for c in row if c.value is not None}


def word_text(path: Path) -> str:
    """The document's paragraphs joined by newlines."""
    import docx

    try:
        document = docx.Document(str(path))
    except Exception as exc:
        raise DocumentError(f"cannot read {Path(path).name} as a Word file: {exc}") from exc
    return "\n".join(p.text for p in document.paragraphs)


def pdf_text(path: Path) -> str:
    """The extracted text of every page, concatenated."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(str(path))
        return "".join(page.extract_text() or "" for page in reader.pages)
    except Exception as exc:
        raise DocumentError(f"cannot read {Path(path).name} as a PDF file: {exc}") from exc


def raw_text(path: Path) -> str:
    try:
        return Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise DocumentError(f"cannot read {Path(path).name}: {exc}") from exc


def parse_email(path: Path) -> EmailMessage:
    try:
        message = email.message_from_bytes(Path(path).read_bytes(), policy=policy.default)
    except (OSError, ValueError) as exc:
        raise DocumentError(f"cannot read {Path(path).name} as an email: {exc}") from exc
    assert isinstance(message, EmailMessage)
    return message


def _decode(part: Message) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    charset = part.get_content_charset() or "utf-8"
    try:
        return payload.decode(charset, errors="replace")
    except LookupError:
        return payload.decode("utf-8", errors="replace")


def email_body(message: EmailMessage) -> str:
    """The text/plain and text/html top-level parts joined by newlines (as the original)."""
    if message.is_multipart():
        parts = [_decode(p) for p in message.iter_parts() if p.get_content_type() in {"text/plain", "text/html"}]
        return "\n".join(parts)
    return _decode(message)


def email_files(testbed: Path, username: str) -> list[Path]:
    folder = Path(testbed) / "emails" / username
    return sorted(folder.glob("*.eml")) if folder.is_dir() else []


def email_listing(testbed: Path, username: str, first_n_letters: int = -1) -> str:
    """The user's emails in OfficeBench's ``list_emails`` format (``-1``: full content)."""
    chunks = []
    for path in email_files(testbed, username):
        message = parse_email(path)
        body = email_body(message)
        content = body if first_n_letters == -1 else body[:first_n_letters] + "..."
        chunks.append(
            f"Email ID: {path.name}\nFrom: {message['From']}\nTo: {message['To']}\n"
            f"Subject: {message['Subject']}\nContent: {content}\n{EMAIL_SEPARATOR}\n"
        )
    return "".join(chunks) if chunks else "No emails found."


def dump(path: Path, doc_type: str) -> str:
    """The text a predicate compares against for ``doc_type`` (xlsx, docx/doc, pdf, txt/ics)."""
    if doc_type == "xlsx":
        return excel_dump(path)
    if doc_type in {"docx", "doc"}:
        return word_text(path)
    if doc_type == "pdf":
        return pdf_text(path)
    if doc_type in {"txt", "ics"}:
        return raw_text(path)
    raise DocumentError(f"unknown doc_type {doc_type!r}; allowed: xlsx, docx, doc, pdf, txt, ics, email")


def normalise_zip(data: bytes) -> bytes:
    """Rewrite a zip container (xlsx/docx) with fixed timestamps and sorted-stable order."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps "modified" at save time
                content = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", FIXED_STAMP, content)
            target.writestr(fixed, content)
    return out.getvalue()


def save_workbook_deterministic(workbook: Any, path: Path) -> None:
    """Save an openpyxl workbook with fixed metadata times and zip timestamps."""
    workbook.properties.created = FIXED_TIME
    workbook.properties.modified = FIXED_TIME
    buffer = io.BytesIO()
    workbook.save(buffer)
    Path(path).write_bytes(normalise_zip(buffer.getvalue()))


def save_document_deterministic(document: Any, path: Path) -> None:
    """Save a python-docx document with fixed metadata times and zip timestamps."""
    with contextlib.suppress(AttributeError):
        document.core_properties.created = FIXED_TIME
        document.core_properties.modified = FIXED_TIME
        document.core_properties.last_printed = FIXED_TIME
    buffer = io.BytesIO()
    document.save(buffer)
    Path(path).write_bytes(normalise_zip(buffer.getvalue()))
