# publish.awk paper/published.tsv data/*/numbers.tsv > published.tsv.new —
# the maintainers' step after reviewing a paper-profile build: this build's
# values replace the published ones, keeping each key's tolerances and
# reason, and its environment (the numbers files' "# libraries:" and
# "# numerical environment:" lines, which must agree and be pinned) becomes
# the one in which verify demands exact agreement.  Fails, writing nothing
# useful, on a missing key or a mixed or unpinned environment.
BEGIN { FS = OFS = "\t" }
FNR == 1 { file++ }
function die(msg) { printf "publish: %s\n", msg > "/dev/stderr"; failed = 1; exit 1 }
file == 1 { line[++n] = $0; if (!/^#/ && NF >= 5) key[n] = $1; next }
/^# libraries: / || /^# numerical environment: / {
    tag = substr($0, 1, index($0, ": "))
    if (tag in envline && envline[tag] != $0) die(FILENAME ": " tag " differs from the other numbers files")
    envline[tag] = $0
    next
}
/^# profile: / && $0 != "# profile: paper" { die(FILENAME ": not the paper profile (" $0 ")") }
/^#/ || NF == 0 { next }
{ got[$1] = $2 }
END {
    if (failed) exit 1
    if (envline["# numerical environment:"] !~ /: pinned/) die("the numbers were not made in the pinned environment: " envline["# numerical environment:"])
    for (i = 1; i <= n; i++) if (i in key && !(key[i] in got)) die("no computed value for " key[i])
    for (i = 1; i <= n; i++) {
        $0 = line[i]
        if (/^# libraries: / || /^# numerical environment: /) continue
        if (i in key) $2 = got[key[i]]
        print
        if ($0 ~ /^# key\tvalue/) { print envline["# libraries:"]; print envline["# numerical environment:"] }
    }
}
