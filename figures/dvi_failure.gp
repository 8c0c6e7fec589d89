# Figure dvi_failure (data: fig_dvi_failure).  Top: Euler DVI at the
# learning step from four ICs — the reference model (every 73rd step of the
# long run) and the unregularised learnt model (its first steps; × where a
# run stops), inset at the reference scale.  Bottom: one model, two gauges,
# from the same IC.  Set by the Makefile: n_ref, h_ref, h_pert, T, show.
pow2(x) = sprintf('$h = 2^{%d}$', int(floor(log(x)/log(2) + 0.5)))
array icol[4] = ['#2166ac', '#1b7837', '#e66101', '#762a83']
set format x '%g'
set format y '%g'
set multiplot layout 2,2 margins 0.08,0.98,0.08,0.94 spacing 0.09,0.15
set xlabel '$x$'
set ylabel '$y$' offset 1,0
set key top right samplen 1.5 reverse Left
set title sprintf('reference model, DVI, $h = %g$', h) offset 0,-0.3
plot for [k = 0:3] datadir.'/ref_exact.tsv' index k u 3:4 w l lc rgb '#999999' lw 2 notitle, \
     for [k = 0:3] datadir.'/ref_dvi.tsv' index k u 3:4 w p pt 7 ps 0.12 lc rgb icol[k+1] notitle, \
     NaN w l lc rgb '#999999' lw 2 t 'exact orbits', NaN w p pt 7 ps 0.5 lc rgb icol[1] t 'DVI'
stats datadir.'/ref_dvi.tsv' u 3:4 nooutput
xlo = STATS_min_x; xhi = STATS_max_x; ylo = STATS_min_y; yhi = STATS_max_y
set title sprintf('learnt $(\vartheta, H)$, no regularisation: %d steps', show)
plot for [k = 0:3] datadir.'/ref_exact.tsv' index k u 3:4 w l lc rgb '#999999' lw 2 notitle, \
     for [k = 0:3] datadir.'/nn_dvi.tsv' index k u 3:4 w lp pt 7 ps 0.25 lw 0.6 lc rgb icol[k+1] notitle, \
     datadir.'/nn_fail.tsv' u 3:4 w p pt 2 ps 1.2 lw 2 lc rgb 'black' t 'run stops', \
     NaN w lp pt 7 ps 0.4 lc rgb icol[1] t 'DVI'
set title sprintf('reference $\vartheta$, $T = %g$', T)
set key bottom right
plot datadir.'/gauge_exact.tsv' u 2:3 w l dt 3 lw 3 lc rgb 'black' t 'exact', \
     for [i = 0:n_ref-1] datadir.'/gauge.tsv' index i u 2:3 w l lw 2 dt i+1 lc rgb '#f0a830' \
       t pow2(word(h_ref, i+1) + 0)
set title 'perturbed $\vartheta + \cos(2x)/2$'
npert = words(h_pert)
# A run that stops early is labelled with the step where it stopped.
array ptitle[npert]
array pstops[npert]
do for [i = 1:npert] {
  stats datadir.'/gauge.tsv' index n_ref+i-1 u 2 nooutput
  hh = word(h_pert, i) + 0
  pstops[i] = STATS_records - 1 < int(T/hh + 0.5)
  ptitle[i] = pstops[i] ? sprintf('$h = %g$: stops at step %d', hh, STATS_records) : pow2(hh)
}
plot datadir.'/gauge_exact.tsv' u 2:3 w l dt 3 lw 3 lc rgb 'black' t 'exact', \
     for [i = 1:npert] datadir.'/gauge.tsv' index n_ref+i-1 u 2:3 w lp pt 2 ps (pstops[i] ? 1.5 : 0) lw 2 dt i \
       lc rgb '#c03070' t ptitle[i]
unset multiplot
