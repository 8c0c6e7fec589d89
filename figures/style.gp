# The one visual language of every figure (loaded before figures/NAME.gp by
# src/scripts/figure.sh, which sets `datadir` and `output`).
#
# Text: cairolatex, so every label is LaTeX in the paper's font; the page
# wrapper (figure.sh) sets it at 9 pt and the terminal's font size below
# tells gnuplot the same size for its text-width estimates.
#
# Layout: a figure is a grid of rows x cols cells on a canvas fig_w wide
# (the paper includes the page at its natural size); every cell holds one
# plotting area of height pan_h with fixed room around it, in cm, for the
# tick labels and the rotated y label (gap_l), the title (gap_t) and the
# x tick labels and x label (gap_b).  Nothing is left to gnuplot's
# automatic margins, so panels line up and have the same size in every
# figure.  A figure script says
#     cols = 2; band[1] = key_lines(1)       # optional: a key band over row 1
#     eval canvas(2)                         # 2 rows; before any plot
#     set multiplot
#     eval panel(1, 1)   ... plot ...        # row 1, column 1
#     eval span(1, 2, 2, 2) ... plot ...     # rows 1-2 of column 2
#     eval key_strip(1)  ... plot NaN t ...  # the key of band 1, last
# and adding a row of panels is canvas(3) and one more `eval panel(3, c)`.
# room_r (cm) widens the right gap of the panels placed after it is set
# (a colour bar or a key beside the panel).
#
# Keys never sit on data: in a band above a row shared by its panels
# (band[r], key_strip), beside a panel (room_r), or in head room made
# above the data (headroom: the y range is extended so that the key's
# lines fit above the highest point; key_head places them there).
#
# Colours are colour-blind safe and every distinction is also a marker or a
# dash type, so the figures read in grayscale: Okabe-Ito for categories,
# viridis for sequences.

fig_w = 15.0          # canvas width, cm (the paper's text is 16 cm wide)
font_pt = 9.0         # size of every label, pt
pan_h = 3.9           # height of a plotting area, cm
gap_l = 1.45          # left of a plotting area: tick labels, rotated label
gap_r = 0.35          # right of a plotting area
gap_t = 0.6           # above: the panel's title
gap_b = 0.95          # below: x tick labels and the x label
room_r = 0.0          # extra right gap of the next panels (colour bar, key)
array band[8] = [0, 0, 0, 0, 0, 0, 0, 0]   # key band above row r, cm
line_cm = 1.15 * font_pt / 72 * 2.54   # height of one line of a key, cm
cols = 2

# Height of a key band of n lines.
key_lines(n) = 0.2 + n * line_cm
# Distance (cm) from the top of the canvas to the top of row r's band.
row_top(r) = r <= 1 ? 0 : row_top(r - 1) + band[r - 1] + pan_h + gap_t + gap_b

# The terminal for nrows rows of panels (bands and cols as set); it also
# sets rows and the canvas height fig_h (cm).
canvas(nrows) = sprintf("rows = %d; fig_h = %.4f; set terminal cairolatex pdf input size %.4fcm,%.4fcm font ',%g' linewidth 1.5 dashlength 1.5 color header '\\fontsize{%g}{%g}\\selectfont'; set output output", \
                        nrows, row_top(nrows + 1), fig_w, row_top(nrows + 1), font_pt, font_pt, 1.2 * font_pt)

# The plotting area over rows r0..r1 and columns c0..c1 (from 1, top left).
# It leaves its edges in screen units in pan_l, pan_r, pan_b, pan_t and its
# size in cm in pan_wcm, pan_hcm (for colour bars, keys, head room).
span(r0, c0, r1, c1) = sprintf("pan_l = %.6f; pan_r = %.6f; pan_t = %.6f; pan_b = %.6f; ", \
  ((c0 - 1) * fig_w / cols + gap_l) / fig_w, (c1 * fig_w / cols - gap_r - room_r) / fig_w, \
  1 - (row_top(r0) + band[r0] + gap_t) / fig_h, 1 - (row_top(r1 + 1) - gap_b) / fig_h) . \
  "pan_wcm = (pan_r - pan_l) * fig_w; pan_hcm = (pan_t - pan_b) * fig_h; " . \
  "set lmargin at screen pan_l; set rmargin at screen pan_r; set tmargin at screen pan_t; set bmargin at screen pan_b"
panel(r, c) = span(r, c, r, c)

# A key of n lines above the data: the y range of data within [lo, hi]
# becomes one whose top (n + 0.6) lines (line_cm each) are empty, with 3 %
# of the range left free at either end so no point sits on the frame.
# headroom for a linear axis, headroom_log for a logarithmic one.
hr_free(n) = (n + 0.6) * line_cm / pan_hcm
hr_range(lo, hi, n) = (hi - lo) / (1 - hr_free(n) - 0.06)
hr_top(lo, hi, n) = hi + hr_range(lo, hi, n) * (hr_free(n) + 0.03)
headroom(lo, hi, n) = sprintf("set yrange [%.17g:%.17g]", hr_top(lo, hi, n) - hr_range(lo, hi, n), hr_top(lo, hi, n))
headroom_log(lo, hi, n) = sprintf("set yrange [%.17g:%.17g]", exp(hr_top(log(lo), log(hi), n) - hr_range(log(lo), log(hi), n)), exp(hr_top(log(lo), log(hi), n)))
# A key whose first line is line k (from 0) of the head room; add its
# layout (horizontal maxcols ..., vertical, samplen, width).
key_head(k) = sprintf("set key default; set key noautotitle nobox at graph 0, graph 1 - %.5f left top reverse Left", (0.1 + k * line_cm) / pan_hcm)

# The key of band r, after the last panel: `eval key_strip(r)` and plot its
# entries as NaN with the styles of the panels' curves.  Its columns are as
# wide as its widest title.
key_strip(r) = sprintf("set lmargin at screen 0; set rmargin at screen 1; set tmargin at screen %.6f; set bmargin at screen %.6f; ", \
  1 - row_top(r) / fig_h, 1 - (row_top(r) + band[r]) / fig_h) . \
  "unset border; unset tics; unset xlabel; unset ylabel; unset title; unset colorbox; unset logscale; unset label; unset object; unset arrow; " . \
  "set xrange [0:1]; set yrange [0:1]; set key default; set key noautotitle nobox center center horizontal maxcols 12 reverse Left samplen 2 width 0"
# A second key on the current panel: `eval key_overlay`, set the key, and
# plot its entries as NaN; the panel's frame, tics and labels are gone
# afterwards (so: last on the panel, before key_strip or a new panel that
# sets them again).
key_overlay = "unset border; unset tics; unset xlabel; unset ylabel; unset title; unset colorbox; unset label; unset object; unset arrow; set key default; set key noautotitle nobox"
# A vertical colour bar in the room_r beside the current panel (room_r of
# 1.7 cm holds it, its tick labels and a rotated label).
colorbox_right = "set colorbox user origin screen pan_r + 0.2 / fig_w, screen pan_b size screen 0.25 / fig_w, screen pan_t - pan_b; set cblabel offset 0.8,0"

set datafile separator "\t"
set datafile commentschars "#"
set border lw 0.8
set tics nomirror out scale 0.6
set key noautotitle nobox
set format x '%g'
set format y '%g'
set title offset 0,-0.4
set xlabel offset 0,0.3
set cbtics scale 0.5
set colorbox noborder

# Okabe & Ito (2008): categories.  Models and schemes use black, blue and
# vermillion; initial conditions (ICs) use sky blue, orange, green and
# reddish purple, each with its own point type.
c_black = '#000000'
c_blue = '#0072b2'
c_verm = '#d55e00'
c_orange = '#e69f00'
c_sky = '#56b4e9'
c_green = '#009e73'
c_purple = '#cc79a7'
c_grey = '#999999'          # guide and separator lines
c_light = '#c8c8c8'         # orbits drawn behind the schemes
array ic_col[4] = [c_sky, c_orange, c_green, c_purple]
array ic_pt[4] = [7, 5, 9, 13]     # filled circle, square, triangle, diamond
array ic_dt[4] = [1, 2, 4, 5]      # solid, dashed, dash-dot, dash-dot-dot
pt_stop = 2                         # x: a run stops here
# viridis (0 to 0.9: its last tenth is too light on white), for time and
# for families of curves; seq[i] samples it evenly from 0 to 5/6 (thin
# lines in its lightest yellow-greens are faint on white), and seq_pt[i]
# gives each curve of a family its own open marker.
set palette defined (0 '#440154', 1 '#3b528b', 2 '#21918c', 3 '#5ec962', 4 '#bddf26')
array seq[6] = ['#440154', '#443983', '#31688e', '#21918c', '#35b779', '#8fd744']
array seq_pt[6] = [6, 4, 8, 10, 12, 14]   # circle, square, triangles up/down, diamond, pentagon
