# Figure dvi_failure (data: fig_dvi_failure).  Top: Euler DVI at the
# learning step from four ICs — the reference model (every 73rd step of the
# long run, of which about 110 points per IC are drawn) and the unregularised learnt model (its first steps; × where a
# run stops); their key above the figure.  Bottom: one model, two gauges,
# from the same IC, keys in head room above the orbits; each step h of a
# panel has its own colour, dash type and marker (gcol, ic_dt, gpt), the
# markers every few steps and in long key samples.  Set by the
# Makefile: h, n_ref, h_ref, h_pert, T, show.
pow2(x) = sprintf('$h = 2^{%d}$', int(floor(log(x)/log(2) + 0.5)))
cols = 2; band[1] = key_lines(2)
eval canvas(2)
set multiplot
set xlabel '$x$'
set ylabel '$y$'
# all stored points as fine dots, and markers on every st[k]-th of IC k
# (about 110 per IC), so they stay apart and tell the ICs apart in grayscale
array st[4]
do for [k = 0:3] {
  stats datadir.'/ref_dvi.tsv' index k u 3 nooutput
  st[k+1] = STATS_records / 110 > 1 ? STATS_records / 110 : 1
}
eval panel(1, 1)
set title sprintf('reference model, DVI, $h = %g$', h)
plot for [k = 0:3] datadir.'/ref_exact.tsv' index k u 3:4 w l lc rgb c_light lw 2, \
     for [k = 0:3] datadir.'/ref_dvi.tsv' index k u 3:4 w p pt 7 ps 0.1 lc rgb ic_col[k+1], \
     for [k = 0:3] datadir.'/ref_dvi.tsv' index k every st[k+1] u 3:4 w p pt ic_pt[k+1] ps 0.5 lc rgb ic_col[k+1]
eval panel(1, 2)
set title sprintf('learnt $(\vartheta, H)$, no regularisation: %d steps', show)
plot for [k = 0:3] datadir.'/ref_exact.tsv' index k u 3:4 w l lc rgb c_light lw 2, \
     for [k = 0:3] datadir.'/nn_dvi.tsv' index k u 3:4 w lp pt ic_pt[k+1] ps 0.35 lw 0.6 lc rgb ic_col[k+1], \
     datadir.'/nn_fail.tsv' u 3:4 w p pt pt_stop ps 1.2 lw 2 lc rgb c_black

npert = words(h_pert)
# (before any range is set: stats keeps only the points inside it)
# A run that stops early is labelled with the step where it stopped; it
# comes last in the key.
array ptitle[npert]
array pstops[npert]
do for [i = 1:npert] {
  stats datadir.'/gauge.tsv' index n_ref+i-1 u 2 nooutput
  hh = word(h_pert, i) + 0
  pstops[i] = STATS_records - 1 < int(T/hh + 0.5)
  ptitle[i] = pstops[i] ? sprintf('$h = %g$: stops after %d steps', hh, STATS_records - 1) : pow2(hh)
}
# Bottom: the same y range for both gauges, with room for two lines of key:
# the short titles on the first, a run that stops early (longer title) on
# the second, drawn by a second, empty plot over the same panel.
stats datadir.'/gauge.tsv' u 3 nooutput
ylo = STATS_min; yhi = STATS_max
stats datadir.'/gauge_exact.tsv' u 3 nooutput
ylo = ylo < STATS_min ? ylo : STATS_min; yhi = yhi > STATS_max ? yhi : STATS_max
# The j-th curve of a panel: the gauge's colour (blue, vermillion), then
# a second one, each with its own dash type and marker.
array gcol_ref[4] = [c_blue, c_sky, c_green, c_black]
array gcol_pert[4] = [c_verm, c_orange, c_purple, c_black]
array gpt[4] = [7, 4, 8, 12]
# j-th drawn (not stopped) run of the perturbed gauge
array pj[npert]
j = 0
do for [i = 1:npert] { j = j + (pstops[i] ? 0 : 1); pj[i] = j < 1 ? 1 : j }
eval panel(2, 1)
eval headroom(ylo, yhi, 2)
eval key_head(0)." horizontal maxrows 1 samplen 1.7 width 0"
set title sprintf('reference $\vartheta$, $T = %g$', T)
plot datadir.'/gauge_exact.tsv' u 2:3 w l dt 3 lw 3 lc rgb c_black t 'exact', \
     for [i = 0:n_ref-1] datadir.'/gauge.tsv' index i u 2:3 w lp lw 1.5 dt ic_dt[i+1] pt gpt[i+1] ps 0.6 pi 2**(i+3) \
       lc rgb gcol_ref[i+1] t pow2(word(h_ref, i+1) + 0)
eval panel(2, 2)
set title 'perturbed $\vartheta + \cos(2x)/2$'
plot datadir.'/gauge_exact.tsv' u 2:3 w l dt 3 lw 3 lc rgb c_black t 'exact', \
     for [i = 1:npert] datadir.'/gauge.tsv' index n_ref+i-1 u 2:(pstops[i] ? NaN : $3) w lp lw 1.5 dt ic_dt[pj[i]] \
       pt gpt[pj[i]] ps 0.6 pi int(1.0 / (word(h_pert, i) + 0)) lc rgb gcol_pert[pj[i]] t (pstops[i] ? '' : ptitle[i]), \
     for [i = 1:npert] datadir.'/gauge.tsv' index n_ref+i-1 u 2:(pstops[i] ? $3 : NaN) w p pt pt_stop ps 1.5 lw 2 \
       lc rgb c_verm notitle
eval key_overlay
eval key_head(1)." vertical samplen 2"
plot for [i = 1:npert] NaN w p pt pt_stop ps 1.5 lw 2 lc rgb c_verm t (pstops[i] ? ptitle[i] : '')

eval key_strip(1)
plot NaN w l lc rgb c_light lw 2 t 'exact orbits', \
     for [k = 1:4] NaN w lp pt ic_pt[k] ps 0.6 lw 0.6 lc rgb ic_col[k] t sprintf('DVI, IC %d', k), \
     NaN w p pt pt_stop ps 1.2 lw 2 lc rgb c_black t 'run stops'
unset multiplot
