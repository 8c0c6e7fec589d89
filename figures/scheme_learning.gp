# Figure scheme_learning (data: fig_scheme_learning).  Top: short-time error
# against the reference model's exact solution vs the step h, median and
# 5-95 % band over the validation ICs, for RK4 (left) and the Euler DVI
# (right), with order-4 and order-1 guide lines; the models' key above.
# Bottom: the scheme-learnt model's DVI at the learning step h over a long
# time (dots) over its own exact orbits (dashed) and the reference orbits
# (grey), and its energy error against log t, as the range of its values
# per window (long_envelope.tsv), × where a run stops; the ICs' key above.
# Set by the Makefile: h.
array mcol[3] = [c_black, c_blue, c_verm]
array mname[3] = ['scheme learning', 'VF with reg.', 'VF no reg.']
array mpt[3] = [5, 7, 13]
cols = 2; band[1] = key_lines(1); band[2] = key_lines(2)
eval canvas(2)
set multiplot
set logscale xy
set format y '$10^{%T}$'
set xlabel 'step $h$'
set ylabel 'max. error over $[0, t_f]$'
do for [s = 1:0:-1] {
  eval panel(1, 2 - s)
  set title (s ? 'RK4 (dashed: order 4)' : 'Euler DVI (dashed: order 1)')
  # short.tsv: model scheme h median q_lo q_hi stopped; blocks per (model, scheme)
  plot for [k = 0:2] datadir.'/short.tsv' index 2*k+s u 3:5:6 w filledcurves fs transparent solid 0.2 noborder lc rgb mcol[k+1], \
       for [k = 0:2] datadir.'/short.tsv' index 2*k+s u 3:4 w lp pt mpt[k+1] ps 0.6 lc rgb mcol[k+1], \
       (s ? 1e3*x**4 : 10*x) w l dt 2 lc rgb c_black
}
unset logscale
set format x '%g'
set format y '%g'
eval panel(2, 1)
set xlabel '$x$'
set ylabel '$y$'
set title sprintf('scheme-learnt model, DVI at $h = %g$', h)
plot for [k = 0:3] datadir.'/ref_exact.tsv' index k u 3:4 w l lc rgb c_light lw 3, \
     for [k = 0:3] datadir.'/model_exact.tsv' index k u 3:4 w l dt 2 lw 1 lc rgb c_black, \
     for [k = 0:3] datadir.'/long_dvi.tsv' index k u 3:4 w p pt ic_pt[k+1] ps 0.3 lc rgb ic_col[k+1], \
     datadir.'/long_stop.tsv' u 3:4 w p pt pt_stop ps 1.5 lw 2 lc rgb c_black
eval panel(2, 2)
set title 'energy error of the scheme-learnt DVI'
set xlabel '$t$'
set ylabel 'relative error on $H$'
set logscale x
set format x '$10^{%T}$'
# long_envelope.tsv: ic t min max, two rows per window (its first and last
# step), so the band covers every step; t = 0 is off the log axis.
plot for [k = 0:3] datadir.'/long_envelope.tsv' index k u 2:3:4 w filledcurves fs transparent solid 0.3 noborder lc rgb ic_col[k+1], \
     for [k = 0:3] datadir.'/long_envelope.tsv' index k u 2:4 w l lw 1 dt ic_dt[k+1] lc rgb ic_col[k+1], \
     for [k = 0:3] datadir.'/long_envelope.tsv' index k u 2:3 w l lw 1 dt ic_dt[k+1] lc rgb ic_col[k+1], \
     datadir.'/long_stop.tsv' u 2:5 w p pt pt_stop ps 1.5 lw 2 lc rgb c_black
unset logscale
eval key_strip(1)
plot for [k = 1:3] NaN w lp pt mpt[k] ps 0.6 lc rgb mcol[k] t mname[k], \
     NaN w filledcurves fs transparent solid 0.2 noborder lc rgb c_black t '5--95\% of ICs'
eval key_strip(2)
plot for [k = 1:4] NaN w lp pt ic_pt[k] ps 0.6 dt ic_dt[k] lc rgb ic_col[k] t sprintf('IC %d', k), \
     NaN w l lc rgb c_light lw 3 t 'exact, reference', NaN w l dt 2 lc rgb c_black t 'exact, learnt', \
     NaN w p pt pt_stop ps 1.2 lw 2 lc rgb c_black t 'run stops'
unset multiplot
