# verify.awk [-v table=FILE] paper/published.tsv data/*/numbers.tsv — compares
# every published number with the value this build computed.
#
# Exact where exactness is owed: a numbers file made with the libraries and
# the pinned numerical environment that made the published numbers (their
# "# libraries:" and "# numerical environment:" provenance lines equal those
# at the top of published.tsv) must reproduce each value bit for bit.  Any
# other build (another library version, a CPU that cannot run the pinned
# kernel, NCH_NUMENV=native) is held to the key's spread tolerance,
# |computed − published| <= abs_tol + rel_tol·|published|, whose derivation
# is the key's "why".
#
# Prints PASS/FAIL per key with both values, the difference and the test
# applied, then "verify: N passed, N failed"; exit status 1 if any key
# failed, is missing or malformed.  With -v table=FILE also writes
# key<TAB>published<TAB>computed<TAB>|diff|<TAB>test<TAB>verdict rows for the
# paper's appendix.
BEGIN { FS = "\t" }
FNR == 1 { file++ }
function number(s) { return s ~ /^[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$/ || tolower(s) ~ /^[-+]?(nan|inf)$/ }
function bad(msg) { printf "verify: %s:%d: %s\n", FILENAME, FNR, msg; broken++ }
/^# libraries: / { lib[file] = substr($0, 14) }
/^# numerical environment: / { env[file] = substr($0, 26) }
/^#/ || NF == 0 { next }
file == 1 {
    if (NF < 5) { bad("expected key value rel_tol abs_tol why"); next }
    if (!number($2) || !number($3) || !number($4)) { bad(sprintf("%s: not a number (%s %s %s)", $1, $2, $3, $4)); next }
    keys[++n] = $1; pub[$1] = $2 + 0; rel[$1] = $3 + 0; abs_[$1] = $4 + 0
    next
}
{
    if (NF != 2 || !number($2)) { bad(sprintf("expected key<TAB>number (%s)", $0)); next }
    got[$1] = $2 + 0; seen[$1] = 1; from[$1] = file
}
function exact(f) { return f in lib && f in env && lib[f] == lib[1] && env[f] == env[1] && env[f] ~ /^pinned/ }
function isnan(v) { return v != v }
END {
    if (!(1 in lib) || !(1 in env)) { printf "verify: %s: no \"# libraries:\" or \"# numerical environment:\" line\n", ARGV[1]; broken++ }
    for (i = 1; i <= n; i++) {
        k = keys[i]
        if (!(k in seen)) {
            printf "FAIL %s missing (published %.17g)\n", k, pub[k]; failed++
            if (table) printf "%s\t%.17g\t\t\tmissing\tFAIL\n", k, pub[k] > table
            continue
        }
        p = pub[k]; g = got[k]
        d = g - p; if (d < 0) d = -d
        if (exact(from[k])) { test = "exact"; ok = g == p || (isnan(g) && isnan(p)) }
        else {
            spread++
            tol = abs_[k] + rel[k] * (p < 0 ? -p : p); test = sprintf("<= %.3g", tol)
            ok = d <= tol || (isnan(g) && isnan(p))
        }
        if (ok) passed++; else failed++
        printf "%s %s %.17g (published %.17g, |diff| %.3g, %s)\n", ok ? "PASS" : "FAIL", k, g, p, d, test
        if (table) printf "%s\t%.17g\t%.17g\t%.3g\t%s\t%s\n", k, p, g, d, test, ok ? "PASS" : "FAIL" > table
    }
    if (spread)
        printf "verify: %d numbers were made in another environment than the published ones (%s; %s): checked against their spread tolerances\n", spread, lib[1], env[1]
    printf "verify: %d passed, %d failed\n", passed, failed + broken
    exit (failed + broken) > 0
}
