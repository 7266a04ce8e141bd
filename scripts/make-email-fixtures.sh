#!/usr/bin/env bash
# Regenerates fixtures/email/invoice.eml with Python's standard email package, the MIME writer
# behind many mail tools: a message whose body is quoted-printable, with an HTML alternative
# and two attachments encoded as base64 (the customers CSV and the letter as PDF), so that
# nothing in it can be found without decoding it; and fixtures/email/inbox.mbox, written by
# Python's mailbox module: that message and a reply whose body has a line starting `From `,
# which the mailbox quotes as `>From `. The results are committed: `cargo test` never needs
# Python.
#
# Usage: scripts/make-email-fixtures.sh   (from anywhere)
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
mkdir -p "$root/fixtures/email"
python3 - "$root" <<'PY'
import sys
from email.message import EmailMessage
from email.policy import SMTP

root = sys.argv[1]
message = EmailMessage(policy=SMTP)
message["From"] = "Jane Doe <jane.doe@example.com>"
message["To"] = "billing@example.org"
message["Subject"] = "Invoice and the customer export – Zoë"
message["Date"] = "Mon, 06 Jan 2025 09:30:00 +0000"
message["Message-ID"] = "<fixture-invoice@example.com>"
message.set_content(
    "Hello Zoë,\n\nmy new mobile is +44 20 7946 0958; the export is attached.\n\nJane\n",
    cte="quoted-printable",
)
message.add_alternative(
    "<p>Hello Zoë,</p><p>my new mobile is <b>+44 20 7946 0958</b>.</p>", subtype="html"
)
with open(f"{root}/fixtures/csv/customers.csv", "rb") as export:
    message.add_attachment(
        export.read(), maintype="text", subtype="csv", filename="customers.csv"
    )
with open(f"{root}/fixtures/document/letter.pdf", "rb") as letter:
    message.add_attachment(
        letter.read(), maintype="application", subtype="pdf", filename="letter.pdf"
    )
with open(f"{root}/fixtures/email/invoice.eml", "wb") as out:
    out.write(message.as_bytes())

import mailbox
import os

reply = EmailMessage()
reply["From"] = "Bob Smith <bob.smith@example.org>"
reply["To"] = "jane.doe@example.com"
reply["Subject"] = "Re: Invoice"
reply["Date"] = "Mon, 06 Jan 2025 10:00:00 +0000"
reply.set_content("Thanks, Jane.\nFrom tomorrow on, call me on +1 415 555 2671.\n")
path = f"{root}/fixtures/email/inbox.mbox"
if os.path.exists(path):
    os.remove(path)
box = mailbox.mbox(path)
box.add(message)
box.add(reply)
box.flush()
box.close()
PY
ls -l "$root/fixtures/email"
