# conf2tex.awk -v profile=P FILE.conf... — every parameter `name := value`
# of the configuration files as \nchdefparam{name}{value} for the paper.
# Under profile quick, `name_quick := value` overrides `name`; lists are
# printed comma-separated.
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
        printf "\\nchdefparam{%s}{%s}\n", name, (name in quick) ? quick[name] : base[name]
    }
}
