#!/usr/bin/env bash
# Build the one-folder app (build.spec) and check that it starts.
#
#   scripts/build_app.sh                 # → dist/perfdesk/perfdesk
#   DIST=/tmp/d WORK=/tmp/w scripts/build_app.sh
#   SKIP_INSTALL=1 scripts/build_app.sh  # perfdesk and pyinstaller are installed already
#
# On Windows the same two steps are `pip install .[build]` and `pyinstaller build.spec`.
set -euo pipefail
cd "$(dirname "$0")/.."
DIST="${DIST:-dist}"
WORK="${WORK:-build}"

if [ -z "${SKIP_INSTALL:-}" ]; then
    # Editable: the dependencies and PyInstaller are what the build needs (build.spec takes
    # perfdesk itself from this checkout), and a developer's own editable install stays.
    python -m pip install -q -e ".[build]"
fi
python -m PyInstaller --noconfirm --log-level WARN --distpath "$DIST" --workpath "$WORK" build.spec

app="$DIST/perfdesk/perfdesk"
[ -x "$app" ] || app="$DIST/perfdesk/perfdesk.exe"
"$app" --version
# Start the command line against a fresh database (created by list, then checked): proves the
# bundle has what the store needs.
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
"$app" --db "$tmp/smoke.sqlite" list
"$app" --db "$tmp/smoke.sqlite" check
echo "built: $DIST/perfdesk ($(du -sh "$DIST/perfdesk" | cut -f1))"
