"""Checking and storing the CV an applicant may upload with their application.

An uploaded file is untrusted input that staff will later open on their own computers, so we
decide what it is from its content alone: the filename and the browser's content type are
whatever the applicant (or an attacker) chose. Only PDF, DOCX and ODT are taken, because
those are what applicants have and what council desktops open safely.

Accepted files are stored outside the web root under a random name that we generate, so the
uploaded name never reaches the filesystem; it is kept only as a display name, cleaned here.

This module imports neither Flask nor the database so it can be tested on plain bytes.
"""

from __future__ import annotations

import io
import os
import re
import tempfile
import unicodedata
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path

from tracker.refusals import Refused

WRONG_TYPE = "The selected file must be a PDF, DOCX or ODT"
EMPTY = "The selected file is empty"
UNREADABLE = "The selected file could not be read. Save it again as a PDF and upload that"
ACTIVE_CONTENT = (
    "The selected file contains embedded objects, macros or links to other files. Save it "
    "again as a PDF and upload that"
)
ENCRYPTED = "The selected file is password protected"

_MB = 1024 * 1024

# Limits on what an archive claims to hold, checked from its directory before anything is
# decompressed. A real CV has a few dozen entries and a few megabytes of XML and images.
MAX_ZIP_ENTRIES = 2000
MAX_ZIP_UNCOMPRESSED = 50 * _MB
MAX_COMPRESSION_RATIO = 100
# Small, repetitive XML parts of a genuine document can compress better than that; only an
# entry that unpacks to something sizeable is held to the ratio.
RATIO_APPLIES_FROM = _MB

# Word and LibreOffice always write the archive from its first byte. Requiring that refuses
# polyglots: an HTML page (or anything else) with a valid ZIP appended, which zipfile accepts.
_ZIP_MAGIC = b"PK\x03\x04"
_ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
# Enough to tell an exact match from a longer value without reading an unbounded entry.
_MIMETYPE_READ_LIMIT = 100
_CONTENT_TYPES_READ_LIMIT = _MB

_MAX_DISPLAY_NAME = 100
_STORAGE_NAME = re.compile(r"[0-9a-f]{32}\.(?:pdf|docx|odt)")

# Unicode categories dropped from display names: control, format (including the bidi
# overrides that make 'cv\u202efdp.exe' display as 'cvexe.pdf'), surrogates, private use and
# unassigned. None of them belongs in a name a person reads.
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})
# Characters Windows will not allow in a filename; staff download CVs onto Windows desktops,
# and '"' would otherwise need care in a Content-Disposition header.
_WINDOWS_RESERVED = frozenset('<>:"|?*')
# Extensions we replace rather than keep in the middle of the name, so 'cv.html' becomes
# 'cv.pdf' but 'J.Smith' becomes 'J.Smith.pdf' rather than 'J.pdf'.
_KNOWN_EXTENSIONS = frozenset(
    {
        "bmp", "doc", "docm", "docx", "dot", "dotx", "exe", "gif", "heic", "htm", "html",
        "jpeg", "jpg", "js", "odp", "ods", "odt", "pages", "pdf", "png", "ppt", "pptx",
        "rtf", "svg", "tif", "tiff", "txt", "webp", "xhtml", "xls", "xlsx", "xml", "zip",
    }
)  # fmt: skip


class UploadError(Refused):
    """A file we will not take, with a plain-English message for the applicant."""


@dataclass(frozen=True)
class DocumentType:
    extension: str
    media_type: str
    label: str


PDF = DocumentType("pdf", "application/pdf", "PDF")
DOCX = DocumentType(
    "docx",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "Word document",
)
ODT = DocumentType("odt", "application/vnd.oasis.opendocument.text", "OpenDocument text")


def format_file_size(size: int) -> str:
    """The size in words for a message, e.g. '5 MB' or '2.5 MB'.

    Rounded down, so the limit we state is never more than the limit we enforce.
    """
    for unit, scale in (("MB", _MB), ("KB", 1024)):
        if size >= scale:
            whole, tenths = divmod(size * 10 // scale, 10)
            number = str(whole) if tenths == 0 else f"{whole}.{tenths}"
            return f"{number} {unit}"
    return f"{size} bytes"


def check_document(data: bytes, *, max_bytes: int) -> DocumentType:
    """Raise UploadError unless data is a non-empty PDF, DOCX or ODT within max_bytes."""
    if not data:
        raise UploadError(EMPTY)
    if len(data) > max_bytes:
        raise UploadError(f"The selected file must be smaller than {format_file_size(max_bytes)}")
    # Lenient on purpose: a PDF that opens in a reader but is slightly malformed is still a
    # CV we want, and the header is all a browser or desktop uses to decide how to open it.
    if data[:5] == b"%PDF-" and data[5:6].isdigit():
        return PDF
    if data.startswith(_ZIP_MAGIC):
        return _check_archive(data)
    raise UploadError(WRONG_TYPE)


def _check_archive(data: bytes) -> DocumentType:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return _identify_archive(archive)
    except UploadError:
        raise
    except Exception as error:
        # zipfile was not written for hostile input: a corrupt archive can raise BadZipFile,
        # zlib.error, struct.error, EOFError, NotImplementedError and more. However it fails,
        # the answer for the applicant is the same.
        raise UploadError(UNREADABLE) from error


def _identify_archive(archive: zipfile.ZipFile) -> DocumentType:
    entries = archive.infolist()
    # These checks use only the sizes in the archive's directory; nothing is decompressed
    # until the archive has passed them, and even then only a few bytes of one entry.
    if len(entries) > MAX_ZIP_ENTRIES:
        raise UploadError(UNREADABLE)
    if sum(entry.file_size for entry in entries) > MAX_ZIP_UNCOMPRESSED:
        raise UploadError(UNREADABLE)
    if any(
        entry.file_size > RATIO_APPLIES_FROM
        and entry.file_size / max(entry.compress_size, 1) > MAX_COMPRESSION_RATIO
        for entry in entries
    ):
        raise UploadError(UNREADABLE)
    if any(entry.flag_bits & 0x1 for entry in entries):
        raise UploadError(ENCRYPTED)

    names = {entry.filename for entry in entries}
    if "[Content_Types].xml" in names and "word/document.xml" in names:
        if _has_macros(archive, names):
            # A macro-enabled document (.docm) renamed .docx is not a DOCX, and macros are
            # exactly what we do not want staff opening.
            raise UploadError(WRONG_TYPE)
        if _has_active_parts(archive, names):
            raise UploadError(ACTIVE_CONTENT)
        return DOCX
    if "mimetype" in names:
        with archive.open("mimetype") as entry:
            if entry.read(_MIMETYPE_READ_LIMIT) == _ODT_MIMETYPE:
                if any(name.startswith(_ODT_SCRIPT_FOLDERS) for name in names):
                    raise UploadError(ACTIVE_CONTENT)
                return ODT
    raise UploadError(WRONG_TYPE)


# A CV needs none of these, and each can make Word or LibreOffice run or fetch something
# when a member of staff opens the file: embedded objects (OLE), and links to a template or
# other part on another server (TargetMode="External" on a relationship other than a
# hyperlink, which only opens when clicked).
_DOCX_EMBEDDINGS = ("word/embeddings/", "word/activex/")
_ODT_SCRIPT_FOLDERS = ("Basic/", "Scripts/", "Object ")
_RELS_READ_LIMIT = _MB
_EXTERNAL_TARGET = re.compile(
    rb"<Relationship\b(?=[^>]*TargetMode=\"External\")(?![^>]*relationships/hyperlink\")[^>]*>",
    re.IGNORECASE,
)


def _has_active_parts(archive: zipfile.ZipFile, names: set[str]) -> bool:
    if any(name.lower().startswith(_DOCX_EMBEDDINGS) for name in names):
        return True
    for name in names:
        if name.endswith(".rels"):
            with archive.open(name) as entry:
                if _EXTERNAL_TARGET.search(entry.read(_RELS_READ_LIMIT)):
                    return True
    return False


def _has_macros(archive: zipfile.ZipFile, names: set[str]) -> bool:
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        return True
    with archive.open("[Content_Types].xml") as entry:
        content_types = entry.read(_CONTENT_TYPES_READ_LIMIT)
    # Content types are case-insensitive, so 'macroEnabled' may be spelt any way.
    return b"macroenabled" in content_types.lower()


def display_name(filename: str | None, document_type: DocumentType) -> str:
    """A safe name to show staff and to offer when they download the file.

    Only the last path part is kept, so '../../etc/passwd.pdf' becomes 'passwd.pdf'; the name
    is NFC-normalised, stripped of control, format and bidi characters, whitespace is
    collapsed, it is at most 100 characters, and it always ends in the detected extension
    ('cv.html' for a PDF becomes 'cv.pdf'). A name with nothing left becomes 'cv.<ext>'.
    """
    text = unicodedata.normalize("NFC", filename or "")
    # Browsers send a bare name today, but old ones sent the full client path, with either
    # separator depending on the applicant's operating system.
    text = re.split(r"[/\\]", text)[-1]
    kept = []
    for char in text:
        if char.isspace():
            kept.append(" ")
        elif char in _WINDOWS_RESERVED:
            kept.append("_")
        elif unicodedata.category(char) not in _UNSAFE_CATEGORIES:
            kept.append(char)
    text = " ".join("".join(kept).split())

    stem, dot, extension = text.rpartition(".")
    if not dot or extension.strip().lower() not in _KNOWN_EXTENSIONS:
        stem = text

    suffix = f".{document_type.extension}"
    stem = stem[: _MAX_DISPLAY_NAME - len(suffix)]
    # Leading dots hide a file on staff machines; Windows drops trailing dots and spaces.
    stem = stem.strip(" .")
    # Again, as dropping a character can leave an accent next to a letter it now composes with.
    stem = unicodedata.normalize("NFC", stem)
    return f"{stem or 'cv'}{suffix}"


def new_storage_name(document_type: DocumentType) -> str:
    """A random name to store the file under, never derived from the uploaded name."""
    return f"{uuid.uuid4().hex}.{document_type.extension}"


def is_storage_name(name: str) -> bool:
    """True only for names new_storage_name could produce.

    So a stored name can never contain a path separator or '..', whatever reaches us from a
    database row or a URL.
    """
    # fullmatch, not '^...$': '$' also matches before a trailing newline.
    return isinstance(name, str) and _STORAGE_NAME.fullmatch(name) is not None


def path_for(folder: Path, name: str) -> Path:
    """The stored file's path; ValueError if name is not a storage name."""
    if not is_storage_name(name):
        raise ValueError(f"Not a storage name: {name!r}")
    path = folder / name
    # The name check already rules out escaping the folder; this also catches a symlink
    # planted in the folder that points elsewhere.
    if not path.resolve().is_relative_to(folder.resolve()):
        raise ValueError(f"Stored file {name!r} resolves outside {folder}")
    return path


def save(folder: Path, name: str, data: bytes) -> Path:
    """Write data to the folder under name, atomically and readable only by us.

    The folder is created (mode 0o700) if needed. Written to a temporary file in the same
    folder, synced, then renamed over the final name, so a reader never sees half a file.
    """
    if not is_storage_name(name):
        raise ValueError(f"Not a storage name: {name!r}")
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = path_for(folder, name)
    # mkstemp creates the file with mode 0o600 whatever the process umask.
    descriptor, temporary = tempfile.mkstemp(dir=folder, prefix=".upload-", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    _sync_directory(folder)
    return path


def _sync_directory(folder: Path) -> None:
    # The rename is only durable once the directory entry is on disk too. Windows cannot
    # open a directory this way, and there the rename is the best we can do.
    if not hasattr(os, "O_DIRECTORY"):
        return
    descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def delete(folder: Path, name: str) -> None:
    """Remove the stored file if it is there; ValueError if name is not a storage name."""
    path_for(folder, name).unlink(missing_ok=True)
