# Figures: gnuplot (cairolatex: labels typeset by LaTeX in the paper's font)
# writes build/fig/NAME.{tex,pdf}; a one-page LaTeX wrapper turns them into a
# complete, cropped figures/NAME.pdf that the paper includes.
# (A figure of a system left out of SYSTEMS is not built.)
FIGURE_NAMES := $(filter-out $(SKIPPED_FIGURES),$(patsubst figures/%.gp,%,$(filter-out figures/style.gp,$(wildcard figures/*.gp))))
FIGURES := $(FIGURE_NAMES:%=figures/%.pdf)

figures/%.pdf: figures/%.gp figures/style.gp src/scripts/figure.sh | build/fig $(ENV_STAMP)
	$(call say,PLOT,$@)
	$(Q)src/scripts/figure.sh $* "$(GP_VARS)" $(if $(filter 1,$(V)),,>/dev/null)

figures: $(FIGURES)
.PHONY: figures
