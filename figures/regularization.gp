# Figure regularization (data: fig_regularization, training traces of
# bin/train).  Top: the Euler DVI at the learning step h over a long time
# from four ICs — without and with the regulariser in the loss (× where a run
# stops); their key above the figure.  Bottom left: test data term and test
# regulariser per epoch of both trainings.  Bottom right: seed study — max
# |relative H error| of every seed × IC DVI run, seeds on the x axis (within
# a seed, the four ICs side by side for each model); runs that stop are
# drawn in the row "stopped" above the others.
# Set by the Makefile: h, N (DVI steps), modelsdir, seeds (the study's seeds
# in the order of the seed column's index).
cols = 2; band[1] = key_lines(1)
eval canvas(2)
set multiplot
set xlabel '$x$'
set ylabel '$y$'
do for [g = 0:1] {
  tag = g ? 'reg' : 'noreg'
  eval panel(1, g + 1)
  set title (g ? 'with' : 'without').sprintf(' regularisation: DVI, $h = %g$', h)
  # each IC's first point enlarged (IC 4's runs stop before a second one is stored)
  plot for [k = 0:3] datadir.'/'.tag.'_dvi.tsv' index k u 3:4 w p pt ic_pt[k+1] ps 0.3 lc rgb ic_col[k+1], \
       for [k = 0:3] datadir.'/'.tag.'_dvi.tsv' index k every ::0::0 u 3:4 w p pt ic_pt[k+1] ps 1.1 lc rgb ic_col[k+1], \
       datadir.'/'.tag.'_dvi_stop.tsv' u 3:4 w p pt pt_stop ps 1.5 lw 2 lc rgb c_black
}

# Training: colour, marker (as in the seed study) and width say which training,
# dash which term.
# trace columns: stage epoch lr, 5 train terms, 5 test terms (tot abs_dz rel_dz abs_reg rel_reg)
array trace[2] = ['vf_no_reg', 'vf_reg']
array tcol[2] = [c_verm, c_blue]
array tpt[2] = [7, 5]
array tlw[2] = [1.6, 0.6]   # and width: the thin reg. curves over the wide no-reg. ones
lo = 1e300; hi = 0
do for [m = 1:2] for [c in "10 12"] {
  stats modelsdir.'/'.trace[m].'.trace.tsv' u int(c) nooutput
  lo = STATS_min < lo ? STATS_min : lo; hi = STATS_max > hi ? STATS_max : hi
}
eval panel(2, 1)
set title 'training: test terms per epoch'
set xlabel 'epoch'
set ylabel 'test value'
set logscale y
set format y '$10^{%T}$'
eval headroom_log(lo, hi, 2)
eval key_head(0)." horizontal maxcols 2 samplen 2 width 0"
set xtics 500
# markers every ntr/6 epochs, the two trainings' half an interval apart
stats modelsdir.'/'.trace[1].'.trace.tsv' u 0 nooutput
ntr = STATS_records
stats modelsdir.'/'.trace[2].'.trace.tsv' u 0 nooutput
ntr = STATS_records > ntr ? STATS_records : ntr
set xrange [0:ntr - 1]
mi = int(ntr / 6) > 1 ? int(ntr / 6) : 1
mk(m) = (int(column(0)) + (m - 1) * mi / 2) % mi == mi / 4
plot for [m = 1:2] modelsdir.'/'.trace[m].'.trace.tsv' u 0:10 w l lw tlw[m] lc rgb tcol[m] notitle, \
     for [m = 1:2] modelsdir.'/'.trace[m].'.trace.tsv' u 0:12 w l lw tlw[m] dt 2 lc rgb tcol[m] notitle, \
     for [m = 1:2] modelsdir.'/'.trace[m].'.trace.tsv' u 0:(mk(m) ? $10 : NaN) w p pt tpt[m] ps 0.6 lc rgb tcol[m] notitle, \
     for [m = 1:2] modelsdir.'/'.trace[m].'.trace.tsv' u 0:(mk(m) ? $12 : NaN) w p pt tpt[m] ps 0.6 lc rgb tcol[m] notitle, \
     for [m = 1:2] NaN w lp pt tpt[m] ps 0.6 lw tlw[m] lc rgb tcol[m] t (m == 1 ? 'no reg.' : 'reg.'), \
     NaN w l lc rgb c_black t 'data term', NaN w l dt 2 lc rgb c_black t 'regulariser'

# Seed study: seeds.tsv columns model seed_index ic steps max_abs_rel_err.
stats datadir.'/seeds.tsv' u 5 nooutput
slo = STATS_min; shi = STATS_max
ystop = shi * 8          # the row of the runs that stopped
nseed = words(seeds)
room_r = 1.6
eval panel(2, 2)
room_r = 0
set title 'seed study: DVI runs (seed $\times$ IC)'
set xlabel 'seed'
set ylabel 'max $|$rel. error on $H|$'
set xrange [-0.5:nseed - 0.5]
set yrange [slo / 2:ystop * 3]
# the scale (1, 2, 5 per decade) stops below the row of stopped runs
set format y '%g'
set ytics ()
do for [d = floor(log10(slo / 2)):floor(log10(shi))] for [m in "1 2 5"] {
  v = int(m) * 10.0**d
  if (v >= slo / 2 && v <= shi * 1.5) { set ytics add (v) }
}
set xtics 1 scale 0
set xtics ('' 0)
do for [s = 1:nseed] { set xtics add (word(seeds, s) s - 1) }
# the row of stopped runs is named on the right axis, the key below it
set y2range [slo / 2:ystop * 3]
set logscale y2
set y2tics ('stopped' ystop) scale 0 nomirror
set arrow 1 from graph 0, first ystop / 2.2 to graph 1, first ystop / 2.2 nohead lw 0.6 dt 3 lc rgb c_grey
set key at graph 1 + 0.15 / pan_wcm, graph 0.6 left top vertical reverse Left samplen 1
# the four ICs in order 1-4 from left to right, far enough apart not to overlap
xs(g) = $2 + (g ? 0.25 : -0.25) + ($3 - 1.5) * 0.12
ran(g) = ($1 == g && $4 == N)
plot for [g = 0:1] datadir.'/seeds.tsv' u (ran(g) ? xs(g) : NaN):5 w p pt (g ? 5 : 7) ps 0.45 lc rgb (g ? c_blue : c_verm) \
       t (g ? 'reg.' : 'no reg.'), \
     for [g = 0:1] datadir.'/seeds.tsv' u ($1 == g && $4 < N ? xs(g) : NaN):(ystop) w p pt (g ? 5 : 7) ps 0.45 \
       lc rgb (g ? c_blue : c_verm) notitle
unset arrow 1
unset y2tics

eval key_strip(1)
plot for [k = 1:4] NaN w p pt ic_pt[k] ps 0.6 lc rgb ic_col[k] t sprintf('DVI, IC %d', k), \
     NaN w p pt pt_stop ps 1.2 lw 2 lc rgb c_black t 'run stops'
unset multiplot
