# published2tex.awk paper/published.tsv — the published numbers and their
# tolerances as rows of the paper's appendix table (\nchpublished).
BEGIN { FS = "\t"; print "\\newcommand{\\nchpublished}{%" }
/^#/ || NF == 0 { next }
{
    key = $1; gsub(/_/, "\\_", key)
    printf "\\texttt{%s} & %.6g & %s & %s \\\\\n", key, $2, $3, $4
}
END { print "}" }
