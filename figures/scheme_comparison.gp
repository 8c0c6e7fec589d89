# Figure scheme_comparison: reference Lotka-Volterra, RK4 vs Euler DVI with
# the same step (data: fig_scheme_comparison).  Left: phase portrait (exact
# orbit dashed, RK4 coloured by time, one period of the DVI with markers).
# Right: relative energy error vs t, inset on the first inset_t time units.
set multiplot
set size 0.46,1
set origin 0,0
set lmargin at screen 0.08
set rmargin at screen 0.40
set tmargin at screen 0.92
set bmargin at screen 0.14
set xlabel '$x$'
set ylabel '$y$' offset 1,0
set format y '%g'
set format x '%g'
stats datadir.'/rk4.tsv' u 1 nooutput
tmax = STATS_max
set cbrange [0:tmax]
set palette defined (0 '#0d0887', 0.5 '#cc4778', 1 '#f0f921')
set colorbox user origin screen 0.415,0.14 size screen 0.012,0.78
set cbtics format '%.0f' scale 0.5
set cblabel '$t$ (RK4)' offset 0.8,0
set key at graph 0.62, graph 0.55 center center reverse Left samplen 1.5
set yrange [*:*] writeback
plot datadir.'/rk4.tsv' u 2:3:1 w p pt 7 ps 0.12 lc palette t 'RK4', \
     datadir.'/dvi_period.tsv' u 2:3 w lp pt 6 ps 0.5 lc rgb '#555555' t 'DVI (one period)', \
     datadir.'/exact.tsv' u 2:3 w l dt 2 lc rgb 'black' lw 2 t 'exact'
unset colorbox
set lmargin at screen 0.60
set rmargin at screen 0.98
set xlabel '$t$'
set ylabel 'relative error on $H$' offset 1.5,0
set format x '%.0s%c'
set key at graph 0.02, graph 0.02 left bottom reverse Left
set yrange [*:*]
plot datadir.'/dvi.tsv' u 1:4 w l lc rgb '#555555' lw 0.6 t 'DVI', \
     datadir.'/rk4.tsv' u 1:4:1 w l lc palette lw 1.5 t 'RK4'
# inset: the first inset_t time units
set lmargin at screen 0.68
set rmargin at screen 0.95
set tmargin at screen 0.90
set bmargin at screen 0.66
set xrange [0:inset_t]
set yrange [-0.05:0.05]
set xtics 0,100
set ytics -0.05,0.05,0.05
# cairolatex puts tick labels behind the graphics, where the main panel's
# curves would hide them: the inset's are drawn as front labels instead.
set format x ''
set format y ''
do for [tx = 0:inset_t:100] { set label sprintf('\scriptsize %d', tx) at first tx, graph 0 center offset 0,-0.7 front }
do for [k = -1:1] { set label sprintf('\scriptsize $%g$', 0.05*k) at graph 0, first 0.05*k right offset -0.4,0 front }
set format x '%g'
set xlabel ''
set ylabel ''
unset key
set object 1 rect from graph 0,0 to graph 1,1 fc rgb 'white' behind
plot datadir.'/dvi.tsv' u 1:4 w l lc rgb '#555555' lw 0.6, \
     datadir.'/rk4.tsv' u 1:4:1 w l lc palette lw 1.5
unset multiplot
