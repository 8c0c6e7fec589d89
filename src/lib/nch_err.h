/* nch_err — status codes, fail-loud messages and atomic output files.
 *
 * Every library function that can fail returns an int status (NCH_OK = 0).
 * Messages follow the pipeline contract: "program: file:line: what (value)"
 * on stderr.  Output files are written to "<path>.tmp" and renamed only when
 * complete; a program that dies through nch_die() removes its pending
 * temporaries, so no half-written output survives. */
#ifndef NCH_ERR_H
#define NCH_ERR_H

#include <stdio.h>

enum nch_status {
    NCH_OK = 0,
    NCH_EINVAL,   /* bad argument or malformed input */
    NCH_EIO,      /* read/write failure */
    NCH_ENOMEM,   /* allocation failure */
    NCH_ESING,    /* singular matrix */
    NCH_ENOCONV,  /* iterative method did not converge */
    NCH_ENONFIN,  /* NaN or Inf produced */
    NCH_EDOM      /* argument outside the model's domain */
};

/* Exit statuses of the programs (CONVENTIONS: 1 bad input, 2 usage). */
enum { NCH_EXIT_INPUT = 1, NCH_EXIT_USAGE = 2, NCH_EXIT_FAILED_RUN = 3 };

const char *nch_strerror(int status);

/* Sets the program name used as message prefix (basename of argv0). */
void nch_set_program(const char *argv0);
const char *nch_program(void);

/* "program: message" on stderr. */
void nch_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Same, then removes pending temporaries and exits with status. */
_Noreturn void nch_die(int status, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Removes pending temporaries and exits, without a message (the failure has
 * already been reported). */
_Noreturn void nch_exit(int status);

/* Index of s in names[0..n-1], or −1: the one lookup behind every
 * "name → enum" parser of the library. */
int nch_lookup(const char *const *names, size_t n, const char *s);

/* Checked allocation: dies (status 1) naming what it allocated. */
void *nch_xcalloc(size_t n, size_t size, const char *what);

/* An output file written atomically. */
typedef struct {
    FILE *fp;
    char *path; /* final name */
    char *tmp;  /* path ".tmp" */
} nch_ofile;

/* Opens "<path>.tmp" for writing; NCH_EIO (with a message) on failure. */
int nch_ofile_open(nch_ofile *f, const char *path);
/* Flushes, closes and renames onto path; NCH_EIO on any write error, in which
 * case the temporary is removed. */
int nch_ofile_commit(nch_ofile *f);
/* The same, exiting with status 1 on failure (after the one-line message). */
void nch_ofile_xopen(nch_ofile *f, const char *path);
void nch_ofile_xcommit(nch_ofile *f);
/* Closes and removes the temporary (no-op on a closed file). */
void nch_ofile_abort(nch_ofile *f);

#endif
