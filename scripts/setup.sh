#!/usr/bin/env bash
# Prepare this checkout to run and test solienhe:
#   1. the Debian packages the app and its tests need (installed when missing, as root);
#   2. a Python >= 3.12;
#   3. the virtualenv .venv/ with requirements-dev.txt, every indirect version fixed by constraints.txt,
#      reinstalled only when one of the three files (or the venv's Python) changes.
# Quiet and fast when there is nothing to do. Called by `make setup`.
set -euo pipefail

VENV=.venv
STAMP="$VENV/.requirements.sha256"

# WeasyPrint needs Pango and HarfBuzz's subsetter; the printed forms ask for "Times New Roman",
# which fontconfig maps to Liberation Serif 2. Chromium drives the browser tests; postgresql gives
# initdb/postgres for the PostgreSQL test run; poppler-utils gives pdftotext/pdftoppm to the tests.
# gettext gives xgettext/msgfmt to makemessages/compilemessages and to the i18n tests (the compiled
# locale/*/LC_MESSAGES/django.mo is committed, so running the app needs no gettext tool).
DEBIAN_PACKAGES=(
    libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-liberation2
    chromium
    postgresql
    poppler-utils
    gettext
)

say() { printf 'setup: %s\n' "$*"; }
die() {
    printf 'setup: error: %s\n' "$*" >&2
    exit 1
}

missing_debian_packages() {
    # Prints the packages of "$@" that are not installed.
    local status
    status=$(dpkg-query -W -f='${Package} ${db:Status-Abbrev}\n' "$@" 2>/dev/null || true)
    local pkg
    for pkg in "$@"; do
        grep -qE "^${pkg}(:[a-z0-9]+)? ii" <<<"$status" || printf '%s\n' "$pkg"
    done
}

apt_install() {
    # Installs "$@" as root, or prints the line to run and fails.
    local line="apt-get update && apt-get install -y --no-install-recommends $*"
    if [ "$(id -u)" -ne 0 ]; then
        die "missing Debian packages: $*
Run as root:
    $line
then run make setup again."
    fi
    say "installing Debian packages: $*"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

install_debian_packages() {
    if ! command -v dpkg-query >/dev/null 2>&1; then
        say "not a Debian-like system: install Pango, HarfBuzz (subset), Liberation fonts 2, Chromium, PostgreSQL, poppler-utils and gettext yourself"
        return
    fi
    local missing
    mapfile -t missing < <(missing_debian_packages "${DEBIAN_PACKAGES[@]}")
    if [ "${#missing[@]}" -gt 0 ]; then
        apt_install "${missing[@]}"
    fi
}

python_is_recent() {
    # True when "$1" runs and is Python >= 3.12.
    "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1
}

find_python() {
    # Prints the path of the first Python >= 3.12: $PYTHON, then PATH, then pyenv's versions.
    local candidate path
    if [ -n "${PYTHON:-}" ]; then
        python_is_recent "$PYTHON" || die "PYTHON=$PYTHON is not a working Python >= 3.12"
        printf '%s\n' "$PYTHON"
        return
    fi
    # python3.19 … python3.12, newest first, then plain python3.
    for candidate in $(seq -f 'python3.%g' 19 -1 12) python3; do
        path=$(command -v "$candidate" 2>/dev/null) || continue
        if python_is_recent "$path"; then
            # A pyenv shim names a command; resolve it to the real interpreter.
            "$path" -c 'import sys; print(sys.executable)'
            return
        fi
    done
    local pyenv_root="${PYENV_ROOT:-$HOME/.pyenv}"
    while IFS= read -r path; do
        if python_is_recent "$path"; then
            printf '%s\n' "$path"
            return
        fi
    done < <(find "$pyenv_root/versions" -maxdepth 3 -path "$pyenv_root/versions/3.1[2-9]*/bin/python3" 2>/dev/null | sort -rV)
    die "no Python >= 3.12 found (tried python3.19 … python3.12 and python3 on PATH, and $pyenv_root/versions/3.1[2-9]*).
Install one, for example:
    Debian 13 / Ubuntu 24.04:  apt-get install python3 python3-venv
    Debian 12:                 pyenv install 3.13   (https://github.com/pyenv/pyenv)
or point to one with: make setup PYTHON=/path/to/python3.13"
}

ensure_venv_support() {
    # Debian splits ensurepip out of its system Pythons into python3.X-venv.
    local python=$1
    "$python" -c 'import ensurepip, venv' >/dev/null 2>&1 && return
    local version
    version=$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
    case "$python" in
    /usr/bin/*) apt_install "python${version}-venv" ;;
    *) die "$python cannot create virtualenvs (no ensurepip); install its venv support" ;;
    esac
}

ensure_venv() {
    if [ -x "$VENV/bin/python" ] && python_is_recent "$VENV/bin/python"; then
        return
    fi
    local python
    python=$(find_python)
    if [ -e "$VENV" ]; then
        say "$VENV is missing its Python or it is older than 3.12: recreating it"
        rm -rf "$VENV"
    fi
    ensure_venv_support "$python"
    say "creating $VENV with $python ($("$python" --version 2>&1))"
    "$python" -m venv "$VENV"
}

requirements_hash() {
    { cat requirements.txt requirements-dev.txt constraints.txt; "$VENV/bin/python" --version; } | sha256sum | cut -d' ' -f1
}

ensure_requirements() {
    local want
    want=$(requirements_hash)
    if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ]; then
        return
    fi
    say "installing requirements-dev.txt (versions from constraints.txt) into $VENV"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt -c constraints.txt
    printf '%s\n' "$want" >"$STAMP"
}

check_fonts() {
    # The printed forms are set in "Times New Roman"; without it WeasyPrint silently picks another face.
    command -v fc-match >/dev/null 2>&1 || return 0
    local file
    file=$(fc-match -f '%{file}' 'Times New Roman' 2>/dev/null || true)
    case "$file" in
    */liberation2/LiberationSerif*) ;;
    *) say "warning: \"Times New Roman\" resolves to ${file:-nothing}, not Liberation Serif 2 (package fonts-liberation2)" ;;
    esac
}

# Sourced (tests/test_setup_script.py), it only defines the functions.
if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
    cd "$(dirname "$0")/.."
    install_debian_packages
    ensure_venv
    ensure_requirements
    check_fonts
fi
