#!/usr/bin/env bash
# Install perfdesk with its test extras and run the whole test suite (README Quick start).
set -euo pipefail
cd "$(dirname "$0")/.."
python -m pip install -q -e ".[test]"
export QT_QPA_PLATFORM=offscreen
set +e
python -m pytest -q "$@"
rc=$?
set -e
# pytest's 5 means "no tests collected": for us that is a broken suite, not a pass.
if [ "$rc" -eq 5 ]; then echo "no tests were collected" >&2; exit 1; fi
exit "$rc"
