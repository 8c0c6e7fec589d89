# make dist: one archive with the sources, the PDF, the generated data and
# the published numbers, which builds with `make` after unpacking.  Without
# git (inside an unpacked archive) the source list is MANIFEST and the commit
# and date come from VERSION-COMMIT and VERSION-DATE.
NCH_VERSION := $(shell src/scripts/citation.sh version)
DIST := ncham-$(NCH_VERSION)
SOURCES_CMD := if git rev-parse --git-dir >/dev/null 2>&1; then git ls-files -co --exclude-standard; else cat MANIFEST; fi

dist: $(DIST).tar.gz
$(DIST).tar.gz: paper/paper.pdf
	$(call say,DIST,$@)
	$(Q)rm -rf build/dist && mkdir -p build/dist/$(DIST)
	$(Q)$(SOURCES_CMD) | grep -v -e '^MANIFEST$$' -e '^VERSION-' > build/dist/MANIFEST
	$(Q)tar -cf - -T build/dist/MANIFEST | tar -xf - -C build/dist/$(DIST)
	$(Q)cp build/dist/MANIFEST build/dist/$(DIST)/MANIFEST
	$(Q)tar -cf - paper/paper.pdf $$(ls -d data/*/) | tar -xf - -C build/dist/$(DIST)
	$(Q)printf '%s\n' '$(NCH_GIT_COMMIT)' > build/dist/$(DIST)/VERSION-COMMIT
	$(Q)printf '%s\n' '$(SOURCE_DATE_EPOCH)' > build/dist/$(DIST)/VERSION-DATE
	$(Q)tar --sort=name --mtime=@$(SOURCE_DATE_EPOCH) --owner=0 --group=0 --numeric-owner \
	  -C build/dist -cf - $(DIST) | gzip -n > $@.tmp && mv $@.tmp $@
.PHONY: dist
