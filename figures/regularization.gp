# Figure regularization (data: fig_regularization, training traces of
# bin/train).  Top: the Euler DVI at the learning step h over a long time
# from four ICs — without and with the regulariser in the loss (× where a run
# stops).  Bottom left: test data term and test regulariser per epoch of both
# trainings.  Bottom right: seed study — max |relative H error| of every
# seed × IC DVI run (runs that stop are drawn at the top, as ×).
# Set by the Makefile: h, N (DVI steps), modelsdir.
array icol[4] = ['#2166ac', '#1b7837', '#e66101', '#762a83']
set format x '%g'
set format y '%g'
set multiplot layout 2,2 margins 0.08,0.98,0.08,0.94 spacing 0.09,0.15
set xlabel '$x$'
set ylabel '$y$' offset 1,0
set key top right samplen 1 reverse Left
do for [g = 0:1] {
  tag = g ? 'reg' : 'noreg'
  set title (g ? 'with' : 'without').sprintf(' regularisation: DVI, $h = %g$', h) offset 0,-0.3
  plot for [k = 0:3] datadir.'/'.tag.'_dvi.tsv' index k u 3:4 w p pt 7 ps 0.12 lc rgb icol[k+1] notitle, \
       datadir.'/'.tag.'_dvi_stop.tsv' u 3:4 w p pt 2 ps 1.5 lw 2 lc rgb 'black' t 'run stops'
}
set title 'training: test terms per epoch' offset 0,-0.3
set xlabel 'epoch'
set ylabel 'test value' offset 1.5,0
set logscale y
set format y '$10^{%T}$'
set key top right
# trace columns: stage epoch lr, 5 train terms, 5 test terms (tot abs_dz rel_dz abs_reg rel_reg)
plot modelsdir.'/vf_no_reg.trace.tsv' u 0:10 w l lc rgb '#d62728' t 'data term, no reg.', \
     modelsdir.'/vf_reg.trace.tsv' u 0:10 w l lc rgb '#1f77b4' t 'data term, reg.', \
     modelsdir.'/vf_no_reg.trace.tsv' u 0:12 w l dt 2 lc rgb '#d62728' t 'regulariser, no reg.', \
     modelsdir.'/vf_reg.trace.tsv' u 0:12 w l dt 2 lc rgb '#1f77b4' t 'regulariser, reg.'
set title 'seed study: DVI runs (seed $\times$ IC)'
set xlabel 'seed'
set ylabel 'max $|$rel. error on $H|$'
stats datadir.'/seeds.tsv' u 5 nooutput
top = STATS_max * 10
set yrange [*:top * 3]
set xrange [-0.5:*]
set key top left
ran(g) = ($1 == g && $4 == N)
stopped(g) = ($1 == g && $4 < N)
plot datadir.'/seeds.tsv' u (ran(0) ? $2 - 0.12 : NaN):5 w p pt 7 ps 0.6 lc rgb '#d62728' t 'no reg.', \
     datadir.'/seeds.tsv' u (ran(1) ? $2 + 0.12 : NaN):5 w p pt 7 ps 0.6 lc rgb '#1f77b4' t 'reg.', \
     datadir.'/seeds.tsv' u (stopped(0) ? $2 - 0.12 : NaN):(top) w p pt 2 ps 1 lw 2 lc rgb '#d62728' t 'no reg., stopped', \
     datadir.'/seeds.tsv' u (stopped(1) ? $2 + 0.12 : NaN):(top) w p pt 2 ps 1 lw 2 lc rgb '#1f77b4' t 'reg., stopped'
unset multiplot
