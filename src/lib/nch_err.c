#include "nch_err.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *program_name = "ncham";

/* Pending temporaries, removed by nch_die so a failed run leaves nothing. */
enum { MAX_PENDING = 64 };
static nch_ofile *pending[MAX_PENDING];

const char *nch_strerror(int status)
{
    switch (status) {
    case NCH_OK: return "success";
    case NCH_EINVAL: return "invalid argument or input";
    case NCH_EIO: return "input/output error";
    case NCH_ENOMEM: return "out of memory";
    case NCH_ESING: return "singular matrix";
    case NCH_ENOCONV: return "no convergence";
    case NCH_ENONFIN: return "non-finite value";
    case NCH_EDOM: return "outside the model's domain";
    case NCH_EDEGEN: return "degenerate data";
    default: return "unknown status";
    }
}

void nch_set_program(const char *argv0)
{
    const char *slash = strrchr(argv0, '/');
    program_name = slash ? slash + 1 : argv0;
}

const char *nch_program(void) { return program_name; }

void nch_fputs_escaped(const char *s, FILE *fp)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '\\': fputs("\\\\", fp); break;
        case '\n': fputs("\\n", fp); break;
        case '\r': fputs("\\r", fp); break;
        case '\t': fputs("\\t", fp); break;
        default:
            if (*p < 0x20 || *p == 0x7f) fprintf(fp, "\\x%02x", *p);
            else fputc(*p, fp);
        }
    }
}

/* One line whatever the message quotes.  A message longer than the buffer
 * (a quoted line of a huge file) is cut: its head names file and line. */
static void vmessage(const char *fmt, va_list ap)
{
    char buf[8192];
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    if (n >= (int)sizeof buf) memcpy(buf + sizeof buf - 5, "...)", 5);
    nch_fputs_escaped(program_name, stderr);
    fputs(": ", stderr);
    nch_fputs_escaped(n < 0 ? fmt : buf, stderr);
    fputc('\n', stderr);
}

void nch_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmessage(fmt, ap);
    va_end(ap);
}

void nch_die(int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmessage(fmt, ap);
    va_end(ap);
    nch_exit(status);
}

void nch_exit(int status)
{
    for (int i = 0; i < MAX_PENDING; i++)
        if (pending[i]) nch_ofile_abort(pending[i]);
    exit(status);
}

int nch_lookup(const char *const *names, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(s, names[i]) == 0) return (int)i;
    return -1;
}

size_t nch_array_bytes(size_t rows, size_t width, size_t elem)
{
    if (width && rows > SIZE_MAX / width) return SIZE_MAX;
    size_t values = rows * width;
    if (elem && values > SIZE_MAX / elem) return SIZE_MAX;
    return values * elem;
}

void *nch_alloc(size_t rows, size_t width, size_t elem)
{
    size_t bytes = nch_array_bytes(rows, width, elem);
    return bytes == SIZE_MAX ? NULL : malloc(bytes ? bytes : 1);
}

void *nch_realloc(void *p, size_t rows, size_t width, size_t elem)
{
    size_t bytes = nch_array_bytes(rows, width, elem);
    return bytes == SIZE_MAX ? NULL : realloc(p, bytes ? bytes : 1);
}

void *nch_xalloc(size_t rows, size_t width, size_t elem, const char *what)
{
    size_t bytes = nch_array_bytes(rows, width, elem);
    void *p = bytes == SIZE_MAX ? NULL : calloc(bytes ? bytes : 1, 1);
    if (!p) nch_die(NCH_EXIT_INPUT, "%s: cannot allocate %zu rows of %zu x %zu bytes", what, rows, width, elem);
    return p;
}

/* A program stopped by a signal (an interrupted make, a timeout) leaves no
 * temporaries either: the handler removes them (unlinkat is
 * async-signal-safe) and the signal then takes its default action. */
static void remove_pending(int sig)
{
    for (int i = 0; i < MAX_PENDING; i++)
        if (pending[i] && pending[i]->tmp) unlinkat(pending[i]->dir, pending[i]->tmp, 0);
    raise(sig);
}

static void catch_signals(void)
{
    static int done;
    if (done) return;
    done = 1;
    struct sigaction sa = {.sa_handler = remove_pending, .sa_flags = SA_RESETHAND};
    sigemptyset(&sa.sa_mask);
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++) sigaction(sigs[i], &sa, NULL);
}

static void track(nch_ofile *f, int add)
{
    for (int i = 0; i < MAX_PENDING; i++) {
        if (add && !pending[i]) { pending[i] = f; return; }
        if (!add && pending[i] == f) { pending[i] = NULL; return; }
    }
}

/* A fresh name ".nch-XXXXXX" (X from 62 letters and digits): short, so the
 * temporary fits wherever the target does. */
static void temp_name(char name[12])
{
    static const char set[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    static uint64_t counter;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    /* splitmix64 of the time, the process and a counter: distinct names
     * for the files of one process, rarely a clash between processes (then
     * O_EXCL fails and another name is drawn). */
    uint64_t x = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 30) ^ ((uint64_t)getpid() << 20) ^
                 (++counter * 0x9e3779b97f4a7c15u);
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9u;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebu;
    x ^= x >> 31;
    memcpy(name, ".nch-", 5);
    for (int i = 5; i < 11; i++, x /= 62) name[i] = set[x % 62];
    name[11] = '\0';
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* An open descriptor of path's directory, or −1 (errno set). */
static int open_dir(const char *path)
{
    const char *base = base_name(path);
    if (base == path) return open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    size_t len = base - 1 == path ? 1 : (size_t)(base - 1 - path);
    char *dir = malloc(len + 1);
    if (!dir) return -1;
    memcpy(dir, path, len);
    dir[len] = '\0';
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    free(dir);
    return fd;
}

int nch_ofile_open(nch_ofile *f, const char *path)
{
    *f = (nch_ofile){.dir = -1};
    if (!*base_name(path)) {
        nch_error("%s: not a file name", path);
        return NCH_EIO;
    }
    size_t n = strlen(path);
    f->path = malloc(n + 1);
    f->tmp = malloc(12);
    if (!f->path || !f->tmp) {
        free(f->path);
        free(f->tmp);
        *f = (nch_ofile){.dir = -1};
        nch_error("%s: out of memory", path);
        return NCH_ENOMEM;
    }
    memcpy(f->path, path, n + 1);
    f->dir = open_dir(path);
    int fd = -1;
    for (int attempt = 0; f->dir >= 0 && fd < 0 && attempt < 100; attempt++) {
        temp_name(f->tmp);
        fd = openat(f->dir, f->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd < 0 && errno != EEXIST) break;
    }
    int err = errno;
    if (fd >= 0 && !(f->fp = fdopen(fd, "w"))) {
        err = errno;
        unlinkat(f->dir, f->tmp, 0);
        close(fd);
    }
    if (!f->fp) {
        nch_error("%s: cannot write (%s)", path, strerror(err));
        if (f->dir >= 0) close(f->dir);
        free(f->path);
        free(f->tmp);
        *f = (nch_ofile){.dir = -1};
        return NCH_EIO;
    }
    catch_signals();
    track(f, 1);
    return NCH_OK;
}

static void release(nch_ofile *f)
{
    track(f, 0);
    if (f->dir >= 0) close(f->dir);
    free(f->path);
    free(f->tmp);
    *f = (nch_ofile){.dir = -1};
}

int nch_ofile_commit(nch_ofile *f)
{
    int bad = ferror(f->fp);
    if (fclose(f->fp) != 0) bad = 1;
    f->fp = NULL;
    if (bad) {
        nch_error("%s: write failed (%s)", f->path, strerror(errno));
        unlinkat(f->dir, f->tmp, 0);
        release(f);
        return NCH_EIO;
    }
    if (renameat(f->dir, f->tmp, f->dir, base_name(f->path)) != 0) {
        nch_error("%s: cannot rename the temporary %s onto it (%s)", f->path, f->tmp, strerror(errno));
        unlinkat(f->dir, f->tmp, 0);
        release(f);
        return NCH_EIO;
    }
    release(f);
    return NCH_OK;
}

void nch_ofile_xopen(nch_ofile *f, const char *path)
{
    if (nch_ofile_open(f, path)) nch_exit(NCH_EXIT_INPUT);
}

void nch_ofile_xcommit(nch_ofile *f)
{
    if (nch_ofile_commit(f)) nch_exit(NCH_EXIT_INPUT);
}

void nch_ofile_abort(nch_ofile *f)
{
    if (!f->tmp) return;
    if (f->fp) fclose(f->fp);
    unlinkat(f->dir, f->tmp, 0);
    release(f);
}
