# remedy2tex.awk paper/remedy.tsv — the remedy study (scheme_remedy.sh's
# table: seed, variant, initial test loss, stage-1 best, collapsed, final
# best, its mean log10 cond J, clipped steps) as the paper's table rows
# \nchremedyrows, one row per seed with both variants side by side, and its
# counts: \nchremedyn (seeds), \nchremedycollapsed{paper|clip} and
# \nchremedymedian{paper|clip} (median final best).  Run after number.awk.
BEGIN { FS = "\t"; print "\\newcommand{\\nchremedyrows}{%" }
/^#/ || NF == 0 { next }
NF != 8 { printf "remedy2tex: %s:%d: expected 8 columns, found %d\n", FILENAME, FNR, NF > "/dev/stderr"; bad = 1; exit 1 }
$2 != "paper" && $2 != "clip" { printf "remedy2tex: %s:%d: unknown variant (%s)\n", FILENAME, FNR, $2 > "/dev/stderr"; bad = 1; exit 1 }
{
    for (i = 3; i <= 7; i++) if (i != 5 && !nch_number($i, 0, "remedy2tex", FILENAME ":" FNR ": column " i)) { bad = 1; exit 1 }
    if (!($1 in row)) order[++n] = $1
    cell = nch_tex_cell($4) ($5 == "yes" ? "$^\\dagger$" : "") " & " nch_tex_cell($6) " & " nch_tex_cell($7)
    if ($2 == "paper") { init[$1] = nch_tex_cell($3); row[$1] = cell } else clip[$1] = cell " & " $8
    runs[$2]++; collapsed[$2] += $5 == "yes"; final[$2, runs[$2]] = $6 + 0
}
function median(v,    m, i, j, x, a) {
    m = runs[v]
    for (i = 1; i <= m; i++) a[i] = final[v, i]
    for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (a[j] < a[i]) { x = a[i]; a[i] = a[j]; a[j] = x }
    return m % 2 ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
}
END {
    if (nch_locale_bad) exit 2
    if (bad) exit 1
    if (runs["paper"] != n || runs["clip"] != n) { printf "remedy2tex: %s: each seed needs both variants\n", FILENAME > "/dev/stderr"; exit 1 }
    for (i = 1; i <= n; i++) printf "%s & %s & %s & %s \\\\\n", order[i], init[order[i]], row[order[i]], clip[order[i]]
    print "}"
    printf "\\newcommand{\\nchremedyn}{%d}\n", n
    split("paper clip", vs, " ")
    for (i = 1; i <= 2; i++) {
        v = vs[i]
        printf "\\newcommand{\\nchremedycollapsed%s}{%d}\n", v, collapsed[v]
        printf "\\newcommand{\\nchremedymedian%s}{%s}\n", v, nch_tex_cell(median(v))
    }
}
