# Figure architectures: three small models learnt from the same data vs the
# reference Lotka-Volterra model from (1, 1) (data: fig_architectures).
# Left: phase portrait (reference dashed, MLP coloured by time, one period
# of the canonical and the non-canonical model).  Right: relative H error.
# The canonical model's error oscillates fast (about 24 periods): a thin
# solid line under the others, with open circles every few periods, so it
# neither breaks into dots nor hides the non-canonical curve.
# One key for both panels, above them.
cols = 2; band[1] = key_lines(1)
eval canvas(1)
set multiplot
stats datadir.'/mlp.tsv' u 1 nooutput
set cbrange [0:STATS_max]
room_r = 1.7
eval panel(1, 1)
eval colorbox_right
set cbtics format '%.0f'
set cblabel '$t$ (MLP)'
set xlabel '$x$'
set ylabel '$y$'
set xtics 1
# non-canonical: filled squares (about 16 per period, 30 over the run), on a
# white edge over the MLP turns, so it differs from the MLP in grayscale
stats datadir.'/noncanonical_period.tsv' u 1 nooutput
nc_pi = STATS_records / 16 > 1 ? STATS_records / 16 : 1
stats datadir.'/noncanonical.tsv' u 1 nooutput
nc_pi_run = STATS_records / 30 > 1 ? STATS_records / 30 : 1
plot datadir.'/mlp.tsv' u 2:3:1 w l lc palette lw 1, \
     datadir.'/canonical_period.tsv' u 2:3 w lp pt 6 ps 0.5 pi 40 lc rgb c_purple lw 1, \
     datadir.'/reference_period.tsv' u 2:3 w l dt 2 lc rgb c_black lw 1.5, \
     datadir.'/noncanonical_period.tsv' u 2:3 w l lc rgb '#ffffff' lw 3.5, \
     datadir.'/noncanonical_period.tsv' u 2:3 w lp pt 5 ps 0.45 pi nc_pi lc rgb c_verm lw 1.5
unset colorbox
room_r = 0
eval panel(1, 2)
set xlabel '$t$'
set ylabel 'relative error on $H$'
set xtics autofreq
plot datadir.'/canonical.tsv' u 1:4 w lp pt 6 ps 0.5 pi 300 lc rgb c_purple lw 0.6, \
     datadir.'/mlp.tsv' u 1:4:1 w l lc palette lw 1.2, \
     datadir.'/reference.tsv' u 1:4 w l dt 2 lc rgb c_black lw 1, \
     datadir.'/noncanonical.tsv' u 1:4 w lp pt 5 ps 0.45 pi nc_pi_run lc rgb c_verm lw 1.5
eval key_strip(1)
# (the longest title last: columns are as wide as it, and nothing follows)
plot NaN w l dt 2 lc rgb c_black lw 1.5 t 'reference', NaN w lp pt 5 ps 0.45 lc rgb c_verm lw 1.5 t 'non-canonical', \
     NaN w lp pt 6 ps 0.5 lc rgb c_purple lw 1 t 'canonical', NaN w l lc palette frac 0.5 lw 1.5 t 'no structure (MLP)'
unset multiplot
