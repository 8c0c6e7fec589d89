# verify.awk paper/published.tsv data/*/numbers.tsv — compares every
# published number with the value the pipeline computed:
# PASS/FAIL per key (|computed − published| ≤ abs_tol + rel_tol·|published|),
# then "verify: N passed, N failed"; exit status 1 if any failed or is missing.
# Run after number.awk (awk -f number.awk -f verify.awk), which rejects a
# value that is not a number; a non-finite value (nan, ±inf) passes only
# against the same non-finite published value.
BEGIN { FS = "\t" }
FNR == 1 { file++ }
/^#/ || NF == 0 { next }
file == 1 {
    if (NF < 5) { printf "verify: %s:%d: expected key value rel_tol abs_tol why\n", FILENAME, FNR; broken = 1; next }
    # Every column between the key and the reason is a number; tolerances finite.
    for (i = 2; i < NF; i++) if (!nch_number($i, i == 2, "verify", $1)) { broken++; next }
    keys[++n] = $1; pub[$1] = $2 + 0; pubs[$1] = $2; rel[$1] = $3 + 0; abs_[$1] = $4 + 0
    next
}
{ got[$1] = $2; seen[$1] = 1; if (!nch_number($2, 1, "verify", $1)) { bad[$1] = 1; broken++ } }
END {
    if (nch_locale_bad) exit 2
    for (i = 1; i <= n; i++) {
        k = keys[i]
        if (!(k in seen)) { printf "FAIL %s missing (published %.17g)\n", k, pub[k]; failed++; continue }
        if (k in bad) { printf "FAIL %s not a number (%s)\n", k, got[k]; continue }
        if (nch_nonfinite(got[k]) != "" || nch_nonfinite(pubs[k]) != "") {
            if (nch_nonfinite(got[k]) == nch_nonfinite(pubs[k])) { printf "PASS %s %s (published %s)\n", k, got[k], pubs[k]; passed++ }
            else { printf "FAIL %s %s (published %s, not the same non-finite value)\n", k, got[k], pubs[k]; failed++ }
            continue
        }
        d = got[k] - pub[k]; if (d < 0) d = -d
        p = pub[k] < 0 ? -pub[k] : pub[k]
        tol = abs_[k] + rel[k] * p
        if (d <= tol) { printf "PASS %s %.17g (published %.17g, |diff| %.3g <= %.3g)\n", k, got[k], pub[k], d, tol; passed++ }
        else { printf "FAIL %s %.17g (published %.17g, |diff| %.3g > %.3g)\n", k, got[k], pub[k], d, tol; failed++ }
    }
    printf "verify: %d passed, %d failed\n", passed, failed + broken
    exit (failed + broken) > 0
}
