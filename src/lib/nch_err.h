/* nch_err — status codes, fail-loud messages, checked allocation sizes and
 * atomic output files.
 *
 * Every library function that can fail returns an int status (NCH_OK = 0).
 * Messages follow the pipeline contract: "program: file:line: what (value)"
 * on stderr, always ONE line: control characters and backslashes in it (a
 * file name with a newline, a quoted line of binary junk) are escaped as in
 * C ("\n", "\t", "\\", "\x1b").  Output files are written to a temporary
 * ".nch-XXXXXX" in the target's directory (created and renamed relative to
 * the directory, so it fits wherever the target fits) and renamed only when
 * complete; a program that dies through nch_die(), or is stopped by SIGINT,
 * SIGTERM or SIGHUP, removes its pending temporaries, so no half-written
 * output survives. */
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
    NCH_EDOM,     /* argument outside the model's domain */
    NCH_EDEGEN    /* degenerate data: a singular Gram matrix, a 0/0 ratio */
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

/* Writes s with the escapes of the messages above (control characters,
 * backslash): what a one-line message or a header field quotes. */
void nch_fputs_escaped(const char *s, FILE *fp);

/* rows × width × elem bytes: the ONE size computation behind every
 * allocation whose size comes from input (a step count, a file's rows, a
 * batch), so that no product wraps around.  SIZE_MAX when the product
 * overflows size_t: no allocation of that size can succeed. */
size_t nch_array_bytes(size_t rows, size_t width, size_t elem);
/* malloc / realloc of nch_array_bytes(rows, width, elem) bytes (at least 1):
 * NULL when the size overflows or memory is short. */
void *nch_alloc(size_t rows, size_t width, size_t elem);
void *nch_realloc(void *p, size_t rows, size_t width, size_t elem);
/* rows × width × elem zeroed bytes for a program; dies (status 1) with
 * "WHAT: cannot allocate N rows of W x E bytes" when they do not fit.  WHAT
 * names the options or file the size comes from. */
void *nch_xalloc(size_t rows, size_t width, size_t elem, const char *what);

/* An output file written atomically. */
typedef struct {
    FILE *fp;
    char *path; /* final name */
    char *tmp;  /* the temporary's name in dir; NULL when nothing is pending */
    int dir;    /* path's directory (an open descriptor while tmp is pending) */
} nch_ofile;

/* Opens a new temporary in path's directory for writing; NCH_EIO (with a
 * message naming path) on failure. */
int nch_ofile_open(nch_ofile *f, const char *path);
/* Flushes, closes and renames the temporary onto path; NCH_EIO on any write
 * error, in which case the temporary is removed. */
int nch_ofile_commit(nch_ofile *f);
/* The same, exiting with status 1 on failure (after the one-line message). */
void nch_ofile_xopen(nch_ofile *f, const char *path);
void nch_ofile_xcommit(nch_ofile *f);
/* Closes and removes the temporary (no-op on a closed file). */
void nch_ofile_abort(nch_ofile *f);

#endif
