# Shared style of every figure (loaded before figures/NAME.gp by
# src/scripts/figure.sh, which sets `datadir` and `output`).
# cairolatex: curves in PDF, labels in LaTeX (the paper's fonts).
set terminal cairolatex pdf input size 15cm,10cm font ',8' linewidth 1.5 dashlength 1.5 color
set output output
set datafile separator "\t"
set datafile commentschars "#"
set border lw 0.8
set tics nomirror out scale 0.6
set key samplen 2 spacing 1.1 noautotitle
set format y '$10^{%T}$'
# A sequential palette for families of curves (viridis-like, colour-blind safe).
set palette defined (0 '#440154', 1 '#3b528b', 2 '#21918c', 3 '#5ec962', 4 '#fde725')
array seq[6] = ['#440154', '#414487', '#2a788e', '#22a884', '#7ad151', '#e8c81f']
set linetype 1 lc rgb '#0072b2' lw 1.5
set linetype 2 lc rgb '#d55e00' lw 1.5
set linetype 3 lc rgb '#009e73' lw 1.5
set linetype 4 lc rgb '#cc79a7' lw 1.5
set linetype 5 lc rgb '#555555' lw 1.5
