#!/usr/bin/env bash
# Prints LaTeX macros with the versions of the tools actually used.
set -eu -o pipefail
export LC_ALL=C   # numbers with a decimal point, whatever the caller's locale
pkgver() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null || echo unknown; }
# The first line of a command's output, read in the shell: a pipe into
# head would kill the command with SIGPIPE at random, and pipefail turn that
# into "unknown".
first() {
  local out
  out=$("$@" 2>/dev/null) || true
  out=${out%%$'\n'*}
  printf '%s' "${out:-unknown}"
}
tex_escape() { sed -e 's/\\/\\textbackslash{}/g' -e 's/[_&%#$]/\\&/g' -e 's/[{}]/\\&/g'; }
emit() { printf '\\newcommand{\\%s}{%s}\n' "$1" "$(printf '%s' "$2" | tex_escape)"; }
emit nchvercc "$(first ${CC:-gcc} --version)"
emit nchvergsl "GSL $(pkgver libgsl-dev)"
emit nchveropenblas "OpenBLAS $(pkgver libopenblas-dev)"
emit nchverlapacke "LAPACKE $(pkgver liblapacke-dev)"
emit nchvercmocka "cmocka $(pkgver libcmocka-dev)"
emit nchvergnuplot "$(first gnuplot --version)"
emit nchvertex "$(first pdftex --version)"
latexmk=$(latexmk --version 2>/dev/null) || true
latexmk=$(grep -m1 Version <<<"$latexmk") || latexmk=unknown
emit nchverlatexmk "$latexmk"
emit nchvermake "$(first make --version)"
emit nchverdebian "Debian $(cat /etc/debian_version 2>/dev/null || echo unknown)"
cpu=$(sed -n '/^model name/{s/^model name[[:space:]]*: //p;q}' /proc/cpuinfo 2>/dev/null) || true
mem=$(awk '/^MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo 2>/dev/null)
emit nchmachine "${cpu:-unknown CPU}, $(nproc 2>/dev/null || echo ?) cores, ${mem:-? GiB}"
