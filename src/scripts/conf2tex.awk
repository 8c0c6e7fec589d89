# conf2tex.awk -v profile=P FILE.conf... — every parameter `name := value`
# of the configuration files as \nchdefparam{name}{value} for the paper.
# Under profile quick, `name_quick := value` overrides `name`; lists are
# printed comma-separated; a number in e-notation is typeset as a power of
# ten (1e-8 as 10^{-8}, 2.5e-3 as 2.5·10^{-3}), in text and in math alike.
/^[ \t]*#/ || !/:=/ { next }
{
    name = $0; sub(/[ \t]*:=.*/, "", name); gsub(/[ \t]/, "", name)
    value = $0; sub(/^[^:]*:=[ \t]*/, "", value); sub(/[ \t]+$/, "", value)
    gsub(/[ \t]+/, ", ", value)
    if (name ~ /_quick$/) {
        if (profile != "quick") next
        sub(/_quick$/, "", name); quick[name] = value
    } else {
        base[name] = value; order[++n] = name
    }
}
END {
    for (i = 1; i <= n; i++) {
        name = order[i]
        v = (name in quick) ? quick[name] : base[name]
        if (v ~ /^-?[0-9]+(\.[0-9]+)?e[-+]?[0-9]+$/) {
            m = v; sub(/e.*/, "", m); e = v; sub(/.*e\+?/, "", e)
            v = "\\ensuremath{" (m == "1" ? "" : m == "-1" ? "-" : m "\\cdot ") "10^{" e "}}"
        }
        printf "\\nchdefparam{%s}{%s}\n", name, v
    }
}
