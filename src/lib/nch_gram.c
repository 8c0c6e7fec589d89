#include "nch_gram.h"

#include "nch_err.h"

#include <float.h>
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

double nch_gram_limit(int n, size_t B)
{
    /* M̂ = fl((1/B) Σ s_i s_iᵀ) by recursive summation: each entry is off by
     * at most γ_{B+1} (1/B) Σ |s_ia s_ib| ≤ γ_{B+1} √(M_aa M_bb) ≤ γ_{B+1} λ_max
     * (Cauchy–Schwarz; a diagonal entry is at most λ_max), γ_k ≈ k u, so
     * ‖M̂ − M‖₂ ≤ n (B + 1) u λ_max; dgesvd adds a backward error of about
     * n u ‖M̂‖₂.  By Weyl's inequality the computed λ_min is then within
     * n (B + 2) u λ_max of the exact one: at or below that it cannot be told
     * from a singular M, and the whitening 1/(√S + ε_g) would set the weight
     * of that direction from rounding and ε_g, not from data. */
    const double u = DBL_EPSILON / 2;
    return n * ((double)B + 2) * u;
}

/* M = (1/B) Σ s_i s_iᵀ = U diag(S) Vᵀ (S descending), s_i the scalers of
 * the B samples; NCH_ENONFIN if M is not finite, NCH_ENOCONV if the SVD
 * fails, NCH_EDEGEN if M is numerically singular (S[n−1] ≤ limit · S[0]). */
static int gram_svd(int n, size_t B, const double *samples, size_t width, nch_gram_scaler scaler,
                    double *S, double *U, double *VT)
{
    double M[NCH_ZMAX * NCH_ZMAX] = {0}, superb[NCH_ZMAX], s[NCH_ZMAX];
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
    return S[n - 1] > nch_gram_limit(n, B) * S[0] ? NCH_OK : NCH_EDEGEN;
}

int nch_gram_ratio(int n, size_t B, const double *samples, size_t width, nch_gram_scaler scaler,
                   double *ratio)
{
    if (n < 1 || n > NCH_ZMAX || B == 0) return NCH_EINVAL;
    double S[NCH_ZMAX], U[NCH_ZMAX * NCH_ZMAX], VT[NCH_ZMAX * NCH_ZMAX];
    for (int i = 0; i < NCH_ZMAX; i++) S[i] = NAN;
    int rc = gram_svd(n, B, samples, width, scaler, S, U, VT);
    *ratio = S[0] > 0 ? S[n - 1] / S[0] : S[0] == 0 ? 0 : NAN; /* NaN: M not finite */
    return rc;
}

/* W = U diag(1/(√S + eps)) Vᵀ from gram_svd; W is n×n row-major. */
static int gram_whitener(int n, size_t B, const double *samples, size_t width,
                         nch_gram_scaler scaler, double eps, double *W)
{
    double S[NCH_ZMAX], U[NCH_ZMAX * NCH_ZMAX], VT[NCH_ZMAX * NCH_ZMAX];
    int rc = gram_svd(n, B, samples, width, scaler, S, U, VT);
    if (rc != NCH_OK) return rc;
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
     * later; the Gram path rejects it here, so this one does too.  Nothing
     * is inverted, so collinear scalers are fine; but when every scaler is
     * zero no sample has a scale and each relative term is n(u)/1e-8, set
     * by the ε alone: degenerate data, as for the Gram norm. */
    double s[NCH_ZMAX];
    int moving = 0;
    for (size_t i = 0; i < B; i++) {
        scaler(n, samples + i * width, s);
        for (int a = 0; a < n; a++) {
            if (!isfinite(s[a])) return NCH_ENONFIN;
            moving |= s[a] != 0;
        }
    }
    return moving ? NCH_OK : NCH_EDEGEN;
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
