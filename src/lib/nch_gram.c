#include "nch_gram.h"

#include "nch_err.h"

#include <lapacke.h>
#include <math.h>

/* The ε of the relative term (spec §1.5). */
static const double REL_EPS = 1e-8;

static const char *const norm_names[] = {"gram", "scaled"};
#define NNORM (sizeof norm_names / sizeof norm_names[0])

const char *nch_norm_kind_name(nch_norm_kind k)
{
    return (size_t)k < NNORM ? norm_names[k] : "?";
}

int nch_norm_kind_parse(const char *s, nch_norm_kind *k)
{
    int i = nch_lookup(norm_names, NNORM, s);
    if (i < 0) return NCH_EINVAL;
    *k = (nch_norm_kind)i;
    return NCH_OK;
}

/* W = U diag(1/(√S + eps)) Vᵀ for M = (1/B) Σ s_i s_iᵀ = U diag(S) Vᵀ, s_i
 * the scalers of the B samples; W is n×n row-major. */
static int gram_whitener(int n, size_t B, const double *samples, size_t width,
                         nch_gram_scaler scaler, double eps, double *W)
{
    double M[NCH_ZMAX * NCH_ZMAX] = {0}, S[NCH_ZMAX], U[NCH_ZMAX * NCH_ZMAX],
           VT[NCH_ZMAX * NCH_ZMAX], superb[NCH_ZMAX], s[NCH_ZMAX];
    for (size_t i = 0; i < B; i++) {
        scaler(n, samples + i * width, s);
        for (int a = 0; a < n; a++)
            for (int b = 0; b < n; b++) M[a * n + b] += s[a] * s[b];
    }
    for (int a = 0; a < n * n; a++) {
        M[a] /= (double)B;
        if (!isfinite(M[a])) return NCH_ENONFIN;
    }
    lapack_int info = LAPACKE_dgesvd(LAPACK_ROW_MAJOR, 'A', 'A', n, n, M, n, S, U, n, VT, n,
                                     superb);
    if (info != 0) return NCH_ENOCONV;
    for (int a = 0; a < n; a++)
        for (int b = 0; b < n; b++) {
            double v = 0;
            for (int q = 0; q < n; q++) v += U[a * n + q] * VT[q * n + b] / (sqrt(S[q]) + eps);
            W[a * n + b] = v;
        }
    return NCH_OK;
}

int nch_gram_init(nch_gram *g, nch_norm_kind kind, double gram_eps, int n, size_t B,
                  const double *samples, size_t width, nch_gram_scaler scaler)
{
    if ((size_t)kind >= NNORM || n < 1 || n > NCH_ZMAX || B == 0) return NCH_EINVAL;
    g->n = n;
    g->whiten = kind == NCH_NORM_GRAM;
    if (g->whiten) return gram_whitener(n, B, samples, width, scaler, gram_eps, g->W);
    /* Without whitening a non-finite scaler would only show in the terms
     * later; the Gram path rejects it here, so this one does too. */
    double s[NCH_ZMAX];
    for (size_t i = 0; i < B; i++) {
        scaler(n, samples + i * width, s);
        for (int a = 0; a < n; a++)
            if (!isfinite(s[a])) return NCH_ENONFIN;
    }
    return NCH_OK;
}

double nch_gram_apply(const nch_gram *g, const double *u, double *ut)
{
    const int n = g->n;
    double s = 0;
    for (int c = 0; c < n; c++) {
        double v = u[c];
        if (g->whiten) {
            v = 0;
            for (int a = 0; a < n; a++) v += u[a] * g->W[a * n + c];
        }
        ut[c] = v;
        s += v * v;
    }
    return s / n;
}

double nch_gram_coef(double abs_w, double rel_w, double ns, size_t B)
{
    return (abs_w + rel_w / (REL_EPS + ns)) / (double)B;
}

double nch_gram_rel(double nu, double ns) { return nu / (REL_EPS + ns); }

void nch_gram_adjoint(const nch_gram *g, const double *ut, double coef, double *ubar)
{
    const int n = g->n;
    for (int a = 0; a < n; a++) {
        double v = ut[a];
        if (g->whiten) {
            v = 0;
            for (int c = 0; c < n; c++) v += g->W[a * n + c] * ut[c];
        }
        ubar[a] = coef * 2.0 / n * v;
    }
}
