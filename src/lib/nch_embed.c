#include "nch_embed.h"

#include "nch_err.h"
#include "nch_mlp.h"

#include <gsl/gsl_math.h>
#include <math.h>
#include <string.h>

static const char *const kind_names[] = {"drop", "affine", "periodic"};
#define NKINDS (sizeof kind_names / sizeof kind_names[0])

const char *nch_embed_kind_name(nch_embed_kind k)
{
    return (size_t)k < NKINDS ? kind_names[k] : "?";
}

int nch_embed_kind_parse(const char *s, nch_embed_kind *k)
{
    int i = nch_lookup(kind_names, NKINDS, s);
    if (i < 0) return NCH_EINVAL;
    *k = (nch_embed_kind)i;
    return NCH_OK;
}

int nch_embed_init(nch_embed *e, size_t n_in, const nch_embed_kind *kind, const size_t *reps,
                   const double *shift, const double *scale)
{
    if (n_in < 1 || n_in > NCH_ZMAX) return NCH_EINVAL;
    *e = (nch_embed){.n_in = n_in};
    for (size_t c = 0; c < n_in; c++) {
        if ((size_t)kind[c] >= NKINDS) return NCH_EINVAL;
        e->kind[c] = kind[c];
        if (kind[c] == NCH_EMBED_DROP) continue;
        if (reps[c] < 1 || reps[c] > NCH_EMBED_RMAX) return NCH_EINVAL;
        e->reps[c] = reps[c];
        e->dir[e->n_dir++] = c;
        e->n_feat += reps[c];
        if (kind[c] == NCH_EMBED_PERIODIC) {
            if (!e->n_phase) e->col0 = e->n_feat - reps[c];
            e->ncol = e->n_feat - e->col0;
            e->n_phase += reps[c];
            continue;
        }
        if (!isfinite(shift[c]) || !isfinite(scale[c])) return NCH_EINVAL;
        e->shift[c] = shift[c];
        e->scale[c] = scale[c];
    }
    return e->n_dir > 0 ? NCH_OK : NCH_EINVAL;
}

void nch_embed_init_phases(const nch_embed *e, gsl_rng *rng, double *phase)
{
    for (size_t k = 0; k < e->n_phase; k++) phase[k] = 2 * M_PI * gsl_rng_uniform(rng);
}

void nch_embed_forward(const nch_embed *e, const double *phase, size_t B, const double *z,
                       const nch_mlp_jets *jets, double *A0)
{
    const size_t nd = e->n_dir, nf = e->n_feat, K = nch_mlp_jets_ncomp(jets);
    for (size_t p = 0; p < B; p++) {
        double *a = A0 + p * K * nf;
        memset(a, 0, K * nf * sizeof *a);
        const double *zp = z + p * e->n_in;
        for (size_t i = 0, f = 0, ph = 0; i < nd; i++) {
            const size_t c = e->dir[i], R = e->reps[c];
            const long g = nch_mlp_jets_comp(jets, i, -1), h = nch_mlp_jets_comp(jets, i, (long)i);
            for (size_t k = 0; k < R; k++, f++) {
                if (e->kind[c] == NCH_EMBED_AFFINE) {
                    a[f] = (zp[c] + e->shift[c]) * e->scale[c];
                    if (g >= 0) a[g * nf + f] = e->scale[c];
                    continue;
                }
                const double psi = zp[c] + phase[ph++];
                a[f] = 0.5 * (1 + cos(psi));
                if (g >= 0) a[g * nf + f] = -0.5 * sin(psi);
                if (h >= 0) a[h * nf + f] = -0.5 * cos(psi);
            }
        }
    }
}

void nch_embed_backward(const nch_embed *e, const double *phase, size_t B, const double *z,
                        const nch_mlp_jets *jets, const double *A0_bar, double *phase_bar)
{
    const size_t nd = e->n_dir, nf = e->ncol, K = nch_mlp_jets_ncomp(jets);
    for (size_t p = 0; p < B; p++) {
        /* ab[f] is feature f's column for f in col0 .. col0 + ncol − 1. */
        const double *ab = A0_bar + p * K * nf - e->col0, *zp = z + p * e->n_in;
        for (size_t i = 0, f = 0, ph = 0; i < nd; i++) {
            const size_t c = e->dir[i], R = e->reps[c];
            if (e->kind[c] != NCH_EMBED_PERIODIC) {
                f += R;
                continue;
            }
            const long gc = nch_mlp_jets_comp(jets, i, -1), hc = nch_mlp_jets_comp(jets, i, (long)i);
            for (size_t k = 0; k < R; k++, f++, ph++) {
                const double psi = zp[c] + phase[ph], sn = sin(psi), cs = cos(psi);
                double g = -0.5 * sn * ab[f];
                if (gc >= 0) g -= 0.5 * cs * ab[gc * nf + f];
                if (hc >= 0) g += 0.5 * sn * ab[hc * nf + f];
                phase_bar[ph] += g;
            }
        }
    }
}
