#!/usr/bin/env bash
# Prints LaTeX macros with the versions of the tools actually used.
set -eu -o pipefail
pkgver() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null || echo unknown; }
first() { "$@" 2>/dev/null | head -n 1 || echo unknown; }
tex_escape() { sed -e 's/\\/\\textbackslash{}/g' -e 's/[_&%#$]/\\&/g' -e 's/[{}]/\\&/g'; }
emit() { printf '\\newcommand{\\%s}{%s}\n' "$1" "$(printf '%s' "$2" | tex_escape)"; }
emit nchvercc "$(first ${CC:-gcc} --version)"
emit nchvergsl "GSL $(pkgver libgsl-dev)"
emit nchveropenblas "OpenBLAS $(pkgver libopenblas-dev)"
emit nchverlapacke "LAPACKE $(pkgver liblapacke-dev)"
emit nchvercmocka "cmocka $(pkgver libcmocka-dev)"
emit nchvergnuplot "$(first gnuplot --version)"
emit nchvertex "$(first pdftex --version)"
emit nchverlatexmk "$(latexmk --version 2>/dev/null | grep -m1 Version || echo unknown)"
emit nchvermake "$(first make --version)"
emit nchverdebian "Debian $(cat /etc/debian_version 2>/dev/null || echo unknown)"
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1)
mem=$(awk '/^MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo 2>/dev/null)
emit nchmachine "${cpu:-unknown CPU}, $(nproc 2>/dev/null || echo ?) cores, ${mem:-? GiB}"
