#!/usr/bin/env bash
# Makes sure the Debian packages listed in $1 are installed: installs the
# missing ones when it can (root and apt-get), otherwise prints the one
# command to run and fails.  Costs one dpkg-query when nothing is missing.
set -eu -o pipefail
export LC_ALL=C   # numbers with a decimal point, whatever the caller's locale
list=${1:-env/packages.txt}
if [ "${NCH_SKIP_ENV:-0}" = 1 ]; then exit 0; fi
mapfile -t pkgs < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' "$list" | grep -v '^$')
if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "ensure.sh: not a Debian system; install the equivalents of: ${pkgs[*]}" >&2
  echo "ensure.sh: then run make with NCH_SKIP_ENV=1" >&2
  exit 1
fi
missing=()
for p in "${pkgs[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [ "$status" = "install ok installed" ] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
cmd="apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "ensure.sh: installing missing packages: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
  exit 0
fi
echo "ensure.sh: missing Debian packages: ${missing[*]}" >&2
echo "ensure.sh: run:  sudo apt-get update && sudo $cmd" >&2
exit 1
