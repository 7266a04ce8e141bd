#!/usr/bin/env bash
# Regenerates the document fixtures in fixtures/document/ from fixtures/document/source/, using
# LibreOffice headless as the real writer of docx and odt. The results are committed:
# `cargo test` never needs LibreOffice.
#
# Usage: scripts/make-document-fixtures.sh   (from anywhere; installs LibreOffice Writer if missing)
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
src="$root/fixtures/document/source"
out="$root/fixtures/document"

# Writer, not only the soffice command: a machine with LibreOffice Calc alone cannot load text.
if ! dpkg-query -W -f='${Status}' libreoffice-writer-nogui 2>/dev/null | grep -q installed \
    && ! dpkg-query -W -f='${Status}' libreoffice-writer 2>/dev/null | grep -q installed; then
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        libreoffice-writer-nogui
fi

profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
for target in docx odt; do
    soffice -env:UserInstallation="file://$profile" --headless --convert-to "$target" \
        --outdir "$out" "$src/letter.fodt" >/dev/null
done
ls -l "$out"
