"""Writes fixtures/sheet/cards.xlsx with XlsxWriter: card numbers stored as *numeric* cells.

Excel and LibreOffice keep 15 significant digits, so they cannot store a 16-digit card
number as a number exactly; other writers (XlsxWriter, used by pandas) store the full
double, which represents every integer below 2**53 exactly. This workbook checks that piimap
reads such a cell as the digits 4000123456789017, not 4.00012345678902E15.
Run by scripts/make-sheet-fixtures.sh.
"""
import sys

import xlsxwriter

workbook = xlsxwriter.Workbook(sys.argv[1])
sheet = workbook.add_worksheet("Payments")
sheet.write(0, 0, "Payment cards - synthetic test data (example.com)")
for col, name in enumerate(["Holder", "E-mail", "Card Number", "Expiry"]):
    sheet.write(2, col, name)
rows = [
    ("Jane Doe", "jane.doe@example.com", 4000123456789017, "12/29"),
    ("John Roe", "john.roe@example.com", 5555000012345672, "01/30"),
    ("Alex Poe", "alex.poe@example.org", 4012345678901239, "06/28"),
]
for r, (holder, email, card, expiry) in enumerate(rows, start=3):
    sheet.write_string(r, 0, holder)
    sheet.write_string(r, 1, email)
    sheet.write_number(r, 2, card)
    sheet.write_string(r, 3, expiry)
workbook.close()
