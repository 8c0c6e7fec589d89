/* numenv — prints the numerical environment the programs run in (one line,
 * as in their provenance headers; nch_numenv.h), after pinning it.
 *
 *   numenv
 *
 * Exit status 0 when the environment is pinned, 4 when it runs native (a
 * CPU without the pinned kernel's instructions, or NCH_NUMENV=native): the
 * build then says so and verifies trained numbers against their spread. */
#include "nch_err.h"
#include "nch_numenv.h"

#include <stdio.h>

int main(int argc, char **argv)
{
    nch_set_program(argv[0]);
    nch_numenv_pin(argv);
    if (argc > 1) nch_die(NCH_EXIT_USAGE, "usage: numenv (no arguments; got %s)", argv[1]);
    puts(nch_numenv_describe());
    return nch_numenv_pinned() ? 0 : 4;
}
