# ncham — the study's table of contents.
#
#   make                     paper/paper.pdf and everything it needs
#   make check               build and run every test
#   make verify              recompute the published numbers, compare
#   make figures/NAME.pdf    one figure and only what it depends on
#   make help                targets and variables
#
# Parameters live in src/config/*.conf (one home each); they flow into the
# programs' command lines below and, as LaTeX macros, into the paper.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DELETE_ON_ERROR:
.SUFFIXES:
MAKEFLAGS += --no-builtin-rules --no-builtin-variables
.DEFAULT_GOAL := all

PROFILE ?= paper
V ?=
# Both cores by default (the trainings are independent); JOBS=1 for serial.
JOBS ?= $(shell nproc 2>/dev/null || echo 1)
MAKEFLAGS += -j$(JOBS)
VERIFY ?= yes
ifeq ($(filter $(PROFILE),paper quick),)
  $(error PROFILE must be paper or quick (got '$(PROFILE)'))
endif
# The systems of the study: Lotka-Volterra (the core, always built), the
# massless charged particle and the guiding centre.  The paper profile of
# all three needs about 80 min of a 2-core machine; SYSTEMS='lv mcp' leaves
# the guiding centre's trainings and figure out (its sections say so, its
# published numbers are reported as not built), which is what CI runs
# (README, "Build times").
SYSTEMS ?= lv mcp gc
ifneq ($(filter-out lv mcp gc,$(SYSTEMS))$(filter-out lv,$(firstword $(SYSTEMS)))$(if $(SYSTEMS),,none),)
  $(error SYSTEMS must list lv first, then any of mcp gc (got '$(SYSTEMS)'))
endif
SKIPPED_SYSTEMS := $(filter-out $(SYSTEMS),mcp gc)
figure_of_mcp := charged_particle
figure_of_gc := guiding_center
SKIPPED_FIGURES := $(foreach s,$(SKIPPED_SYSTEMS),$(figure_of_$(s)))
Q := $(if $(filter 1,$(V)),,@)
say = $(if $(filter 1,$(V)),,@printf '  %-8s %s\n' '$(1)' '$(2)';)

# Results must not depend on thread scheduling: one BLAS thread everywhere.
export OPENBLAS_NUM_THREADS := 1
# Numbers are read and written in the C locale: awk, printf and sort follow
# LC_NUMERIC, and under a decimal-comma locale awk reads 0.165 as 0.  (Make
# 4.3 does not pass exported variables to $(shell ...), whose commands here
# print no fractional numbers; every script sets LC_ALL=C itself as well.)
export LC_ALL := C
export NCH_PROFILE := $(PROFILE)
export NCH_VERBOSE := $(V)
export NCH_GIT_COMMIT := $(shell git describe --always --dirty --abbrev=12 2>/dev/null || cat VERSION-COMMIT 2>/dev/null || echo unknown)

# ---------------------------------------------------------------- toolchain
ifneq ($(filter default undefined,$(origin CC)),)
  CC := gcc
endif
WERROR ?= -Werror
WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes $(WERROR)
# Result-producing binaries: -O2, IEEE semantics (no fast-math, no -march).
CFLAGS ?= -std=c11 -O2 -g -fno-fast-math -ffp-contract=off
# The MLP engine's element-wise jet loops run over a width known at run time,
# which -O2 does not vectorise.  Vector IEEE adds and multiplies round like
# scalar ones, and nothing is reassociated or fused: speed only, same bits.
VECTORISE_FLAGS := -ftree-vectorize -fvect-cost-model=dynamic
CPPFLAGS := -D_POSIX_C_SOURCE=200809L -Isrc/lib
LDLIBS := -lgsl -llapacke -lopenblas -lm
SAN_FLAGS := -std=c11 -O1 -g -fno-omit-frame-pointer -ffp-contract=off \
             -fsanitize=address,undefined -fno-sanitize-recover=all
TEST_LDLIBS := -lcmocka $(LDLIBS)

# The toolchain and flags are recorded in a stamp that every object depends
# on; it is rewritten (at parse time, so `make -q` stays exact) only when its
# content changes.
TOOLCHAIN_ID := $(CC) $(shell $(CC) -dumpfullversion 2>/dev/null) | $(CPPFLAGS) $(CFLAGS) $(WARN) | $(VECTORISE_FLAGS) | $(LDLIBS) | $(SAN_FLAGS)
stamp_if_changed = $(shell mkdir -p build/stamps && { printf '%s\n' '$(2)' | cmp -s - $(1) || printf '%s\n' '$(2)' > $(1); })
$(call stamp_if_changed,build/stamps/toolchain,$(TOOLCHAIN_ID))
# Data depend on the profile and on the numerical environment (NCH_NUMENV,
# nch_numenv.h): switching either reruns the programs.
$(call stamp_if_changed,build/stamps/profile,$(PROFILE) $(NCH_NUMENV))
# The paper's flags and the verify gate depend on the systems built.
$(call stamp_if_changed,build/stamps/systems,$(SYSTEMS))
SYSTEMS_STAMP := build/stamps/systems
TOOLCHAIN := build/stamps/toolchain
PROFILE_STAMP := build/stamps/profile

# Missing Debian packages are installed (or named) before anything builds.
ENV_STAMP := build/stamps/env
$(ENV_STAMP): env/packages.txt env/ensure.sh | build/stamps
	$(call say,ENV,$(notdir $<))
	$(Q)env/ensure.sh env/packages.txt
	$(Q)touch $@

# ---------------------------------------------------------------- library
LIB_SRC := $(wildcard src/lib/*.c)
LIB_OBJ := $(LIB_SRC:src/lib/%.c=build/obj/%.o)
LIB_SAN_OBJ := $(LIB_SRC:src/lib/%.c=build/san/obj/%.o)
LIB := build/libnch.a
LIB_SAN := build/san/libnch.a

build/obj/%.o: src/lib/%.c $(TOOLCHAIN) | build/obj $(ENV_STAMP)
	$(call say,CC,$<)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(OBJ_FLAGS) $(WARN) -MMD -MP -c $< -o $@
build/obj/nch_mlp.o: OBJ_FLAGS := $(VECTORISE_FLAGS)
build/san/obj/%.o: src/lib/%.c $(TOOLCHAIN) | build/san/obj $(ENV_STAMP)
	$(call say,CC-SAN,$<)
	$(Q)$(CC) $(CPPFLAGS) $(SAN_FLAGS) $(WARN) -MMD -MP -c $< -o $@
$(LIB): $(LIB_OBJ)
	$(call say,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^
$(LIB_SAN): $(LIB_SAN_OBJ)
	$(call say,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

# ---------------------------------------------------------------- programs
# One program per figure and per shared pipeline step: src/NAME.c -> bin/NAME.
PROGRAMS := $(patsubst src/%.c,bin/%,$(wildcard src/*.c))
bin/%: src/%.c $(LIB) $(TOOLCHAIN) | bin build/dep $(ENV_STAMP)
	$(call say,CCLD,$@)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -MMD -MP -MF build/dep/$*.d -MT $@ $< $(LIB) $(LDLIBS) -o $@
# Training is the expensive step: bin/train links only the modules it uses,
# so that editing a figure's helpers does not retrain every model.
TRAIN_OBJ := $(foreach m,err tsv cli fig lv dataset embed learnt mlp model gram loss loss_vf loss_reg loss_dvi loss_imex reg scheme train adam numenv,build/obj/nch_$(m).o)
bin/train: src/train.c $(TRAIN_OBJ) $(TOOLCHAIN) | bin build/dep $(ENV_STAMP)
	$(call say,CCLD,$@)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -MMD -MP -MF build/dep/train.d -MT $@ $< $(TRAIN_OBJ) $(LDLIBS) -o $@
programs: $(PROGRAMS)

# ---------------------------------------------------------------- parameters
# `$(call param,NAME)` is NAME_quick under PROFILE=quick when that exists.
include $(sort $(wildcard src/config/*.conf))
param = $(or $($(1)_$(PROFILE)),$($(1)))
# The pinned numerical environment (nch_numenv.h) is compiled in from its
# home, src/config/numenv.conf.
NUMENV_OBJ := build/obj/nch_numenv.o build/san/obj/nch_numenv.o
$(NUMENV_OBJ): src/config/numenv.conf
$(NUMENV_OBJ): CPPFLAGS += -DNCH_NUMENV_CORETYPE='"$(numenv_openblas_coretype)"' \
   -DNCH_NUMENV_HWCAPS='"$(numenv_glibc_hwcaps)"'
comma := ,
space := $(subst ,, )
csv = $(subst $(space),$(comma),$(strip $(1)))
# Every pipeline step records its wall time (build/times/), measured where
# it runs: here, or as a cluster job (src/mk/cluster.mk: CLUSTER=slurm, RUN).
include src/mk/cluster.mk
timed = $(call RUN,$(1)) src/scripts/timed.sh $(1)

# ================================================================= the study
# Each figure: program -> data/NAME/ -> figures/NAME.gp -> figures/NAME.pdf.
# Shared steps (datasets, trained models) are programs and files of their own.

# --- Lotka-Volterra datasets (spec lotka-volterra.md §3) -------------------
LV := data/lv
LV_DATA := $(foreach s,train test val,$(LV)/traj-$(s).tsv $(LV)/vf-$(s).tsv)
$(LV_DATA) &: bin/lv_data src/config/lv_data.conf $(PROFILE_STAMP) | build/numenv.txt
	$(call say,RUN,$<)
	$(Q)mkdir -p $(LV)
	$(Q)$(call timed,lv_data) $< --seed $(call param,lv_seed) --n-ic $(call param,lv_n_ic) --hmin $(call param,lv_hmin) \
	   --hmax $(call param,lv_hmax) --box-pad $(call param,lv_box_pad) --max-rounds $(call param,lv_max_rounds) \
	   --h $(call param,lv_h) --nt $(call param,lv_nt) --split $(call csv,$(call param,lv_split)) --outdir $(LV)
lv-data: $(LV_DATA)
.PHONY: lv-data

# --- Massless-charged-particle datasets (spec gc-mcp.md §2.2) --------------
MCP := data/mcp
MCP_DATA := $(foreach s,train test val,$(MCP)/traj-$(s).tsv $(MCP)/vf-$(s).tsv)
$(MCP_DATA) &: bin/mcp_data src/config/mcp_data.conf $(PROFILE_STAMP)
	$(call say,RUN,$<)
	$(Q)mkdir -p $(MCP)
	$(Q)$(call timed,mcp_data) $< --seed $(call param,mcp_seed) --n-ic $(call param,mcp_n_ic) \
	   --hmin $(call param,mcp_hmin) --hmax $(call param,mcp_hmax) --max-rounds $(call param,mcp_max_rounds) \
	   --h $(call param,mcp_h) --nt $(call param,mcp_nt) --split $(call csv,$(call param,mcp_split)) \
	   --vf-stride $(call param,mcp_vf_stride) --outdir $(MCP)
mcp-data: $(MCP_DATA)
.PHONY: mcp-data

# --- Guiding-centre datasets (spec gc-mcp.md §3.2) -------------------------
GC := data/gc
GC_DATA := $(foreach s,train test val,$(GC)/traj-$(s).tsv $(GC)/vf-$(s).tsv)
$(GC_DATA) &: bin/gc_data src/config/gc_data.conf $(PROFILE_STAMP)
	$(call say,RUN,$<)
	$(Q)mkdir -p $(GC)
	$(Q)$(call timed,gc_data) $< --seed $(call param,gc_seed) --n-ic $(call param,gc_n_ic) \
	   --theta-pi $(call csv,$(call param,gc_theta_pi)) --phi-pi $(call csv,$(call param,gc_phi_pi)) \
	   --r $(call csv,$(call param,gc_r)) --u $(call csv,$(call param,gc_u)) --h $(call param,gc_h) \
	   --nt $(call param,gc_nt) --split $(call csv,$(call param,gc_split)) \
	   --vf-stride $(call param,gc_vf_stride) --outdir $(GC)
gc-data: $(GC_DATA)
.PHONY: gc-data

# --- Trained models (spec lotka-volterra.md §4-§6, gc-mcp.md §2.4, §3.4) ---
# data/models/NAME.model (+ .trace.tsv per epoch, .summary.tsv best values).
# $(call train_rule,NAME,DATA,ARGS,SEED[,SYSTEM[,PREREQ]]): DATA is vf or traj
# (files of data/SYSTEM, default lv), PREREQ a model ARGS starts from (--init).
sys_d_lv := 1
sys_d_mcp := 1
sys_d_gc := 2
define train_rule
MODEL_FILES += data/models/$(1).model
data/models/$(1).model data/models/$(1).trace.tsv data/models/$(1).summary.tsv &: bin/train \
    src/config/models.conf $(if $(5),src/config/$(5)_models.conf) data/$(or $(5),lv)/$(2)-train.tsv data/$(or $(5),lv)/$(2)-test.tsv $(6) $(PROFILE_STAMP)
	$$(call say,TRAIN,$(1))
	$$(Q)mkdir -p data/models
	$$(Q)$$(call timed,train_$(1)) bin/train --name $(1) --d $(sys_d_$(or $(5),lv)) $(3) --batch $$(call param,train_batch) \
	   --seed $(4) --train data/$(or $(5),lv)/$(2)-train.tsv --test data/$(or $(5),lv)/$(2)-test.tsv \
	   -o data/models/$(1).model --trace data/models/$(1).trace.tsv --summary data/models/$(1).summary.tsv
endef
SEED := $(call param,train_seed)
small_args = --kind $$(call param,$(1)_kind) --widths $$(call param,$(1)_widths) --normaliser none \
   --loss vf --gram-weights $$(call param,small_gram_weights) --schedule $$(call param,schedule_small)
main_vf_args = --kind noncanonical --widths $$(call param,main_widths) --normaliser train --loss vf_reg \
   --gram-ratio $$(call param,main_vf_gram_ratio) --reg-weight $$(call param,$(1)_reg_weight) \
   --schedule $$(call param,schedule_main)
# The main models' three families, each trained with every seed of the seed
# study (models.conf); longest first, so that with -j the scheme seeds train
# beside the others.
FAMILIES := scheme vf_no_reg vf_reg
SEEDS = $(call param,seed_study_seeds)
family_data_scheme := traj
family_data_vf_no_reg := vf
family_data_vf_reg := vf
family_args_scheme = --kind noncanonical --widths $$(call param,main_widths) --normaliser train --loss dvi \
   --h $$(call param,scheme_h) --gram-ratio-quantiles $$(call param,scheme_gram_quantiles) \
   --reg-weight $$(call param,scheme_cond_weight) --schedule $$(call param,schedule_main)
family_args_vf_no_reg = $(call main_vf_args,vf_no_reg)
family_args_vf_reg = $(call main_vf_args,vf_reg)
$(foreach f,$(FAMILIES),$(foreach s,$(SEEDS),\
   $(eval $(call train_rule,$(f)_seed$(s),$(family_data_$(f)),$(family_args_$(f)),$(s)))))
$(foreach m,small_mlp small_canonical small_noncanonical,$(eval $(call train_rule,$(m),vf,$(call small_args,$(m)),$(SEED))))
$(eval $(call train_rule,baseline,vf,--kind $$(call param,baseline_kind) --widths $$(call param,baseline_widths) \
   --normaliser train --loss vf --gram-ratio $$(call param,main_vf_gram_ratio) --schedule $$(call param,schedule_main),$(SEED)))

# --- The seed study: long DVI runs and short-time errors of every seed ----
# data/seeds/FAMILY_seedS_dvi{,_stop,_outcome}.tsv (bin/long_run at the
# learning step from the four ICs) and FAMILY_seedS_short.tsv (bin/short_error
# at the learning step): each a step of its own, started as soon as its model
# is trained.
SEED_DIR := data/seeds
# $(call long_run_rule,PREFIX,MODEL,SCHEME,STEPS): PREFIX{,_stop,_outcome}.tsv
define long_run_rule
$(1).tsv $(1)_stop.tsv $(1)_outcome.tsv &: bin/long_run $(2) src/config/dvi_failure.conf $(PROFILE_STAMP)
	$$(call say,RUN,long_run $(notdir $(1)))
	$$(Q)mkdir -p $(dir $(1))
	$$(Q)$$(call timed,long_run_$(notdir $(1))) bin/long_run --model $(2) --scheme $(3) $$(long_ic_args) \
	   --h $$(call param,long_h) --steps $(4) --every $$(call param,long_every) --out $(1)
endef
long_ic_args = $(foreach ic,$(call param,long_ics),--ic $(ic))
# $(call short_error_rule,OUT,MODEL,EXTRA): bin/short_error's study of MODEL.
define short_error_rule
$(1): bin/short_error $(2) $(LV)/vf-val.tsv src/config/scheme_learning.conf $(PROFILE_STAMP)
	$$(call say,RUN,short_error $(notdir $(1)))
	$$(Q)mkdir -p $(dir $(1))
	$$(Q)$$(call timed,short_error_$(notdir $(basename $(1)))) bin/short_error --model $(2) --val $(LV)/vf-val.tsv \
	   --n-ic $$(call param,sl_n_ic) --tf $$(call param,sl_tf) --rate $$(call param,sl_rate) --n-h $$(call param,sl_n_h) \
	   --dvi-offset $$(call param,sl_dvi_offset) --rk4-offset $$(call param,sl_rk4_offset) \
	   --quantiles $$(call param,sl_quantiles) $(3) -o $(1)
endef
$(foreach f,$(FAMILIES),$(foreach s,$(SEEDS),\
   $(eval $(call long_run_rule,$(SEED_DIR)/$(f)_seed$(s)_dvi,data/models/$(f)_seed$(s).model,dvi,$$(call param,long_dvi_steps)))\
   $(eval $(call short_error_rule,$(SEED_DIR)/$(f)_seed$(s)_short.tsv,data/models/$(f)_seed$(s).model,--at $$(call param,long_h)))))
SEED_RUNS = $(foreach f,$(FAMILIES),$(foreach s,$(SEEDS),$(SEED_DIR)/$(f)_seed$(s)_dvi_outcome.tsv $(SEED_DIR)/$(f)_seed$(s)_short.tsv))

# --- The main model of each family ----------------------------------------
# The seed with the lowest best test loss, by the rule of models.conf
# (src/scripts/select_main.sh): data/models/FAMILY.{model,trace.tsv,
# summary.tsv} are its copies, FAMILY.main.tsv the choice; the VF families'
# main DVI runs are their seed's (copied to data/regularization/TAG_dvi*).
RG := data/regularization
rg_tag_vf_no_reg := noreg
rg_tag_vf_reg := reg
dvi_run_files = $(foreach x,.tsv _stop.tsv _outcome.tsv,$(1)$(x))
# $(call main_rule,FAMILY,COPIES[,SEEDS]): COPIES a list of FROM=TO (FROM with
# %s for the seed); SEEDS default the Lotka-Volterra study's.
define main_rule
MODEL_FILES += data/models/$(1).model
data/models/$(1).model data/models/$(1).trace.tsv data/models/$(1).summary.tsv data/models/$(1).main.tsv \
    $(foreach c,$(2),$(lastword $(subst =, ,$(c)))) &: src/scripts/select_main.sh src/scripts/number.awk \
    $(foreach s,$(or $(3),$(SEEDS)),data/models/$(1)_seed$(s).model $(foreach c,$(2),$(subst %s,$(s),$(firstword $(subst =, ,$(c))))))
	$$(call say,SELECT,main $(1))
	$$(Q)mkdir -p $(RG)
	$$(Q)src/scripts/select_main.sh data/models/$(1) $(or $(3),$(SEEDS)) -- $(2)
endef
$(eval $(call main_rule,scheme,))
$(foreach f,vf_no_reg vf_reg,$(eval $(call main_rule,$(f),$(join $(call dvi_run_files,$(SEED_DIR)/$(f)_seed%s_dvi),\
   $(addprefix =,$(call dvi_run_files,$(RG)/$(rg_tag_$(f))_dvi))))))

# --- MCP and guiding-centre models (spec gc-mcp.md §2.3-2.4, §3.3-3.4) -----
# SYS_FAMILY (mcp_vf_reg, gc_scheme, ...), each trained with every seed of
# SYS_seeds and its main model chosen by the same rule; the baselines and the
# GC's vf_no_gram with train_seed.  The GC scheme model is two trainings:
# the IMEX loss (gc_imex_seedS), then the DVI loss from its best checkpoint.
MCP_SEEDS = $(call param,mcp_seeds)
GC_SEEDS = $(call param,gc_seeds)
mcp_sym_args = --kind noncanonical --widths $$(call param,mcp_widths) --normaliser train \
   --gram-weights $$(call param,mcp_gram_weights) --schedule $$(call param,mcp_schedule)
mcp_vf_args = $(mcp_sym_args) --loss vf_reg --reg-weight $$(call param,mcp_$(1)_reg_weight)
$(foreach f,vf_no_reg vf_reg,$(foreach s,$(MCP_SEEDS),\
   $(eval $(call train_rule,mcp_$(f)_seed$(s),vf,$(call mcp_vf_args,$(f)),$(s),mcp))))
$(foreach s,$(MCP_SEEDS),$(eval $(call train_rule,mcp_scheme_seed$(s),traj,$(mcp_sym_args) --loss dvi \
   --h $$(call param,mcp_h) --reg-weight $$(call param,mcp_scheme_cond_weight),$(s),mcp)))
$(eval $(call train_rule,mcp_baseline,vf,--kind mlp --widths $$(call param,mcp_baseline_widths) --normaliser train \
   --loss vf --gram-weights $$(call param,mcp_gram_weights) --schedule $$(call param,mcp_schedule),$(SEED),mcp))
gc_maps = --input-map $$(call param,gc_input_map) --output-scale velocity
gc_sym_args = --kind noncanonical --widths $$(call param,gc_widths) $(gc_maps)
gc_vf_args = $(gc_sym_args) --gram-weights $$(call param,gc_vf_gram_weights) --gram-eps $$(call param,gc_vf_gram_eps) \
   --schedule $$(call param,gc_schedule) --loss vf_reg --reg-weight $$(call param,gc_$(1)_reg_weight)
$(foreach f,vf_no_reg vf_reg,$(foreach s,$(GC_SEEDS),\
   $(eval $(call train_rule,gc_$(f)_seed$(s),vf,$(call gc_vf_args,$(f)),$(s),gc))))
gc_scheme_norm = --h $$(call param,gc_h) --gram-weights $$(call param,gc_scheme_gram_weights) \
   --reg-weight $$(call param,gc_scheme_cond_weight)
$(foreach s,$(GC_SEEDS),\
   $(eval $(call train_rule,gc_imex_seed$(s),traj,$(gc_sym_args) --loss imex $(gc_scheme_norm) \
     --schedule $$(call param,gc_imex_schedule),$(s),gc))\
   $(eval $(call train_rule,gc_scheme_seed$(s),traj,--init data/models/gc_imex_seed$(s).model --loss dvi \
     $(gc_scheme_norm) --minimal-jets --schedule $$(call param,gc_scheme_schedule),$(s),gc,data/models/gc_imex_seed$(s).model)))
$(eval $(call train_rule,gc_baseline,vf,--kind mlp --widths $$(call param,gc_baseline_widths) $(gc_maps) --loss vf \
   --gram-weights $$(call param,gc_vf_gram_weights) --gram-eps $$(call param,gc_vf_gram_eps) \
   --schedule $$(call param,gc_schedule),$(SEED),gc))
$(eval $(call train_rule,gc_vf_no_gram,vf,$(gc_sym_args) --loss vf --norm scaled --gram-weights $$(call param,gc_vf_gram_weights) \
   --schedule $$(call param,gc_schedule),$(SEED),gc))
$(foreach f,vf_no_reg vf_reg scheme,$(eval $(call main_rule,mcp_$(f),,$(MCP_SEEDS)))\
   $(eval $(call main_rule,gc_$(f),,$(GC_SEEDS))))
mcp-models: $(filter data/models/mcp_%,$(MODEL_FILES))
gc-models: $(filter data/models/gc_%,$(MODEL_FILES))
.PHONY: mcp-models gc-models

models: $(MODEL_FILES)
.PHONY: models

# --- Massless charged particle: error maps and DVI runs (spec gc-mcp.md §2.5)
CP := data/charged_particle
CP_DATA := $(addprefix $(CP)/,numbers.tsv exact.tsv dvi_stop.tsv $(foreach m,vf_reg vf_no_reg scheme,errors_$(m).tsv) \
   $(foreach m,ref vf_reg vf_no_reg scheme,dvi_$(m).tsv))
$(CP_DATA) &: bin/fig_charged_particle $(foreach m,vf_reg vf_no_reg scheme,data/models/mcp_$(m).model) $(MCP)/vf-val.tsv \
    $(MCP)/traj-val.tsv src/config/charged_particle.conf src/config/mcp_data.conf $(PROFILE_STAMP)
	$(call say,RUN,$<)
	$(Q)mkdir -p $(CP)
	$(Q)$(call timed,charged_particle) $< --vf-reg data/models/mcp_vf_reg.model --vf-no-reg data/models/mcp_vf_no_reg.model \
	   --scheme data/models/mcp_scheme.model --val-vf $(MCP)/vf-val.tsv --val-traj $(MCP)/traj-val.tsv \
	   --h $(call param,mcp_h) --ic-ranks $(call csv,$(call param,cp_ic_ranks)) --ref-steps $(call param,cp_ref_steps) \
	   --steps $(call param,cp_steps) --exact-h $(call param,cp_exact_h) --exact-T $(call param,cp_exact_T) \
	   --every $(call param,cp_every) --outdir $(CP)
figures/charged_particle.pdf: $(CP_DATA) src/config/charged_particle.conf src/config/mcp_data.conf
figures/charged_particle.pdf: GP_VARS = h=$(call param,mcp_h); ref_steps=$(call param,cp_ref_steps); \
   steps=$(call param,cp_steps)

# --- Guiding centre: the four study orbits (spec gc-mcp.md §3.5) ----------
# Each model's Euler DVI and RK4 runs at the learning step from the study
# ICs (bin/gc_run) are steps of their own, started as soon as the model is
# trained; the reference model (ref) needs none, and the baseline, a bare
# vector field, has RK4 only.  fig_guiding_center adds the exact orbits.
GCF := data/guiding_center
GCF_MODELS := ref vf_reg vf_no_reg scheme vf_no_gram baseline
gcf_model_ref := gc
gcf_model = $(or $(gcf_model_$(1)),data/models/gc_$(1).model)
gcf_schemes_baseline := rk4
gcf_schemes = $(or $(gcf_schemes_$(1)),dvi rk4)
GCF_RUNS := $(foreach m,$(GCF_MODELS),$(addprefix $(m)_,$(call gcf_schemes,$(m))))
gcf_ic_args = $(foreach ic,$(call param,gcfig_ics),--ic $(ic))
# $(call gc_run_rule,MODEL,SCHEME): $(GCF)/MODEL_SCHEME{,_envelope,_stop,_outcome}.tsv
define gc_run_rule
$(foreach x,.tsv _envelope.tsv _stop.tsv _outcome.tsv,$(GCF)/$(1)_$(2)$(x)) &: bin/gc_run \
    $(filter %.model,$(call gcf_model,$(1))) src/config/guiding_center.conf src/config/gc_data.conf $(PROFILE_STAMP)
	$$(call say,RUN,gc_run $(1)_$(2))
	$$(Q)mkdir -p $(GCF)
	$$(Q)$$(call timed,gc_run_$(1)_$(2)) bin/gc_run --model $(call gcf_model,$(1)) --scheme $(2) $$(gcf_ic_args) \
	   --h $$(call param,gc_h) --steps $$(call param,gcfig_steps) --every $$(call param,gcfig_every) \
	   --envelope $$(call param,gcfig_envelope) --out $(GCF)/$(1)_$(2)
endef
$(foreach m,$(GCF_MODELS),$(foreach s,$(call gcf_schemes,$(m)),$(eval $(call gc_run_rule,$(m),$(s)))))
GCF_DATA := $(addprefix $(GCF)/,numbers.tsv exact.tsv classes.tsv)
$(GCF_DATA) &: bin/fig_guiding_center $(GCF_RUNS:%=$(GCF)/%_outcome.tsv) src/config/guiding_center.conf $(PROFILE_STAMP)
	$(call say,RUN,$<)
	$(Q)$(call timed,guiding_center) $< $(foreach r,$(GCF_RUNS),--run $(r)=$(GCF)/$(r)_outcome.tsv) \
	   --exact-h $(call param,gcfig_exact_h) --exact-steps $(call param,gcfig_exact_steps) \
	   --exact-every $(call param,gcfig_exact_every) --outdir $(GCF)
figures/guiding_center.pdf: $(GCF_DATA) $(foreach x,.tsv _envelope.tsv _stop.tsv,$(GCF_RUNS:%=$(GCF)/%$(x))) \
    src/config/guiding_center.conf src/config/gc_data.conf
figures/guiding_center.pdf: GP_VARS = h=$(call param,gc_h); N=$(call param,gcfig_steps)

# --- Architectures: plain MLP vs canonical vs non-canonical (spec §7.1, §9a)
AR := data/architectures
AR_DATA := $(AR)/numbers.tsv $(foreach m,reference mlp canonical noncanonical,$(AR)/$(m).tsv $(AR)/$(m)_period.tsv)
$(AR_DATA) &: bin/fig_architectures data/models/small_mlp.model data/models/small_canonical.model \
    data/models/small_noncanonical.model src/config/architectures.conf $(PROFILE_STAMP)
	$(call say,RUN,$<)
	$(Q)mkdir -p $(AR)
	$(Q)$(call timed,architectures) $< --mlp data/models/small_mlp.model --canonical data/models/small_canonical.model \
	   --noncanonical data/models/small_noncanonical.model --z0 $(call param,arch_z0) --h $(call param,arch_h) \
	   --T $(call param,arch_T) --every $(call param,arch_every) --outdir $(AR)
figures/architectures.pdf: $(AR_DATA)

# --- DVI failure of the unregularised model; the gauge (spec §7.2, §7.3) ---
DF := data/dvi_failure
DF_DATA := $(addprefix $(DF)/,numbers.tsv ref_dvi.tsv ref_exact.tsv nn_dvi.tsv nn_fail.tsv gauge.tsv gauge_exact.tsv)
$(DF_DATA) &: bin/fig_dvi_failure data/models/vf_no_reg.model $(LV)/vf-val.tsv src/config/dvi_failure.conf \
    src/config/orbits.conf $(PROFILE_STAMP)
	$(call say,RUN,$<)
	$(Q)mkdir -p $(DF)
	$(Q)$(call timed,dvi_failure) $< --model data/models/vf_no_reg.model --val $(LV)/vf-val.tsv $(long_ic_args) --h $(call param,long_h) \
	   --steps $(call param,long_dvi_steps) --every $(call param,long_every) \
	   --show-steps $(call param,dvi_failure_show_steps) --gauge-z0 $(call param,gauge_z0) \
	   --gauge-T $(call param,gauge_T) --gauge-h-ref $(call csv,$(call param,gauge_h_ref)) \
	   --gauge-h-pert $(call csv,$(call param,gauge_h_pert)) --exact-h $(call param,exact_h) \
	   --period-max $(call param,period_max) --outdir $(DF)
figures/dvi_failure.pdf: $(DF_DATA) src/config/dvi_failure.conf
figures/dvi_failure.pdf: GP_VARS = h=$(call param,long_h); n_ref=$(words $(call param,gauge_h_ref)); \
   h_ref='$(call param,gauge_h_ref)'; h_pert='$(call param,gauge_h_pert)'; T=$(call param,gauge_T); \
   show=$(call param,dvi_failure_show_steps)

# --- Regularisation: vf_reg vs vf_no_reg, long time, seeds (spec §7.3, §7.5)
# The main models' DVI runs are their seeds' (above); their RK4 runs are
# steps of their own.
$(foreach m,vf_no_reg vf_reg,\
   $(eval $(call long_run_rule,$(RG)/$(rg_tag_$(m))_rk4,data/models/$(m).model,rk4,$$(call param,long_rk4_steps))))
RG_RUNS := $(foreach m,noreg reg,$(foreach s,dvi rk4,$(RG)/$(m)_$(s)))
RG_DATA := $(RG)/numbers.tsv $(RG)/seeds.tsv
seed_outcome = $(SEED_DIR)/$(1)_seed$(2)_dvi_outcome.tsv
$(RG_DATA) &: bin/fig_regularization $(RG_RUNS:=_outcome.tsv) data/models/vf_reg.summary.tsv \
    data/models/vf_no_reg.summary.tsv $(foreach m,vf_no_reg vf_reg,$(foreach s,$(SEEDS),$(call seed_outcome,$(m),$(s)))) \
    src/config/models.conf $(PROFILE_STAMP)
	$(call say,RUN,$<)
	$(Q)$(call timed,regularization) $< $(foreach r,$(RG_RUNS),--$(subst _,-,$(notdir $(r))) $(r)_outcome.tsv) \
	   --reg-summary data/models/vf_reg.summary.tsv --noreg-summary data/models/vf_no_reg.summary.tsv \
	   $(foreach s,$(SEEDS),--seed-noreg $(call seed_outcome,vf_no_reg,$(s)) \
	     --seed-reg $(call seed_outcome,vf_reg,$(s))) --outdir $(RG)
figures/regularization.pdf: $(RG_DATA) src/config/models.conf $(RG_RUNS:=.tsv) $(RG_RUNS:=_stop.tsv) data/models/vf_reg.trace.tsv \
    data/models/vf_no_reg.trace.tsv
figures/regularization.pdf: GP_VARS = h=$(call param,long_h); N=$(call param,long_dvi_steps); modelsdir='data/models'; \
   seeds='$(SEEDS)'

# --- Scheme learning (spec §7.3, §7.4, §9e) --------------------------------
# The main models' short-time errors over every step (bin/short_error, a step
# per model), the seed study of the three families, the main scheme model's
# long DVI run over its exact orbit.
SL := data/scheme_learning
$(foreach f,$(FAMILIES),$(eval $(call short_error_rule,$(SL)/short_$(f).tsv,data/models/$(f).model,)))
SL_DATA := $(addprefix $(SL)/,numbers.tsv short.tsv seeds.tsv long_dvi.tsv long_envelope.tsv long_stop.tsv \
   model_exact.tsv ref_exact.tsv)
$(SL_DATA) &: bin/fig_scheme_learning $(FAMILIES:%=$(SL)/short_%.tsv) $(FAMILIES:%=data/models/%.main.tsv) $(SEED_RUNS) \
    data/models/scheme.model src/config/scheme_learning.conf src/config/dvi_failure.conf src/config/orbits.conf \
    src/config/models.conf $(PROFILE_STAMP)
	$(call say,RUN,$<)
	$(Q)mkdir -p $(SL)
	$(Q)$(call timed,scheme_learning) $< $(foreach f,$(FAMILIES),--family $(f) --short $(SL)/short_$(f).tsv \
	     --main data/models/$(f).main.tsv $(foreach s,$(SEEDS),--seed-summary data/models/$(f)_seed$(s).summary.tsv \
	     --seed-outcome $(SEED_DIR)/$(f)_seed$(s)_dvi_outcome.tsv --seed-short $(SEED_DIR)/$(f)_seed$(s)_short.tsv)) \
	   --collapse-loss $(call param,sl_collapse_loss) \
	   --good-loss $(call param,sl_good_loss) --scheme data/models/scheme.model $(long_ic_args) --h $(call param,long_h) \
	   --dvi-steps $(call param,long_dvi_steps) --every $(call param,sl_every) --envelope $(call param,sl_envelope_windows) \
	   --exact-h $(call param,sl_exact_h) --period-max $(call param,period_max) --outdir $(SL)
figures/scheme_learning.pdf: $(SL_DATA)
figures/scheme_learning.pdf: GP_VARS = h=$(call param,long_h); seeds='$(SEEDS)'

# --- Linear backward error analysis (spec: linear-bea.md) -----------------
EC := data/error_convergence
$(EC)/errors.tsv $(EC)/numbers.tsv &: bin/fig_error_convergence src/config/error_convergence.conf $(PROFILE_STAMP)
	$(call say,RUN,$<)
	$(Q)mkdir -p $(EC)
	$(Q)$(call timed,error_convergence) $< --T $(call param,ec_T) --n $(call csv,$(call param,ec_n)) \
	   --pub-learn $(call param,ec_pub_learn) --pub-sim $(call csv,$(call param,ec_pub_sim)) \
	   --outdir $(EC)
figures/error_convergence.pdf: $(EC)/errors.tsv src/config/error_convergence.conf
figures/error_convergence.pdf: GP_VARS = T=$(ec_T); plot_n='$(ec_plot_n)'

# --- Reference LV: RK4 vs Euler DVI over a long time (spec §7.1) ----------
SC := data/scheme_comparison
SC_DATA := $(addprefix $(SC)/,exact.tsv dvi_period.tsv rk4.tsv dvi.tsv dvi_envelope.tsv numbers.tsv)
$(SC_DATA) &: bin/fig_scheme_comparison src/config/scheme_comparison.conf src/config/orbits.conf $(PROFILE_STAMP)
	$(call say,RUN,$<)
	$(Q)mkdir -p $(SC)
	$(Q)$(call timed,scheme_comparison) $< --z0 $(call param,sc_z0) --h $(call param,sc_h) --steps $(call param,sc_steps) \
	   --every $(call param,sc_every) --envelope $(call param,sc_envelope_windows) --exact-h $(call param,exact_h) \
	   --period-max $(call param,period_max) --report-t $(call csv,$(call param,sc_report_t)) \
	   --outdir $(SC)
figures/scheme_comparison.pdf: $(SC_DATA) src/config/scheme_comparison.conf
figures/scheme_comparison.pdf: GP_VARS = inset_t=$(call param,sc_inset_t)

# ================================================================= mechanics
include src/mk/figures.mk
include src/mk/paper.mk
include src/mk/tests.mk
include src/mk/dist.mk

# ---------------------------------------------------------------- housekeeping
DIRS := bin build/fig build/obj build/san/obj build/san/bin build/dep build/stamps build/tests build/san/tests build/bench build/tex build/paper
$(DIRS):
	$(Q)mkdir -p $@

.PHONY: all programs check verify bench help clean distclean
help:
	@sed -n '/^## help/,/^## end/p' src/help.txt | sed '1d;$$d'

clean:
	rm -rf bin build paper/paper.pdf figures/*.pdf ncham-*.tar.gz
distclean: clean
	rm -rf $(filter-out data/README.md,$(wildcard data/*))

-include $(wildcard build/obj/*.d build/san/obj/*.d build/dep/*.d build/tests/*.d build/san/tests/*.d build/bench/*.d)
