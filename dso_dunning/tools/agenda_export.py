"""The history workbook: one sheet of actions, one sheet of the items they covered.

The workbook is written as a stream of SpreadsheetML, row by row, straight
into the zip: a history of any length never sits in memory. xlsxwriter wrote
it before, but its per-cell calls (argument decorator, dimension checks, a
named tuple per cell, then several regular expressions and writes per cell
when the row is flushed) took most of the time of a 100,000-row export; here
a row is one joined string and the cell text of a repeated value (a status,
a step, a customer) is escaped once.

What the user sees is what xlsxwriter made: bold headers on a frozen first
row, columns 16 wide, an autofilter over the data, texts always as texts
(never read as formulas or links), amounts and counts as numbers, dates and
datetimes as numbers with a date format, empty values as blank cells.
"""

import datetime
import math
import re
import shutil
import tempfile
import zipfile
from xml.sax.saxutils import escape, quoteattr

from xlsxwriter.utility import datetime_to_excel_datetime, xl_col_to_name

DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
COLUMN_WIDTH = 16.7109375  # what Excel stores for a width of 16 characters
CACHE_SIZE = 10_000  # cell texts and date serials kept, then computed again
ROWS_PER_WRITE = 500
ZIP_LEVEL = 1  # fastest deflate: the file is about a fifth larger than at level 6
# Style indexes in STYLES' cellXfs.
BOLD, DATE, DATETIME = 1, 2, 3

NS = (
    'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    ' xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
)
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"
STYLES = (
    f'{XML_HEAD}<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    f'<numFmts count="2"><numFmt numFmtId="164" formatCode="{DATE_FORMAT}"/>'
    f'<numFmt numFmtId="165" formatCode="{DATETIME_FORMAT}"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/>'
    "</cellStyles></styleSheet>"
)
# Characters XML cannot carry, and texts Excel would read as such an escape.
_NEEDS_ESCAPE = re.compile(r"[&<>\x00-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9A-Fa-f]{4}_")
_EXCEL_ESCAPE = re.compile(r"_x[0-9A-Fa-f]{4}_")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\ufffe\uffff]")


def _escape_text(text):
    """``text`` as the content of a cell's ``<t>``, as Excel escapes it."""
    text = _EXCEL_ESCAPE.sub(lambda match: "_x005F" + match.group(), text)
    text = _CONTROL.sub(lambda match: f"_x{ord(match.group()):04X}_", text)
    return escape(text)


def _text_cell(text, style=None):
    """End of a text cell, from the closing quote of its reference on."""
    if _NEEDS_ESCAPE.search(text):
        text = _escape_text(text)
    space = ' xml:space="preserve"' if text[0].isspace() or text[-1].isspace() else ""
    style = f' s="{style}"' if style else ""
    return f'"{style} t="inlineStr"><is><t{space}>{text}</t></is></c>'


def _write_rows(out, rows, letters):
    """Write the ``<row>`` elements of ``rows`` (from the sheet's second row) to ``out``.

    Returns the number of rows. Cells are checked by exact type in the order
    of their frequency; a text or a date seen before reuses its XML.
    """
    texts, serials = {}, {}
    count, pending = 0, []
    for count, row in enumerate(rows, start=1):
        ref = str(count + 1)
        cells = [f'<row r="{ref}">']
        for col, value in enumerate(row):
            kind = type(value)
            if kind is str:
                if not value:  # an empty text is a blank cell, as for no value
                    continue
                tail = texts.get(value)
                if tail is None:
                    if len(texts) >= CACHE_SIZE:
                        texts.clear()
                    tail = texts[value] = _text_cell(value)
            elif kind is int:
                tail = f'"><v>{value}</v></c>'
            elif kind is float:
                if not math.isfinite(value):
                    continue  # Excel has no cell for it
                tail = f'"><v>{value:.16G}</v></c>'
            elif value is None or value is False:
                continue  # a blank cell without a format is not written
            elif isinstance(value, datetime.date):
                tail = serials.get(value)
                if tail is None:
                    if len(serials) >= CACHE_SIZE:
                        serials.clear()
                    style = DATETIME if isinstance(value, datetime.datetime) else DATE
                    serial = datetime_to_excel_datetime(value, False, False)
                    tail = serials[value] = f'" s="{style}"><v>{serial:.16G}</v></c>'
            elif value is True:
                tail = '" t="b"><v>1</v></c>'
            else:
                tail = _text_cell(str(value))
            cells.append(f'<c r="{letters[col]}{ref}{tail}')
        cells.append("</row>")
        pending.append("".join(cells))
        if len(pending) >= ROWS_PER_WRITE:
            out.write("".join(pending).encode())
            pending.clear()
    out.write("".join(pending).encode())
    return count


def _sheet_head(headers, count, selected):
    last = xl_col_to_name(len(headers) - 1)
    header_cells = "".join(
        f'<c r="{xl_col_to_name(col)}1{_text_cell(header, BOLD)}'
        for col, header in enumerate(headers)
        if header
    )
    selected = ' tabSelected="1"' if selected else ""
    return (
        f'{XML_HEAD}<worksheet {NS}><dimension ref="A1:{last}{count + 1}"/>'
        f'<sheetViews><sheetView{selected} workbookViewId="0">'
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
        '<selection pane="bottomLeft"/></sheetView></sheetViews>'
        '<sheetFormatPr defaultRowHeight="15"/>'
        f'<cols><col min="1" max="{len(headers)}" width="{COLUMN_WIDTH}" customWidth="1"/></cols>'
        f'<sheetData><row r="1">{header_cells}</row>'
    )


def _sheet_tail(headers, count):
    autofilter = f'<autoFilter ref="A1:{xl_col_to_name(len(headers) - 1)}{count + 1}"/>'
    return (
        f"</sheetData>{autofilter if count else ''}"
        '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
        "</worksheet>"
    )


def _package_head(count):
    """The parts that only depend on the number of sheets, first in the zip."""
    sheets = range(1, count + 1)
    content_types = "".join(
        f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{CT}.worksheet+xml"/>'
        for n in sheets
    )
    rels = "".join(
        f'<Relationship Id="rId{n}" Type="{REL}/worksheet" Target="worksheets/sheet{n}.xml"/>'
        for n in sheets
    )
    return {
        "[Content_Types].xml": (
            f'{XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{CT}.sheet.main+xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{CT}.styles+xml"/>'
            f"{content_types}</Types>"
        ),
        "_rels/.rels": (
            f'{XML_HEAD}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
            f'relationships"><Relationship Id="rId1" Type="{REL}/officeDocument"'
            ' Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'{XML_HEAD}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
            f'relationships">{rels}<Relationship Id="rId{count + 1}" Type="{REL}/styles"'
            ' Target="styles.xml"/></Relationships>'
        ),
        "xl/styles.xml": STYLES,
    }


def _workbook(titles, filters):
    """The workbook part: sheet names, and the range of each sheet's autofilter."""
    names = "".join(
        f'<sheet name={quoteattr(title)} sheetId="{n}" r:id="rId{n}"/>'
        for n, title in enumerate(titles, start=1)
    )
    defined = "".join(
        f'<definedName name="_xlnm._FilterDatabase" localSheetId="{index}" hidden="1">'
        f"{escape(quoted)}!{ref}</definedName>"
        for index, ref in filters
        for quoted in ["'{}'".format(titles[index].replace("'", "''"))]
    )
    return (
        f"{XML_HEAD}<workbook {NS}><bookViews><workbookView/></bookViews>"
        f"<sheets>{names}</sheets>"
        f"{f'<definedNames>{defined}</definedNames>' if defined else ''}"
        '<calcPr fullCalcOnLoad="1"/></workbook>'
    )


def write_history_workbook(output, sheets):
    """Write ``sheets`` into ``output`` (a path or a binary file object).

    ``sheets`` is a list of ``(title, headers, rows)``; each row is a sequence
    of plain values (str, numbers, dates, datetimes, None). Returns the number
    of data rows written per sheet.

    The rows of a sheet go to a temporary file first, as in xlsxwriter's
    ``constant_memory`` mode: the sheet's header states its size, known only
    once its rows are read.
    """
    counts, titles, filters = [], [], []
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED, compresslevel=ZIP_LEVEL) as package:
        for name, content in _package_head(len(sheets)).items():
            package.writestr(name, content.encode())
        for index, (title, headers, rows) in enumerate(sheets):
            letters = [xl_col_to_name(col) for col in range(len(headers))]
            with tempfile.TemporaryFile() as body:
                count = _write_rows(body, rows, letters)
                body.seek(0)
                part = f"xl/worksheets/sheet{index + 1}.xml"
                with package.open(part, "w", force_zip64=True) as out:
                    out.write(_sheet_head(headers, count, selected=not index).encode())
                    shutil.copyfileobj(body, out, 1 << 20)
                    out.write(_sheet_tail(headers, count).encode())
            if count:
                filters.append((index, f"$A$1:${letters[-1]}${count + 1}"))
            counts.append(count)
            titles.append(title[:31])
        package.writestr("xl/workbook.xml", _workbook(titles, filters).encode())
    return counts
