#!/usr/bin/env bash
# Citation metadata: CITATION.cff has the fields CFF 1.2.0 requires and the
# paper as preferred-citation; codemeta.json and .zenodo.json are valid JSON
# and exactly what src/scripts/citation.sh derives from CITATION.cff.
set -eu -o pipefail
export LC_ALL=C   # numbers with a decimal point, whatever the caller's locale
fail() { echo "citation: $*"; exit 1; }
grep -q '^cff-version: 1.2.0$' CITATION.cff || fail "not cff-version 1.2.0"
for key in message title authors version license preferred-citation; do
  grep -q "^$key:" CITATION.cff || fail "CITATION.cff: no $key"
done
awk '/^preferred-citation:/ { p = 1; next } /^[^ ]/ { p = 0 } p && /^  (type|title|authors):/ { n++ }
     END { exit n != 3 }' CITATION.cff || fail "preferred-citation needs type, title and authors"
for f in codemeta:codemeta.json zenodo:.zenodo.json; do
  jq -e . "${f#*:}" >/dev/null || fail "${f#*:} is not valid JSON"
  diff <(src/scripts/citation.sh "${f%%:*}") "${f#*:}" >/dev/null \
    || fail "${f#*:} differs from CITATION.cff (regenerate: src/scripts/citation.sh ${f%%:*} > ${f#*:})"
done
v=$(src/scripts/citation.sh version)
[ "$(jq -r .version codemeta.json)" = "$v" ] && [ "$(jq -r .version .zenodo.json)" = "$v" ] || fail "versions differ"
echo "citation: CITATION.cff, codemeta.json and .zenodo.json consistent (version $v)"
