#!/usr/bin/env bash
# citation.sh codemeta|zenodo — codemeta.json / .zenodo.json from
# CITATION.cff, the one home of the citation metadata (title, version,
# date, licence, authors, keywords, the paper it reproduces).  The committed
# files must equal this output (tests/citation.sh checks it).
set -eu -o pipefail
export LC_ALL=C   # numbers with a decimal point, whatever the caller's locale
cff=${CFF:-CITATION.cff}
top() { sed -n "s/^$1: *\"\{0,1\}\([^\"]*\)\"\{0,1\} *$/\1/p" "$cff" | head -n 1; }
title=$(top title); version=$(top version); date=$(top date-released); license=$(top license)
# top-level authors (before preferred-citation): "name:" entries
authors=$(awk '/^authors:/ { a = 1; next } /^[^ ]/ { a = 0 } a && /name:/ { sub(/.*name: */, ""); gsub(/"/, ""); print }' "$cff")
keywords=$(awk '/^keywords:/ { k = 1; next } /^[^ ]/ { k = 0 } k && /- / { sub(/.*- */, ""); print }' "$cff")
paper=$(awk '/^preferred-citation:/ { p = 1 } p && /^  title:/ { sub(/^  title: */, ""); gsub(/"/, ""); print; exit }' "$cff")
arxiv=$(sed -n 's/.*value: "arXiv:\(.*\)"/\1/p' "$cff" | head -n 1)
json_list() {  # json_list INDENT FORMAT < lines
  local indent=$1 fmt=$2 first=1 line
  while IFS= read -r line; do
    [ $first = 1 ] || printf ',\n'
    printf "%s$fmt" "$indent" "$line"
    first=0
  done
  printf '\n'
}
case ${1:-} in
codemeta)
  printf '{\n  "@context": "https://doi.org/10.5063/schema/codemeta-2.0",\n  "@type": "SoftwareSourceCode",\n'
  printf '  "name": "%s",\n  "version": "%s",\n  "dateModified": "%s",\n' "$title" "$version" "$date"
  printf '  "license": "https://spdx.org/licenses/%s",\n  "programmingLanguage": "C",\n' "$license"
  printf '  "author": [\n'; json_list '    ' '{ "@type": "Organization", "name": "%s" }' <<<"$authors"; printf '  ],\n'
  printf '  "keywords": [\n'; json_list '    ' '"%s"' <<<"$keywords"; printf '  ],\n'
  printf '  "referencePublication": { "@type": "ScholarlyArticle", "name": "%s", "identifier": "arXiv:%s" }\n}\n' "$paper" "$arxiv"
  ;;
zenodo)
  printf '{\n  "title": "%s",\n  "version": "%s",\n  "publication_date": "%s",\n' "$title" "$version" "$date"
  printf '  "upload_type": "software",\n  "license": "%s",\n' "$license"
  printf '  "creators": [\n'; json_list '    ' '{ "name": "%s" }' <<<"$authors"; printf '  ],\n'
  printf '  "keywords": [\n'; json_list '    ' '"%s"' <<<"$keywords"; printf '  ],\n'
  printf '  "related_identifiers": [\n    { "identifier": "arXiv:%s", "relation": "isSupplementTo", "scheme": "arxiv" }\n  ]\n}\n' "$arxiv"
  ;;
version) printf '%s\n' "$version" ;;
*) echo "usage: citation.sh codemeta|zenodo|version" >&2; exit 2 ;;
esac
