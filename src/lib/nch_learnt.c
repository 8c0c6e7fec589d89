#include "nch_learnt.h"

#include "nch_err.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

static const char *const kind_names[] = {"mlp", "canonical", "noncanonical"};
#define NKINDS (sizeof kind_names / sizeof kind_names[0])

const char *nch_learnt_kind_name(nch_learnt_kind k)
{
    return (size_t)k < NKINDS ? kind_names[k] : "?";
}

int nch_learnt_kind_parse(const char *s, nch_learnt_kind *k)
{
    int i = nch_lookup(kind_names, NKINDS, s);
    if (i < 0) return NCH_EINVAL;
    *k = (nch_learnt_kind)i;
    return NCH_OK;
}

/* ---------------------------------------------------------------- jets */

void nch_learnt_jet_get(const nch_learnt *m, int order, const double *z, const double *th,
                        const double *H, nch_jet *jet)
{
    const int d = m->d, n = 2 * d;
    const size_t nn = (size_t)n;
    if (m->kind == NCH_LEARNT_CANONICAL) {
        for (int k = 0; k < d; k++) {
            jet->theta[k] = z[d + k];
            if (order >= 1)
                for (int j = 0; j < n; j++) jet->dtheta[k][j] = j == d + k;
            if (order >= 2)
                for (int i = 0; i < n; i++)
                    for (int j = 0; j < n; j++) jet->d2theta[k][i][j] = 0.0;
        }
    } else {
        for (int k = 0; k < d; k++) {
            jet->theta[k] = th[k];
            if (order >= 1)
                for (int j = 0; j < n; j++) jet->dtheta[k][j] = th[(1 + j) * d + k];
            if (order >= 2)
                for (int i = 0; i < n; i++)
                    for (int j = i; j < n; j++)
                        jet->d2theta[k][i][j] = jet->d2theta[k][j][i] =
                            th[nch_mlp_hess_comp(nn, (size_t)i, (size_t)j) * d + k];
        }
    }
    jet->H = H[0];
    if (order >= 1)
        for (int j = 0; j < n; j++) jet->dH[j] = H[1 + j];
    if (order >= 2)
        for (int i = 0; i < n; i++)
            for (int j = i; j < n; j++)
                jet->d2H[i][j] = jet->d2H[j][i] = H[nch_mlp_hess_comp(nn, (size_t)i, (size_t)j)];
}

void nch_learnt_jet_adjoint(const nch_learnt *m, int order, const nch_jet *bar, double *th_bar,
                            double *H_bar)
{
    const int d = m->d, n = 2 * d;
    const size_t nn = (size_t)n;
    if (m->kind != NCH_LEARNT_CANONICAL)
        for (int k = 0; k < d; k++) {
            th_bar[k] = bar->theta[k];
            if (order >= 1)
                for (int j = 0; j < n; j++) th_bar[(1 + j) * d + k] = bar->dtheta[k][j];
            if (order >= 2)
                for (int i = 0; i < n; i++)
                    for (int j = i; j < n; j++)
                        th_bar[nch_mlp_hess_comp(nn, (size_t)i, (size_t)j) * d + k] =
                            i == j ? bar->d2theta[k][i][i]
                                   : bar->d2theta[k][i][j] + bar->d2theta[k][j][i];
        }
    H_bar[0] = bar->H;
    if (order >= 1)
        for (int j = 0; j < n; j++) H_bar[1 + j] = bar->dH[j];
    if (order >= 2)
        for (int i = 0; i < n; i++)
            for (int j = i; j < n; j++)
                H_bar[nch_mlp_hess_comp(nn, (size_t)i, (size_t)j)] =
                    i == j ? bar->d2H[i][i] : bar->d2H[i][j] + bar->d2H[j][i];
}

/* ---------------------------------------------------------------- interface */

/* Index of the H net. */
static size_t h_net(const nch_learnt *m) { return m->kind == NCH_LEARNT_NONCANONICAL ? 1 : 0; }

/* Every net's jets of order `order` at B ≤ NCH_LEARNT_CHUNK points into m->out. */
static int forward_chunk(const nch_learnt *m, size_t B, const double *z, int order)
{
    for (size_t k = 0; k < m->n_nets; k++) {
        int rc = nch_mlp_forward(&m->net[k], m->params + m->off[k], B, z, order, m->work[k],
                                 m->out[k]);
        if (rc != NCH_OK) return rc;
    }
    return NCH_OK;
}

static int learnt_jets(const nch_model *mod, size_t np, const double *z, int order, nch_jet *out)
{
    const nch_learnt *m = mod->params;
    if (order < 0 || order > 2 || m->kind == NCH_LEARNT_MLP) return NCH_EINVAL;
    const size_t n = 2 * (size_t)m->d, K = nch_mlp_ncomp(n, order), hn = h_net(m);
    for (size_t p0 = 0; p0 < np; p0 += NCH_LEARNT_CHUNK) {
        const size_t B = np - p0 < NCH_LEARNT_CHUNK ? np - p0 : NCH_LEARNT_CHUNK;
        int rc = forward_chunk(m, B, z + p0 * n, order);
        if (rc != NCH_OK) return rc;
        for (size_t p = 0; p < B; p++)
            nch_learnt_jet_get(m, order, z + (p0 + p) * n,
                               hn ? m->out[0] + p * K * (size_t)m->d : NULL, m->out[hn] + p * K,
                               out + p0 + p);
    }
    return NCH_OK;
}

/* mlp: the net's value; canonical: ẋ = ∇_yH, ẏ = −∇_xH. */
static int learnt_field(const nch_model *mod, size_t np, const double *z, double *f)
{
    const nch_learnt *m = mod->params;
    const size_t d = (size_t)m->d, n = 2 * d;
    const int order = m->kind == NCH_LEARNT_MLP ? 0 : 1;
    for (size_t p0 = 0; p0 < np; p0 += NCH_LEARNT_CHUNK) {
        const size_t B = np - p0 < NCH_LEARNT_CHUNK ? np - p0 : NCH_LEARNT_CHUNK;
        int rc = forward_chunk(m, B, z + p0 * n, order);
        if (rc != NCH_OK) return rc;
        double *fc = f + p0 * n;
        if (m->kind == NCH_LEARNT_MLP) {
            memcpy(fc, m->out[0], B * n * sizeof *fc);
            continue;
        }
        for (size_t p = 0; p < B; p++) {
            const double *g = m->out[0] + p * (1 + n) + 1; /* ∇H of point p */
            for (size_t j = 0; j < d; j++) {
                fc[p * n + j] = g[d + j];
                fc[p * n + d + j] = -g[j];
            }
        }
    }
    for (size_t i = 0; i < np * n; i++)
        if (!isfinite(f[i])) return NCH_ENONFIN;
    return NCH_OK;
}

/* ---------------------------------------------------------------- lifetime */

void nch_learnt_free(nch_learnt *m)
{
    for (size_t k = 0; k < 2; k++) {
        nch_mlp_work_free(m->work[k]);
        free(m->out[k]);
        m->work[k] = NULL;
        m->out[k] = NULL;
    }
    free(m->params);
    m->params = NULL;
}

int nch_learnt_create(nch_learnt *m, nch_learnt_kind kind, int d, size_t depth,
                      const size_t *widths, const double *shift, const double *scale)
{
    *m = (nch_learnt){.kind = kind, .d = d};
    if ((size_t)kind >= NKINDS || d < 1 || d > NCH_DMAX || !shift != !scale) return NCH_EINVAL;
    const size_t n = 2 * (size_t)d;
    const size_t n_out[2] = {
        kind == NCH_LEARNT_MLP ? n : kind == NCH_LEARNT_CANONICAL ? 1 : (size_t)d, 1};
    m->n_nets = kind == NCH_LEARNT_NONCANONICAL ? 2 : 1;
    for (size_t k = 0; k < m->n_nets; k++) {
        if (nch_mlp_init(&m->net[k], n, depth, widths, n_out[k]) != NCH_OK) return NCH_EINVAL;
        if (shift && nch_mlp_set_normaliser(&m->net[k], shift, scale) != NCH_OK) return NCH_EINVAL;
        m->off[k] = m->n_params;
        m->n_params += m->net[k].n_params;
    }
    m->normalised = shift != NULL;
    m->params = nch_alloc(m->n_params, 1, sizeof *m->params);
    if (m->params) memset(m->params, 0, m->n_params * sizeof *m->params);
    int status = m->params ? NCH_OK : NCH_ENOMEM;
    const int order = kind == NCH_LEARNT_MLP ? 0 : 2;
    const size_t K = nch_mlp_ncomp(n, order);
    for (size_t k = 0; k < m->n_nets && status == NCH_OK; k++) {
        m->work[k] = nch_mlp_work_alloc(&m->net[k], NCH_LEARNT_CHUNK, order);
        m->out[k] = nch_alloc(NCH_LEARNT_CHUNK * K, n_out[k], sizeof *m->out[k]);
        if (!m->work[k] || !m->out[k]) status = NCH_ENOMEM;
    }
    if (status != NCH_OK) {
        nch_learnt_free(m);
        return status;
    }
    m->model = (nch_model){
        .name = nch_learnt_kind_name(kind),
        .d = d,
        .jets = kind == NCH_LEARNT_MLP ? NULL : learnt_jets,
        .field = kind == NCH_LEARNT_NONCANONICAL ? NULL : learnt_field,
        .in_domain = NULL,
        .params = m,
    };
    return NCH_OK;
}

void nch_learnt_init_params(nch_learnt *m, gsl_rng *rng)
{
    for (size_t k = 0; k < m->n_nets; k++)
        nch_mlp_init_params(&m->net[k], rng, m->params + m->off[k]);
}

/* ---------------------------------------------------------------- files */

int nch_learnt_save(const nch_learnt *m, const char *path)
{
    for (size_t i = 0; i < m->n_params; i++)
        if (!isfinite(m->params[i])) {
            nch_error("%s: parameter %zu is not finite (%g); model not saved", path, i,
                      m->params[i]);
            return NCH_ENONFIN;
        }
    nch_ofile f;
    int rc = nch_ofile_open(&f, path);
    if (rc != NCH_OK) return rc;
    const nch_mlp *net = &m->net[0];
    const size_t n = 2 * (size_t)m->d;
    fprintf(f.fp, "ncham-model %d\nkind %s\nd %d\nwidths", NCH_LEARNT_VERSION,
            nch_learnt_kind_name(m->kind), m->d);
    for (size_t l = 0; l < net->depth; l++) fprintf(f.fp, " %zu", net->width[l]);
    fputs("\nnormaliser", f.fp);
    if (m->normalised) {
        fputs(" shift", f.fp);
        for (size_t i = 0; i < n; i++) fprintf(f.fp, " %.17g", net->shift[i]);
        fputs(" scale", f.fp);
        for (size_t i = 0; i < n; i++) fprintf(f.fp, " %.17g", net->scale[i]);
    } else {
        fputs(" none", f.fp);
    }
    fprintf(f.fp, "\nparams %zu\n", m->n_params);
    for (size_t i = 0; i < m->n_params; i++) fprintf(f.fp, "%.17g\n", m->params[i]);
    fputs("end\n", f.fp);
    return nch_ofile_commit(&f);
}

/* A model file being read, line by line. */
typedef struct {
    const char *path;
    FILE *fp;
    char *line;   /* the current line, without its line ending */
    size_t cap;
    size_t lineno;
    char *cursor; /* next unread character of line */
} reader;

/* Reads the next line; 0 at the end of the file. */
static int next_line(reader *r)
{
    ssize_t len = getline(&r->line, &r->cap, r->fp);
    if (len < 0) return 0;
    r->lineno++;
    while (len > 0 && (r->line[len - 1] == '\n' || r->line[len - 1] == '\r')) r->line[--len] = '\0';
    r->cursor = r->line;
    return 1;
}

/* The next space-separated token of the line (NULL if none); terminates it. */
static char *token(reader *r)
{
    char *p = r->cursor + strspn(r->cursor, " \t");
    if (!*p) {
        r->cursor = p;
        return NULL;
    }
    char *end = p + strcspn(p, " \t");
    r->cursor = *end ? end + 1 : end;
    *end = '\0';
    return p;
}

/* Reads the next line, which must start with `key`; reports otherwise. */
static int keyed_line(reader *r, const char *key)
{
    if (!next_line(r)) {
        nch_error("%s:%zu: truncated file: expected '%s'", r->path, r->lineno + 1, key);
        return NCH_EINVAL;
    }
    char *t = token(r);
    if (!t || strcmp(t, key) != 0) {
        nch_error("%s:%zu: expected '%s' (%s)", r->path, r->lineno, key, t ? t : "empty line");
        return NCH_EINVAL;
    }
    return NCH_OK;
}

/* A finite number from the next token. */
static int read_double(reader *r, const char *what, double *v)
{
    char *t = token(r), *end;
    if (!t) {
        nch_error("%s:%zu: missing %s", r->path, r->lineno, what);
        return NCH_EINVAL;
    }
    errno = 0;
    *v = strtod(t, &end);
    if (end == t || *end) {
        nch_error("%s:%zu: %s is not a number (%s)", r->path, r->lineno, what, t);
        return NCH_EINVAL;
    }
    if (!isfinite(*v)) {
        nch_error("%s:%zu: %s is not finite (%s)", r->path, r->lineno, what, t);
        return NCH_EINVAL;
    }
    return NCH_OK;
}

/* A decimal integer in [lo, hi] from the next token. */
static int read_size(reader *r, const char *what, size_t lo, size_t hi, size_t *v)
{
    char *t = token(r), *end;
    if (!t) {
        nch_error("%s:%zu: missing %s", r->path, r->lineno, what);
        return NCH_EINVAL;
    }
    errno = 0;
    unsigned long long u = strtoull(t, &end, 10);
    if (end == t || *end || t[0] == '-' || errno || u < lo || u > hi) {
        nch_error("%s:%zu: bad %s (%s; expected an integer in %zu..%zu)", r->path, r->lineno,
                  what, t, lo, hi);
        return NCH_EINVAL;
    }
    *v = (size_t)u;
    return NCH_OK;
}

/* Nothing may follow on the current line. */
static int line_end(reader *r)
{
    char *t = token(r);
    if (t) {
        nch_error("%s:%zu: unexpected trailing text (%s)", r->path, r->lineno, t);
        return NCH_EINVAL;
    }
    return NCH_OK;
}

/* Everything up to and including the normaliser and the parameter count;
 * creates *m. */
static int read_header(reader *r, nch_learnt *m)
{
    if (!next_line(r)) {
        nch_error("%s:1: empty file, not an ncham model", r->path);
        return NCH_EINVAL;
    }
    char *t = token(r);
    if (!t || strcmp(t, "ncham-model") != 0) {
        nch_error("%s:1: not an ncham model file (first word '%s')", r->path, t ? t : "");
        return NCH_EINVAL;
    }
    size_t version;
    int rc = read_size(r, "format version", 0, 1000000, &version);
    if (rc) return rc;
    if (version != NCH_LEARNT_VERSION) {
        nch_error("%s:1: unsupported model format version (%zu; this build reads %d)", r->path,
                  version, NCH_LEARNT_VERSION);
        return NCH_EINVAL;
    }
    if ((rc = line_end(r)) || (rc = keyed_line(r, "kind"))) return rc;
    nch_learnt_kind kind;
    t = token(r);
    if (!t || nch_learnt_kind_parse(t, &kind) != NCH_OK) {
        nch_error("%s:%zu: unknown model kind (%s)", r->path, r->lineno, t ? t : "none");
        return NCH_EINVAL;
    }
    size_t d, depth = 0, widths[NCH_MLP_LMAX];
    if ((rc = line_end(r)) || (rc = keyed_line(r, "d")) ||
        (rc = read_size(r, "d", 1, NCH_DMAX, &d)) || (rc = line_end(r)) ||
        (rc = keyed_line(r, "widths")))
        return rc;
    while (r->cursor[strspn(r->cursor, " \t")]) {
        if (depth == NCH_MLP_LMAX) {
            nch_error("%s:%zu: more than %d hidden layers", r->path, r->lineno, NCH_MLP_LMAX);
            return NCH_EINVAL;
        }
        if ((rc = read_size(r, "width", 1, NCH_LEARNT_WIDTH_MAX, &widths[depth++]))) return rc;
    }
    if (depth == 0) {
        nch_error("%s:%zu: no hidden widths", r->path, r->lineno);
        return NCH_EINVAL;
    }
    if ((rc = keyed_line(r, "normaliser"))) return rc;
    const size_t n = 2 * d;
    double shift[NCH_ZMAX], scale[NCH_ZMAX];
    int normalised = 1;
    t = token(r);
    if (t && strcmp(t, "none") == 0) {
        normalised = 0;
    } else if (t && strcmp(t, "shift") == 0) {
        for (size_t i = 0; i < n; i++)
            if ((rc = read_double(r, "normaliser shift", &shift[i]))) return rc;
        t = token(r);
        if (!t || strcmp(t, "scale") != 0) {
            nch_error("%s:%zu: expected 'scale' after %zu shift values (%s)", r->path, r->lineno,
                      n, t ? t : "end of line");
            return NCH_EINVAL;
        }
        for (size_t i = 0; i < n; i++)
            if ((rc = read_double(r, "normaliser scale", &scale[i]))) return rc;
    } else {
        nch_error("%s:%zu: expected 'none' or 'shift' (%s)", r->path, r->lineno,
                  t ? t : "end of line");
        return NCH_EINVAL;
    }
    if ((rc = line_end(r))) return rc;
    rc = nch_learnt_create(m, kind, (int)d, depth, widths, normalised ? shift : NULL,
                           normalised ? scale : NULL);
    if (rc != NCH_OK) {
        nch_error("%s: cannot create the model (%s)", r->path, nch_strerror(rc));
        return rc;
    }
    size_t count;
    if ((rc = keyed_line(r, "params")) ||
        (rc = read_size(r, "parameter count", 0, SIZE_MAX, &count)) || (rc = line_end(r)))
        return rc;
    if (count != m->n_params) {
        nch_error("%s:%zu: wrong parameter count (%zu; a %s model of this architecture has %zu)",
                  r->path, r->lineno, count, nch_learnt_kind_name(kind), m->n_params);
        return NCH_EINVAL;
    }
    return NCH_OK;
}

/* The parameters, "end", and nothing after it. */
static int read_body(reader *r, nch_learnt *m)
{
    int rc;
    for (size_t i = 0; i < m->n_params; i++) {
        if (!next_line(r)) {
            nch_error("%s:%zu: truncated file (%zu of %zu parameters, no 'end')", r->path,
                      r->lineno + 1, i, m->n_params);
            return NCH_EINVAL;
        }
        if ((rc = read_double(r, "parameter", &m->params[i])) || (rc = line_end(r))) return rc;
    }
    if (!next_line(r)) {
        nch_error("%s:%zu: truncated file (no 'end')", r->path, r->lineno + 1);
        return NCH_EINVAL;
    }
    char *t = token(r);
    if (!t || strcmp(t, "end") != 0) {
        nch_error("%s:%zu: expected 'end' after %zu parameters (%s)", r->path, r->lineno,
                  m->n_params, t ? t : "empty line");
        return NCH_EINVAL;
    }
    if ((rc = line_end(r))) return rc;
    while (next_line(r))
        if ((t = token(r))) {
            nch_error("%s:%zu: unexpected content after 'end' (%s)", r->path, r->lineno, t);
            return NCH_EINVAL;
        }
    return NCH_OK;
}

int nch_learnt_load(nch_learnt *m, const char *path)
{
    *m = (nch_learnt){0};
    reader r = {.path = path, .fp = fopen(path, "r")};
    if (!r.fp) {
        nch_error("%s: cannot read (%s)", path, strerror(errno));
        return NCH_EIO;
    }
    int rc = read_header(&r, m);
    if (rc == NCH_OK) rc = read_body(&r, m);
    if (rc == NCH_OK && ferror(r.fp)) {
        nch_error("%s: read error", path);
        rc = NCH_EIO;
    }
    free(r.line);
    fclose(r.fp);
    if (rc != NCH_OK) nch_learnt_free(m);
    return rc;
}
