/* numenv — prints the numerical environment the programs run in (one line,
 * as in their provenance headers; nch_numenv.h), after pinning it.
 *
 *   numenv
 *
 * Exit status 0 when the environment is pinned, 4 when it runs native (a
 * CPU without the pinned kernel's instructions, or NCH_NUMENV=native): the
 * build then says so and verifies trained numbers against their spread. */
#include "nch_err.h"
#include "nch_fig.h"
#include "nch_numenv.h"

#include <getopt.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    nch_set_program(argv[0]);
    nch_numenv_pin(argv);
    static const struct option none[] = {{0, 0, 0, 0}};
    opterr = 0;
    /* No options: the first argument is refused, quoted as typed. */
    int c = getopt_long(argc, argv, ":", none, NULL);
    if (c != -1) nch_fig_usage(nch_fig_bad_option(c, argv), "(no arguments)");
    if (optind != argc) nch_fig_usage(argv[optind], "(no arguments)");
    puts(nch_numenv_describe());
    return nch_numenv_pinned() ? 0 : 4;
}
