# Figure error_convergence: error of the linear model learnt at step Δt and
# simulated at step δt (data: fig_error_convergence).  Rows: without / with
# structure; columns: explicit Euler / implicit midpoint; one curve per Δt
# (viridis, dark to light with Δt decreasing), the point δt = Δt marked
# with the curve's own open marker;
# their key above.  Set by the Makefile: T, plot_n.
file = datadir.'/errors.tsv'
dtl(i) = real(T)/real(word(plot_n, i))
nplot = words(plot_n)
cols = 2; band[1] = key_lines(1)
eval canvas(2)
set multiplot
set logscale xy
set xrange [real(T)/700:real(T)/8]
set yrange [1e-16:20]
set format x '$10^{%T}$'
set format y '$10^{%T}$'
set ytics 1e-15,1e3,1e3
set grid xtics ytics lw 0.4 lc rgb '#e4e4e4'
sel(s, st, dtl) = (strcol(1) eq s && $2 == st && abs($3 - dtl) < 1e-12*dtl)
do for [row = 0:1] {
  do for [col = 0:1] {
    scheme = col == 0 ? 'euler' : 'midpoint'
    eval panel(row + 1, col + 1)
    set title (col == 0 ? 'explicit Euler' : 'implicit midpoint').(row == 0 ? ', no structure' : ', with structure')
    set xlabel (row == 1 ? 'simulation step $\delta t$' : '')
    set ylabel (col == 0 ? 'error $\varepsilon(\Delta t, \delta t)$' : '')
    plot for [i = 1:nplot] file u (sel(scheme, row, dtl(i)) ? $4 : NaN):5 w l lw 1.1 lc rgb seq[i], \
         for [i = 1:nplot] file u (sel(scheme, row, dtl(i)) && abs($4 - $3) < 1e-12*$3 ? $4 : NaN):5 \
           w p pt seq_pt[i] ps 0.9 lw 1.2 lc rgb seq[i]
  }
}
unset grid
eval key_strip(1)
# the key's title on its left, the entries on one line to the right of it
set label 1 'learnt at $\Delta t =$' at screen 3.2 / fig_w, graph 0.5 right
set key at screen 3.3 / fig_w, graph 0.5 left center
plot for [i = 1:nplot] NaN w lp pt seq_pt[i] ps 0.9 lw 1.1 lc rgb seq[i] t sprintf('$%g$', dtl(i))
unset multiplot
