"""The shortlist as an Excel workbook, written as a stream into a temporary file.

An .xlsx file is a ZIP of XML parts. The small parts (styles, the workbook, the Criteria
sheet) are fixed text here; the Shortlist sheet's rows arrive as XML already written, one
``<row>`` at a time (by PostgreSQL, xlsx_rows.py, or by ``row_xml`` below on SQLite), and
are deflated into the archive as they come: memory holds one row, however many there are.
XlsxWriter's constant-memory mode writes the same cells but costs about 4.5 µs a cell in
Python, 17 s for 100,000 rows of every column on this machine, over the 5 s the issue asks
for (docs/performance.md); here Python only copies bytes.

Cells: text is always an inline string (never a formula, so no apostrophe, as before), with
``_xHHHH_`` sequences escaped as Excel expects and a carriage return as ``&#13;``; numbers are
numbers; dates and times are serial numbers with a UK day (and time) format.
"""

from __future__ import annotations

import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import IO

from tracker.catalogue.models import Role
from tracker.exports.cells import clean_text
from tracker.exports.columns import Column, Value
from tracker.exports.extras import criterion_key, criterion_label

# Style indexes in _STYLES' cellXfs.
DAY_STYLE, TIME_STYLE, HEADER_STYLE = 1, 2, 3
EPOCH = datetime(1899, 12, 30)  # Excel's day 0 (its 1900 date system, after 1 March 1900)
_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_DOC = "http://schemas.openxmlformats.org/package/2006"
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

_STYLES = (
    f"{_XML}<styleSheet {_NS}>"
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/>'
    '<numFmt numFmtId="165" formatCode="dd/mm/yyyy hh:mm"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


def letter(number: int) -> str:
    """A column's letters from its number, counted from 1 (27 is AA)."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def escape(text: str) -> str:
    """Text as an inline string's XML: markup escaped; line breaks and tabs as character
    references (XML readers turn a bare carriage return into a line feed, and xlsx_rows
    reads rows through COPY, which would escape them); and every ``_x`` written
    ``_x005F_x`` (Excel's escape for an underscore), so that text like ``_x0041_`` shows as
    typed, not as "A". Excel shows ``_x005F_x`` as ``_x`` wherever it is, so escaping every
    one costs no regular expression."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = text.replace("_x", "_x005F_x").replace("\r", "&#13;")
    return text.replace("\n", "&#10;").replace("\t", "&#9;")


def _cell(ref: str, value: Value, style: int = 0) -> str:
    if value is None or value == "":
        return ""  # an empty cell is left out
    if isinstance(value, str):
        shown = f' s="{style}"' if style else ""
        return (
            f'<c r="{ref}" t="inlineStr"{shown}><is><t xml:space="preserve">'
            f"{escape(value)}</t></is></c>"
        )
    if isinstance(value, datetime):
        serial = (value - EPOCH).total_seconds() / 86400
        return f'<c r="{ref}" s="{TIME_STYLE}"><v>{serial!r}</v></c>'
    if isinstance(value, date):
        return f'<c r="{ref}" s="{DAY_STYLE}"><v>{(value - EPOCH.date()).days}</v></c>'
    if isinstance(value, Decimal | int | float):
        return f'<c r="{ref}"><v>{value}</v></c>'
    raise TypeError(f"No cell for {type(value).__name__}")


def row_xml(number: int, values: Iterable[Value], style: int = 0) -> bytes:
    """One sheet row's XML from Python values (the SQLite path, headers, the Criteria sheet)."""
    cells = "".join(
        _cell(f"{letter(column)}{number}", value, style)
        for column, value in enumerate(values, start=1)
    )
    return f'<row r="{number}">{cells}</row>'.encode()


def _sheet_start(widths: list[int]) -> bytes:
    columns = "".join(
        f'<col min="{n}" max="{n}" width="{w}" customWidth="1"/>'
        for n, w in enumerate(widths, start=1)
    )
    return (
        f'{_XML}<worksheet {_NS}><sheetViews><sheetView workbookViewId="0">'
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
        f"</sheetView></sheetViews><cols>{columns}</cols><sheetData>"
    ).encode()


_SHEET_END = b"</sheetData></worksheet>"


def _package(sheets: list[str]) -> dict[str, str]:
    """The parts that say what the archive holds: content types, relationships, workbook."""
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for n in range(1, len(sheets) + 1)
    )
    types = (
        f'{_XML}<Types xmlns="{_DOC}/content-types">'
        '<Default Extension="rels" ContentType="application/'
        'vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/styles.xml" ContentType="application/'
        f'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>{overrides}</Types>'
    )
    relations = "".join(
        f'<Relationship Id="rId{n}" Type="{_REL}/worksheet" Target="worksheets/sheet{n}.xml"/>'
        for n in range(1, len(sheets) + 1)
    )
    styles = len(sheets) + 1
    listed = "".join(
        f'<sheet name="{name}" sheetId="{n}" r:id="rId{n}"/>'
        for n, name in enumerate(sheets, start=1)
    )
    return {
        "[Content_Types].xml": types,
        "_rels/.rels": (
            f'{_XML}<Relationships xmlns="{_DOC}/relationships"><Relationship Id="rId1" '
            f'Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'{_XML}<workbook {_NS} xmlns:r="{_REL}"><sheets>{listed}</sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'{_XML}<Relationships xmlns="{_DOC}/relationships">{relations}'
            f'<Relationship Id="rId{styles}" Type="{_REL}/styles" Target="styles.xml"/>'
            "</Relationships>"
        ),
        "xl/styles.xml": _STYLES,
    }


def _criteria_rows(roles: list[Role]) -> Iterator[bytes]:
    yield row_xml(1, ("Role", "Level", "Criterion", "Words"), HEADER_STYLE)
    number = 1
    for role in roles:
        for criterion in role.criteria:
            number += 1
            label = criterion_label(criterion_key(criterion))
            yield row_xml(
                number, (clean_text(role.title), role.level, label, clean_text(criterion.text))
            )


def xlsx_file(
    columns: list[Column], rows: Iterable[bytes], roles: list[Role], *, criteria: bool
) -> IO[bytes]:
    """The workbook in an anonymous temporary file, rewound; closing it deletes it.

    ``rows``: the Shortlist sheet's data rows as XML, numbered from 2. With criterion
    columns (``criteria``), a second sheet "Criteria" lists each role's criteria by key, so
    that "Essential 2 average" can be read for every role of a track or campaign."""
    sheets = ["Shortlist", "Criteria"] if criteria else ["Shortlist"]
    target = tempfile.TemporaryFile()  # noqa: SIM115 (handed to the response, which closes it)
    try:
        # Level 1: the text is mostly tags, which the fastest level already shrinks ten-fold.
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
            for name, part in _package(sheets).items():
                archive.writestr(name, part)
            widths = [max(12, min(40, len(column.header) + 2)) for column in columns]
            headers = [column.header for column in columns]
            with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
                sheet.write(_sheet_start(widths))
                sheet.write(row_xml(1, headers, HEADER_STYLE))
                for row in rows:
                    sheet.write(row)
                sheet.write(_SHEET_END)
            if criteria:
                with archive.open("xl/worksheets/sheet2.xml", "w") as sheet:
                    sheet.write(_sheet_start([40, 12, 14, 80]))
                    for row in _criteria_rows(roles):
                        sheet.write(row)
                    sheet.write(_SHEET_END)
    except BaseException:
        target.close()
        raise
    target.seek(0)
    return target
