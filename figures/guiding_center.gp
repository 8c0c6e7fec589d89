# Figure guiding_center (data: fig_guiding_center, bin/gc_run).  One row per
# model: the reference guiding centre and the learnt ones.  Columns 1-4: the
# four study orbits in (R, Z), the exact one-period orbit of the reference
# (light) under the Euler DVI's iterates (dots) and RK4's (plus signs) at the
# learning step h over N steps, × where a run stops.  Column 5: the energy
# error of the reference H, max |(H - H0)/H0| per window of steps, for the
# four orbits (colour and dash), DVI as lines, RK4 as lines with markers.
# Set by the Makefile: h, N (steps of every run).
#
# Layout: 6 rows x 5 columns of small panels, more than style.gp's grid of
# pan_h-high cells holds on one page, so this figure places its panels on a
# cm grid of its own, with style.gp's canvas width, font, colours and key
# strip: the (R, Z) panels square and sharing their axes (tick labels on the
# left column and the bottom row only), each row named on its left.
array model[6] = ['ref', 'vf_reg', 'vf_no_reg', 'scheme', 'vf_no_gram', 'baseline']
array mname[6] = ['reference', 'VF, reg.', 'VF, no reg.', 'scheme', 'VF, no Gram', 'baseline']
array orbit[4] = ['barely passing', 'barely trapped', 'well trapped', 'deeply trapped']
nrow = 6
lab_l = 1.9      # left of the first column: row name, Z label, tick labels
rz = 2.2         # side of an (R, Z) panel
rz_gap = 0.12    # between (R, Z) panels, and between rows
en_l = 1.7       # left of the energy panel: its tick labels and label
en_w = fig_w - lab_l - 4 * rz - 3 * rz_gap - en_l - gap_r
band[1] = key_lines(3)
fig_top = band[1] + gap_t     # the key strip, then the column titles
fig_hcm = fig_top + nrow * rz + (nrow - 1) * rz_gap + gap_b
pan_h = fig_hcm - band[1] - gap_t - gap_b   # canvas(1) is then fig_hcm high
eval canvas(1)
# The panel at left edge l, row r (from 1), width w (cm).
cell(l, r, w) = sprintf("set lmargin at screen %.6f; set rmargin at screen %.6f; set tmargin at screen %.6f; set bmargin at screen %.6f", \
  l / fig_w, (l + w) / fig_w, 1 - (fig_top + (r - 1) * (rz + rz_gap)) / fig_h, 1 - (fig_top + (r - 1) * (rz + rz_gap) + rz) / fig_h)
rz_l(c) = lab_l + (c - 1) * (rz + rz_gap)
run(m, s) = datadir.'/'.model[m].'_'.s
# the schemes of model m: the baseline, a bare vector field, has no DVI
schemes(m) = model[m] eq 'baseline' ? 'rk4' : 'dvi rk4'
rk4_first(m) = model[m] eq 'baseline' ? 'rk4' : 'rk4 dvi'
si(s) = s eq 'dvi' ? 1 : 2
# (R, Z): DVI blue dots, RK4 vermillion plus signs; energy: DVI lines, RK4
# thinner lines with markers
array spt[2] = [7, 1]; array sps[2] = [0.12, 0.18]; array scol[2] = [c_blue, c_verm]
array elw[2] = [1.2, 0.8]; array eps[2] = [0, 0.35]

# (R, Z): the exact orbits reach r = 0.1 (R0 = 1), the data box's edge.
set size ratio -1
set xrange [0.89:1.11]
set yrange [-0.11:0.11]
set xtics 0.95, 0.05, 1.05 scale 0.4
set ytics -0.05, 0.05, 0.05 scale 0.4
set mxtics 1
set mytics 1
set multiplot
do for [m = 1:nrow] {
  do for [k = 1:4] {
    eval cell(rz_l(k), m, rz)
    set title (m == 1 ? orbit[k] : '')
    set format x (m == nrow ? '%g' : '')
    set xlabel (m == nrow ? '$R$' : '')
    set format y (k == 1 ? '%g' : '')
    set ylabel (k == 1 ? '$Z$' : '') offset 1.2, 0
    unset label
    if (k == 1) { set label 1 mname[m] at screen 0.3 / fig_w, graph 0.5 center rotate by 90 }
    i = k - 1
    # × at the last state of each run from this IC that stopped (outcome:
    # steps < steps_asked), added to the plot only then: an empty file would
    # be a warning
    stop_plot = ''
    do for [s in schemes(m)] {
      stats [*:*][*:*] run(m, s).'_outcome.tsv' u ($1 == i && $8 < $7) nooutput
      if (STATS_sum > 0) {
        stop_plot = stop_plot.", '".run(m, s)."_stop.tsv' u ($1 == i ? $8 : NaN):9 w p pt pt_stop ps 0.8 lw 2 lc rgb c_black"
      }
    }
    # RK4 under the DVI
    eval "plot datadir.'/exact.tsv' index i u 8:9 w l lw 4 lc rgb c_light, ".\
         "for [s in rk4_first(m)] run(m, s).'.tsv' index i u 8:9 w p pt spt[si(s)] ps sps[si(s)] lc rgb scol[si(s)]".stop_plot
  }
}
unset label
unset title

# Energy error: one y range for every model, from the envelopes.
lo = 1e300; hi = 0
do for [m = 1:nrow] for [s in schemes(m)] {
  stats [*:*][*:*] run(m, s).'_envelope.tsv' u ($3 > 0 ? $3 : NaN) nooutput
  lo = STATS_min < lo ? STATS_min : lo; hi = STATS_max > hi ? STATS_max : hi
}
set size noratio
set logscale y
# half a decade beyond the data, so that neighbouring panels' end labels do
# not meet
set yrange [10**(floor(log10(lo)) - 0.5):10**(ceil(log10(hi)) + 0.5)]
set ytics 10**(2 * floor(floor(log10(lo)) / 2)), 100 format '$10^{%T}$' scale 0.6
set mytics 1
T = N * h / 1e7
dT = 10**floor(log10(T)); dT = T / dT > 4 ? 2 * dT : dT
set xrange [0:T]
set xtics dT scale 0.6
set mxtics 1
set ylabel '$|\Delta H/H_0|$' offset 0.2, 0
do for [m = 1:nrow] {
  eval cell(fig_w - gap_r - en_w, m, en_w)
  set title (m == 1 ? 'energy error' : '')
  set format x (m == nrow ? '%g' : '')
  set xlabel (m == nrow ? '$t$ ($10^7$)' : '')
  plot for [s in schemes(m)] for [k = 1:4] run(m, s).'_envelope.tsv' index k - 1 u ($2 / 1e7):3 \
         w lp lw elw[si(s)] dt ic_dt[k] pt ic_pt[k] ps eps[si(s)] pi 120 lc rgb ic_col[k]
}

eval key_strip(1)
set key maxcols 4
# gnuplot fills the key column by column; its rows: the (R, Z) panels, the
# energy panels' schemes, their orbits
# (an orbit's energy curves: its colour and dash type, RK4's with markers)
orb(k) = sprintf("NaN w l lw elw[1] dt ic_dt[%d] lc rgb ic_col[%d] t orbit[%d]", k, k, k)
blank = "NaN w l lc rgb '#ffffff' t ' '"
eval "plot NaN w l lw 4 lc rgb c_light t 'exact orbit', NaN w l lw elw[1] lc rgb c_black t 'energy: DVI', ".orb(1).", ".\
     "NaN w p pt 7 ps 0.5 lc rgb c_blue t 'DVI', NaN w lp lw elw[2] pt 6 ps eps[2] lc rgb c_black t 'energy: RK4', ".orb(2).", ".\
     "NaN w p pt 1 ps 0.6 lc rgb c_verm t 'RK4', ".blank.", ".orb(3).", ".\
     "NaN w p pt pt_stop ps 0.8 lw 2 lc rgb c_black t 'run stops', ".blank.", ".orb(4)
unset multiplot
