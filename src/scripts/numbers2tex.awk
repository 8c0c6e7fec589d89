# numbers2tex.awk data/*/numbers.tsv — every published number as
# \nchdefnum{key}{typeset value}: integers as they are, others with three
# significant digits, in scientific notation outside [1e-3, 1e4); NaN as a
# dash, infinities as \infty.  Run after number.awk (awk -f number.awk -f
# numbers2tex.awk), which rejects a value that is not a number.
function typeset(v,    e, m, s) {
    if (v == int(v) && v < 1e15 && v > -1e15) return sprintf("%d", v)
    if (v == 0) return "0"
    if ((v < 0 ? -v : v) >= 1e-3 && (v < 0 ? -v : v) < 1e4) return sprintf("%.3g", v)
    s = sprintf("%.2e", v)
    m = s; sub(/e.*/, "", m)
    e = s; sub(/.*e/, "", e); e = e + 0
    return sprintf("%s\\times 10^{%d}", m, e)
}
/^#/ || NF == 0 { next }
NF != 2 { printf "numbers2tex: %s:%d: expected key<TAB>value (%s)\n", FILENAME, FNR, $0 > "/dev/stderr"; bad = 1; exit 1 }
!nch_number($2, 1, "numbers2tex", $1) { bad = 1; next }
# NaN marks a statistic over an empty set (e.g. no run survived): a dash.
nch_nonfinite($2) == "nan" { printf "\\nchdefnum{%s}{\\text{--}}\n", $1; next }
nch_nonfinite($2) != "" { printf "\\nchdefnum{%s}{%s\\infty}\n", $1, $2 ~ /^-/ ? "-" : ""; next }
{ printf "\\nchdefnum{%s}{%s}\n", $1, typeset($2 + 0) }
END { if (nch_locale_bad) exit 2; if (bad) exit 1 }
