#!/usr/bin/env bash
# figure_check.sh NAME... — layout check of figures/NAME.pdf (the page with
# its LaTeX labels) against build/fig/NAME.pdf (gnuplot's graphics alone,
# the same size: figure.sh crops the page to gnuplot's canvas).  One line per
# finding on stdout, "NAME: ...", and exit status 1 if there is any:
#   - a word of text reaching outside the page (cut off in the paper);
#   - two words whose boxes overlap (label on tick labels, key on title, ...);
#   - a word drawn over graphics: the graphics layer, rendered at $DPI,
#     has non-white pixels inside the word's box (key or label on data,
#     grid lines, a colour bar).
# Word boxes come from pdftotext -bbox (poppler-utils): across the text they
# span the font's full ascent to descent, more than the ink (consecutive
# lines of a key overlap by about 0.6 pt at that height; their glyphs do
# not), along it the glyphs' advance widths.  So each box is shrunk across
# the text (its shorter side, for horizontal and rotated words alike) by
# SHRINK of that side on both edges, and along it by 0.3 pt.
# What it cannot see: graphics over graphics (a curve hidden under a band or
# another curve, a colour bar or inset on data), text over white-filled
# graphics (an opaque key box), or a label that is legible but next to the
# wrong curve — those stay with the human review (issue 13).
set -eu -o pipefail
DPI=${DPI:-150}
SHRINK=${SHRINK:-0.12}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0
for name in "$@"; do
  page=figures/$name.pdf graphics=build/fig/$name.pdf
  for f in "$page" "$graphics"; do
    [ -s "$f" ] || { echo "figure_check.sh: $f: missing" >&2; exit 2; }
  done
  pdftotext -bbox "$page" "$tmp/words.html"
  pdftoppm -r "$DPI" -gray -singlefile "$graphics" "$tmp/g"
  # PGM (P5): a three-line header, then one byte per pixel, row by row.
  read -r w h < <(head -c 64 "$tmp/g.pgm" | sed -n 2p)
  tail -c $((w * h)) "$tmp/g.pgm" | od -An -v -tu1 -w"$w" > "$tmp/pixels"
  awk -v name="$name" -v dpi="$DPI" -v shrink="$SHRINK" -v pw="$w" -v ph="$h" '
    function attr(s, key,   m) { match(s, key "=\"[^\"]*\""); return substr(s, RSTART + length(key) + 2, RLENGTH - length(key) - 3) + 0 }
    function max(a, b) { return a > b ? a : b }
    function min(a, b) { return a < b ? a : b }
    FNR == NR {                      # the graphics layer: dark pixels only
      for (x = 1; x <= NF; x++) if ($x < 245) dark[FNR - 1, x - 1] = 1
      next
    }
    /<page / { W = attr($0, "width"); H = attr($0, "height") }
    /<word / {
      n++
      x0[n] = attr($0, "xMin"); y0[n] = attr($0, "yMin"); x1[n] = attr($0, "xMax"); y1[n] = attr($0, "yMax")
      t = $0; sub(/.*">/, "", t); sub(/<\/word>.*/, "", t); txt[n] = t
    }
    END {
      bad = 0
      for (i = 1; i <= n; i++) {
        if (x0[i] < -0.5 || y0[i] < -0.5 || x1[i] > W + 0.5 || y1[i] > H + 0.5) {
          printf "%s: \"%s\" reaches outside the page (%.1f %.1f %.1f %.1f pt, page %.1f x %.1f)\n", name, txt[i], x0[i], y0[i], x1[i], y1[i], W, H
          bad++
        }
        w = x1[i] - x0[i]; h = y1[i] - y0[i]
        sx = w < h ? shrink * w : 0.3; sy = w < h ? 0.3 : shrink * h
        a0[i] = x0[i] + sx; a1[i] = x1[i] - sx; b0[i] = y0[i] + sy; b1[i] = y1[i] - sy
      }
      for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++)
        if (min(a1[i], a1[j]) > max(a0[i], a0[j]) && min(b1[i], b1[j]) > max(b0[i], b0[j])) {
          printf "%s: \"%s\" overlaps \"%s\" (at %.0f, %.0f pt)\n", name, txt[i], txt[j], a0[i], b0[i]
          bad++
        }
      k = dpi / 72
      for (i = 1; i <= n; i++) {
        c = 0
        for (py = int(b0[i] * k); py <= int(b1[i] * k) && py < ph; py++)
          for (px = int(a0[i] * k); px <= int(a1[i] * k) && px < pw; px++) c += ((py, px) in dark)
        if (c > 2) {
          printf "%s: \"%s\" is drawn over graphics (%d pixels at %d dpi, at %.0f, %.0f pt)\n", name, txt[i], c, dpi, a0[i], b0[i]
          bad++
        }
      }
      exit bad > 0
    }' "$tmp/pixels" "$tmp/words.html" || status=1
done
exit $status
