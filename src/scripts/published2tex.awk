# published2tex.awk paper/published.tsv — the published numbers and their
# tolerances as rows of the paper's appendix table (\nchpublished).  Run
# after number.awk (awk -f number.awk -f published2tex.awk), which rejects a
# value or tolerance that is not a number.
BEGIN { FS = "\t"; print "\\newcommand{\\nchpublished}{%" }
/^#/ || NF == 0 { next }
{
    for (i = 2; i <= 4; i++) if (!nch_number($i, i == 2, "published2tex", $1)) { bad = 1; next }
    key = $1; gsub(/_/, "\\_", key)
    printf "\\texttt{%s} & %.6g & %s & %s \\\\\n", key, $2, $3, $4
}
END { if (nch_locale_bad) exit 2; if (bad) exit 1; print "}" }
