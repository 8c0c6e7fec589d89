#!/usr/bin/env bash
# `make CLUSTER=slurm` against a real SLURM (issue 15): munged, slurmctld and
# slurmd for one node on localhost, from a slurm.conf generated in a
# temporary directory (no systemd, no cgroups: proctrack/linuxproc,
# task/none; job records in a jobcomp/filetxt file, as there is no
# slurmdbd).  In a scratch copy of the tree, a local quick build, then the
# same build with CLUSTER=slurm, whose nodes' environment asks OpenBLAS for
# another kernel (the programs must pin themselves on the node).  Asserts that
# every timed step (datasets, trainings, long runs, figure programs) ran as
# one completed SLURM job of its name, on the node, with the time and memory
# of src/mk/cluster.mk, and nothing else did; and that every data file, model,
# figure and the PDF equal the local build's byte for byte (provenance
# headers included).  The packages (env/packages-slurm.txt) are installed
# when missing (root and apt); the daemons it started are stopped by their
# pids on exit.  If they cannot start, one line says why, and the test fails.
set -eu -o pipefail
export LC_ALL=C   # numbers with a decimal point, whatever the caller's locale
fail() { echo "slurm: $*"; exit 1; }
root=$PWD
tmp=$(mktemp -d)
pids=()
stop() {
  # Jobs first (a failed build may leave some), then the daemons, then wait
  # for them: slurmd's job steps write into $tmp until they end.
  if [ ${#pids[@]} -gt 1 ]; then
    timeout 15 scancel --quiet --full --user "$(id -un)" 2>/dev/null || true
  fi
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do kill "${pids[i]}" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap stop EXIT

env/ensure.sh env/packages-slurm.txt >"$tmp/ensure.log" 2>&1 \
  || fail "cannot install the SLURM packages: $(tail -n 1 "$tmp/ensure.log")"
for c in mungekey munged slurmctld slurmd srun scontrol scancel; do
  command -v "$c" >/dev/null || fail "$c not found (env/packages-slurm.txt; NCH_SKIP_ENV=1 skips installing)"
done
# Only this test's cluster: none of an enclosing job's or site's settings.
for v in $(compgen -e); do
  case $v in SLURM_*|SBATCH_*|SALLOC_*|SRUN_*) unset "$v" ;; esac
done

# A free port pair: neither listening (/proc/net/tcp*, state 0A).
listening=" $(awk 'FNR > 1 && $4 == "0A" { sub(/.*:/, "", $2); print $2 }' /proc/net/tcp /proc/net/tcp6 2>/dev/null \
  | while read -r h; do printf '%d ' "$((16#$h))"; done) "
port=
for _ in $(seq 50); do
  p=$((20000 + RANDOM % 30000))
  [[ $listening == *" $p "* || $listening == *" $((p + 1)) "* ]] || { port=$p; break; }
done
[ -n "$port" ] || fail "no free port pair found in 20000-50000"

# munge: a key and a socket of this test's own.
mkdir -m 755 "$tmp/munge" "$tmp/state" "$tmp/spool"
mungekey --create --keyfile="$tmp/munge/key" 2>"$tmp/mungekey.log" || fail "mungekey: $(tail -n 1 "$tmp/mungekey.log")"
munged --foreground --force --key-file="$tmp/munge/key" --socket="$tmp/munge/socket" \
  --pid-file="$tmp/munge/pid" --seed-file="$tmp/munge/seed" --log-file="$tmp/munged.log" \
  </dev/null >"$tmp/munged.out" 2>&1 &
pids+=($!)

node=nch0
mem=$(awk '/^MemTotal:/ { printf "%d", $2 / 1024 * 0.9 }' /proc/meminfo)
cat > "$tmp/slurm.conf" <<EOF
ClusterName=ncham
SlurmctldHost=$(hostname -s)(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=$(id -un)
SlurmdUser=$(id -un)
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$tmp/munge/socket
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd.pid
SlurmctldLogFile=$tmp/slurmctld.log
SlurmdLogFile=$tmp/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$tmp/jobcomp.txt
MpiDefault=none
MailProg=/bin/true
ReturnToService=2
NodeName=$node NodeAddr=127.0.0.1 CPUs=$(nproc) RealMemory=$mem State=UNKNOWN
PartitionName=ncham Nodes=$node Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF=$tmp/slurm.conf
for _ in $(seq 50); do [ -S "$tmp/munge/socket" ] && break; sleep 0.2; done
slurmctld -D -f "$SLURM_CONF" </dev/null >"$tmp/slurmctld.out" 2>&1 &
pids+=($!)
slurmd -D -N "$node" -f "$SLURM_CONF" </dev/null >"$tmp/slurmd.out" 2>&1 &
pids+=($!)

# Up when the node is idle; else the first daemon that died, or the node's state.
why_down() {
  local d i=0
  for d in munged slurmctld slurmd; do
    if ! kill -0 "${pids[i]}" 2>/dev/null; then
      echo "$d exited: $(grep -hv -e pmix -e 'MPI:' "$tmp/$d.out" "$tmp/$d.log" 2>/dev/null | grep -m1 -i -e fatal -e error || tail -n 1 "$tmp/$d.out")"
      return
    fi
    i=$((i + 1))
  done
  echo "node $node not idle after 30 s: $(scontrol show node "$node" 2>&1 | grep -o -e 'State=[^ ]*' -e 'Reason=.*' | tr '\n' ' ')"
}
up=0
for _ in $(seq 60); do
  if scontrol show node "$node" 2>/dev/null | grep -q 'State=IDLE'; then up=1; break; fi
  sleep 0.5
done
[ $up = 1 ] || fail "the one-node SLURM did not start: $(why_down)"

. tests/scratch.sh.inc
scratch_copy "$tmp/tree"
cd "$tmp/tree"
export SOURCE_DATE_EPOCH=1700000000
mk() { make --no-print-directory PROFILE=quick "$@"; }
outputs() { find data figures paper -type f \( -path 'data/*/*' -o -name '*.pdf' \) | sort; }
mk >"$tmp/local.log" 2>&1 || { tail -n 20 "$tmp/local.log"; fail "the local quick build failed"; }
mkdir "$tmp/local"
outputs | tar -cf - -T - | tar -xf - -C "$tmp/local"
ls build/times > "$tmp/local.steps"
# Everything the steps make goes; the programs stay.
rm -rf build/times $(outputs)

start=$SECONDS
mk CLUSTER=slurm SLURM_ARGS=--export=ALL,OPENBLAS_CORETYPE=Prescott -j8 >"$tmp/slurm.log" 2>&1 \
  || { tail -n 20 "$tmp/slurm.log"; fail "the CLUSTER=slurm quick build failed"; }
took=$((SECONDS - start))
mk -q || fail "make -q (local): not up to date after the CLUSTER=slurm build"

# Every timed step was one completed job of its name on the node, in this
# tree, with its limits; no other job ran.
ls build/times > "$tmp/slurm.steps"
cmp -s "$tmp/local.steps" "$tmp/slurm.steps" \
  || fail "the CLUSTER=slurm build timed other steps than the local one: $(diff "$tmp/local.steps" "$tmp/slurm.steps" | grep '^[<>]' | tr '\n' ' ')"
steps=$(sed "s/\.tsv$//" "$tmp/slurm.steps" | tr "\n" " ")
make -s --no-print-directory PROFILE=quick STEPS="$steps" \
  --eval 'slurm-expected: ; @$(foreach s,$(STEPS),echo "ncham-$(s) COMPLETED $(call slurm_limit,time,$(s)) $(call slurm_limit,mem,$(s))";)' \
  slurm-expected | sed "s|\$| $node $PWD 0:0|" | sort > "$tmp/jobs.expected"
[ -s "$tmp/jobcomp.txt" ] || fail "no job record ($tmp/jobcomp.txt)"
awk '{ for (i = 1; i <= NF; i++) { k = v = $i; sub(/=.*/, "", k); sub(/^[^=]*=/, "", v); f[k] = v }
       mem = f["Tres"]; sub(/.*mem=/, "", mem); sub(/,.*/, "", mem)
       mem = mem ~ /G$/ ? mem * 1024 : mem + 0   # MiB
       print f["Name"], f["JobState"], f["TimeLimit"], mem, f["NodeList"], f["WorkDir"], f["ExitCode"] }' \
  "$tmp/jobcomp.txt" | sort > "$tmp/jobs.recorded"
cmp -s "$tmp/jobs.expected" "$tmp/jobs.recorded" \
  || fail "SLURM jobs (expected < > recorded): $(diff "$tmp/jobs.expected" "$tmp/jobs.recorded" | grep '^[<>]' | head -n 6 | tr '\n' ' ')"
# One training job per trained model; a family's main model (FAMILY.main.tsv)
# is a copy of one of its seeds', made here, not trained.
trained=$(for m in data/models/*.model; do
  n=${m#data/models/}; n=${n%.model}
  [ -e "data/models/$n.main.tsv" ] || echo "ncham-train_$n"
done | sort)
ran=$(awk '$1 ~ /^ncham-train_/ { print $1 }' "$tmp/jobs.recorded" | sort)
[ -n "$trained" ] && [ "$trained" = "$ran" ] \
  || fail "training jobs $(echo $ran) for the trained models $(echo $trained)"
trainings=$(echo "$ran" | wc -l)

# The same bytes as the local build, numerical environment lines included.
outputs > "$tmp/slurm.outputs"
(cd "$tmp/local" && outputs) | cmp -s - "$tmp/slurm.outputs" \
  || fail "the two builds made different files: $(cd "$tmp/local" && outputs | diff - "$tmp/slurm.outputs" | grep '^[<>]' | head -n 4 | tr '\n' ' ')"
differing=()
while read -r f; do cmp -s "$f" "$tmp/local/$f" || differing+=("$f"); done < "$tmp/slurm.outputs"
[ ${#differing[@]} -eq 0 ] || fail "differ from the local build: ${differing[*]:0:6}"
pinned=$(grep -l '^# numerical environment: pinned' -r data | wc -l)
echo "slurm: $(wc -l < "$tmp/jobs.recorded") steps ran as SLURM jobs ($trainings trainings) in ${took} s;" \
  "$(wc -l < "$tmp/slurm.outputs") outputs byte-identical to a local build ($pinned data files pinned)"
