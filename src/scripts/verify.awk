# verify.awk [-v table=FILE] paper/published.tsv data/*/numbers.tsv — compares
# every published number with the value this build computed.  Run after
# number.awk (awk -f number.awk -f verify.awk), which rejects a value that is
# not a number.
#
# Exact where exactness is owed: a numbers file made with the libraries and
# the pinned numerical environment that made the published numbers (their
# "# libraries:" and "# numerical environment:" provenance lines equal those
# of published.tsv; without them nothing is exact) must reproduce each value
# bit for bit.  Any other build
# (another library version, a CPU that cannot run the pinned kernel,
# NCH_NUMENV=native) is held to the key's spread tolerance,
# |computed − published| <= abs_tol + rel_tol·|published|, whose derivation
# is the key's "why".  A non-finite value (nan, ±inf) passes only against the
# same non-finite published value.
#
# -v not_built='FIGURE ...': the figures of the systems this build left out
# (SYSTEMS); their keys (FIGURE_*) are reported as NOT-BUILT, neither passed
# nor failed, and counted apart.
#
# Prints PASS/FAIL per key with both values, the difference and the check
# applied, then "verify: N passed, N failed"; exit status 1 if any key failed,
# is missing or malformed.  With -v table=FILE also writes
# key<TAB>published<TAB>computed<TAB>|diff|<TAB>check<TAB>verdict rows for the
# paper's appendix.
BEGIN { FS = "\t"; n_skip = split(not_built, skip_fig, " ") }
function skipped(k,    i) {
    for (i = 1; i <= n_skip; i++) if (index(k, skip_fig[i] "_") == 1) return 1
    return 0
}
FNR == 1 { file++ }
/^# libraries: / { lib[file] = substr($0, 14) }
/^# numerical environment: / { env[file] = substr($0, 26) }
/^#/ || NF == 0 { next }
file == 1 {
    if (NF < 5) { printf "verify: %s:%d: expected key value rel_tol abs_tol why\n", FILENAME, FNR; broken++; next }
    # Every column between the key and the reason is a number; tolerances finite.
    for (i = 2; i < NF; i++) if (!nch_number($i, i == 2, "verify", $1)) { broken++; next }
    keys[++n] = $1; pub[$1] = $2 + 0; pubs[$1] = $2; rel[$1] = $3 + 0; abs_[$1] = $4 + 0
    next
}
{
    got[$1] = $2; seen[$1] = 1; from[$1] = file
    if (!nch_number($2, 1, "verify", $1)) bad[$1] = 1
}
function exact(f) { return f in lib && f in env && lib[f] == lib[1] && env[f] == env[1] && env[f] ~ /^pinned/ }
function report(k, ok, shown, diff, check) {
    if (ok) passed++; else failed++
    printf "%s %s %s (published %s, |diff| %s, %s)\n", ok ? "PASS" : "FAIL", k, shown, pubs[k], diff, check
    if (table) printf "%s\t%s\t%s\t%s\t%s\t%s\n", k, pubs[k], shown, diff, check, ok ? "PASS" : "FAIL" > table
}
END {
    if (nch_locale_bad) exit 2
    for (k in bad) if (!(k in pub)) broken++
    for (i = 1; i <= n; i++) {
        k = keys[i]
        if (skipped(k) && !(k in seen)) {
            not_built_n++
            printf "NOT-BUILT %s (published %s)\n", k, pubs[k]
            if (table) printf "%s\t%s\t\t\tnot built\tNOT-BUILT\n", k, pubs[k] > table
            continue
        }
        if (!(k in seen)) { report(k, 0, "missing", "", "missing"); continue }
        if (k in bad) { report(k, 0, got[k], "", "not a number"); continue }
        is_exact = exact(from[k])
        if (!is_exact) spread++
        if (nch_nonfinite(got[k]) != "" || nch_nonfinite(pubs[k]) != "") {
            report(k, nch_nonfinite(got[k]) == nch_nonfinite(pubs[k]), got[k], "", "same non-finite value")
            continue
        }
        d = got[k] - pub[k]; if (d < 0) d = -d
        if (is_exact) report(k, got[k] + 0 == pub[k], sprintf("%.17g", got[k]), sprintf("%.3g", d), "exact")
        else {
            tol = abs_[k] + rel[k] * (pub[k] < 0 ? -pub[k] : pub[k])
            report(k, d <= tol, sprintf("%.17g", got[k]), sprintf("%.3g", d), sprintf("<= %.3g", tol))
        }
    }
    if (spread)
        printf "verify: %d numbers were made in another environment than the published ones (%s; %s): checked against their spread tolerances\n", spread, lib[1], env[1]
    printf "verify: %d passed, %d failed%s\n", passed, failed + broken,
        not_built_n ? sprintf(", %d not built", not_built_n) : ""
    exit (failed + broken) > 0
}
