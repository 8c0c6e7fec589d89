# Figure scheme_learning (data: fig_scheme_learning).  Top: short-time error
# against the reference model's exact solution vs the step h, median and
# 5-95 % band over the validation ICs, for RK4 (left) and the Euler DVI
# (right), with order-4 and order-1 guide lines.  Bottom: the scheme-learnt
# model's DVI at the learning step h over a long time (dots) over its own
# exact orbits (dashed) and the reference orbits (grey).  Set by the
# Makefile: h.
array icol[4] = ['#2166ac', '#1b7837', '#e66101', '#762a83']
array mcol[3] = ['#555555', '#1f77b4', '#d62728']
array mname[3] = ['scheme learning', 'VF with reg.', 'VF no reg.']
array mpt[3] = [5, 7, 13]
set multiplot layout 2,2 margins 0.09,0.98,0.08,0.94 spacing 0.09,0.15
set logscale xy
set format x '%g'
set format y '$10^{%T}$'
set xlabel 'step $h$'
set key bottom right samplen 1.5 reverse Left
do for [s = 1:0:-1] {
  set title (s ? 'RK4' : 'Euler DVI') offset 0,-0.3
  set ylabel 'max. error over $[0, t_f]$' offset 1.5,0
  # short.tsv: model scheme h median q_lo q_hi stopped; blocks per (model, scheme)
  plot for [k = 0:2] datadir.'/short.tsv' index 2*k+s u 3:5:6 w filledcurves fs transparent solid 0.25 noborder lc rgb mcol[k+1] notitle, \
       for [k = 0:2] datadir.'/short.tsv' index 2*k+s u 3:4 w lp pt mpt[k+1] ps 0.6 lc rgb mcol[k+1] t mname[k+1], \
       (s ? 1e3*x**4 : 10*x) w l dt 2 lc rgb 'black' t (s ? 'order 4' : 'order 1')
}
unset logscale
set format x '%g'
set format y '%g'
set xlabel '$x$'
set ylabel '$y$' offset 1,0
set title sprintf('scheme-learnt model, DVI at $h = %g$', h)
set key top right
plot for [k = 0:3] datadir.'/ref_exact.tsv' index k u 3:4 w l lc rgb '#bbbbbb' lw 3 notitle, \
     for [k = 0:3] datadir.'/model_exact.tsv' index k u 3:4 w l dt 2 lw 1 lc rgb 'black' notitle, \
     for [k = 0:3] datadir.'/long_dvi.tsv' index k u 3:4 w p pt 7 ps 0.12 lc rgb icol[k+1] notitle, \
     datadir.'/long_stop.tsv' u 3:4 w p pt 2 ps 1.5 lw 2 lc rgb 'black' t 'run stops', \
     NaN w l lc rgb '#bbbbbb' lw 3 t 'reference orbits', NaN w l dt 2 lc rgb 'black' t "model's exact orbits", \
     NaN w p pt 7 ps 0.5 lc rgb icol[1] t 'DVI'
set title 'energy error of the scheme-learnt DVI'
set xlabel '$t$'
set ylabel 'relative error on $H$' offset 1.5,0
set format x '%.0s%c'
set key top right
plot for [k = 0:3] datadir.'/long_dvi.tsv' index k u 2:5 w l lw 0.5 lc rgb icol[k+1] t sprintf('IC %d', k+1)
unset multiplot
