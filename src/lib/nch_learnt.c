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

/* The net's direction of state component j, or −1 if the nets do not see it. */
static int direction(const nch_learnt *m, int j)
{
    if (!m->embedded) return j;
    for (size_t i = 0; i < m->embed.n_dir; i++)
        if (m->embed.dir[i] == (size_t)j) return (int)i;
    return -1;
}

void nch_learnt_jets_order(const nch_learnt *m, int order, nch_mlp_jets *j)
{
    nch_mlp_jets_full(m->n_dir, order, j);
}

void nch_learnt_jets(const nch_learnt *m, unsigned grad, unsigned hess, nch_mlp_jets *j)
{
    const int n = 2 * m->d;
    size_t pos[NCH_ZMAX];
    *j = (nch_mlp_jets){0};
    /* Directions increase with the state components (nch_embed keeps their order). */
    for (int c = 0; c < n; c++) {
        const int i = direction(m, c);
        if (i < 0 || !(grad >> c & 1u)) continue;
        pos[c] = j->ng;
        j->dir[j->ng++] = (size_t)i;
    }
    for (int a = 0; a < n; a++)
        for (int b = a; b < n; b++) {
            if (!(hess >> (a * n + b) & 1u) && !(hess >> (b * n + a) & 1u)) continue;
            if (direction(m, a) < 0 || direction(m, b) < 0 || !(grad >> a & 1u) || !(grad >> b & 1u))
                continue;
            j->pair[j->nh][0] = pos[a];
            j->pair[j->nh][1] = pos[b];
            j->nh++;
        }
}

/* Component index of the entry of order 1 (b < 0) or 2 along state
 * components a, b in a net's output block; ZERO if the nets do not see a or
 * b (the entry vanishes), ABSENT if the pattern does not carry it. */
enum { ZERO = -2, ABSENT = -1 };
static long comp_of(const nch_learnt *m, const nch_mlp_jets *jets, int a, int b)
{
    const int i = direction(m, a), j = b < 0 ? 0 : direction(m, b);
    if (i < 0 || j < 0) return ZERO;
    return nch_mlp_jets_comp(jets, (size_t)i, b < 0 ? -1 : j);
}

/* A net output entry by comp_of's index. */
static double entry(const double *block, long c, size_t stride, size_t k)
{
    return c == ZERO ? 0.0 : c == ABSENT ? NAN : block[(size_t)c * stride + k];
}

void nch_learnt_jet_get(const nch_learnt *m, const nch_mlp_jets *jets, const double *z,
                        const double *th, const double *H, nch_jet *jet)
{
    const int d = m->d, n = 2 * d, order = nch_mlp_jets_order(jets);
    /* The H map: h·scale + shift, its derivatives times scale. */
    const int hs = m->out_scaled;
    const double sc = m->out_scale[0];
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
                for (int j = 0; j < n; j++)
                    jet->dtheta[k][j] = entry(th, comp_of(m, jets, j, -1), (size_t)d, (size_t)k);
            if (order >= 2)
                for (int i = 0; i < n; i++)
                    for (int j = i; j < n; j++)
                        jet->d2theta[k][i][j] = jet->d2theta[k][j][i] =
                            entry(th, comp_of(m, jets, i, j), (size_t)d, (size_t)k);
        }
    }
    jet->H = hs ? H[0] * sc + m->out_shift[0] : H[0];
    if (order >= 1)
        for (int j = 0; j < n; j++) {
            const double v = entry(H, comp_of(m, jets, j, -1), 1, 0);
            jet->dH[j] = hs ? v * sc : v;
        }
    if (order >= 2)
        for (int i = 0; i < n; i++)
            for (int j = i; j < n; j++) {
                const double v = entry(H, comp_of(m, jets, i, j), 1, 0);
                jet->d2H[i][j] = jet->d2H[j][i] = hs ? v * sc : v;
            }
}

void nch_learnt_jet_adjoint(const nch_learnt *m, const nch_mlp_jets *jets, const nch_jet *bar,
                            double *th_bar, double *H_bar)
{
    const int d = m->d, n = 2 * d, order = nch_mlp_jets_order(jets);
    const int hs = m->out_scaled;
    const double sc = m->out_scale[0];
    if (m->kind != NCH_LEARNT_CANONICAL)
        for (int k = 0; k < d; k++) {
            th_bar[k] = bar->theta[k];
            if (order >= 1)
                for (int j = 0; j < n; j++) {
                    const long c = comp_of(m, jets, j, -1);
                    if (c >= 0) th_bar[c * d + k] = bar->dtheta[k][j];
                }
            if (order >= 2)
                for (int i = 0; i < n; i++)
                    for (int j = i; j < n; j++) {
                        const long c = comp_of(m, jets, i, j);
                        if (c >= 0)
                            th_bar[c * d + k] = i == j ? bar->d2theta[k][i][i]
                                                       : bar->d2theta[k][i][j] + bar->d2theta[k][j][i];
                    }
        }
    H_bar[0] = hs ? bar->H * sc : bar->H;
    if (order >= 1)
        for (int j = 0; j < n; j++) {
            const long c = comp_of(m, jets, j, -1);
            if (c >= 0) H_bar[c] = hs ? bar->dH[j] * sc : bar->dH[j];
        }
    if (order >= 2)
        for (int i = 0; i < n; i++)
            for (int j = i; j < n; j++) {
                const long c = comp_of(m, jets, i, j);
                if (c < 0) continue;
                const double v = i == j ? bar->d2H[i][i] : bar->d2H[i][j] + bar->d2H[j][i];
                H_bar[c] = hs ? v * sc : v;
            }
}

void nch_learnt_field_get(const nch_learnt *m, const double *out, double *f)
{
    const size_t n = 2 * (size_t)m->d;
    if (!m->out_scaled) {
        memcpy(f, out, n * sizeof *f);
        return;
    }
    for (size_t c = 0; c < n; c++) f[c] = out[c] * m->out_scale[c] + m->out_shift[c];
}

void nch_learnt_field_adjoint(const nch_learnt *m, const double *f_bar, double *out_bar)
{
    const size_t n = 2 * (size_t)m->d;
    if (!m->out_scaled) {
        memcpy(out_bar, f_bar, n * sizeof *out_bar);
        return;
    }
    for (size_t c = 0; c < n; c++) out_bar[c] = f_bar[c] * m->out_scale[c];
}

/* ---------------------------------------------------------------- forward, backward */

struct nch_learnt_work {
    size_t B_max, n_in;
    int order_max;
    nch_mlp_work *mw[2];
    /* Embedded models: the latest call's points and jets, the features'
     * jets and their adjoint. */
    size_t B;
    nch_mlp_jets jets;
    double *z, *A0, *A0_bar;
};

void nch_learnt_work_free(nch_learnt_work *w)
{
    if (!w) return;
    for (size_t k = 0; k < 2; k++) nch_mlp_work_free(w->mw[k]);
    free(w->z);
    free(w->A0);
    free(w->A0_bar);
    free(w);
}

nch_learnt_work *nch_learnt_work_alloc(const nch_learnt *m, size_t B_max, int order_max)
{
    if (B_max == 0 || order_max < 0 || order_max > 2) return NULL;
    nch_learnt_work *w = calloc(1, sizeof *w);
    if (!w) return NULL;
    w->B_max = B_max;
    w->n_in = 2 * (size_t)m->d;
    w->order_max = order_max;
    int ok = 1;
    for (size_t k = 0; k < m->n_nets && ok; k++)
        ok = (w->mw[k] = nch_mlp_work_alloc(&m->net[k], B_max, order_max)) != NULL;
    if (ok && m->embedded) {
        /* B_max × K × n_feat values: the nets' work allocations above bound
         * B_max K n_feat (their inputs are the n_feat features). */
        const size_t rows = B_max * nch_mlp_ncomp(m->n_dir, order_max);
        w->z = nch_alloc(B_max, w->n_in, sizeof *w->z);
        w->A0 = nch_alloc(rows, m->embed.n_feat, sizeof *w->A0);
        w->A0_bar = nch_alloc(rows, m->embed.n_feat, sizeof *w->A0_bar);
        ok = w->z && w->A0 && w->A0_bar;
    }
    if (!ok) {
        nch_learnt_work_free(w);
        return NULL;
    }
    return w;
}

int nch_learnt_forward(const nch_learnt *m, const double *params, size_t B, const double *z,
                       const nch_mlp_jets *jets, nch_learnt_work *w, double *const *out)
{
    if (m->embedded) {
        if (nch_mlp_jets_order(jets) > w->order_max ||
            nch_mlp_jets_ncomp(jets) > nch_mlp_ncomp(m->n_dir, w->order_max) || B > w->B_max ||
            w->n_in != 2 * (size_t)m->d)
            return NCH_EINVAL;
        /* One embedding feeds every net. */
        memcpy(w->z, z, B * w->n_in * sizeof *z);
        w->B = B;
        w->jets = *jets;
        nch_embed_forward(&m->embed, params, B, z, jets, w->A0);
    }
    for (size_t k = 0; k < m->n_nets; k++) {
        const double *p = params + m->off[k];
        int rc = m->embedded ? nch_mlp_forward_features(&m->net[k], p, B, w->A0, jets, w->mw[k],
                                                         out[k])
                             : nch_mlp_forward_jets(&m->net[k], p, B, z, jets, w->mw[k], out[k]);
        if (rc != NCH_OK) return rc;
    }
    return NCH_OK;
}

int nch_learnt_backward(const nch_learnt *m, const double *params, nch_learnt_work *w,
                        const double *const *out_bar, double *grad)
{
    for (size_t k = 0; k < m->n_nets; k++) {
        const double *p = params + m->off[k];
        double *g = grad + m->off[k];
        if (!m->embedded) {
            int rc = nch_mlp_backward(&m->net[k], p, w->mw[k], out_bar[k], g);
            if (rc != NCH_OK) return rc;
            continue;
        }
        int rc = nch_mlp_backward_features(&m->net[k], p, w->mw[k], out_bar[k], g, w->A0_bar,
                                           m->embed.col0, m->embed.ncol);
        if (rc != NCH_OK) return rc;
        nch_embed_backward(&m->embed, params, w->B, w->z, &w->jets, w->A0_bar, grad);
    }
    return NCH_OK;
}

/* ---------------------------------------------------------------- interface */

/* Index of the H net. */
static size_t h_net(const nch_learnt *m) { return m->kind == NCH_LEARNT_NONCANONICAL ? 1 : 0; }

static int learnt_jets(const nch_model *mod, size_t np, const double *z, int order, nch_jet *out)
{
    const nch_learnt *m = mod->params;
    if (order < 0 || order > 2 || m->kind == NCH_LEARNT_MLP) return NCH_EINVAL;
    const size_t n = 2 * (size_t)m->d, K = nch_mlp_ncomp(m->n_dir, order), hn = h_net(m);
    nch_mlp_jets jets;
    nch_learnt_jets_order(m, order, &jets);
    for (size_t p0 = 0; p0 < np; p0 += NCH_LEARNT_CHUNK) {
        const size_t B = np - p0 < NCH_LEARNT_CHUNK ? np - p0 : NCH_LEARNT_CHUNK;
        int rc = nch_learnt_forward(m, m->params, B, z + p0 * n, &jets, m->work, m->out);
        if (rc != NCH_OK) return rc;
        for (size_t p = 0; p < B; p++)
            nch_learnt_jet_get(m, &jets, z + (p0 + p) * n,
                               hn ? m->out[0] + p * K * (size_t)m->d : NULL, m->out[hn] + p * K,
                               out + p0 + p);
    }
    return NCH_OK;
}

/* mlp: the net's value (with the output map); canonical: ẋ = ∇_yH, ẏ = −∇_xH. */
static int learnt_field(const nch_model *mod, size_t np, const double *z, double *f)
{
    const nch_learnt *m = mod->params;
    const size_t d = (size_t)m->d, n = 2 * d, K = nch_mlp_ncomp(m->n_dir, 1);
    nch_mlp_jets jets;
    nch_learnt_jets_order(m, m->kind == NCH_LEARNT_MLP ? 0 : 1, &jets);
    for (size_t p0 = 0; p0 < np; p0 += NCH_LEARNT_CHUNK) {
        const size_t B = np - p0 < NCH_LEARNT_CHUNK ? np - p0 : NCH_LEARNT_CHUNK;
        int rc = nch_learnt_forward(m, m->params, B, z + p0 * n, &jets, m->work, m->out);
        if (rc != NCH_OK) return rc;
        double *fc = f + p0 * n;
        for (size_t p = 0; p < B; p++) {
            if (m->kind == NCH_LEARNT_MLP) {
                nch_learnt_field_get(m, m->out[0] + p * n, fc + p * n);
                continue;
            }
            nch_jet jet;
            nch_learnt_jet_get(m, &jets, z + (p0 + p) * n, NULL, m->out[0] + p * K, &jet);
            for (size_t j = 0; j < d; j++) {
                fc[p * n + j] = jet.dH[d + j];
                fc[p * n + d + j] = -jet.dH[j];
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
    nch_learnt_work_free(m->work);
    m->work = NULL;
    for (size_t k = 0; k < 2; k++) {
        free(m->out[k]);
        m->out[k] = NULL;
    }
    free(m->params);
    m->params = NULL;
}

/* Creates the model with either input map (embed NULL: the nets' own). */
static int create(nch_learnt *m, nch_learnt_kind kind, int d, size_t depth, const size_t *widths,
                  const double *shift, const double *scale, const nch_embed *embed)
{
    *m = (nch_learnt){.kind = kind, .d = d};
    if ((size_t)kind >= NKINDS || d < 1 || d > NCH_DMAX || !shift != !scale) return NCH_EINVAL;
    const size_t n = 2 * (size_t)d;
    if (embed && embed->n_in != n) return NCH_EINVAL;
    const size_t n_out[2] = {
        kind == NCH_LEARNT_MLP ? n : kind == NCH_LEARNT_CANONICAL ? 1 : (size_t)d, 1};
    m->n_nets = kind == NCH_LEARNT_NONCANONICAL ? 2 : 1;
    m->embedded = embed != NULL;
    m->n_dir = n;
    if (embed) {
        m->embed = *embed;
        m->n_phase = m->n_params = embed->n_phase;
        m->n_dir = embed->n_dir;
    }
    for (size_t k = 0; k < m->n_nets; k++) {
        int rc = embed ? nch_mlp_init_features(&m->net[k], embed->n_dir, embed->n_feat, depth,
                                               widths, n_out[k])
                       : nch_mlp_init(&m->net[k], n, depth, widths, n_out[k]);
        if (rc != NCH_OK) return NCH_EINVAL;
        if (shift && nch_mlp_set_normaliser(&m->net[k], shift, scale) != NCH_OK) return NCH_EINVAL;
        m->off[k] = m->n_params;
        m->n_params += m->net[k].n_params;
    }
    m->normalised = shift != NULL;
    m->params = nch_alloc(m->n_params, 1, sizeof *m->params);
    if (m->params) memset(m->params, 0, m->n_params * sizeof *m->params);
    const int order = kind == NCH_LEARNT_MLP ? 0 : 2;
    const size_t K = nch_mlp_ncomp(m->n_dir, order);
    int status = m->params ? NCH_OK : NCH_ENOMEM;
    if (status == NCH_OK && !(m->work = nch_learnt_work_alloc(m, NCH_LEARNT_CHUNK, order)))
        status = NCH_ENOMEM;
    for (size_t k = 0; k < m->n_nets && status == NCH_OK; k++)
        if (!(m->out[k] = nch_alloc(NCH_LEARNT_CHUNK * K, n_out[k], sizeof *m->out[k])))
            status = NCH_ENOMEM;
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

int nch_learnt_create(nch_learnt *m, nch_learnt_kind kind, int d, size_t depth,
                      const size_t *widths, const double *shift, const double *scale)
{
    return create(m, kind, d, depth, widths, shift, scale, NULL);
}

int nch_learnt_create_embedded(nch_learnt *m, nch_learnt_kind kind, int d, size_t depth,
                               const size_t *widths, const nch_embed *embed)
{
    return create(m, kind, d, depth, widths, NULL, NULL, embed);
}

/* Values of the output map: 2d for mlp, 1 (H) otherwise. */
static size_t n_outmap(const nch_learnt *m)
{
    return m->kind == NCH_LEARNT_MLP ? 2 * (size_t)m->d : 1;
}

int nch_learnt_set_output(nch_learnt *m, const double *scale, const double *shift)
{
    const size_t k = n_outmap(m);
    for (size_t c = 0; c < k; c++)
        if (!isfinite(scale[c]) || !isfinite(shift[c])) return NCH_EINVAL;
    for (size_t c = 0; c < k; c++) {
        m->out_scale[c] = scale[c];
        m->out_shift[c] = shift[c];
    }
    m->out_scaled = 1;
    return NCH_OK;
}

void nch_learnt_init_params(nch_learnt *m, gsl_rng *rng)
{
    if (m->embedded) nch_embed_init_phases(&m->embed, rng, m->params);
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
    fputs("\ninput", f.fp);
    if (m->embedded) {
        fputs(" embed", f.fp);
        for (size_t c = 0; c < n; c++) {
            const nch_embed_kind k = m->embed.kind[c];
            fprintf(f.fp, " %s", nch_embed_kind_name(k));
            if (k != NCH_EMBED_DROP) fprintf(f.fp, " %zu", m->embed.reps[c]);
            if (k == NCH_EMBED_AFFINE)
                fprintf(f.fp, " %.17g %.17g", m->embed.shift[c], m->embed.scale[c]);
        }
    } else if (m->normalised) {
        fputs(" normaliser shift", f.fp);
        for (size_t i = 0; i < n; i++) fprintf(f.fp, " %.17g", net->shift[i]);
        fputs(" scale", f.fp);
        for (size_t i = 0; i < n; i++) fprintf(f.fp, " %.17g", net->scale[i]);
    } else {
        fputs(" none", f.fp);
    }
    fputs("\noutput", f.fp);
    if (m->out_scaled) {
        fputs(" scale", f.fp);
        for (size_t c = 0; c < n_outmap(m); c++) fprintf(f.fp, " %.17g", m->out_scale[c]);
        fputs(" shift", f.fp);
        for (size_t c = 0; c < n_outmap(m); c++) fprintf(f.fp, " %.17g", m->out_shift[c]);
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

/* Reads a keyword token; reports what came instead ("expected 'word'
 * where (token)"). */
static int expect_word(reader *r, const char *word, const char *where)
{
    char *t = token(r);
    if (!t || strcmp(t, word) != 0) {
        nch_error("%s:%zu: expected '%s' %s (%s)", r->path, r->lineno, word, where,
                  t ? t : "end of line");
        return NCH_EINVAL;
    }
    return NCH_OK;
}

/* After the keyword FIRST of the `what` (normaliser, output), reads
 * "a_1 .. a_n SECOND b_1 .. b_n". */
static int read_pair(reader *r, const char *first, const char *second, size_t n, double *a,
                     double *b, const char *what)
{
    char name[64], where[128];
    int rc = NCH_OK;
    snprintf(name, sizeof name, "%s %s", what, first);
    for (size_t i = 0; i < n && rc == NCH_OK; i++) rc = read_double(r, name, &a[i]);
    snprintf(where, sizeof where, "after %zu %s values", n, name);
    if (rc == NCH_OK) rc = expect_word(r, second, where);
    snprintf(name, sizeof name, "%s %s", what, second);
    for (size_t i = 0; i < n && rc == NCH_OK; i++) rc = read_double(r, name, &b[i]);
    return rc;
}

/* The input map after its keyword (v1 "normaliser", v2 "input"): *kind 0
 * none, 1 normaliser (shift, scale), 2 embedding (e). */
typedef struct {
    int kind;
    double shift[NCH_ZMAX], scale[NCH_ZMAX];
    nch_embed e;
} input_map;

static int read_embedding(reader *r, size_t n, nch_embed *e)
{
    nch_embed_kind kind[NCH_ZMAX];
    size_t reps[NCH_ZMAX] = {0};
    double shift[NCH_ZMAX] = {0}, scale[NCH_ZMAX] = {0};
    int rc = NCH_OK;
    for (size_t c = 0; c < n && rc == NCH_OK; c++) {
        char *t = token(r);
        if (!t || nch_embed_kind_parse(t, &kind[c]) != NCH_OK) {
            nch_error("%s:%zu: expected drop, periodic or affine for component %zu (%s)", r->path,
                      r->lineno, c + 1, t ? t : "end of line");
            return NCH_EINVAL;
        }
        if (kind[c] == NCH_EMBED_DROP) continue;
        rc = read_size(r, "embedding repeats", 1, NCH_EMBED_RMAX, &reps[c]);
        if (rc == NCH_OK && kind[c] == NCH_EMBED_AFFINE) {
            rc = read_double(r, "embedding shift", &shift[c]);
            if (rc == NCH_OK) rc = read_double(r, "embedding scale", &scale[c]);
        }
    }
    if (rc == NCH_OK && nch_embed_init(e, n, kind, reps, shift, scale) != NCH_OK) {
        nch_error("%s:%zu: bad embedding (no component kept)", r->path, r->lineno);
        rc = NCH_EINVAL;
    }
    return rc;
}

static int read_input(reader *r, size_t version, size_t n, input_map *in)
{
    int rc = keyed_line(r, version == 1 ? "normaliser" : "input");
    if (rc) return rc;
    char *t = token(r);
    const char *norm = version == 1 ? "shift" : "normaliser";
    in->kind = 0;
    if (t && strcmp(t, "none") == 0) {
        /* identity */
    } else if (t && strcmp(t, norm) == 0) {
        in->kind = 1;
        /* v1: "normaliser shift ..."; v2: "input normaliser shift ...". */
        if (version > 1) rc = expect_word(r, "shift", "in the normaliser");
        if (rc == NCH_OK)
            rc = read_pair(r, "shift", "scale", n, in->shift, in->scale, "normaliser");
    } else if (version > 1 && t && strcmp(t, "embed") == 0) {
        in->kind = 2;
        rc = read_embedding(r, n, &in->e);
    } else {
        nch_error("%s:%zu: expected 'none' or '%s'%s (%s)", r->path, r->lineno, norm,
                  version > 1 ? " or 'embed'" : "", t ? t : "end of line");
        return NCH_EINVAL;
    }
    return rc ? rc : line_end(r);
}

/* Everything up to and including the output map and the parameter count;
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
    if (version < 1 || version > NCH_LEARNT_VERSION) {
        nch_error("%s:1: unsupported model format version (%zu; this build reads 1..%d)", r->path,
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
    const size_t n = 2 * d;
    input_map in;
    if ((rc = read_input(r, version, n, &in))) return rc;
    int scaled = 0;
    double oscale[NCH_ZMAX], oshift[NCH_ZMAX];
    const size_t k = kind == NCH_LEARNT_MLP ? n : 1;
    if (version > 1) {
        if ((rc = keyed_line(r, "output"))) return rc;
        t = token(r);
        if (t && strcmp(t, "scale") == 0) {
            scaled = 1;
            rc = read_pair(r, "scale", "shift", k, oscale, oshift, "output");
        } else if (!t || strcmp(t, "none") != 0) {
            nch_error("%s:%zu: expected 'none' or 'scale' (%s)", r->path, r->lineno,
                      t ? t : "end of line");
            return NCH_EINVAL;
        }
        if (rc || (rc = line_end(r))) return rc;
    }
    rc = in.kind == 2 ? nch_learnt_create_embedded(m, kind, (int)d, depth, widths, &in.e)
                      : nch_learnt_create(m, kind, (int)d, depth, widths,
                                          in.kind ? in.shift : NULL, in.kind ? in.scale : NULL);
    if (rc == NCH_OK && scaled) rc = nch_learnt_set_output(m, oscale, oshift);
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
