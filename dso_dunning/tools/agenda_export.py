"""The history workbook: one sheet of actions, one sheet of the items they covered.

Rows arrive as iterables and are written one by one with xlsxwriter's
``constant_memory`` mode, so a history of any length never sits in memory:
xlsxwriter flushes each row to a temporary file as soon as the next starts.
"""

import datetime

import xlsxwriter

DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"


def write_history_workbook(output, sheets):
    """Write ``sheets`` into ``output`` (a path or a binary file object).

    ``sheets`` is a list of ``(title, headers, rows)``; each row is a sequence
    of plain values (str, numbers, dates, datetimes, None). Returns the number
    of data rows written per sheet.
    """
    workbook = xlsxwriter.Workbook(output, {"constant_memory": True})
    bold = workbook.add_format({"bold": True})
    date_format = workbook.add_format({"num_format": DATE_FORMAT})
    datetime_format = workbook.add_format({"num_format": DATETIME_FORMAT})
    counts = []
    for title, headers, rows in sheets:
        sheet = workbook.add_worksheet(title[:31])
        sheet.set_column(0, len(headers) - 1, 16)
        sheet.write_row(0, 0, headers, bold)
        sheet.freeze_panes(1, 0)
        count = 0
        for count, row in enumerate(rows, start=1):
            for col, value in enumerate(row):
                if isinstance(value, datetime.datetime):
                    sheet.write_datetime(count, col, value, datetime_format)
                elif isinstance(value, datetime.date):
                    sheet.write_datetime(count, col, value, date_format)
                elif value is None or value is False:
                    sheet.write_blank(count, col, None)
                else:
                    sheet.write(count, col, value)
        if count:
            sheet.autofilter(0, 0, count, len(headers) - 1)
        counts.append(count)
    workbook.close()
    return counts
