# published2tex.awk build/verify.tsv — verify's comparison of every published
# number with this build's value (verify.awk -v table=…) as the rows of the
# paper's appendix table \nchpublished: key, published value, this build's
# value, the difference and the check applied (exact, or a spread
# tolerance).  Run after number.awk (awk -f number.awk -f published2tex.awk).
function shown(v) { return nch_finite(v) ? sprintf("%.6g", v) : v == "" ? "--" : v }
BEGIN { FS = "\t"; print "\\newcommand{\\nchpublished}{%" }
{
    key = $1; gsub(/_/, "\\_", key)
    check = $5; sub(/^<= /, "$\\le$ ", check)
    printf "\\texttt{%s} & %s & %s & %s & %s%s \\\\\n", key, shown($2), shown($3), $4 == "" ? "--" : $4, check,
        $6 == "PASS" || $6 == "NOT-BUILT" ? "" : " \\textbf{fails}"
}
END { if (nch_locale_bad) exit 2; print "}" }
