# Running the expensive steps on a cluster (README, "Running on a cluster").
#
#   make CLUSTER=slurm -j64     every timed step (datasets, trainings, long
#                               runs, figure programs) runs as one SLURM job,
#                               srun waiting for it; SLURM_ARGS adds site
#                               options (partition, account, QOS)
#   make RUN='LAUNCHER ...'     any other launcher that runs a command and
#                               waits for it; $(1) in it is the step's name
#
# Every expensive recipe is `$(call timed,NAME) PROGRAM ARGS...`, and timed
# puts $(call RUN,NAME) in front of src/scripts/timed.sh: the step's wall
# time is measured where it runs (the queue's wait is not in build/times/).
# Compiling, gnuplot, LaTeX and verify stay on the machine that runs make.
# The nodes must see this tree at the same path (a shared file system) and
# run the same system as that machine (the programs are linked here).
# Results do not depend on where a step runs: each program pins its
# numerical environment itself (nch_numenv.h), on whatever node it lands, and
# writes it in its provenance header; --export=ALL passes the variables the
# provenance quotes (NCH_GIT_COMMIT, NCH_PROFILE) even where a site exports
# nothing by default.
CLUSTER ?=
ifeq ($(filter $(CLUSTER),slurm),)
  ifneq ($(CLUSTER),)
    $(error CLUSTER must be slurm or empty (got '$(CLUSTER)'))
  endif
endif
SLURM_ARGS ?=
ifeq ($(CLUSTER),slurm)
  ifeq ($(shell command -v srun),)
    $(error CLUSTER=slurm: srun not found (run make where the SLURM client commands are, a login node))
  endif
  RUN = srun --job-name=ncham-$(1) --ntasks=1 --cpus-per-task=1 --time=$(call slurm_limit,time,$(1)) \
    --mem=$(call slurm_limit,mem,$(1))M --export=ALL --input=none --quit-on-interrupt $(SLURM_ARGS)
endif

# What a step asks for: slurm_time_* is the wall-time limit in minutes,
# slurm_mem_* the memory in MiB.  The first value set among the step's own
# (slurm_time_NAME), its family's (slurm_time_train for train_*, the name's
# first word) and the default (slurm_time), each first with the profile's
# suffix (_quick), is the one asked for.
#
# Time: 3x the step's wall time in a paper-profile build measured on a
# loaded 2-core machine (build/times/), rounded up to 10 min, at least
# 10 min; a family takes its longest member's (a new seed of a study is
# covered).  Measured: train_scheme 1355 s; the other trainings of the main
# width 317-939 s (train_vf_reg_seed2), the small ones at most 36 s;
# scheme_learning 590 s; long runs at most 143 s; every other step at most
# 108 s (dvi_failure).  The quick profile's steps take at most 19 s.
slurm_time := 10
slurm_time_train := 50
slurm_time_train_scheme := 70
slurm_time_train_small_mlp := 10
slurm_time_train_small_canonical := 10
slurm_time_train_small_noncanonical := 10
slurm_time_scheme_learning := 30
slurm_time_quick := 10
# Memory: 4x the largest peak resident set measured (GNU time %M) over the
# steps of the paper profile, rounded up to 100 MiB.
slurm_mem := 100

slurm_limit = $(firstword $(foreach v,$(addsuffix _$(PROFILE),$(call slurm_vars,$(1),$(2))) \
   $(call slurm_vars,$(1),$(2)),$($(v))))
slurm_vars = slurm_$(1)_$(2) slurm_$(1)_$(firstword $(subst _, ,$(2))) slurm_$(1)
