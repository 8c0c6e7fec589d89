# number.awk — the one rule for a number in the pipeline's text files,
# loaded before the script that reads them (awk -f number.awk -f SCRIPT.awk).
#
# A number is a decimal floating-point literal: optional sign, digits with an
# optional fraction (or a fraction alone), optional exponent — what %.17g
# writes for a finite value.  A non-finite value is nan or inf (any case,
# optional sign, also infinity: what printf writes); callers compare it by
# name, never by arithmetic, because mawk's NaN comparisons are not IEEE
# (nan <= x is true).  Anything else — a decimal comma, a truncated or empty
# field, hexadecimal — is reported as "PROG: FILE:LINE: KEY: not a number
# (VALUE)" instead of being read as 0.
#
# awk converts strings to numbers with the locale's decimal point: under a
# decimal-comma LC_NUMERIC "0.165" + 0 is 0.  The Makefile runs awk with
# LC_ALL=C; run by hand in another locale, a script stops at once (status 2).
# Every script's END starts with `if (nch_locale_bad) exit 2`, since exit in
# BEGIN still runs END.
BEGIN {
    if ("0.5" + 0 != 0.5) {
        printf "awk: the locale reads numbers with a decimal comma; run with LC_ALL=C\n" > "/dev/stderr"
        nch_locale_bad = 1
        exit 2
    }
}

# 1 if s is a finite decimal floating-point literal.
function nch_finite(s) {
    return s ~ /^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$/
}

# "nan", "inf" or "-inf" for a non-finite value (NaN's sign means nothing),
# "" for anything else.
function nch_nonfinite(s,    t) {
    t = tolower(s)
    if (t ~ /^[+-]?nan$/) return "nan"
    if (t ~ /^[+]?inf(inity)?$/) return "inf"
    if (t ~ /^-inf(inity)?$/) return "-inf"
    return ""
}

# 1 if s is a number (finite, or non-finite when nonfinite_ok); otherwise
# reports it on stderr for program prog, key key, at the current input line,
# and returns 0.
function nch_number(s, nonfinite_ok, prog, key) {
    if (nch_finite(s) || (nonfinite_ok && nch_nonfinite(s) != "")) return 1
    printf "%s: %s:%d: %s: not a %snumber (%s)\n", prog, FILENAME, FNR, key,
        nonfinite_ok ? "" : "finite ", s > "/dev/stderr"
    return 0
}

# A number as a table cell in the paper's text mode: integers as they are,
# three significant digits in [1e-2, 1e4), else $m{\cdot}10^{e}$; a
# non-finite or empty value as a dash.
function nch_tex_cell(v,    s, m, e) {
    if (!nch_finite(v)) return "--"
    v += 0
    if (v == int(v) && v < 1e6 && v > -1e6) return sprintf("%d", v)
    s = sprintf("%.2e", v); m = s; sub(/e.*/, "", m); e = s; sub(/.*e/, "", e)
    if (e + 0 >= -2 && e + 0 <= 3) return sprintf("%.3g", v)
    return sprintf("$%s{\\cdot}10^{%d}$", m, e + 0)
}
