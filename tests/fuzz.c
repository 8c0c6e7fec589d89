/* fuzz — the fuzz harness's driver (tests/fuzz.sh builds its corpus and
 * runs it): every program, built with AddressSanitizer and UBSan, run on
 * mutated inputs, each checked against the error contract.
 *
 *   fuzz CORPUS SANBIN WORK SEED N JOBS TIMEOUT [ONLY]
 *
 * CORPUS holds small valid inputs (datasets, models, run outcomes,
 * summaries); SANBIN the sanitised programs; WORK a scratch directory.
 * Input i (0 ≤ i < N, or only ONLY) draws from its own stream, seeded by
 * SEED and i, so any input is replayed alone.  It picks a program and a
 * valid command line of it, then ONE mutation:
 *   - an input file: truncated at a random byte, a number replaced by a
 *     special value (nan, inf, 1e308, -0, subnormals, integers beyond a
 *     long, an empty field, ...), an extra or a missing column, a
 *     duplicated header (or other) line, a deleted or swapped line, binary
 *     junk, CRLF line ends (1 to 3 of these);
 *   - a command-line number (config values reach the programs as these):
 *     a special value for the whole value or one entry of a list, a list
 *     one entry longer or shorter or with an empty entry;
 *   - the command line's shape: an option dropped, an unknown one, an
 *     unknown short option in a cluster (-xo), an option without its value,
 *     a stray argument.
 * Inputs and outputs sometimes live in directories named with a newline or
 * a space.  The checks:
 *   - exit status 0, 1 (bad input), 2 (usage), 3 (a failed run), or the
 *     time limit (a valid but long request: the program gets SIGTERM);
 *   - a failure is ONE stderr line "program: ..." naming an input file or
 *     an option (status 3: one line, saying where the run failed);
 *   - a failure leaves no output file (simulate's status 3 keeps the rows
 *     before the failure, as documented), and nothing ever leaves a
 *     temporary .nch-* (not even when stopped at the time limit);
 *   - no sanitizer report;
 *   - no data line of a written file holds a file name (a header field
 *     broken by a newline would).
 * Prints one block per failure (with the command that replays it), then
 * "fuzz: N mutated inputs tried, F failed (exit statuses ...)"; exit status
 * 1 if any input failed. */
#define _XOPEN_SOURCE 700 /* nftw */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* ---------------------------------------------------------------- random */

static uint64_t state;

/* splitmix64: small, and the same stream on every platform. */
static uint64_t next(void)
{
    uint64_t z = (state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static size_t below(size_t n) { return n ? (size_t)(next() % n) : 0; }

static const char *const specials[] = {
    "nan", "-nan", "NaN(1)", "inf", "-inf", "infinity", "1e308", "-1e308", "1.7976931348623157e308",
    "1e400", "-1e400", "-0", "0", "5e-324", "4.9406564584124654e-324", "2.2250738585072009e-308",
    "1e-320", "0x1p-1074", "9223372036854775807", "9223372036854775808", "-9223372036854775809",
    "18446744073709551616", "99999999999999999999999", "2147483648", "4294967297", "", "1e", "--1",
    "0x", "1.5.5", " 7", "3 ",
};

static const char *special(void) { return specials[below(sizeof specials / sizeof *specials)]; }

/* ---------------------------------------------------------------- text */

static void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n);
    if (!p) {
        perror("fuzz");
        exit(99);
    }
    return p;
}

/* A growable byte buffer (it may hold NULs). */
typedef struct {
    char *b;
    size_t n, cap;
} text;

static void replace_bytes(text *t, size_t at, size_t del, const char *ins, size_t len)
{
    if (t->n + len + 1 > t->cap) t->b = xrealloc(t->b, t->cap = 2 * (t->n + len + 1));
    memmove(t->b + at + len, t->b + at + del, t->n - at - del);
    memcpy(t->b + at, ins, len);
    t->n = t->n - del + len;
}

static int read_file(const char *path, text *t)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) return -1;
    size_t r;
    do {
        if (t->n + 65536 > t->cap) t->b = xrealloc(t->b, t->cap = 2 * (t->n + 65536));
        r = fread(t->b + t->n, 1, 65536, fp);
        t->n += r;
    } while (r > 0);
    fclose(fp);
    return 0;
}

/* Lines of t, counting an unterminated last one. */
static size_t nlines(const text *t)
{
    size_t k = 0;
    for (size_t i = 0; i < t->n; i++) k += t->b[i] == '\n';
    return k + (t->n && t->b[t->n - 1] != '\n');
}

/* Start of line k and its length without '\n'. */
static size_t line_at(const text *t, size_t k, size_t *len)
{
    size_t i = 0;
    for (size_t l = 0; l < k && i < t->n; i++)
        if (t->b[i] == '\n') l++;
    size_t e = i;
    while (e < t->n && t->b[e] != '\n') e++;
    *len = e - i;
    return i;
}

static int is_num_char(char c)
{
    return (c >= '0' && c <= '9') || (c && strchr("+-.eExXpPabcdefABCDEFinftyINFTYNa", c));
}

/* A random token that looks like a number: its start and length. */
static int pick_number(const text *t, size_t *at, size_t *len)
{
    for (int tries = 0; tries < 64 && t->n; tries++) {
        size_t i = below(t->n);
        if (!(t->b[i] >= '0' && t->b[i] <= '9')) continue;
        size_t s = i, e = i;
        while (s > 0 && is_num_char(t->b[s - 1])) s--;
        while (e < t->n && is_num_char(t->b[e])) e++;
        *at = s;
        *len = e - s;
        return 1;
    }
    return 0;
}

static void mutate_text(text *t)
{
    size_t at, len, k, lines = nlines(t);
    switch (below(12)) {
    case 0: /* truncation */
        t->n = below(t->n + 1);
        break;
    case 1: case 2: case 3: /* a special number, the commonest mutation */
        if (pick_number(t, &at, &len)) {
            const char *s = special();
            replace_bytes(t, at, len, s, strlen(s));
        }
        break;
    case 4: /* an extra column */
        at = line_at(t, below(lines), &len);
        replace_bytes(t, at + len, 0, "\t1.5", 4);
        break;
    case 5: /* a missing column: a line's first field */
        at = line_at(t, below(lines), &len);
        for (size_t i = 0; i < len; i++)
            if (t->b[at + i] == '\t' || t->b[at + i] == ' ') {
                replace_bytes(t, at, i + 1, "", 0);
                break;
            }
        break;
    case 6: { /* a duplicated line: the last header line, or any */
        size_t h = lines, dlen;
        for (size_t l = 0; l < lines; l++) {
            at = line_at(t, l, &len);
            if (len && t->b[at] == '#') h = l;
        }
        k = h < lines && below(2) ? h : below(lines);
        at = line_at(t, k, &len);
        char *copy = xrealloc(NULL, len + 1);
        memcpy(copy, t->b + at, len);
        copy[len] = '\n';
        replace_bytes(t, line_at(t, below(lines + 1), &dlen), 0, copy, len + 1);
        free(copy);
        break;
    }
    case 7: /* a deleted line */
        at = line_at(t, below(lines), &len);
        replace_bytes(t, at, len + (at + len < t->n), "", 0);
        break;
    case 8: { /* two lines swapped: trajectory order, a header after data */
        size_t a = below(lines), b = below(lines), la, lb;
        if (a == b) break;
        if (a > b) {
            size_t x = a;
            a = b;
            b = x;
        }
        size_t pa = line_at(t, a, &la), pb = line_at(t, b, &lb);
        char *sa = xrealloc(NULL, la + 1), *sb = xrealloc(NULL, lb + 1);
        memcpy(sa, t->b + pa, la);
        memcpy(sb, t->b + pb, lb);
        replace_bytes(t, pb, lb, sa, la);
        replace_bytes(t, pa, la, sb, lb);
        free(sa);
        free(sb);
        break;
    }
    case 9: case 10: { /* binary junk */
        static const char pool[] = {'\0', '\r', '\n', '\t', '\x1b', '\x7f', '\xff', '\xc3', '#', ' ', ',', ':'};
        char junk[16];
        size_t m = 1 + below(sizeof junk);
        for (size_t i = 0; i < m; i++) junk[i] = below(2) ? pool[below(sizeof pool)] : (char)next();
        replace_bytes(t, below(t->n + 1), 0, junk, m);
        break;
    }
    default: /* CRLF line ends */
        for (size_t i = 0; i < t->n; i++)
            if (t->b[i] == '\n') replace_bytes(t, i++, 0, "\r", 1);
    }
}

/* A mutated command-line value: one entry of a list (separators , and :)
 * or the whole value. */
static char *mutate_value(const char *v)
{
    size_t n = strlen(v), starts[64], m = 0;
    starts[m++] = 0;
    for (size_t i = 0; i < n && m < 64; i++)
        if (v[i] == ',' || v[i] == ':') starts[m++] = i + 1;
    char *out = xrealloc(NULL, n + 64);
    const char *s = special();
    switch (m > 1 ? below(5) : 0) {
    case 0: snprintf(out, n + 64, "%s", s); break;
    case 1: snprintf(out, n + 64, "%s,%s", v, s); break;                    /* one entry too many */
    case 2: snprintf(out, n + 64, "%.*s", (int)(starts[m - 1] - 1), v); break; /* one too few */
    case 3: snprintf(out, n + 64, "%s,", v); break;                         /* an empty entry */
    default: {
        size_t k = below(m), end = k + 1 < m ? starts[k + 1] - 1 : n;
        snprintf(out, n + 64, "%.*s%s%s", (int)starts[k], v, s, v + end);
    }
    }
    return out;
}

/* ---------------------------------------------------------------- programs */

enum { MAXARG = 64 };

/* The valid command lines: "@name" is the corpus file name (also after a
 * "TAG=" prefix, as in fig_guiding_center's --run TAG=FILE), "@o/name" an
 * output in the output directory, "@o" that directory. */
typedef struct {
    const char *prog;
    const char *args[MAXARG];
} command;

static const command commands[] = {
    {"simulate", {"--model", "lv", "--scheme", "rk4", "--h", "0.1", "--steps", "20", "--z0", "1,1", "--every", "2", "-o", "@o/sim.tsv"}},
    {"simulate", {"--model", "lv-perturbed", "--scheme", "dvi", "--h", "0.05", "--steps", "20", "--z0", "2,1.5", "-o", "@o/sim.tsv"}},
    {"simulate", {"--model", "@nc.model", "--scheme", "dvi", "--h", "0.1", "--steps", "20", "--z0", "1,1", "-o", "@o/sim.tsv"}},
    {"simulate", {"--model", "@can.model", "--scheme", "exact", "--h", "0.1", "--steps", "10", "--z0", "1,1", "--every", "5"}},
    {"simulate", {"--model", "@mlp.model", "--scheme", "midpoint", "--h", "0.1", "--steps", "20", "--z0", "1,1", "-o", "@o/sim.tsv"}},
    {"simulate", {"--model", "@nc.model", "--scheme", "euler", "--h", "0.1", "--steps", "20", "--z0", "1,1", "-o", "@o/sim.tsv"}},
    {"evaluate", {"--model", "lv", "--data", "@vf-val.tsv"}},
    {"evaluate", {"--model", "@nc.model", "--data", "@vf-val.tsv", "--abs-weight", "1", "--rel-weight", "0.5"}},
    {"evaluate", {"--model", "@mlp.model", "--data", "@vf-val.tsv"}},
    {"train", {"--name", "t", "--kind", "noncanonical", "--d", "1", "--widths", "3", "--normaliser", "train",
               "--loss", "vf_reg", "--gram-ratio", "1e-2", "--reg-weight", "1e-6", "--schedule", "1e-2:1",
               "--batch", "32", "--seed", "3", "--train", "@vf-train.tsv", "--test", "@vf-test.tsv", "-o",
               "@o/t.model", "--trace", "@o/t.trace.tsv", "--summary", "@o/t.summary.tsv"}},
    {"train", {"--name", "t", "--kind", "noncanonical", "--d", "1", "--widths", "3", "--normaliser", "train",
               "--loss", "dvi", "--h", "0.1", "--gram-ratio-quantiles", "0.01,0.99", "--reg-weight", "1e-8",
               "--schedule", "1e-2:1", "--batch", "16", "--seed", "3", "--train", "@traj-train.tsv", "--test",
               "@traj-test.tsv", "-o", "@o/t.model", "--trace", "@o/t.trace.tsv", "--summary", "@o/t.summary.tsv"}},
    {"train", {"--name", "t", "--kind", "mlp", "--d", "1", "--widths", "3,2", "--normaliser", "none", "--loss", "vf",
               "--gram-weights", "1,1", "--schedule", "1e-2:1,1e-3:1", "--batch", "40", "--seed", "3", "--train",
               "@vf-train.tsv", "--test", "@vf-test.tsv", "-o", "@o/t.model", "--trace", "@o/t.trace.tsv",
               "--summary", "@o/t.summary.tsv"}},
    {"lv_data", {"--seed", "3", "--n-ic", "12", "--hmin", "0", "--hmax", "4.4", "--box-pad", "1e-6", "--max-rounds",
                 "10", "--h", "0.1", "--nt", "4", "--split", "6,3,3", "--outdir", "@o"}},
    {"long_run", {"--model", "@nc.model", "--scheme", "dvi", "--ic", "1,1", "--ic", "2,1.5", "--h", "0.1", "--steps",
                  "20", "--every", "5", "--out", "@o/lr"}},
    {"long_run", {"--model", "@can.model", "--scheme", "rk4", "--ic", "1,1", "--h", "0.1", "--steps", "20", "--every",
                  "3", "--out", "@o/lr"}},
    {"fig_architectures", {"--mlp", "@mlp.model", "--canonical", "@can.model", "--noncanonical", "@nc.model", "--z0",
                           "1,1", "--h", "0.1", "--T", "8", "--every", "4", "--outdir", "@o"}},
    {"fig_dvi_failure", {"--model", "@nc.model", "--val", "@vf-val.tsv", "--ic", "1,1", "--h", "0.1", "--steps", "20",
                         "--every", "5", "--show-steps", "5", "--gauge-z0", "4,3", "--gauge-T", "1", "--gauge-h-ref",
                         "0.1", "--gauge-h-pert", "0.1,0.05", "--exact-h", "0.05", "--period-max", "8", "--outdir", "@o"}},
    {"fig_regularization", {"--noreg-dvi", "@lr_dvi_outcome.tsv", "--noreg-rk4", "@lr_rk4_outcome.tsv", "--reg-dvi",
                            "@lr_dvi_outcome.tsv", "--reg-rk4", "@lr_rk4_outcome.tsv", "--noreg-summary",
                            "@nc.summary.tsv", "--reg-summary", "@nc.summary.tsv", "--seed-noreg",
                            "@lr_dvi_outcome.tsv", "--seed-reg", "@lr_dvi_outcome.tsv", "--outdir", "@o"}},
    {"fig_scheme_learning", {"--family", "fam", "--short", "@short_nc.tsv", "--main", "@fam.main.tsv", "--seed-summary",
                             "@fam_seed1.summary.tsv", "--seed-outcome", "@lr_dvi_outcome.tsv", "--seed-short",
                             "@short_at.tsv", "--collapse-loss", "0.5", "--good-loss", "1e-4", "--scheme", "@nc.model",
                             "--ic", "1,1", "--h", "0.1", "--dvi-steps", "20", "--every", "5", "--envelope", "4",
                             "--exact-h", "0.05", "--period-max", "8", "--outdir", "@o"}},
    {"short_error", {"--model", "@nc.model", "--val", "@vf-val.tsv", "--n-ic", "3", "--tf", "0.4", "--rate", "2", "--n-h",
                     "2", "--dvi-offset", "0", "--rk4-offset", "0", "--quantiles", "0.25,0.75", "--at", "0.1", "-o",
                     "@o/short.tsv"}},
    {"fig_scheme_comparison", {"--z0", "1,1", "--h", "0.1", "--steps", "60", "--every", "5", "--exact-h", "0.05",
                               "--period-max", "8", "--report-t", "1,2", "--outdir", "@o"}},
    {"fig_error_convergence", {"--T", "1", "--n", "2,4", "--pub-learn", "0.5", "--pub-sim", "0.5,0.25", "--outdir", "@o"}},
    {"numenv", {NULL}},
    {"mcp_data", {"--seed", "3", "--n-ic", "30", "--hmin", "0", "--hmax", "1.5", "--max-rounds", "10", "--h", "0.5",
                  "--nt", "2", "--split", "20,6,4", "--vf-stride", "3", "--outdir", "@o"}},
    {"gc_data", {"--seed", "3", "--n-ic", "6", "--theta-pi", "-0.1,0.1", "--phi-pi", "0,2", "--r", "0.03,0.055", "--u",
                 "-9e-4,-3e-4", "--h", "1898.73", "--nt", "6", "--split", "4,1,1", "--vf-stride", "3", "--outdir",
                 "@o"}},
    {"evaluate", {"--model", "@gcvf.model", "--data", "@gc-vf-val.tsv"}},
    {"train", {"--name", "t", "--kind", "noncanonical", "--d", "2", "--widths", "3", "--input-map",
               "periodic:2,drop,norm:2,norm:2", "--output-scale", "velocity", "--loss", "vf_reg", "--gram-weights",
               "1,1", "--gram-eps", "1e-12", "--reg-weight", "1", "--schedule", "1e-2:1", "--batch", "64", "--seed",
               "3", "--train", "@gc-vf-train.tsv", "--test", "@gc-vf-test.tsv", "-o", "@o/t.model", "--trace",
               "@o/t.trace.tsv", "--summary", "@o/t.summary.tsv"}},
    {"train", {"--name", "t", "--kind", "mlp", "--d", "2", "--widths", "3", "--input-map", "periodic:2,drop,norm:2,norm:2",
               "--output-scale", "velocity", "--loss", "vf", "--norm", "scaled", "--gram-weights", "1,1",
               "--schedule", "1e-2:1", "--batch", "64", "--seed", "3", "--train", "@gc-vf-train.tsv", "--test",
               "@gc-vf-test.tsv", "-o", "@o/t.model", "--trace", "@o/t.trace.tsv", "--summary", "@o/t.summary.tsv"}},
    {"train", {"--name", "t", "--kind", "noncanonical", "--d", "2", "--widths", "3", "--input-map",
               "periodic:2,drop,norm:2,norm:2", "--loss", "imex", "--h", "1898.73", "--reg-weight", "1e-8",
               "--gram-weights", "1,1", "--schedule", "1e-2:1", "--batch", "64", "--seed", "3", "--train",
               "@gc-traj-train.tsv", "--test", "@gc-traj-test.tsv", "-o", "@o/t.model", "--trace", "@o/t.trace.tsv",
               "--summary", "@o/t.summary.tsv"}},
    {"train", {"--name", "t", "--d", "2", "--init", "@gcimex.model", "--loss", "dvi", "--h", "1898.73", "--reg-weight",
               "1e-8", "--gram-weights", "1,1", "--minimal-jets", "--schedule", "1e-4:1", "--batch", "64", "--seed",
               "3", "--train", "@gc-traj-train.tsv", "--test", "@gc-traj-test.tsv", "-o", "@o/t.model", "--trace",
               "@o/t.trace.tsv", "--summary", "@o/t.summary.tsv"}},
    {"train", {"--name", "t", "--kind", "noncanonical", "--d", "1", "--widths", "3", "--normaliser", "train",
               "--loss", "vf_reg", "--reg-weight", "1e-4", "--gram-weights", "0.1,1", "--schedule", "1e-2:1",
               "--batch", "16", "--seed", "3", "--train", "@mcp-vf-train.tsv", "--test", "@mcp-vf-test.tsv", "-o",
               "@o/t.model", "--trace", "@o/t.trace.tsv", "--summary", "@o/t.summary.tsv"}},
    {"fig_charged_particle", {"--vf-reg", "@mcpnc.model", "--vf-no-reg", "@mcpnc.model", "--scheme", "@mcpnc.model",
                              "--val-vf", "@mcp-vf-val.tsv", "--val-traj", "@mcp-traj-val.tsv", "--h", "0.5",
                              "--ic-ranks", "1,3,5", "--ref-steps", "10", "--steps", "10", "--exact-h", "0.01",
                              "--exact-T", "2", "--every", "10", "--outdir", "@o"}},
    {"gc_run", {"--model", "@gcvf.model", "--scheme", "dvi", "--ic", "0,0,0.05,-7.782e-4", "--ic", "0,0,0.05,-4.306e-4",
                "--h", "1898.73", "--steps", "20", "--every", "5", "--envelope", "4", "--out", "@o/gr"}},
    {"gc_run", {"--model", "gc", "--scheme", "rk4", "--ic", "0,0,0.05,-4.306e-4", "--h", "1898.73", "--steps", "20",
                "--every", "3", "--envelope", "5", "--out", "@o/gr"}},
    {"fig_guiding_center", {"--run", "ref_dvi=@gcr_dvi_outcome.tsv", "--run", "ref_rk4=@gcr_rk4_outcome.tsv",
                            "--exact-h", "1.89873", "--exact-steps", "21000", "--exact-every", "50", "--outdir", "@o"}},
};
enum { NCOMMANDS = sizeof commands / sizeof *commands };

/* ---------------------------------------------------------------- one input */

static const char *corpus, *sanbin, *work;
static unsigned long long seed;
static double limit;

static char *join(const char *a, const char *b)
{
    char *s = xrealloc(NULL, strlen(a) + strlen(b) + 2);
    sprintf(s, "%s/%s", a, b);
    return s;
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void rm_rf(const char *path) { nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS); }

static int mkdirs(const char *path)
{
    char *p = xrealloc(NULL, strlen(path) + 1);
    strcpy(p, path);
    for (char *s = p + 1; *s; s++)
        if (*s == '/') {
            *s = '\0';
            mkdir(p, 0777);
            *s = '/';
        }
    int rc = mkdir(p, 0777) == 0 || errno == EEXIST ? 0 : -1;
    free(p);
    return rc;
}

/* Files under a directory: every temporary, and those under out. */
static const char *walk_out;
static int walk_temps, walk_outputs, walk_named_line;
static char walk_first[4096];

static int data_line_holds_name(const char *path)
{
    text t = {0};
    if (read_file(path, &t)) return 0;
    int bad = 0;
    for (size_t i = 0, start = 0; i <= t.n && !bad; i++)
        if (i == t.n || t.b[i] == '\n') {
            if (i > start && t.b[start] != '#' && memchr(t.b + start, '/', i - start)) bad = 1;
            start = i + 1;
        }
    free(t.b);
    return bad;
}

static int walk_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    if (flag != FTW_F) return 0;
    if (!strncmp(path + ftw->base, ".nch-", 5)) walk_temps++;
    if (!strncmp(path, walk_out, strlen(walk_out)) && path[strlen(walk_out)] == '/') {
        if (!walk_outputs++) snprintf(walk_first, sizeof walk_first, "%s", path + ftw->base);
        walk_named_line += data_line_holds_name(path);
    }
    return 0;
}

/* 1 if a message line names an option: "--name" or "(-x)". */
static int names_option(const char *line)
{
    for (const char *p = line; (p = strchr(p, '-')); p++) {
        if (p[1] == '-' && isalpha((unsigned char)p[2])) return 1;
        if (p > line && p[-1] == '(' && isalpha((unsigned char)p[1]) && p[2] == ')') return 1;
    }
    return 0;
}

/* An argument quoted for a shell: as is, '...', or $'...' for control bytes. */
static void print_quoted(FILE *fp, const char *s)
{
    int plain = *s != '\0', ctrl = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (!(*p == '/' || *p == '.' || *p == ',' || *p == ':' || *p == '-' || *p == '_' || *p == '+' ||
              (*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
            plain = 0;
        if (*p < 0x20 || *p >= 0x7f || *p == '\'' || *p == '\\') ctrl = 1;
    }
    if (plain) fputs(s, fp);
    else if (!ctrl) fprintf(fp, "'%s'", s);
    else {
        fputs("$'", fp);
        for (const unsigned char *p = (const unsigned char *)s; *p; p++)
            if (*p < 0x20 || *p >= 0x7f || *p == '\'' || *p == '\\') fprintf(fp, "\\x%02x", *p);
            else fputc(*p, fp);
        fputc('\'', fp);
    }
}

/* Runs argv with stdout and stderr to files; its status (124 at the time
 * limit, after SIGTERM). */
static int run(char *const argv[], const char *out, const char *err)
{
    pid_t pid = fork();
    if (pid == 0) {
        int fo = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0666), fe = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0666);
        if (fo < 0 || fe < 0 || dup2(fo, 1) < 0 || dup2(fe, 2) < 0) _exit(125);
        execv(argv[0], argv);
        _exit(126);
    }
    if (pid < 0) return 125;
    struct timespec t0, now, nap = {0, 2000000};
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int status, signalled = 0;
    for (;;) {
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid) break;
        clock_gettime(CLOCK_MONOTONIC, &now);
        double dt = (double)(now.tv_sec - t0.tv_sec) + 1e-9 * (double)(now.tv_nsec - t0.tv_nsec);
        if (!signalled && dt > limit) kill(pid, SIGTERM), signalled = 1;
        if (dt > limit + 5) kill(pid, SIGKILL);
        nanosleep(&nap, NULL);
    }
    if (signalled) return 124;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* One mutated input: returns its exit status; a failure is reported on fp. */
static int fuzz_one(unsigned long long i, int worker, FILE *fp)
{
    state = seed * 0x100000001b3u ^ (i + 1) * 0x9e3779b97f4a7c15u;
    next();
    char wname[32];
    snprintf(wname, sizeof wname, "w%d", worker);
    char *w = join(work, wname);
    rm_rf(w);
    size_t names = below(8);
    char *in = join(w, names == 0 ? "in\nput/x" : "in"), *o = join(w, names == 1 ? "out dir" : "out");
    mkdirs(in);
    mkdirs(o);
    const command *cmd = &commands[below(NCOMMANDS)];
    char *argv[MAXARG + 4] = {0};
    int argc = 0, files[MAXARG], nfiles = 0, nums[MAXARG], nnums = 0;
    size_t prefix[MAXARG + 4] = {0}; /* length of a "TAG=" before a corpus file */
    argv[argc++] = join(sanbin, cmd->prog);
    for (int k = 0; cmd->args[k]; k++) {
        const char *a = cmd->args[k];
        char *v;
        if (!strncmp(a, "@o", 2)) {
            v = xrealloc(NULL, strlen(o) + strlen(a));
            sprintf(v, "%s%s", o, a + 2);
        } else if (a[0] == '@' || strstr(a, "=@")) {
            size_t pre = a[0] == '@' ? 0 : (size_t)(strstr(a, "=@") - a) + 1;
            /* Every input under the awkward name when that variant is drawn. */
            char *path = join(names == 0 ? in : corpus, a + pre + 1);
            v = xrealloc(NULL, pre + strlen(path) + 1);
            sprintf(v, "%.*s%s", (int)pre, a, path);
            free(path);
            prefix[argc] = pre;
            a += pre;
            if (names == 0) {
                char *src = join(corpus, a + 1);
                text t = {0};
                if (read_file(src, &t) == 0) {
                    FILE *c = fopen(v + pre, "wb");
                    if (c) fwrite(t.b, 1, t.n, c), fclose(c);
                }
                free(t.b);
                free(src);
            }
            files[nfiles++] = argc;
        } else {
            v = xrealloc(NULL, strlen(a) + 1);
            strcpy(v, a);
            if (k > 0 && cmd->args[k - 1][0] == '-' && strspn(a, "-+0123456789.eE,:") == strlen(a)) nums[nnums++] = argc;
        }
        argv[argc++] = v;
    }
    char what[256];
    size_t m = below(10);
    if (nfiles && (m < 5 || !nnums)) {
        int k = files[below((size_t)nfiles)];
        size_t pre = prefix[k];
        const char *base = strrchr(argv[k], '/') + 1;
        char *path = join(in, base), *dst = xrealloc(NULL, pre + strlen(path) + 1);
        sprintf(dst, "%.*s%s", (int)pre, argv[k], path);
        text t = {0};
        read_file(argv[k] + pre, &t);
        for (size_t r = 1 + below(3); r > 0; r--) mutate_text(&t);
        FILE *c = fopen(path, "wb");
        if (c) fwrite(t.b, 1, t.n, c), fclose(c);
        free(t.b);
        free(path);
        snprintf(what, sizeof what, "file %s mutated", base);
        free(argv[k]);
        argv[k] = dst;
    } else if (nnums && m < 9) {
        int k = nums[below((size_t)nnums)];
        char *v = mutate_value(argv[k]);
        snprintf(what, sizeof what, "value of %s mutated", argv[k - 1]);
        free(argv[k]);
        argv[k] = v;
    } else {
        size_t shape = nnums ? below(5) : 1 + below(2);
        const char *extra[2] = {NULL, NULL};
        char *xo = NULL;
        switch (shape) {
        case 0: { /* an option dropped, with its value */
            int k = nums[below((size_t)nnums)];
            free(argv[k - 1]);
            free(argv[k]);
            memmove(argv + k - 1, argv + k + 1, (size_t)(argc - k - 1) * sizeof *argv);
            argc -= 2;
            argv[argc] = NULL;
            snprintf(what, sizeof what, "an option dropped");
            break;
        }
        case 1: extra[0] = "--bogus", extra[1] = "1", snprintf(what, sizeof what, "an unknown option"); break;
        case 2:
            xo = join(o, "x");
            extra[0] = "-xo", extra[1] = xo;
            snprintf(what, sizeof what, "an unknown short option in a cluster");
            break;
        case 3: extra[0] = argv[nums[0] - 1], snprintf(what, sizeof what, "an option without its value"); break;
        default: extra[0] = "extra", snprintf(what, sizeof what, "a stray argument");
        }
        for (int e = 0; e < 2 && extra[e]; e++) {
            argv[argc] = xrealloc(NULL, strlen(extra[e]) + 1);
            strcpy(argv[argc++], extra[e]);
        }
        free(xo);
    }
    argv[argc] = NULL;

    char *out = join(w, "stdout"), *err = join(w, "stderr");
    int rc = run(argv, out, err);

    /* stderr: its lines without the allocator's note on an allocation over
     * the cap (not the program's) and the trainer's per-stage lines. */
    text e = {0};
    read_file(err, &e);
    replace_bytes(&e, e.n, 0, "", 0);
    e.b[e.n] = '\0';
    size_t prog_len = strlen(cmd->prog);
    int lines = 0, sanitizer = 0, prefixed = 0, naming = 0;
    for (char *line = e.b, *end; line < e.b + e.n; line = end + 1) {
        end = memchr(line, '\n', (size_t)(e.b + e.n - line));
        if (!end) end = e.b + e.n;
        *end = '\0';
        int ignored = strstr(line, "WARNING: AddressSanitizer failed to allocate") ||
                      (!strncmp(line, "t: stage ", 9) && strstr(line, " epoch "));
        if (ignored) {
            *end = '\n';
            continue;
        }
        lines++;
        if (strstr(line, "Sanitizer") || strstr(line, "runtime error")) sanitizer = 1;
        if (!strncmp(line, cmd->prog, prog_len) && !strncmp(line + prog_len, ": ", 2)) prefixed++;
        int named = strstr(line, w) || strstr(line, corpus) || names_option(line);
        naming += named;
        *end = '\n';
    }
    walk_out = o, walk_temps = walk_outputs = walk_named_line = 0, walk_first[0] = '\0';
    nftw(w, walk_entry, 16, FTW_PHYS);

    char problems[1024] = "";
#define PROBLEM(...) snprintf(problems + strlen(problems), sizeof problems - strlen(problems), __VA_ARGS__)
    if (sanitizer) PROBLEM("; sanitizer report");
    if (rc > 3 && rc != 124) PROBLEM("; exit status %d", rc);
    if (rc >= 1 && rc <= 3) {
        if (lines != 1) PROBLEM("; %d lines on stderr", lines);
        if (prefixed != 1) PROBLEM("; message without the program name");
        if (rc < 3 && !naming) PROBLEM("; message names no file or option");
        if (walk_outputs && !(rc == 3 && !strcmp(cmd->prog, "simulate"))) PROBLEM("; output left behind (%s)", walk_first);
    }
    if (walk_temps) PROBLEM("; %d temporaries left behind", walk_temps);
    if ((rc == 0 || rc == 3) && walk_named_line) PROBLEM("; a data line holds a file name");
    if (*problems) {
        fprintf(fp, "FAIL input %llu (%s, %s)%s\n  replay: NCH_FUZZ_SEED=%llu NCH_FUZZ_ONLY=%llu bash tests/fuzz.sh\n  command:",
                i, cmd->prog, what, problems, seed, i);
        for (int k = 0; k < argc; k++) fputc(' ', fp), print_quoted(fp, argv[k]);
        fprintf(fp, "\n  status %d, stderr:\n", rc);
        for (size_t k = 0, col = 0; k < e.n && k < 3000; k++, col++) {
            if (col == 0) fputs("    ", fp);
            fputc(e.b[k], fp);
            if (e.b[k] == '\n') col = (size_t)-1;
        }
        fflush(fp);
        /* The inputs of a failure are kept for a look. */
        char keep[256], cmdline[1024];
        snprintf(keep, sizeof keep, "build/fuzz-failures/seed%llu-input%llu", seed, i);
        mkdirs("build/fuzz-failures");
        rm_rf(keep);
        snprintf(cmdline, sizeof cmdline, "cp -r '%s' '%s' 2>/dev/null", w, keep);
        if (system(cmdline) != 0) fprintf(fp, "  (inputs not kept)\n");
    }
    if (rc == 124) {
        fprintf(fp, "time limit: input %llu (%s, %s):", i, cmd->prog, what);
        for (int k = 1; k < argc; k++) fputc(' ', fp), print_quoted(fp, argv[k]);
        fputc('\n', fp);
    }
    for (int k = 0; k < argc; k++) free(argv[k]);
    free(e.b);
    free(out);
    free(err);
    free(in);
    free(o);
    free(w);
    return *problems ? -1 - rc : rc;
}

int main(int argc, char **argv)
{
    if (argc < 8) {
        fprintf(stderr, "usage: fuzz CORPUS SANBIN WORK SEED N JOBS TIMEOUT [ONLY]\n");
        return 2;
    }
    corpus = argv[1], sanbin = argv[2], work = argv[3];
    seed = strtoull(argv[4], NULL, 10);
    unsigned long long n = strtoull(argv[5], NULL, 10), only = argc > 8 ? strtoull(argv[8], NULL, 10) : 0;
    int jobs = atoi(argv[6]), has_only = argc > 8;
    limit = atof(argv[7]);
    if (jobs < 1) jobs = 1;
    /* The sanitisers' settings: allocations over 512 MB fail as they would
     * on a small machine (a program must say "cannot allocate"), no leak
     * check (a program that refuses its input exits without freeing, by
     * design; the library's frees are checked by the unit tests), and exit
     * statuses that no program uses. */
    setenv("ASAN_OPTIONS", "allocator_may_return_null=1:max_allocation_size_mb=512:detect_leaks=0:exitcode=97", 1);
    setenv("UBSAN_OPTIONS", "print_stacktrace=1:exitcode=98", 1);
    setenv("NCH_VERBOSE", "0", 1);
    setenv("OPENBLAS_NUM_THREADS", "1", 1);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    /* jobs workers, worker j taking inputs j, j + jobs, ...; each reports
     * through its own files: statuses (one per line) and failures. */
    for (int j = 0; j < jobs; j++) {
        if (fork() != 0) continue;
        char name[64];
        snprintf(name, sizeof name, "report.%d", j);
        char *rp = join(work, name);
        snprintf(name, sizeof name, "status.%d", j);
        char *sp = join(work, name);
        FILE *report = fopen(rp, "w"), *statuses = fopen(sp, "w");
        if (!report || !statuses) _exit(99);
        for (unsigned long long i = (unsigned long long)j; i < n; i += (unsigned long long)jobs) {
            if (has_only && i != only) continue;
            fprintf(statuses, "%d\n", fuzz_one(i, j, report));
        }
        fclose(report);
        fclose(statuses);
        _exit(0);
    }
    while (wait(NULL) > 0) continue;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long tried = 0, failed = 0, count[130] = {0};
    for (int j = 0; j < jobs; j++) {
        char name[64];
        snprintf(name, sizeof name, "report.%d", j);
        char *rp = join(work, name);
        text t = {0};
        if (read_file(rp, &t) == 0) fwrite(t.b, 1, t.n, stdout);
        free(t.b);
        free(rp);
        snprintf(name, sizeof name, "status.%d", j);
        char *sp = join(work, name);
        FILE *fp = fopen(sp, "r");
        for (int s; fp && fscanf(fp, "%d", &s) == 1; tried++) {
            if (s < 0) failed++, s = -1 - s;
            count[s >= 0 && s < 130 ? s : 129]++;
        }
        if (fp) fclose(fp);
        free(sp);
    }
    printf("fuzz: %ld mutated inputs tried, %ld failed in %.1f s (exit statuses:", tried, failed,
           (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec));
    for (int s = 0; s < 130; s++)
        if (count[s]) printf(" %s%d x%ld", s == 124 ? "time limit " : "", s, count[s]);
    printf("), seed %llu\n", seed);
    return failed ? 1 : 0;
}
