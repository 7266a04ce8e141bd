#!/usr/bin/env bash
# Regenerates the document fixtures in fixtures/document/ from fixtures/document/source/, using
# LibreOffice headless as the real writer of docx, odt, pptx, pdf and doc. The results are
# committed: `cargo test` never needs LibreOffice.
#
# Usage: scripts/make-document-fixtures.sh   (from anywhere; installs LibreOffice Writer and
# Impress if missing)
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
src="$root/fixtures/document/source"
out="$root/fixtures/document"

# Writer and Impress, not only the soffice command: with LibreOffice Calc alone, text and
# presentations cannot be loaded.
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q installed; }
for part in writer impress; do
    if ! installed "libreoffice-$part-nogui" && ! installed "libreoffice-$part"; then
        apt-get update
        DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
            "libreoffice-$part-nogui"
    fi
done

profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
convert() {
    soffice -env:UserInstallation="file://$profile" --headless --convert-to "$1" \
        --outdir "$out" "$2" >/dev/null
}
convert docx "$src/letter.fodt"
convert odt "$src/letter.fodt"
convert pdf "$src/letter.fodt"
# Word 97-2003, which piimap does not read: a test checks the reason it is skipped for.
convert doc "$src/letter.fodt"
convert pptx "$src/slides.fodp"

# A filled-in PDF form, written by ReportLab in a throwaway venv: LibreOffice does not fill in
# the forms it exports.
venv="$(mktemp -d)"
trap 'rm -rf "$profile" "$venv"' EXIT
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet reportlab==4.4.4
"$venv/bin/python" "$root/scripts/make_pdf_form.py" "$out/form.pdf"
ls -l "$out"
