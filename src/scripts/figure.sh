#!/usr/bin/env bash
# figure.sh NAME [GNUPLOT_ASSIGNMENTS] — figures/NAME.gp → build/fig/NAME.{tex,pdf} (gnuplot,
# cairolatex) → figures/NAME.pdf: one cropped page typeset with the paper's
# fonts, so the figure is complete on its own and the paper includes it as is.
set -eu -o pipefail
export LC_ALL=C   # numbers with a decimal point, whatever the caller's locale
name=$1
vars=${2:-}
out=build/fig/$name
mkdir -p build/fig
gnuplot -e "datadir='data/$name'; output='$out.tex'; $vars" figures/style.gp "figures/$name.gp"
cat > "$out-page.tex" <<TEX
\\documentclass{article}
\\input{figure-preamble}
\\begin{document}
\\setbox0=\\hbox{\\input{$out.tex}}
\\pdfpagewidth=\\wd0 \\pdfpageheight=\\dimexpr\\ht0+\\dp0\\relax
\\hoffset=-1in \\voffset=-1in
\\shipout\\box0
\\end{document}
TEX
TEXINPUTS=paper: pdflatex -interaction=nonstopmode -halt-on-error -output-directory build/fig "$out-page.tex" >/dev/null \
  || { tail -n 20 "$out-page.log" >&2; exit 1; }
mv "$out-page.pdf" "figures/$name.pdf"
