/* The model interface (nch_model), the LV models (nch_lv) and the regulariser
 * (nch_reg): jets against finite differences, fields against closed forms
 * and the Euler–Lagrange equations, r against the d = 1 closed form and
 * against its characterisation along the flow (r_x = −ẍ,
 * D_yθ r_y = D_xθ ẍ + θ̈). */
#include "nch_test.h"

#include "nch_err.h"
#include "nch_lv.h"
#include "nch_model.h"
#include "nch_reg.h"
#include "nch_testmodels.h"

/* High-entropy points inside the LV domain. */
static const double LV_PTS[][2] = {
    {0.7312, 1.8437}, {2.61803, 0.41421}, {1.2345, 3.1415}, {3.98, 0.27}, {0.391, 0.577}};
#define N_LV_PTS (sizeof LV_PTS / sizeof LV_PTS[0])

/* d = 2 points, z = (x1, x2, y1, y2). */
static const double D2_PTS[][4] = {
    {0.7312, 2.61803, 1.8437, 0.41421}, {1.2345, 0.391, 3.1415, 0.577}, {0.3, -0.45, 0.62, 0.17}};
#define N_D2_PTS (sizeof D2_PTS / sizeof D2_PTS[0])

static void lv_jets_match_finite_differences(void **state)
{
    (void)state;
    nch_model lv, pert;
    nch_lv_model(&lv);
    nch_lv_perturbed_model(&pert);
    for (size_t p = 0; p < N_LV_PTS; p++) {
        check_jets_fd(&lv, LV_PTS[p]);
        check_jets_fd(&pert, LV_PTS[p]);
    }
}

static void test_models_jets_match_finite_differences(void **state)
{
    (void)state;
    nch_model osc, cpl, lv2;
    osc_model(&osc);
    coupled_model(&cpl);
    lv2_model(&lv2);
    for (size_t p = 0; p < N_LV_PTS; p++) check_jets_fd(&osc, LV_PTS[p]);
    for (size_t p = 0; p < N_D2_PTS; p++) {
        check_jets_fd(&cpl, D2_PTS[p]);
        if (p < 2) check_jets_fd(&lv2, D2_PTS[p]);
    }
}

/* H = x − 2 log x + y − log y: two logs (≤ 1u each) and three sums, each
 * ≤ u of the sum of |terms|, and the 17-digit reference's ≤ u/2. */
static double lv_h_tol(double x, double y)
{
    return 4 * NCH_U * (x + 2 * fabs(log(x)) + y + fabs(log(y))) +
           NCH_U * fabs(nch_lv_hamiltonian((double[]){x, y}));
}

static void lv_values_and_jet_orders(void **state)
{
    (void)state;
    assert_close(nch_lv_hamiltonian((double[]){1, 1}), 2, 0, lv_h_tol(1, 1));
    assert_close(nch_lv_hamiltonian((double[]){4, 3}), 3.1287989890921084, 0, lv_h_tol(4, 3));
    assert_close(nch_lv_hamiltonian((double[]){2, 1}), 1.6137056388801094, 0, lv_h_tol(2, 1));
    nch_model lv;
    nch_lv_model(&lv);
    /* A batch call fills each point; entries above the order stay untouched. */
    const double z[4] = {1.5, 0.5, 0.8, 2.2};
    nch_jet j[2];
    memset(j, 0, sizeof j);
    j[1].dH[0] = 42;
    assert_int_equal(lv.jets(&lv, 2, z, 0, j), NCH_OK);
    /* The jet's H and θ are these very operations: bitwise. */
    assert_true(j[1].H == nch_lv_hamiltonian(z + 2));
    assert_true(j[0].theta[0] == -log(0.5) / 1.5);
    assert_true(j[1].dH[0] == 42);
}

static void lv_field_from_jets_is_closed_form(void **state)
{
    (void)state;
    nch_model lv, pert, lv_nofield;
    nch_lv_model(&lv);
    nch_lv_perturbed_model(&pert);
    nch_lv_model(&lv_nofield);
    lv_nofield.field = NULL;
    for (size_t p = 0; p < N_LV_PTS; p++) {
        const double *z = LV_PTS[p];
        double f[2], g[2], gp[2], gn[2];
        nch_jet jl, jp;
        assert_int_equal(nch_model_field(&lv, 1, z, f), NCH_OK);
        /* The field is these very operations: bitwise. */
        assert_true(f[0] == z[0] * (1 - z[1]));
        assert_true(f[1] == z[1] * (z[0] - 2));
        assert_int_equal(lv.jets(&lv, 1, z, 1, &jl), NCH_OK);
        assert_int_equal(pert.jets(&pert, 1, z, 1, &jp), NCH_OK);
        assert_int_equal(nch_field_from_jet(1, &jl, g), NCH_OK);
        assert_int_equal(nch_field_from_jet(1, &jp, gp), NCH_OK);
        assert_int_equal(nch_model_field(&lv_nofield, 1, z, gn), NCH_OK);
        /* ẋ = H_y/θ_y with H_y = 1 − 1/y and θ_y = −1/(xy) (the gauge leaves
         * both alone): 4u of ẋ, and 1/y's u amplified by |1/θ_y| = xy, i.e.
         * ux; ẏ likewise with 2u·y; the closed form's 2 roundings. */
        for (int c = 0; c < 2; c++) {
            const double tol = 2 * NCH_U * (z[0] + z[1]);
            assert_close(g[c], f[c], 6 * NCH_U, tol);
            assert_close(gp[c], f[c], 6 * NCH_U, tol);
            assert_true(gn[c] == g[c]);
        }
    }
    /* A batch through the jets gives the same values as one point at a time. */
    double fb[2 * N_LV_PTS], f1[2];
    assert_int_equal(nch_model_field(&lv_nofield, N_LV_PTS, &LV_PTS[0][0], fb), NCH_OK);
    for (size_t p = 0; p < N_LV_PTS; p++) {
        assert_int_equal(nch_model_field(&lv_nofield, 1, LV_PTS[p], f1), NCH_OK);
        assert_true(fb[2 * p] == f1[0] && fb[2 * p + 1] == f1[1]);
    }
}

static void d2_field_from_jet(void **state)
{
    (void)state;
    nch_model lv, lv2, cpl;
    nch_lv_model(&lv);
    lv2_model(&lv2);
    coupled_model(&cpl);
    for (size_t p = 0; p < N_D2_PTS; p++) {
        const double *z = D2_PTS[p];
        double f[4];
        if (p < 2) {
            /* Uncoupled copies: the d = 1 closed form per copy, within the
             * bound of a field from jets (above) plus 2u: the diagonal 2×2
             * Cramer solve is b·a₁₁/(a₀₀a₁₁), 3 roundings where d = 1 divides
             * once, and the coupling sums add exact zeros. */
            assert_int_equal(nch_model_field(&lv2, 1, z, f), NCH_OK);
            for (int k = 0; k < 2; k++) {
                double fk[2];
                assert_int_equal(nch_model_field(&lv, 1, (double[]){z[k], z[2 + k]}, fk), NCH_OK);
                assert_close(f[k], fk[0], 8 * NCH_U, 2 * NCH_U * (z[k] + z[2 + k]));
                assert_close(f[2 + k], fk[1], 8 * NCH_U, 2 * NCH_U * (z[k] + z[2 + k]));
            }
        }
        /* Coupled: both Euler–Lagrange equations hold, checked by products. */
        nch_jet j;
        assert_int_equal(cpl.jets(&cpl, 1, z, 1, &j), NCH_OK);
        assert_int_equal(nch_model_field(&cpl, 1, z, f), NCH_OK);
        /* Residuals of sums of ≤ 7 products (7u of the sum of |terms| s),
         * with f off by ≤ 16u (two Cramer solves of condition ≤ 2 and a
         * 3-term sum), i.e. ≤ 16u·s more: 24u·s. */
        for (int a = 0; a < 2; a++) {
            double ey = -j.dH[2 + a], ex = j.dH[a], sy = fabs(ey), sx = fabs(ex);
            for (int i = 0; i < 2; i++) {
                ey += j.dtheta[i][2 + a] * f[i];
                ex += j.dtheta[a][i] * f[i] + j.dtheta[a][2 + i] * f[2 + i] - j.dtheta[i][a] * f[i];
                sy += fabs(j.dtheta[i][2 + a] * f[i]);
                sx += fabs(j.dtheta[a][i] * f[i]) + fabs(j.dtheta[a][2 + i] * f[2 + i]) +
                      fabs(j.dtheta[i][a] * f[i]);
            }
            assert_close(ey, 0, 0, 24 * NCH_U * sy);
            assert_close(ex, 0, 0, 24 * NCH_U * sx);
        }
    }
    nch_model osc;
    osc_model(&osc);
    double f[2];
    /* θ_y = 1 and the coupling term is 0·ẋ: every operation exact. */
    assert_int_equal(nch_model_field(&osc, 1, (double[]){0.3, -1.7}, f), NCH_OK);
    assert_true(f[0] == -1.7);
    assert_true(f[1] == -0.3);
}

static void small_solve(void **state)
{
    (void)state;
    const double A[4][5] = {{2.3, -0.7, 0.4, 1.1, 99},
                            {0.5, 1.9, -0.3, 0.2, 99},
                            {-0.8, 0.6, 2.7, -0.4, 99},
                            {0.1, -1.2, 0.9, 3.1, 99}};
    const double b[4] = {0.37, -1.21, 2.03, 0.58};
    for (int n = 1; n <= 4; n++) {
        for (int trans = 0; trans <= 1; trans++) {
            double u[4];
            memcpy(u, b, sizeof u);
            assert_int_equal(nch_solve_small(n, &A[0][0], 5, trans, u), NCH_OK);
            /* LU with partial pivoting (n > 2) is backward stable,
             * |b − Au| ≤ γ_3n|L||U||u| with |L||U| ≈ |A| (diagonally dominant:
             * no growth); Cramer (n = 2) errs by ≤ 5u of |A||u| (no cancellation
             * in det here); the residual adds n roundings: ≤ 4(n + 1)u|A||u|. */
            for (int i = 0; i < n; i++) {
                double s = 0, sa = 0;
                for (int k = 0; k < n; k++) {
                    s += (trans ? A[k][i] : A[i][k]) * u[k];
                    sa += fabs((trans ? A[k][i] : A[i][k]) * u[k]);
                }
                assert_close(s, b[i], 0, 4 * (n + 1) * NCH_U * sa);
            }
        }
    }
    const double S[3][3] = {{1, 2, 3}, {2, 4, 6}, {0, 1, 1}};
    double u[3] = {1, 2, 3};
    assert_int_equal(nch_solve_small(2, &S[0][0], 3, 0, u), NCH_ESING);
    assert_int_equal(nch_solve_small(1, &S[2][0], 3, 0, u), NCH_ESING);
    const double N[3][3] = {{1, 0, 0}, {0, NAN, 0}, {0, 0, 1}};
    assert_int_equal(nch_solve_small(3, &N[0][0], 3, 0, u), NCH_ENONFIN);
    assert_int_equal(nch_solve_small(5, &A[0][0], 5, 0, u), NCH_EINVAL);
}

static int singular_jets(const nch_model *m, size_t n, const double *z, int order, nch_jet *out)
{
    /* θ = x: D_yθ = 0, a degenerate Lagrangian with no dynamics. */
    assert_int_equal(osc_jets(m, n, z, order, out), NCH_OK);
    for (size_t p = 0; p < n; p++) {
        out[p].dtheta[0][0] = 1;
        out[p].dtheta[0][1] = 0;
    }
    return NCH_OK;
}

static void domain_and_errors(void **state)
{
    (void)state;
    nch_model lv, pert;
    nch_lv_model(&lv);
    nch_lv_perturbed_model(&pert);
    const double bad[][2] = {{0, 1}, {-1, 1}, {1, 0}, {1, -0.5}, {NAN, 1}, {1, NAN}};
    for (size_t p = 0; p < sizeof bad / sizeof bad[0]; p++) {
        nch_jet j;
        assert_int_equal(nch_model_check_domain(&lv, bad[p]), NCH_EDOM);
        assert_int_equal(lv.jets(&lv, 1, bad[p], 2, &j), NCH_EDOM);
        assert_int_equal(pert.jets(&pert, 1, bad[p], 2, &j), NCH_EDOM);
    }
    assert_int_equal(nch_model_check_domain(&lv, (double[]){1e-300, 1e300}), NCH_OK);
    nch_model osc;
    osc_model(&osc);
    assert_int_equal(nch_model_check_domain(&osc, (double[]){-5, -5}), NCH_OK);

    double f[4];
    nch_model none = {.name = "none", .d = 1};
    assert_int_equal(nch_model_field(&none, 1, (double[]){1, 1}, f), NCH_EINVAL);
    nch_model sing = {.name = "singular", .d = 1, .jets = singular_jets};
    assert_int_equal(nch_model_field(&sing, 1, (double[]){1, 1}, f), NCH_ESING);
    nch_jet j;
    assert_int_equal(osc.jets(&osc, 1, (double[]){1, 1}, 1, &j), NCH_OK);
    assert_int_equal(nch_field_from_jet(0, &j, f), NCH_EINVAL);
    assert_int_equal(nch_field_from_jet(NCH_DMAX + 1, &j, f), NCH_EINVAL);
}

/* lotka-volterra.md §5.2, d = 1 written out; tol[k] bounds |r[k] − nch_reg_r|:
 * both sum the same ≤ 3 products in different orders (≤ 4 roundings each,
 * of the sum s of |terms|) and divide by θ_y once: 8u·s/|θ_y|, r[0]'s error
 * entering r[1] through 2θ_x. */
static void r_closed_form_d1(const nch_jet *j, const double *zd, double *r, double *tol)
{
    double tx = j->dtheta[0][0], ty = j->dtheta[0][1];
    double txx = j->d2theta[0][0][0], txy = j->d2theta[0][0][1], tyy = j->d2theta[0][1][1];
    double hxx = j->d2H[0][0], hxy = j->d2H[0][1], hyy = j->d2H[1][1];
    double xd = zd[0], yd = zd[1];
    r[0] = ((txy * xd - hxy) * xd + (tyy * xd - hyy) * yd) / ty;
    r[1] = (-2 * tx * r[0] + (txx * xd - hxx) * xd + (txy * xd - hxy) * yd) / ty;
    const double s0 =
        (fabs(txy * xd) + fabs(hxy)) * fabs(xd) + (fabs(tyy * xd) + fabs(hyy)) * fabs(yd);
    const double s1 = fabs(2 * tx * r[0]) + (fabs(txx * xd) + fabs(hxx)) * fabs(xd) +
                      (fabs(txy * xd) + fabs(hxy)) * fabs(yd);
    tol[0] = 8 * NCH_U * s0 / fabs(ty);
    tol[1] = (8 * NCH_U * s1 + 2 * fabs(tx) * tol[0]) / fabs(ty);
}

static void reg_matches_d1_closed_form(void **state)
{
    (void)state;
    nch_model lv, pert;
    nch_lv_model(&lv);
    nch_lv_perturbed_model(&pert);
    const nch_model *ms[2] = {&lv, &pert};
    for (int mi = 0; mi < 2; mi++) {
        for (size_t p = 0; p < N_LV_PTS; p++) {
            const double *z = LV_PTS[p];
            nch_jet j;
            assert_int_equal(ms[mi]->jets(ms[mi], 1, z, 2, &j), NCH_OK);
            double own[2], data[2] = {0.83, -1.37}, r[2], rc[2], tol[2];
            assert_int_equal(nch_model_field(ms[mi], 1, z, own), NCH_OK);
            const double *zd[2] = {own, data};
            for (int k = 0; k < 2; k++) {
                assert_int_equal(nch_reg_r(1, &j, zd[k], r), NCH_OK);
                r_closed_form_d1(&j, zd[k], rc, tol);
                assert_close(r[0], rc[0], 0, tol[0]);
                assert_close(r[1], rc[1], 0, tol[1]);
            }
            assert_int_equal(nch_reg_model_r(ms[mi], z, r), NCH_OK);
            r_closed_form_d1(&j, own, rc, tol);
            assert_close(r[0], rc[0], 0, tol[0]);
            assert_close(r[1], rc[1], 0, tol[1]);
            /* f − (h/2)r: r's bound times h/2, and 2 roundings per side. */
            double fh[2], hstep = 0.1;
            assert_int_equal(nch_reg_modified_field(ms[mi], hstep, z, fh), NCH_OK);
            assert_close(fh[0], own[0] - hstep / 2 * rc[0], 4 * NCH_U, hstep / 2 * tol[0]);
            assert_close(fh[1], own[1] - hstep / 2 * rc[1], 4 * NCH_U, hstep / 2 * tol[1]);
        }
    }
}

/* r_x = −ẍ and D_yθ r_y = D_xθ ẍ + θ̈ along the model's own flow, with
 * z̈ = Df·f by central differences at steps e and 2e (nch_fd_tol: each field
 * value errs by model_value_err, rounding z ± e f moves it far less) and
 * θ̈ = D²θ[ż, ż] + D_zθ z̈. */
static void check_r_along_flow(const nch_model *m, const double *z)
{
    int d = m->d, n = 2 * d;
    double f[NCH_ZMAX], r[NCH_ZMAX], fq[4][NCH_ZMAX], zdd[NCH_ZMAX], tol[NCH_ZMAX];
    nch_jet j;
    assert_int_equal(m->jets(m, 1, z, 2, &j), NCH_OK);
    assert_int_equal(nch_model_field(m, 1, z, f), NCH_OK);
    assert_int_equal(nch_reg_model_r(m, z, r), NCH_OK);
    double fnorm = 0;
    for (int c = 0; c < n; c++) fnorm = fmax(fnorm, fabs(f[c]));
    double e = FD_EPS / fnorm;
    for (int q = 0; q < 4; q++) { /* at z + s e f, s = −2, −1, 1, 2 */
        double zq[NCH_ZMAX];
        for (int c = 0; c < n; c++) zq[c] = z[c] + (q < 2 ? q - 2 : q - 1) * e * f[c];
        assert_int_equal(nch_model_field(m, 1, zq, fq[q]), NCH_OK);
    }
    for (int c = 0; c < n; c++) {
        zdd[c] = (fq[2][c] - fq[1][c]) / (2 * e);
        double zdd2 = (fq[3][c] - fq[0][c]) / (4 * e);
        tol[c] = nch_fd_tol(zdd[c], zdd2, model_value_err(f[c]) / e);
    }
    for (int k = 0; k < d; k++) {
        assert_close(r[k], -zdd[k], 0, tol[k] + model_value_err(r[k]));
        /* z̈'s bounds through their coefficients, and the sums' roundings
         * (model_value_err of the sum of |terms|). */
        double lhs = 0, rhs = 0, t = 0, s = 0;
        for (int i = 0; i < d; i++) {
            lhs += j.dtheta[k][d + i] * r[d + i];
            rhs += j.dtheta[k][i] * zdd[i];
            s += fabs(j.dtheta[k][d + i] * r[d + i]) + fabs(j.dtheta[k][i] * zdd[i]);
            t += fabs(j.dtheta[k][i]) * tol[i];
        }
        for (int a = 0; a < n; a++) {
            rhs += j.dtheta[k][a] * zdd[a];
            s += fabs(j.dtheta[k][a] * zdd[a]);
            t += fabs(j.dtheta[k][a]) * tol[a];
            for (int b = 0; b < n; b++) {
                rhs += j.d2theta[k][a][b] * f[a] * f[b];
                s += fabs(j.d2theta[k][a][b] * f[a] * f[b]);
            }
        }
        assert_close(lhs, rhs, 0, t + model_value_err(s));
    }
}

static void reg_characterised_along_flow(void **state)
{
    (void)state;
    nch_model lv, pert, lv2, cpl;
    nch_lv_model(&lv);
    nch_lv_perturbed_model(&pert);
    lv2_model(&lv2);
    coupled_model(&cpl);
    for (size_t p = 0; p < N_LV_PTS; p++) {
        check_r_along_flow(&lv, LV_PTS[p]);
        check_r_along_flow(&pert, LV_PTS[p]);
    }
    for (size_t p = 0; p < N_D2_PTS; p++) {
        check_r_along_flow(&cpl, D2_PTS[p]);
        if (p < 2) check_r_along_flow(&lv2, D2_PTS[p]);
    }
}

static void reg_d2_uncoupled_and_gauge(void **state)
{
    (void)state;
    nch_model lv, pert, lv2;
    nch_lv_model(&lv);
    nch_lv_perturbed_model(&pert);
    lv2_model(&lv2);
    for (size_t p = 0; p < 2; p++) {
        const double *z = D2_PTS[p];
        double r[4];
        assert_int_equal(nch_reg_model_r(&lv2, z, r), NCH_OK);
        for (int k = 0; k < 2; k++) {
            const double zk[2] = {z[k], z[2 + k]};
            double rk[2], f[2], rc[2], tol[2];
            nch_jet j;
            assert_int_equal(nch_reg_model_r(&lv, zk, rk), NCH_OK);
            /* lv2's r uses its field from jets, ≤ ε relative off LV's closed
             * form (d2_field_from_jet's bound); r is quadratic in ż, so each
             * term moves by ≤ 2ε (tol/8u is r's sum of |terms|, see
             * r_closed_form_d1); both computations round (tol each), and the
             * diagonal 2×2 Cramer solves add 2u each. */
            assert_int_equal(lv.jets(&lv, 1, zk, 2, &j), NCH_OK);
            assert_int_equal(nch_model_field(&lv, 1, zk, f), NCH_OK);
            r_closed_form_d1(&j, f, rc, tol);
            double eps = 0;
            for (int c = 0; c < 2; c++)
                eps = fmax(eps, 8 * NCH_U + 2 * NCH_U * (zk[0] + zk[1]) / fabs(f[c]));
            for (int c = 0; c < 2; c++)
                assert_close(r[2 * c + k], rk[c], 4 * NCH_U, tol[c] * (2 + 2 * eps / (8 * NCH_U)));
        }
    }
    /* r_x = −ẍ does not see the gauge; r_y does. */
    for (size_t p = 0; p < N_LV_PTS; p++) {
        double rl[2], rp[2];
        assert_int_equal(nch_reg_model_r(&lv, LV_PTS[p], rl), NCH_OK);
        assert_int_equal(nch_reg_model_r(&pert, LV_PTS[p], rp), NCH_OK);
        /* r_x = form_y/θ_y: the gauge adds −sin(2x) to θ_x and −2cos(2x) to
         * θ_xx, which enter r_x only through d2θ[0][0][1] (unchanged) — the
         * same operations; r_y moves by O(1) (not a round-off threshold). */
        assert_close(rp[0], rl[0], 0, 0);
        assert_true(fabs(rp[1] - rl[1]) > 1e-3 * fabs(rl[1]));
    }
    nch_jet j;
    double r[2];
    assert_int_equal(lv.jets(&lv, 1, LV_PTS[0], 2, &j), NCH_OK);
    assert_int_equal(nch_reg_r(0, &j, (double[]){1, 1}, r), NCH_EINVAL);
    nch_model field_only = {.name = "f", .d = 1, .field = lv.field};
    assert_int_equal(nch_reg_model_r(&field_only, LV_PTS[0], r), NCH_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lv_jets_match_finite_differences),
        cmocka_unit_test(test_models_jets_match_finite_differences),
        cmocka_unit_test(lv_values_and_jet_orders),
        cmocka_unit_test(lv_field_from_jets_is_closed_form),
        cmocka_unit_test(d2_field_from_jet),
        cmocka_unit_test(small_solve),
        cmocka_unit_test(domain_and_errors),
        cmocka_unit_test(reg_matches_d1_closed_form),
        cmocka_unit_test(reg_characterised_along_flow),
        cmocka_unit_test(reg_d2_uncoupled_and_gauge),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
