"""Writes fixtures/document/form.pdf with ReportLab: a filled-in application form.

The values a person typed into a PDF form are kept in its fields (the AcroForm), not in the
page's text, which holds only the labels. This form checks that piimap reads the fields, by
their names. Synthetic values: a made-up SSN with a valid format, example.com addresses.
Run by scripts/make-document-fixtures.sh.
"""
import sys

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

page = canvas.Canvas(sys.argv[1], pagesize=A4)
page.setTitle("Application form")
page.drawString(72, 780, "Application form (synthetic test data)")
fields = [
    ("applicant.full_name", "Full name", "Jane Doe"),
    ("applicant.ssn", "Social security number", "536-90-4399"),
    ("applicant.email", "E-mail", "jane.doe@example.com"),
    ("applicant.phone", "Phone", "+44 20 7946 0958"),
]
for row, (name, label, value) in enumerate(fields):
    y = 720 - row * 40
    page.drawString(72, y + 6, label)
    page.acroForm.textfield(name=name, value=value, x=250, y=y, width=250, height=20)
page.showPage()
page.save()
