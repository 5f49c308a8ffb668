# Sourced by start.sh / test.sh: find Python 3.12 and make sure uv is there.
PY=""
for candidate in python3.12 "$HOME/.pyenv/versions/3.12.1/bin/python" python3 python; do
  if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 12))' 2>/dev/null; then
    PY="$(command -v "$candidate")"
    break
  fi
done
if [ -z "$PY" ]; then
  echo "Python 3.12 is required (pyenv install 3.12, or your distribution's python3.12)." >&2
  exit 1
fi
if ! "$PY" -m uv --version >/dev/null 2>&1; then
  "$PY" -m pip install --quiet --disable-pip-version-check uv
fi
export PY
