"""The history workbook: one sheet of actions, one sheet of the items they covered.

Rows arrive as iterables and are written one by one with xlsxwriter's
``constant_memory`` mode, so a history of any length never sits in memory:
xlsxwriter flushes each row to a temporary file as soon as the next starts.
"""

import datetime

import xlsxwriter
from xlsxwriter.utility import datetime_to_excel_datetime

DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
SERIAL_CACHE = 10_000  # serial numbers of dates kept, then computed again


def write_history_workbook(output, sheets):
    """Write ``sheets`` into ``output`` (a path or a binary file object).

    ``sheets`` is a list of ``(title, headers, rows)``; each row is a sequence
    of plain values (str, numbers, dates, datetimes, None). Returns the number
    of data rows written per sheet.

    Cells go through the typed writers: a text is always a text (never read
    as a formula or a link), an empty value writes nothing, and the serial
    numbers of dates are computed once per distinct date (what
    ``write_datetime`` writes, a number with a date format).
    """
    workbook = xlsxwriter.Workbook(output, {"constant_memory": True})
    bold = workbook.add_format({"bold": True})
    date_format = workbook.add_format({"num_format": DATE_FORMAT})
    datetime_format = workbook.add_format({"num_format": DATETIME_FORMAT})
    serials = {}  # date or datetime -> Excel serial number
    counts = []
    for title, headers, rows in sheets:
        sheet = workbook.add_worksheet(title[:31])
        sheet.set_column(0, len(headers) - 1, 16)
        sheet.write_row(0, 0, headers, bold)
        sheet.freeze_panes(1, 0)
        write_string, write_number = sheet.write_string, sheet.write_number
        count = 0
        for count, row in enumerate(rows, start=1):
            for col, value in enumerate(row):
                kind = type(value)
                if kind is str:
                    if value:  # an empty text is a blank cell, as for no value
                        write_string(count, col, value)
                elif kind is int or kind is float:
                    write_number(count, col, value)
                elif value is None or value is False:
                    continue  # a blank cell without a format is not written
                elif isinstance(value, datetime.date):
                    serial = serials.get(value)
                    if serial is None:
                        if len(serials) > SERIAL_CACHE:
                            serials.clear()
                        serial = serials[value] = datetime_to_excel_datetime(value, False, False)
                    is_datetime = isinstance(value, datetime.datetime)
                    write_number(
                        count, col, serial, datetime_format if is_datetime else date_format
                    )
                else:
                    sheet.write(count, col, value)
        if count:
            sheet.autofilter(0, 0, count, len(headers) - 1)
        counts.append(count)
    workbook.close()
    return counts
