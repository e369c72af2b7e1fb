# shellcheck shell=bash
# Sourced by scripts/test and scripts/app: make sure ./.venv exists and holds the project
# installed editable with its test extra. Reinstalls when pyproject.toml changed since the last
# install (the sha256 of pyproject.toml is kept in .venv/.annotator-install-stamp).
#
# After sourcing: cwd is the repository root, VENV_PY is the venv's python.
# Override the interpreter used to create the venv with ANNOTATOR_PYTHON=/path/to/python3.x.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

VENV_DIR="$ROOT/.venv"
VENV_PY="$VENV_DIR/bin/python"
VENV_STAMP="$VENV_DIR/.annotator-install-stamp"

_venv_log() { printf '==> %s\n' "$*" >&2; }
_venv_die() { printf 'error: %s\n' "$*" >&2; exit 1; }

_venv_python_ok() {  # is "$1" a Python >= 3.11?
    "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' >/dev/null 2>&1
}

_venv_pick_python() {
    local candidate
    for candidate in ${ANNOTATOR_PYTHON:-} python3 python3.13 python3.12 python3.11; do
        if command -v "$candidate" >/dev/null 2>&1 && _venv_python_ok "$candidate"; then
            printf '%s\n' "$candidate"
            return 0
        fi
    done
    _venv_die "no Python >= 3.11 found (tried: ${ANNOTATOR_PYTHON:-} python3 python3.13 python3.12 python3.11); set ANNOTATOR_PYTHON"
}

ensure_venv() {
    export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
    if [[ ! -x "$VENV_PY" ]] || ! "$VENV_PY" -c 'pass' >/dev/null 2>&1; then
        local py
        py="$(_venv_pick_python)"
        _venv_log "creating .venv with $py ($("$py" --version 2>&1))"
        "$py" -m venv --clear "$VENV_DIR" \
            || _venv_die "'$py -m venv' failed (on Debian: apt-get install python3-venv)"
        rm -f "$VENV_STAMP"
    fi
    _venv_python_ok "$VENV_PY" || _venv_die ".venv has Python < 3.11: delete .venv and retry"

    local want have=""
    want="$(sha256sum pyproject.toml | cut -d' ' -f1)"
    [[ -f "$VENV_STAMP" ]] && have="$(<"$VENV_STAMP")"
    if [[ "$want" != "$have" ]]; then
        _venv_log "installing the project into .venv (pip install -e '.[test]')"
        local log="$VENV_DIR/pip-install.log"
        if ! "$VENV_PY" -m pip install --editable '.[test]' >"$log" 2>&1; then
            tail -n 60 "$log" >&2
            _venv_die "pip install -e '.[test]' failed (full log: $log)"
        fi
        # Surface pip's own complaints, minus this machine's notes about absent local indexes.
        grep -E '^(ERROR|WARNING): ' "$log" | grep -v "is ignored: it is neither a file" >&2 || true
        printf '%s\n' "$want" >"$VENV_STAMP"
    fi
}
