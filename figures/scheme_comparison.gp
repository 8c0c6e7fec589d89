# Figure scheme_comparison: reference Lotka-Volterra, RK4 vs Euler DVI with
# the same step (data: fig_scheme_comparison).  Left: phase portrait (exact
# orbit dashed on a white edge over the RK4 dots, RK4 coloured by time, one period of the DVI with markers).
# Right: relative energy error over the whole run (the DVI's as the range of
# its values per window: dvi_envelope.tsv) and over the first inset_t time
# units (the stored rows).  Set by the Makefile: inset_t.
cols = 2; band[1] = key_lines(1)
eval canvas(2)
set multiplot
stats datadir.'/rk4.tsv' u 1 nooutput
# time in units of its leading power of ten, so the colour bar's tick labels
# stay short (1, 2 rather than 10000, 20000) and clear of its label
t_unit = 10**floor(log10(STATS_max))
set cbrange [0:STATS_max / t_unit]
room_r = 1.7
eval span(1, 1, 2, 1)
eval colorbox_right
set cbtics format '%g'
set cblabel sprintf('$t/10^{%d}$ (RK4)', int(log10(t_unit) + 0.5))
set xlabel '$x$'
set ylabel '$y$'
plot datadir.'/rk4.tsv' u 2:3:($1 / t_unit) w p pt 7 ps 0.12 lc palette, \
     datadir.'/dvi_period.tsv' u 2:3 w lp pt 6 ps 0.6 lw 1 lc rgb c_verm, \
     datadir.'/exact.tsv' u 2:3 w l lc rgb '#ffffff' lw 4.5, \
     datadir.'/exact.tsv' u 2:3 w l dt 2 lc rgb c_black lw 2
unset colorbox
room_r = 0
eval panel(1, 2)
set title 'whole run'
set xlabel '$t$'
set ylabel 'relative error on $H$'
set format x '%.0s%c'
plot datadir.'/dvi_envelope.tsv' u 1:2:3 w filledcurves fs transparent solid 0.35 noborder lc rgb c_verm, \
     datadir.'/rk4.tsv' u 1:4:1 w l lc palette lw 1.5
eval panel(2, 2)
set title sprintf('$t \le %g$', inset_t)
set format x '%g'
set xrange [0:inset_t]
plot datadir.'/dvi.tsv' u 1:4 w p pt 6 ps 0.35 lc rgb c_verm, \
     datadir.'/rk4.tsv' u 1:4:1 w l lc palette lw 1.5
eval key_strip(1)
# (the longest title last: columns are as wide as it, and nothing follows)
plot NaN w l lc palette frac 0.5 lw 1.5 t 'RK4', NaN w lp pt 6 ps 0.6 lw 1 lc rgb c_verm t 'DVI', \
     NaN w l dt 2 lc rgb c_black lw 2 t 'exact orbit', \
     NaN w filledcurves fs transparent solid 0.35 noborder lc rgb c_verm t 'DVI error range'
unset multiplot
