# Figure charged_particle (data: fig_charged_particle).  Top: the whitened
# error of each learnt model at the validation points in the (x, y) plane —
# the vector-field error of the two VF models at the VF points, the Newton
# correction of the scheme model at the middle states of the triples — on
# one logarithmic colour scale from the least to the largest error of the
# three maps (its bar above the row).  Below, 2 x 2: the Euler DVI at h from
# the three ICs, the reference model and each learnt model, over the exact
# orbits of the reference model (thin grey lines); each IC its colour and
# marker (all states as dots, every few a marker), x where a run stops;
# their key above.  The four panels share one frame with equal scales on x
# and y, set by the exact orbits: states that leave it are not drawn.  Four
# panels in one row of the 15 cm canvas would be under 2 cm wide.
# Set by the Makefile: h, ref_steps, steps.
array tag[3] = ['vf_reg', 'vf_no_reg', 'scheme']
array map_title[3] = ['VF loss, with regulariser', 'VF loss, no regulariser', 'scheme learning']
array run[4] = ['ref', 'vf_reg', 'vf_no_reg', 'scheme']
array run_title[4] = ['reference model', 'VF loss, with reg.', 'VF loss, no reg.', 'scheme learning']
nic = 3

# (before any range is set: stats keeps only the points inside it)
# The colour scale and the maps' frame, from the three maps.
elo = 1e300; ehi = 0
do for [j = 1:3] {
  stats datadir.'/errors_'.tag[j].'.tsv' u 3 nooutput
  elo = STATS_min < elo ? STATS_min : elo; ehi = STATS_max > ehi ? STATS_max : ehi
}
stats datadir.'/errors_'.tag[1].'.tsv' u 1:2 nooutput
mxlo = STATS_min_x; mxhi = STATS_max_x; mylo = STATS_min_y; myhi = STATS_max_y
# The DVI panels' frame: the exact orbits with a margin.
stats datadir.'/exact.tsv' u 3:4 nooutput
oxlo = STATS_min_x; oxhi = STATS_max_x; oylo = STATS_min_y; oyhi = STATS_max_y
# Each IC's energy, for the key; each run's steps, for the titles.
array H0[nic]
do for [k = 1:nic] {
  stats datadir.'/exact.tsv' index k-1 every ::0::0 u (2 - cos($3) - sin($4)) nooutput
  H0[k] = STATS_max
}
array ptitle[4]
do for [m = 1:4] {
  n = m == 1 ? ref_steps : steps
  done = 1; made = ''
  do for [k = 1:nic] {
    stats datadir.'/dvi_'.run[m].'.tsv' index k-1 u 2 nooutput
    done = done && STATS_records - 1 == n
    made = made.(k > 1 ? ', ' : '').sprintf('%d', STATS_records - 1)
  }
  ptitle[m] = run_title[m].': '.(done ? sprintf('%d steps', n) : 'stops after '.made.' steps')
}

cb_h = 1.05
band[1] = cb_h; band[2] = key_lines(2)
eval canvas(3)
set multiplot
set xlabel '$x$'
set ylabel '$y$'

# Error maps: three columns.
cols = 3
pad(lo, hi) = 0.05 * (hi - lo)
set xrange [mxlo - pad(mxlo, mxhi):mxhi + pad(mxlo, mxhi)]
set yrange [mylo - pad(mylo, myhi):myhi + pad(mylo, myhi)]
set xtics 1
set ytics 1
set logscale cb
set cbrange [elo:ehi]
set format cb '$10^{%T}$'
unset colorbox
do for [j = 1:3] {
  eval panel(1, j)
  set title map_title[j]
  if (j == 3) {
    # the bar in band 1, over the right two panels, its label to its left
    set colorbox horizontal user origin screen pan_l - fig_w / cols / fig_w, screen 1 - 0.45 / fig_h \
      size screen (fig_w / cols) / fig_w + (pan_r - pan_l), screen 0.25 / fig_h
    set cbtics offset 0,0.25
    set label 1 'whitened error $\|e\,M^{-1/2}\|_2$' right at screen pan_l - fig_w / cols / fig_w - 0.2 / fig_w, \
      screen 1 - 0.325 / fig_h
  }
  plot datadir.'/errors_'.tag[j].'.tsv' u 1:2:3 w p pt 7 ps 0.45 lc palette
}
unset label 1
unset colorbox
unset logscale cb

# DVI runs: 2 x 2, one frame with equal scales (the panels are wider than
# high, so the x range grows with the aspect ratio).
cols = 2
eval panel(2, 1)
ylo = oylo - 0.12 * (oyhi - oylo); yhi = oyhi + 0.12 * (oyhi - oylo)
xhalf = 0.5 * (yhi - ylo) * pan_wcm / pan_hcm
xmid = 0.5 * (oxlo + oxhi)
set xrange [xmid - xhalf:xmid + xhalf]
set yrange [ylo:yhi]
# markers on every 20th state, so they stay apart on the orbit
mk = 20
# The stop markers only where the panel's model stopped (gnuplot warns about
# a plot element without a valid point).
stops(m) = int(system(sprintf("awk -F'\t' '!/^#/ && $1 == %d' %s/dvi_stop.tsv | wc -l", m - 1, datadir)))
stop_plot = ", datadir.'/dvi_stop.tsv' u ($1 == m - 1 ? $4 : NaN):5 w p pt pt_stop ps 1.2 lw 2 lc rgb c_black"
do for [m = 1:4] {
  eval panel(2 + (m - 1) / 2, 1 + (m - 1) % 2)
  set title ptitle[m].sprintf(', $h = %g$', h)
  # the exact orbits over the small dots of every step, under the markers
  eval "plot for [k = 0:nic-1] datadir.'/dvi_'.run[m].'.tsv' index k u 3:4 w p pt 7 ps 0.12 lc rgb ic_col[k+1], ".\
       "for [k = 0:nic-1] datadir.'/exact.tsv' index k u 3:4 w l lw 0.6 lc rgb c_grey, ".\
       "for [k = 0:nic-1] datadir.'/dvi_'.run[m].'.tsv' index k every mk u 3:4 w p pt ic_pt[k+1] ps 0.5 lc rgb ic_col[k+1]".\
       (stops(m) > 0 ? stop_plot : "")
}

eval key_strip(2)
plot for [k = 1:nic] NaN w p pt ic_pt[k] ps 0.6 lc rgb ic_col[k] t sprintf('DVI, IC %d ($H = %.2f$)', k, H0[k]), \
     NaN w l lw 0.6 lc rgb c_grey t 'exact orbits', \
     NaN w p pt pt_stop ps 1.2 lw 2 lc rgb c_black t 'run stops'
unset multiplot
