# seeds2tex.awk -v families="F0 F1 ..." data/scheme_learning/seeds.tsv — the
# seed study of the main models (fig_scheme_learning) as the rows of the
# paper's table \nchseedrows: family, seed (the main model's in bold), the
# test loss before training, stage 1's best (a dagger: collapsed), the best
# test loss and its regulariser term, the long DVI runs completed / stopped
# by Newton / left the domain with the largest energy error of the completed
# ones, and the short-time median errors at the learning step.  Run after
# number.awk (awk -f number.awk -f seeds2tex.awk).
BEGIN { FS = "\t"; n = split(families, fam, " "); print "\\newcommand{\\nchseedrows}{%" }
/^#/ || NF == 0 { next }
{
    for (i = 1; i <= NF; i++) if (!nch_number($i, 1, "seeds2tex", "column " i)) { bad = 1; next }
    f = fam[$1 + 1]; gsub(/_/, "\\_", f)
    if (!seen || $1 != last) { if (seen) print "\\midrule"; last = $1; shown = f } else shown = ""
    seen = 1
    seed = $3 == 1 ? "\\textbf{" $2 "}" : $2
    printf "%s & %s & %s & %s%s & %s & %s & %d/%d/%d & %s & %s & %s \\\\\n", shown ? "\\texttt{" shown "}" : "", seed,
        nch_tex_cell($4), nch_tex_cell($5), $6 == 1 ? "$^\\dagger$" : "", nch_tex_cell($7), nch_tex_cell($8), $9, $10, $11, nch_tex_cell($12), nch_tex_cell($13), nch_tex_cell($14)
}
END { if (nch_locale_bad) exit 2; if (bad) exit 1; print "}" }
