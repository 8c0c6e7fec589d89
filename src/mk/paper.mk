# The paper: numbers and parameters reach the text only as generated macros.
NUMBERS := $(wildcard data/*/numbers.tsv) $(FIGURE_NAMES:%=data/%/numbers.tsv)
NUMBERS := $(sort $(filter $(FIGURE_NAMES:%=data/%/numbers.tsv),$(NUMBERS)))
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || cat VERSION-DATE 2>/dev/null || echo 0)
export SOURCE_DATE_EPOCH
export FORCE_SOURCE_DATE := 1
# The scripts that read numbers load the one rule for a number first.
NUMBER_AWK := src/scripts/number.awk
awk_numbers = awk -f $(NUMBER_AWK) -f

build/tex/params.tex: $(sort $(wildcard src/config/*.conf)) src/scripts/conf2tex.awk $(PROFILE_STAMP) | build/tex
	$(call say,GEN,$@)
	$(Q)awk -v profile=$(PROFILE) -f src/scripts/conf2tex.awk $(filter %.conf,$^) > $@.tmp && mv $@.tmp $@

build/tex/numbers.tex: $(NUMBERS) src/scripts/numbers2tex.awk $(NUMBER_AWK) | build/tex
	$(call say,GEN,$@)
	$(Q)$(awk_numbers) src/scripts/numbers2tex.awk $(NUMBERS) > $@.tmp && mv $@.tmp $@

build/tex/versions.tex: env/versions.sh $(TOOLCHAIN) $(ENV_STAMP) | build/tex
	$(call say,GEN,$@)
	$(Q)CC='$(CC)' env/versions.sh > $@.tmp && mv $@.tmp $@

# The numerical environment the programs run in (nch_numenv.h), for the
# appendix; said on the terminal at the start of the pipeline when it is not
# the pinned one (then trained numbers are verified against their spread).
build/numenv.txt: bin/numenv $(PROFILE_STAMP) | build/stamps
	$(Q)status=0; bin/numenv > $@.tmp || status=$$?; mv $@.tmp $@; \
	  [ $$status -eq 0 ] || echo "ncham: numerical environment not pinned: $$(cat $@)" >&2
build/tex/numenv.tex: build/numenv.txt | build/tex
	$(call say,GEN,$@)
	$(Q)sed -e 's/[_&%#$$]/\\&/g' -e 's/.*/\\newcommand{\\nchnumenv}{&}/' $< > $@.tmp && mv $@.tmp $@

# The seed study's table (fig_scheme_learning's seeds.tsv), rows in the
# order of the families.
build/tex/seeds.tex: data/scheme_learning/seeds.tsv src/scripts/seeds2tex.awk $(NUMBER_AWK) | build/tex
	$(call say,GEN,$@)
	$(Q)$(awk_numbers) src/scripts/seeds2tex.awk -v families='$(FAMILIES)' $< > $@.tmp && mv $@.tmp $@

# The remedy study (beyond the paper, issue 12): `make remedy` reruns it
# (src/scripts/scheme_remedy.sh, about 12 min of CPU, so not part of `make`)
# into build/remedy/ and compares its table with the published one,
# paper/remedy.tsv, from which the paper's table is made.  Pinned, the two
# agree bit for bit; to publish a new one, copy build/remedy/table.tsv.
build/tex/remedy.tex: paper/remedy.tsv src/scripts/remedy2tex.awk $(NUMBER_AWK) | build/tex
	$(call say,GEN,$@)
	$(Q)$(awk_numbers) src/scripts/remedy2tex.awk $< > $@.tmp && mv $@.tmp $@
remedy: bin/train $(LV_DATA) src/scripts/scheme_remedy.sh $(sort $(wildcard src/config/*.conf)) | build/numenv.txt
	$(Q)PROFILE=$(PROFILE) src/scripts/scheme_remedy.sh build/remedy
	$(Q)if cmp -s <(grep -v '^#' build/remedy/table.tsv) <(grep -v '^#' paper/remedy.tsv); \
	  then echo "remedy: build/remedy/table.tsv equals paper/remedy.tsv"; \
	  else echo "remedy: build/remedy/table.tsv differs from paper/remedy.tsv:"; \
	    diff <(grep -v '^#' paper/remedy.tsv) <(grep -v '^#' build/remedy/table.tsv); exit 1; fi
.PHONY: remedy

build/tex/published.tex: build/verify.tsv src/scripts/published2tex.awk $(NUMBER_AWK) | build/tex
	$(call say,GEN,$@)
	$(Q)$(awk_numbers) src/scripts/published2tex.awk $< > $@.tmp && mv $@.tmp $@

# The wall time of every pipeline step (timed.sh, build/times/) is a report
# of its own, build/times.md (`make times` prints it), and not part of the
# paper: it differs at every build, and the PDF must not.  It depends on
# every timed step's outputs, so it is current after any rerun.
build/times.md: $(NUMBERS) $(PAPER_MODELS) $(LV_DATA) src/scripts/times2md.sh | build/stamps
	$(call say,GEN,$@)
	$(Q)src/scripts/times2md.sh $$(ls build/times/*.tsv 2>/dev/null) > $@.tmp && mv $@.tmp $@
# `make times` only reads: the report of the last full build, or else the
# records so far (it must not start a build, least of all of another profile).
times:
	$(Q)if [ -f build/times.md ]; then cat build/times.md; \
	  else src/scripts/times2md.sh $$(ls build/times/*.tsv 2>/dev/null); fi
.PHONY: times

# The published numbers: verify.awk compares each with this build's value
# (build/verify.log, and build/verify.tsv for the appendix's table), and the
# PDF is built only when all pass (VERIFY=no skips the gate while drafting;
# the quick profile never gates: its numbers are not the published ones).
VERIFY := $(if $(filter quick,$(PROFILE)),no,$(VERIFY))
build/verify.tsv build/verify.log &: paper/published.tsv $(NUMBERS) src/scripts/verify.awk $(NUMBER_AWK) \
    $(SYSTEMS_STAMP) | build/stamps
	$(call say,VERIFY,paper/published.tsv)
	$(Q)$(awk_numbers) src/scripts/verify.awk -v table=build/verify.tsv.tmp -v not_built='$(SKIPPED_FIGURES)' \
	  paper/published.tsv $(NUMBERS) \
	  > build/verify.log.tmp || true
	$(Q)mv build/verify.log.tmp build/verify.log && mv build/verify.tsv.tmp build/verify.tsv
build/stamps/verified: build/verify.log
	$(Q)$(if $(filter 1,$(V)),cat $<,grep '^verify: ' $<)
	$(Q)grep -Eq '^verify: [0-9]+ passed, 0 failed(, [0-9]+ not built)?$$' $< || { grep -v '^PASS ' $<; exit 1; }
	$(Q)touch $@
verify:
	$(Q)rm -f build/stamps/verified
	$(Q)$(MAKE) --no-print-directory build/stamps/verified V=1
# Maintainers, after reviewing a paper-profile build: its numbers and
# environment become the published ones (tolerances and reasons kept).
publish: $(NUMBERS) src/scripts/publish.awk $(NUMBER_AWK)
	$(Q)$(awk_numbers) src/scripts/publish.awk paper/published.tsv $(NUMBERS) > build/published.tsv.new
	$(Q)mv build/published.tsv.new paper/published.tsv
	$(Q)git diff --stat paper/published.tsv 2>/dev/null || true
.PHONY: publish

PAPER_TEX := $(wildcard paper/*.tex) paper/refs.bib CITATION.cff
GENERATED_TEX := build/tex/params.tex build/tex/numbers.tex build/tex/versions.tex build/tex/published.tex \
   build/tex/numenv.tex build/tex/seeds.tex build/tex/remedy.tex
# The models of the systems built (SYSTEMS).
PAPER_MODELS = $(filter-out $(SKIPPED_SYSTEMS:%=data/models/%_%),$(MODEL_FILES))
paper/paper.pdf: $(PAPER_MODELS) $(SYSTEMS_STAMP) $(PAPER_TEX) $(GENERATED_TEX) $(FIGURES) $(if $(filter yes,$(VERIFY)),build/stamps/verified) | build/paper $(ENV_STAMP)
	$(call say,LATEX,$@)
	$(Q)printf '\\newcommand{\\nchcommit}{%s}\n\\newcommand{\\nchprofile}{%s}\n\\newcommand{\\nchversion}{%s}\n' \
	  '$(NCH_GIT_COMMIT)' '$(PROFILE)' '$(NCH_VERSION)' > build/tex/build.tex
	$(Q)printf '\\newcommand{\\nchsystems}{%s}\n' '$(SYSTEMS)' >> build/tex/build.tex
	$(Q)for s in mcp gc; do printf '\\newif\\ifnch%s\n' $$s; done >> build/tex/build.tex
	$(Q)for s in $(filter-out lv,$(SYSTEMS)); do printf '\\nch%strue\n' $$s; done >> build/tex/build.tex
	$(Q)cd paper && TEXINPUTS=../build/tex:../figures: BIBINPUTS=.: \
	  latexmk -pdf -interaction=nonstopmode -halt-on-error -outdir=../build/paper paper.tex \
	  $(if $(filter 1,$(V)),,>../build/paper/latexmk.log 2>&1) \
	  || { tail -n 40 ../build/paper/paper.log; exit 1; }
	$(Q)cp build/paper/paper.pdf $@.tmp && mv $@.tmp $@

all: paper/paper.pdf build/times.md
