# Figure architectures: three small models learnt from the same data vs the
# reference Lotka-Volterra model from (1, 1) (data: fig_architectures).
# Left: phase portrait (reference dashed, MLP coloured by time, one period
# of the canonical and the non-canonical model).  Right: relative H error.
set multiplot
set lmargin at screen 0.08
set rmargin at screen 0.40
set tmargin at screen 0.92
set bmargin at screen 0.14
set format x '%g'
set format y '%g'
set xlabel '$x$'
set ylabel '$y$' offset 1,0
stats datadir.'/mlp.tsv' u 1 nooutput
set cbrange [0:STATS_max]
set palette defined (0 '#0d0887', 0.5 '#cc4778', 1 '#f0f921')
set colorbox user origin screen 0.415,0.14 size screen 0.012,0.78
set cbtics format '%.0f' scale 0.5
set cblabel '$t$ (MLP)' offset 0.8,0
set key at graph 0.02, graph 0.98 left top reverse Left samplen 2
set offsets 0, 0, graph 0.3, 0
plot datadir.'/mlp.tsv' u 2:3:1 w l lc palette lw 1 t 'no structure (MLP)', \
     datadir.'/canonical_period.tsv' u 2:3 w l dt 3 lc rgb '#8c564b' lw 2.5 t 'canonical', \
     datadir.'/noncanonical_period.tsv' u 2:3 w l lc rgb '#555555' lw 2.5 t 'non-canonical', \
     datadir.'/reference_period.tsv' u 2:3 w l dt 2 lc rgb 'black' lw 1.5 t 'reference'
unset colorbox
set offsets 0, 0, 0, 0
set lmargin at screen 0.60
set rmargin at screen 0.98
set xlabel '$t$'
set ylabel 'relative error on $H$' offset 1.5,0
set key at graph 0.02, graph 0.98 left top reverse Left
set offsets 0, 0, graph 0.3, 0
plot datadir.'/mlp.tsv' u 1:4:1 w l lc palette lw 1.2 t 'no structure (MLP)', \
     datadir.'/canonical.tsv' u 1:4 w l lc rgb '#8c564b' lw 1.5 t 'canonical', \
     datadir.'/noncanonical.tsv' u 1:4 w l lc rgb '#555555' lw 1.5 t 'non-canonical', \
     datadir.'/reference.tsv' u 1:4 w l dt 2 lc rgb 'black' lw 1 t 'reference'
unset multiplot
