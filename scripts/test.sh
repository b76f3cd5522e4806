#!/usr/bin/env bash
# Install everything the tests need and run the whole suite (README Quick start; CI runs
# exactly this through .ci/run). Debian packages come from apt when missing: poppler reads
# our PDFs back and qpdf checks their structure, xvfb + xcb libraries show the real window, LibreOffice re-saves and opens
# spreadsheets, a CJK font for Qt.
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
command -v xvfb-run >/dev/null 2>&1 || need+=(xvfb xauth)
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-calc-nogui)
command -v qpdf >/dev/null 2>&1 || need+=(qpdf)
[ -e /usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf ] || need+=(fonts-droid-fallback)
if [ ! -e /usr/lib/x86_64-linux-gnu/libxcb-icccm.so.4 ] && [ ! -e /usr/lib/aarch64-linux-gnu/libxcb-icccm.so.4 ]; then
  need+=(libxcb-icccm4 libxcb-keysyms1 libxcb-cursor0 libxcb-image0 libxcb-render-util0
         libxcb-shape0 libxcb-xkb1 libxkbcommon-x11-0 libegl1 libgl1 libfontconfig1
         libdbus-1-3 libglib2.0-0 libxkbcommon0)
fi
if [ ${#need[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -q >/dev/null
  $sudo apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null
fi
python -m pip install -q -e ".[test]"
export QT_QPA_PLATFORM=offscreen
# Property tests draw the same examples on every run (tests/conftest.py: the "ci" profile).
export CI="${CI:-true}"
set +e
python -m pytest -q "$@"
rc=$?
set -e
# pytest's 5 means "no tests collected": for us that is a broken suite, not a pass.
if [ "$rc" -eq 5 ]; then echo "no tests were collected" >&2; exit 1; fi
exit "$rc"
