# Figure error_convergence: error of the linear model learnt at step Δt and
# simulated at step δt (data: fig_error_convergence).  Rows: without / with
# structure; columns: explicit Euler / implicit midpoint; one curve per Δt,
# the point δt = Δt circled.  Set by the Makefile: T, plot_n.
file = datadir.'/errors.tsv'
dtl(i) = real(T)/real(word(plot_n, i))
set multiplot layout 2,2 margins 0.13,0.84,0.09,0.95 spacing 0.09,0.10
set logscale xy
set xrange [real(T)/700:real(T)/8]
set yrange [1e-16:20]
set format x '$10^{%T}$'
set ytics 1e-15,1e3,1e3
set grid xtics ytics lw 0.4 lc rgb '#dddddd'
sel(s, st, dtl) = (strcol(1) eq s && $2 == st && abs($3 - dtl) < 1e-12*dtl)
nplot = words(plot_n)
do for [row = 0:1] {
  do for [col = 0:1] {
    scheme = col == 0 ? 'euler' : 'midpoint'
    set title (col == 0 ? 'explicit Euler' : 'implicit midpoint').(row == 0 ? ', no structure' : ', with structure') offset 0,-0.6
    set xlabel (row == 1 ? 'simulation step $\delta t$' : '')
    set ylabel (col == 0 ? 'error $\varepsilon(\Delta t, \delta t)$' : '') offset 0.5,0
    if (row == 1 && col == 1) {
      set key at screen 0.995, screen 0.66 right top title 'learnt at $\Delta t$' reverse Left
    } else {
      unset key
    }
    plot for [i = 1:nplot] file u (sel(scheme, row, dtl(i)) ? $4 : NaN):5 \
           w l lc rgb seq[i] t sprintf('$%g$', dtl(i)), \
         for [i = 1:nplot] file u (sel(scheme, row, dtl(i)) && abs($4 - $3) < 1e-12*$3 ? $4 : NaN):5 \
           w p pt 6 ps 0.9 lc rgb seq[i] notitle
  }
}
unset multiplot
