# Tests: cmocka unit tests (tests/test_*.c), each built twice — plain and
# under AddressSanitizer+UBSan — plus the shell tests (tests/*.sh) that run
# the programs and the pipeline.  tests/run.sh prints "N passed, N failed";
# it runs the plain unit tests also under two other OpenBLAS kernels and
# glibc's libm without FMA (--variants), so that a tolerance tied to one
# machine's rounding fails here.
TEST_SRC := $(wildcard tests/test_*.c)
TESTS := $(TEST_SRC:tests/%.c=build/tests/%)
TESTS_SAN := $(TEST_SRC:tests/%.c=build/san/tests/%)
SHELL_TESTS := $(filter-out tests/run.sh,$(wildcard tests/*.sh))

build/tests/%: tests/%.c tests/nch_test.h $(LIB) $(TOOLCHAIN) | build/tests $(ENV_STAMP)
	$(call say,CCLD,$@)
	$(Q)$(CC) $(CPPFLAGS) -Itests $(CFLAGS) $(WARN) -MMD -MP $< $(LIB) $(TEST_LDLIBS) -o $@
build/san/tests/%: tests/%.c tests/nch_test.h $(LIB_SAN) $(TOOLCHAIN) | build/san/tests $(ENV_STAMP)
	$(call say,CCLD-SAN,$@)
	$(Q)$(CC) $(CPPFLAGS) -Itests $(SAN_FLAGS) $(WARN) -MMD -MP $< $(LIB_SAN) $(TEST_LDLIBS) -o $@

# The programs again under AddressSanitizer+UBSan, for the fuzz harness
# (tests/fuzz.sh) only: build/san/bin/NAME.
PROGRAMS_SAN := $(PROGRAMS:bin/%=build/san/bin/%)
build/san/bin/%: src/%.c $(LIB_SAN) $(TOOLCHAIN) | build/san/bin build/dep $(ENV_STAMP)
	$(call say,CCLD-SAN,$@)
	$(Q)$(CC) $(CPPFLAGS) $(SAN_FLAGS) $(WARN) -MMD -MP -MF build/dep/san_$*.d -MT $@ $< $(LIB_SAN) $(LDLIBS) -o $@

# The fuzz harness's driver (tests/fuzz.sh runs it): a test tool, not a
# program of the study.
FUZZ := build/tests/fuzz
$(FUZZ): tests/fuzz.c $(TOOLCHAIN) | build/tests $(ENV_STAMP)
	$(call say,CCLD,$@)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -MMD -MP $< -o $@

check: $(TESTS) $(TESTS_SAN) $(PROGRAMS) $(PROGRAMS_SAN) $(FUZZ)
	$(Q)tests/run.sh --variants $(TESTS) --no-variants $(TESTS_SAN) $(SHELL_TESTS)

# Benchmarks: tests/bench_*.c, run by `make bench`, never by `make check`.
BENCH_SRC := $(wildcard tests/bench_*.c)
BENCHES := $(BENCH_SRC:tests/%.c=build/bench/%)
build/bench/%: tests/%.c $(LIB) $(TOOLCHAIN) | build/bench $(ENV_STAMP)
	$(call say,CCLD,$@)
	$(Q)$(CC) $(CPPFLAGS) -Itests $(CFLAGS) $(WARN) -MMD -MP $< $(LIB) $(LDLIBS) -o $@
bench: $(BENCHES)
	$(Q)for b in $(BENCHES); do $$b; done
