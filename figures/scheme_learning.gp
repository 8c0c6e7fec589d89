# Figure scheme_learning (data: fig_scheme_learning).  Top: short-time error
# against the reference model's exact solution vs the step h, median and
# 5-95 % band over the validation ICs, for RK4 (left) and the Euler DVI
# (right), with order-4 and order-1 guide lines; the models' key above.
# The bands overlap: each is edged by thin lines in its family's colour and
# dash type, under the medians (lines with
# markers); a missing quantile (runs that stopped) leaves out that edge.
# Bottom: the scheme-learnt model's DVI at the learning step h over a long
# time (markers on a sparse subset of its stored steps) under its own exact orbits (dashed) and the reference
# orbits (thin solid), and its largest |energy error| per window
# (long_envelope.tsv) on log-log axes, × where a run stops (the key entry
# only if one does); the ICs' key above.
# Middle: the seed study — each family's short-time median error at the
# learning step h, one marker per seed (the main model ringed), with the
# medians whose runs mostly stopped in the row "stopped" above.
# Set by the Makefile: h, seeds (the seed study's seeds).
# Families in the pipeline's order (FAMILIES): scheme, vf_no_reg, vf_reg.
array mcol[3] = [c_black, c_verm, c_blue]
array mname[3] = ['scheme learning', 'VF no reg.', 'VF with reg.']
array mpt[3] = [5, 13, 7]
array mdt[3] = [3, 4, 5]      # band edges: dotted, dash-dot, dash-dot-dot
# the range of h of each top panel (s = 1: RK4, 0: DVI), before any range
array hlo[2]
array hhi[2]
do for [s = 0:1] {
  hlo[s+1] = 1e300; hhi[s+1] = 0
  do for [k = 0:2] {
    stats datadir.'/short.tsv' index 2*k+s u 3 nooutput
    hlo[s+1] = STATS_min < hlo[s+1] ? STATS_min : hlo[s+1]
    hhi[s+1] = STATS_max > hhi[s+1] ? STATS_max : hhi[s+1]
  }
}
cols = 2; band[1] = key_lines(2); band[3] = key_lines(2)
eval canvas(3)
set multiplot
set logscale xy
set format y '$10^{%T}$'
set xlabel 'step $h$'
set ylabel 'max. error over $[0, t_f]$'
do for [s = 1:0:-1] {
  eval panel(1, 2 - s)
  set title (s ? 'RK4 (dashed: order 4)' : 'Euler DVI (dashed: order 1)')
  # the data's range of h, with tics at 1, 2, 5 per decade
  x0 = hlo[s+1] / 1.2; x1 = hhi[s+1] * 1.2
  set xrange [x0:x1]
  set xtics ()
  do for [d = floor(log10(x0)):floor(log10(x1))] for [m in "1 2 5"] {
    v = int(m) * 10.0**d
    if (v >= x0 && v <= x1) { set xtics add (sprintf('%g', v) v) }
  }
  # short.tsv: model scheme h median q_lo q_hi stopped; blocks per (model, scheme)
  plot for [k = 0:2] datadir.'/short.tsv' index 2*k+s u 3:5 w l dt mdt[k+1] lw 1.4 lc rgb mcol[k+1], \
       for [k = 0:2] datadir.'/short.tsv' index 2*k+s u 3:6 w l dt mdt[k+1] lw 1.4 lc rgb mcol[k+1], \
       for [k = 0:2] datadir.'/short.tsv' index 2*k+s u 3:4 w lp pt mpt[k+1] ps 0.6 lc rgb mcol[k+1], \
       (s ? 1e3*x**4 : 10*x) w l dt 2 lc rgb c_black
}
unset logscale
set xtics auto
set autoscale x
# seeds.tsv: family seed main initial_test stage1_best collapsed best_test
# best_reg completed newton domain max_err short_dvi short_rk4, rows grouped
# by family, seeds in the order of `seeds`.
nseed = words(seeds)
stats datadir.'/seeds.tsv' u 13:14 nooutput
slo = (STATS_min_x < STATS_min_y ? STATS_min_x : STATS_min_y) / 2
shi = (STATS_max_x > STATS_max_y ? STATS_max_x : STATS_max_y) * 2
ystop = shi * 3
xs(f) = f + 0.55 * ((int(column(0)) % nseed) - 0.5 * (nseed - 1)) / nseed
set logscale y
set format y '$10^{%T}$'
set yrange [slo:ystop * 1.8]
set xrange [-0.5:2.5]
set xtics ('scheme' 0, 'VF no reg.' 1, 'VF reg.' 2) scale 0
set logscale y2
set y2range [slo:ystop * 1.8]
set y2tics ('stopped' ystop) scale 0 nomirror
set xlabel 'family'
set ylabel sprintf('median error, $h = %g$', h)
room_r = 1.2           # the right axis names the row of runs that stopped
do for [s = 1:0:-1] {
  eval panel(2, 2 - s)
  set title sprintf('seeds: %s at $h = %g$', s ? 'RK4' : 'Euler DVI', h)
  c = 13 + s
  plot for [f = 0:2] datadir.'/seeds.tsv' u ($1 == f ? xs(f) : NaN):(column(c) == column(c) ? column(c) : ystop) w p pt mpt[f+1] ps 0.7 lc rgb mcol[f+1], \
       datadir.'/seeds.tsv' u ($3 == 1 ? xs($1) : NaN):(column(c) == column(c) ? column(c) : ystop) w p pt 6 ps 1.6 lc rgb c_black, \
       ystop / 1.7 w l lw 0.6 lc rgb c_grey dt 3
}
room_r = 0
unset y2tics
unset logscale y2
set xtics auto
set ytics auto
unset logscale
set format x '%g'
set format y '%g'
set autoscale xy
# the x range holds every orbit with 3 % to spare (autoscaling may end on
# the largest x itself)
xmax = 0
do for [f in "ref_exact model_exact long_dvi"] {
  stats datadir.'/'.f.'.tsv' u 3 nooutput
  xmax = STATS_max > xmax ? STATS_max : xmax
}
set xrange [0:ceil(xmax * 1.03)]
# a run that stops: counted (stats leaves n_stop at 0 on an empty file)
n_stop = 0
stats datadir.'/long_stop.tsv' u (n_stop = n_stop + 1, 0) nooutput
# all stored points as fine dots, and markers on every st[k]-th of IC k
# (about 110 per IC), so they stay apart and tell the ICs apart in grayscale
array st[4]
do for [k = 0:3] {
  stats datadir.'/long_dvi.tsv' index k u 3 nooutput
  st[k+1] = STATS_records / 110 > 1 ? STATS_records / 110 : 1
}
eval panel(3, 1)
set xlabel '$x$'
set ylabel '$y$'
set title sprintf('scheme-learnt model, DVI at $h = %g$', h)
plot for [k = 0:3] datadir.'/long_dvi.tsv' index k u 3:4 w p pt 7 ps 0.1 lc rgb ic_col[k+1], \
     for [k = 0:3] datadir.'/long_dvi.tsv' index k every st[k+1] u 3:4 w p pt ic_pt[k+1] ps 0.5 lc rgb ic_col[k+1], \
     for [k = 0:3] datadir.'/ref_exact.tsv' index k u 3:4 w l lc rgb c_black lw 0.8, \
     for [k = 0:3] datadir.'/model_exact.tsv' index k u 3:4 w l dt 2 lw 0.8 lc rgb c_black, \
     datadir.'/long_stop.tsv' u 3:4 w p pt pt_stop ps 1.5 lw 2 lc rgb c_black
eval panel(3, 2)
set title 'energy error of the scheme-learnt DVI'
set xlabel '$t$'
set ylabel 'max $|$rel. error on $H|$'
set logscale xy
set format x '$10^{%T}$'
set format y '$10^{%T}$'
set autoscale xy
# long_envelope.tsv: ic t min max, two rows per window (its first and last
# step); drawn is max(|min|, |max|) per window, one line per IC with its
# dash type and a marker every few windows; t = 0 is off the log axis.
amax(a, b) = abs(a) > abs(b) ? abs(a) : abs(b)
plot for [k = 0:3] datadir.'/long_envelope.tsv' index k u 2:(amax($3, $4)) w lp lw 1 dt ic_dt[k+1] \
       pt ic_pt[k+1] ps 0.45 pi 40 lc rgb ic_col[k+1], \
     datadir.'/long_stop.tsv' u 2:(abs($5)) w p pt pt_stop ps 1.5 lw 2 lc rgb c_black
unset logscale
eval key_strip(1)
# two rows, filled by columns: each family's median over its band's edge
set key maxcols 3 maxrows 2
array kdt[6] = [1, mdt[1], 1, mdt[2], 1, mdt[3]]
plot for [i = 0:5] NaN w lp pt (i % 2 ? -1 : mpt[i/2+1]) ps 0.6 dt kdt[i+1] lw (i % 2 ? 1.4 : 1) \
       lc rgb mcol[i/2+1] t (i % 2 ? '5--95\% of ICs' : mname[i/2+1])
eval key_strip(3)
plot for [k = 1:4] NaN w lp pt ic_pt[k] ps 0.6 dt ic_dt[k] lc rgb ic_col[k] t sprintf('IC %d', k), \
     NaN w l lc rgb c_black lw 0.8 t 'exact, reference', NaN w l dt 2 lw 0.8 lc rgb c_black t 'exact, learnt', \
     NaN w p pt pt_stop ps 1.2 lw 2 lc rgb c_black t (n_stop > 0 ? 'run stops' : '')
unset multiplot
