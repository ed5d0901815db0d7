"""The history workbook: one sheet of actions, one sheet of the items they covered.

xlsxwriter writes it, in ``constant_memory`` mode: each row goes to a
temporary file as soon as the next one starts, so a history of any length
never sits in memory. That mode only accepts rows in order, one sheet after
the other: the sheets are written in turn, each from its own iterable, and
the rows of the second are not read before the first is written.

What the user sees: bold headers on a frozen first row, columns 16 wide, an
autofilter over the data, texts always as texts (never read as formulas,
links or numbers), amounts and counts as numbers, dates and datetimes with a
date format, empty values as blank cells.
"""

import datetime
import math

import xlsxwriter
from xlsxwriter.utility import datetime_to_excel_datetime

DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
COLUMN_WIDTH = 16
SERIAL_CACHE = 10_000  # serial numbers of dates kept, then computed again
WORKBOOK_OPTIONS = {
    "constant_memory": True,
    # Only ``write()`` and ``write_row()`` guess types (the cells here go
    # through the typed writers); should a change call them, a text stays a
    # text and a date without a format still shows as one.
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
    "default_date_format": DATETIME_FORMAT,
}


def _write_rows(sheet, rows, date_format, datetime_format):
    """Write ``rows`` from the sheet's second row on; return their number.

    Each cell goes through the typed writer of its value, checked by exact
    type in the order of their frequency (``write()`` would try every type,
    and read a text starting with "=" as a formula). A date is what
    ``write_datetime`` writes, a serial number with a date format; the serial
    of a date seen before is reused (a history repeats its dates).
    """
    # The typed writers without their public wrapper (cell notation parsing
    # and a second call per cell, about a tenth of a large export); the
    # public ones should a later xlsxwriter rename them.
    write_string = getattr(sheet, "_write_string", sheet.write_string)
    write_number = getattr(sheet, "_write_number", sheet.write_number)
    serials = {}  # date or datetime -> (Excel serial number, format)
    count = 0
    for count, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            kind = type(value)
            if kind is str:
                if value:  # an empty text is a blank cell, as for no value
                    write_string(count, col, value)
            elif kind is int:
                write_number(count, col, value)
            elif kind is float:
                if math.isfinite(value):  # Excel has no cell for the others
                    write_number(count, col, value)
            elif value is None or value is False:
                continue  # a blank cell without a format is not written
            elif isinstance(value, datetime.date):
                serial = serials.get(value)
                if serial is None:
                    if len(serials) >= SERIAL_CACHE:
                        serials.clear()
                    serial = serials[value] = (
                        datetime_to_excel_datetime(value, False, True),
                        datetime_format if isinstance(value, datetime.datetime) else date_format,
                    )
                write_number(count, col, *serial)
            elif value is True:
                sheet.write_boolean(count, col, value)
            else:
                write_string(count, col, str(value))
    return count


def write_history_workbook(output, sheets):
    """Write ``sheets`` into ``output`` (a path or a binary file object).

    ``sheets`` is a list of ``(title, headers, rows)``; each row is a sequence
    of plain values (str, numbers, dates, datetimes, None). Returns the number
    of data rows written per sheet.
    """
    workbook = xlsxwriter.Workbook(output, WORKBOOK_OPTIONS)
    bold = workbook.add_format({"bold": True})
    date_format = workbook.add_format({"num_format": DATE_FORMAT})
    datetime_format = workbook.add_format({"num_format": DATETIME_FORMAT})
    counts = []
    for title, headers, rows in sheets:
        sheet = workbook.add_worksheet(title[:31])
        last_col = len(headers) - 1
        sheet.set_column(0, last_col, COLUMN_WIDTH)
        sheet.freeze_panes(1, 0)
        for col, header in enumerate(headers):
            if header:
                sheet.write_string(0, col, header, bold)
        count = _write_rows(sheet, rows, date_format, datetime_format)
        if count:
            sheet.autofilter(0, 0, count, last_col)
        counts.append(count)
    workbook.close()
    return counts
