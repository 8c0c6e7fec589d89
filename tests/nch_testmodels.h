/* Small hand-made models for the dynamics-core tests, and the
 * finite-difference helpers that check them.
 *
 * - oscillator (d = 1, jets only): θ = y, H = (x² + y²)/2, so ẋ = y, ẏ = −x.
 * - lv2 (d = 2, jets only): two uncoupled reference LV copies,
 *   z = (x1, x2, y1, y2); every result must match the d = 1 LV per copy.
 * - coupled (d = 2, jets only): θ(z) = A x + B y + ½ (zᵀC_1z, zᵀC_2z),
 *   H = ½ zᵀSz + (κ/6)(u·z)³, with a non-symmetric A and non-diagonal B, so
 *   every d×d block and index order of the general formulas matters.
 * Functions are static inline so each test file may use any subset. */
#ifndef NCH_TESTMODELS_H
#define NCH_TESTMODELS_H

#include "nch_test.h"

#include "nch_err.h"
#include "nch_lv.h"
#include "nch_model.h"

#include <float.h>
#include <string.h>

static inline int osc_jets(const nch_model *m, size_t n, const double *z, int order,
                           nch_jet *out)
{
    (void)m;
    for (size_t p = 0; p < n; p++) {
        const double *q = z + 2 * p;
        nch_jet *j = out + p;
        j->theta[0] = q[1];
        j->H = (q[0] * q[0] + q[1] * q[1]) / 2;
        if (order >= 1) {
            j->dtheta[0][0] = 0;
            j->dtheta[0][1] = 1;
            j->dH[0] = q[0];
            j->dH[1] = q[1];
        }
        if (order >= 2) {
            memset(j->d2theta, 0, sizeof j->d2theta);
            memset(j->d2H, 0, sizeof j->d2H);
            j->d2H[0][0] = j->d2H[1][1] = 1;
        }
    }
    return NCH_OK;
}

static inline void osc_model(nch_model *m)
{
    *m = (nch_model){.name = "oscillator", .d = 1, .jets = osc_jets};
}

/* (x1, x2, y1, y2) ↔ copy k's (x_k, y_k). */
static inline int lv2_jets(const nch_model *m, size_t n, const double *z, int order,
                           nch_jet *out)
{
    nch_model lv;
    nch_lv_model(&lv);
    (void)m;
    for (size_t p = 0; p < n; p++) {
        const double *q = z + 4 * p;
        nch_jet *j = out + p;
        memset(j, 0, sizeof *j);
        for (int k = 0; k < 2; k++) {
            double zk[2] = {q[k], q[2 + k]};
            nch_jet jk;
            int rc = lv.jets(&lv, 1, zk, order, &jk);
            if (rc != NCH_OK) return rc;
            int idx[2] = {k, 2 + k};
            j->theta[k] = jk.theta[0];
            j->H += jk.H;
            for (int a = 0; a < 2 && order >= 1; a++) {
                j->dtheta[k][idx[a]] = jk.dtheta[0][a];
                j->dH[idx[a]] = jk.dH[a];
                for (int b = 0; b < 2 && order >= 2; b++) {
                    j->d2theta[k][idx[a]][idx[b]] = jk.d2theta[0][a][b];
                    j->d2H[idx[a]][idx[b]] = jk.d2H[a][b];
                }
            }
        }
    }
    return NCH_OK;
}

static inline int lv2_in_domain(const nch_model *m, const double *z)
{
    (void)m;
    return z[0] > 0 && z[1] > 0 && z[2] > 0 && z[3] > 0 ? NCH_OK : NCH_EDOM;
}

static inline void lv2_model(nch_model *m)
{
    *m = (nch_model){.name = "lv2", .d = 2, .jets = lv2_jets, .in_domain = lv2_in_domain};
}

static inline int cpl_jets(const nch_model *m, size_t n, const double *z, int order,
                           nch_jet *out)
{
    static const double CPL_A[2][2] = {{0.3, -0.2}, {0.5, 0.1}};
    static const double CPL_B[2][2] = {{1.0, 0.2}, {-0.1, 0.8}};
    static const double CPL_C[2][4][4] = {
        {{0.10, 0.05, -0.02, 0.03}, {0.05, -0.08, 0.04, 0.01}, {-0.02, 0.04, 0.06, -0.05},
         {0.03, 0.01, -0.05, 0.02}},
        {{-0.04, 0.02, 0.07, -0.01}, {0.02, 0.09, -0.03, 0.05}, {0.07, -0.03, -0.06, 0.02},
         {-0.01, 0.05, 0.02, 0.08}}};
    static const double CPL_S[4][4] = {{2.0, 0.3, 0.1, -0.2}, {0.3, 1.5, 0.2, 0.1},
                                       {0.1, 0.2, 1.2, 0.3}, {-0.2, 0.1, 0.3, 1.8}};
    static const double CPL_KAPPA = 0.3;
    static const double CPL_U[4] = {0.5, -0.3, 0.2, 0.4};
    (void)m;
    for (size_t p = 0; p < n; p++) {
        const double *q = z + 4 * p;
        nch_jet *j = out + p;
        double uz = 0, Sz[4] = {0};
        for (int a = 0; a < 4; a++) {
            uz += CPL_U[a] * q[a];
            for (int b = 0; b < 4; b++) Sz[a] += CPL_S[a][b] * q[b];
        }
        j->H = CPL_KAPPA / 6 * uz * uz * uz;
        for (int a = 0; a < 4; a++) j->H += q[a] * Sz[a] / 2;
        for (int i = 0; i < 2; i++) {
            double Cz[4] = {0}, zCz = 0;
            for (int a = 0; a < 4; a++) {
                for (int b = 0; b < 4; b++) Cz[a] += CPL_C[i][a][b] * q[b];
                zCz += q[a] * Cz[a];
            }
            j->theta[i] = zCz / 2;
            for (int k = 0; k < 2; k++) j->theta[i] += CPL_A[i][k] * q[k] + CPL_B[i][k] * q[2 + k];
            for (int a = 0; a < 4 && order >= 1; a++)
                j->dtheta[i][a] = Cz[a] + (a < 2 ? CPL_A[i][a] : CPL_B[i][a - 2]);
            for (int a = 0; a < 4 && order >= 2; a++)
                for (int b = 0; b < 4; b++) j->d2theta[i][a][b] = CPL_C[i][a][b];
        }
        for (int a = 0; a < 4 && order >= 1; a++) {
            j->dH[a] = Sz[a] + CPL_KAPPA / 2 * uz * uz * CPL_U[a];
            for (int b = 0; b < 4 && order >= 2; b++)
                j->d2H[a][b] = CPL_S[a][b] + CPL_KAPPA * uz * CPL_U[a] * CPL_U[b];
        }
    }
    return NCH_OK;
}

static inline void coupled_model(nch_model *m)
{
    *m = (nch_model){.name = "coupled", .d = 2, .jets = cpl_jets};
}

/* Round-off bound of one value of these models' jets or fields: each is a
 * short formula (≤ 8 roundings, a solve of condition ≤ 2 for the fields
 * from jets) of terms ≤ 8·max(1, |value|) at the tests' points. */
static inline double model_value_err(double v)
{
    return 64 * NCH_U * fmax(1, fabs(v));
}

/* Central difference step for a point of size ~1: balances the O(ε²)
 * truncation against the O(u/ε) cancellation error. */
#define FD_EPS 1e-5

/* Asserts |exact − D(e)| ≤ tol for the central difference D(e) of a value g
 * known at z ± e (gp1, gm1) and z ± 2e (gp2, gm2).  tol = truncation +
 * round-off: the truncation e²g‴/6 of D(e) is estimated by Richardson,
 * |D(e) − D(2e)|/3 (D(2e) carries four times that term), and doubled for the
 * O(e⁴) rest; the round-off is 8u·G/e, every g being a short sum correct
 * to a few ulp of its largest term, with G the largest |g| evaluated or
 * `terms` (the caller's bound on the terms of a value that cancel, 0 if
 * none cancel beyond a factor of a few). */
static inline void assert_fd(double exact, double gp1, double gm1, double gp2, double gm2, double e,
                             double terms, const char *what, int a, int c)
{
    double d1 = (gp1 - gm1) / (2 * e), d2 = (gp2 - gm2) / (4 * e);
    double G = fmax(fmax(fmax(fabs(gp1), fabs(gm1)), fmax(fabs(gp2), fabs(gm2))), terms);
    double tol = 2 * fabs(d1 - d2) / 3 + 8 * NCH_U * G / e;
    if (!(fabs(exact - d1) <= tol))
        print_error("%s[%d] along z_%d: exact %.17g, difference %.17g\n", what, a, c, exact, d1);
    assert_le(fabs(exact - d1), tol);
}

/* Checks the order-1 entries of the jet at z against central differences of
 * the order-0 entries, and the order-2 entries against differences of the
 * order-1 entries, with step FD_EPS·scale[c] along z_c; `terms` as in
 * assert_fd. */
static inline void check_jets_fd_scaled(const nch_model *m, const double *z, const double *scale,
                                        double terms)
{
    int d = m->d, n = 2 * d;
    nch_jet j0;
    assert_int_equal(m->jets(m, 1, z, 2, &j0), NCH_OK);
    for (int c = 0; c < n; c++) {
        double e = FD_EPS * scale[c];
        nch_jet jt[4]; /* at z + e, z − e, z + 2e, z − 2e */
        for (int k = 0; k < 4; k++) {
            double zs[NCH_ZMAX];
            memcpy(zs, z, (size_t)n * sizeof *z);
            zs[c] += (k < 2 ? 1 : 2) * (k % 2 ? -e : e);
            assert_int_equal(m->jets(m, 1, zs, 1, &jt[k]), NCH_OK);
        }
        assert_fd(j0.dH[c], jt[0].H, jt[1].H, jt[2].H, jt[3].H, e, terms, "dH", c, c);
        for (int a = 0; a < n; a++)
            assert_fd(j0.d2H[a][c], jt[0].dH[a], jt[1].dH[a], jt[2].dH[a], jt[3].dH[a], e, terms, "d2H", a, c);
        for (int i = 0; i < d; i++) {
            assert_fd(j0.dtheta[i][c], jt[0].theta[i], jt[1].theta[i], jt[2].theta[i], jt[3].theta[i], e,
                      terms, "dtheta", i, c);
            for (int a = 0; a < n; a++)
                assert_fd(j0.d2theta[i][a][c], jt[0].dtheta[i][a], jt[1].dtheta[i][a], jt[2].dtheta[i][a],
                          jt[3].dtheta[i][a], e, terms, "d2theta", i * n + a, c);
        }
    }
}

/* The same with steps relative to max(1, |z_c|). */
static inline void check_jets_fd(const nch_model *m, const double *z)
{
    double scale[NCH_ZMAX];
    for (int c = 0; c < 2 * m->d; c++) scale[c] = fmax(1, fabs(z[c]));
    check_jets_fd_scaled(m, z, scale, 0);
}

#endif
