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

static void lv_values_and_jet_orders(void **state)
{
    (void)state;
    assert_close(nch_lv_hamiltonian((double[]){1, 1}), 2, 1e-15, 0);
    assert_close(nch_lv_hamiltonian((double[]){4, 3}), 3.1287989890921084, 1e-15, 0);
    assert_close(nch_lv_hamiltonian((double[]){2, 1}), 1.6137056388801094, 1e-15, 0);
    nch_model lv;
    nch_lv_model(&lv);
    /* A batch call fills each point; entries above the order stay untouched. */
    const double z[4] = {1.5, 0.5, 0.8, 2.2};
    nch_jet j[2];
    memset(j, 0, sizeof j);
    j[1].dH[0] = 42;
    assert_int_equal(lv.jets(&lv, 2, z, 0, j), NCH_OK);
    assert_close(j[1].H, nch_lv_hamiltonian(z + 2), 1e-15, 0);
    assert_close(j[0].theta[0], -log(0.5) / 1.5, 1e-15, 0);
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
        assert_close(f[0], z[0] * (1 - z[1]), 1e-15, 0);
        assert_close(f[1], z[1] * (z[0] - 2), 1e-15, 0);
        assert_int_equal(lv.jets(&lv, 1, z, 1, &jl), NCH_OK);
        assert_int_equal(pert.jets(&pert, 1, z, 1, &jp), NCH_OK);
        assert_int_equal(nch_field_from_jet(1, &jl, g), NCH_OK);
        assert_int_equal(nch_field_from_jet(1, &jp, gp), NCH_OK);
        assert_int_equal(nch_model_field(&lv_nofield, 1, z, gn), NCH_OK);
        for (int c = 0; c < 2; c++) {
            assert_close(g[c], f[c], 1e-14, 1e-15);
            assert_close(gp[c], f[c], 1e-14, 1e-15);
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
            /* Uncoupled copies: the d = 1 closed form per copy. */
            assert_int_equal(nch_model_field(&lv2, 1, z, f), NCH_OK);
            for (int k = 0; k < 2; k++) {
                double fk[2];
                assert_int_equal(nch_model_field(&lv, 1, (double[]){z[k], z[2 + k]}, fk), NCH_OK);
                assert_close(f[k], fk[0], 1e-14, 1e-15);
                assert_close(f[2 + k], fk[1], 1e-14, 1e-15);
            }
        }
        /* Coupled: both Euler–Lagrange equations hold, checked by products. */
        nch_jet j;
        assert_int_equal(cpl.jets(&cpl, 1, z, 1, &j), NCH_OK);
        assert_int_equal(nch_model_field(&cpl, 1, z, f), NCH_OK);
        for (int a = 0; a < 2; a++) {
            double ey = -j.dH[2 + a], ex = j.dH[a];
            for (int i = 0; i < 2; i++) {
                ey += j.dtheta[i][2 + a] * f[i];
                ex += j.dtheta[a][i] * f[i] + j.dtheta[a][2 + i] * f[2 + i] - j.dtheta[i][a] * f[i];
            }
            assert_close(ey, 0, 0, 1e-14);
            assert_close(ex, 0, 0, 1e-14);
        }
    }
    nch_model osc;
    osc_model(&osc);
    double f[2];
    assert_int_equal(nch_model_field(&osc, 1, (double[]){0.3, -1.7}, f), NCH_OK);
    assert_close(f[0], -1.7, 1e-15, 0);
    assert_close(f[1], -0.3, 1e-15, 0);
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
            for (int i = 0; i < n; i++) {
                double s = 0;
                for (int k = 0; k < n; k++) s += (trans ? A[k][i] : A[i][k]) * u[k];
                assert_close(s, b[i], 0, 1e-14);
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

/* lotka-volterra.md §5.2, d = 1 written out. */
static void r_closed_form_d1(const nch_jet *j, const double *zd, double *r)
{
    double tx = j->dtheta[0][0], ty = j->dtheta[0][1];
    double txx = j->d2theta[0][0][0], txy = j->d2theta[0][0][1], tyy = j->d2theta[0][1][1];
    double hxx = j->d2H[0][0], hxy = j->d2H[0][1], hyy = j->d2H[1][1];
    double xd = zd[0], yd = zd[1];
    r[0] = ((txy * xd - hxy) * xd + (tyy * xd - hyy) * yd) / ty;
    r[1] = (-2 * tx * r[0] + (txx * xd - hxx) * xd + (txy * xd - hxy) * yd) / ty;
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
            double own[2], data[2] = {0.83, -1.37}, r[2], rc[2];
            assert_int_equal(nch_model_field(ms[mi], 1, z, own), NCH_OK);
            const double *zd[2] = {own, data};
            for (int k = 0; k < 2; k++) {
                assert_int_equal(nch_reg_r(1, &j, zd[k], r), NCH_OK);
                r_closed_form_d1(&j, zd[k], rc);
                assert_close(r[0], rc[0], 1e-13, 1e-14);
                assert_close(r[1], rc[1], 1e-13, 1e-14);
            }
            assert_int_equal(nch_reg_model_r(ms[mi], z, r), NCH_OK);
            r_closed_form_d1(&j, own, rc);
            assert_close(r[0], rc[0], 1e-13, 1e-14);
            assert_close(r[1], rc[1], 1e-13, 1e-14);
            double fh[2], hstep = 0.1;
            assert_int_equal(nch_reg_modified_field(ms[mi], hstep, z, fh), NCH_OK);
            assert_close(fh[0], own[0] - hstep / 2 * rc[0], 1e-13, 1e-14);
            assert_close(fh[1], own[1] - hstep / 2 * rc[1], 1e-13, 1e-14);
        }
    }
}

/* r_x = −ẍ and D_yθ r_y = D_xθ ẍ + θ̈ along the model's own flow, with
 * z̈ = Df·f by central differences and θ̈ = D²θ[ż, ż] + D_zθ z̈. */
static void check_r_along_flow(const nch_model *m, const double *z)
{
    int d = m->d, n = 2 * d;
    double f[NCH_ZMAX], r[NCH_ZMAX], zp[NCH_ZMAX], zm[NCH_ZMAX], fp[NCH_ZMAX], fm[NCH_ZMAX];
    double zdd[NCH_ZMAX];
    nch_jet j;
    assert_int_equal(m->jets(m, 1, z, 2, &j), NCH_OK);
    assert_int_equal(nch_model_field(m, 1, z, f), NCH_OK);
    assert_int_equal(nch_reg_model_r(m, z, r), NCH_OK);
    double fnorm = 0;
    for (int c = 0; c < n; c++) fnorm = fmax(fnorm, fabs(f[c]));
    double e = FD_EPS / fnorm;
    for (int c = 0; c < n; c++) {
        zp[c] = z[c] + e * f[c];
        zm[c] = z[c] - e * f[c];
    }
    assert_int_equal(nch_model_field(m, 1, zp, fp), NCH_OK);
    assert_int_equal(nch_model_field(m, 1, zm, fm), NCH_OK);
    for (int c = 0; c < n; c++) zdd[c] = (fp[c] - fm[c]) / (2 * e);
    for (int k = 0; k < d; k++) {
        assert_close(r[k], -zdd[k], 1e-7, 1e-8);
        double lhs = 0, rhs = 0;
        for (int i = 0; i < d; i++) {
            lhs += j.dtheta[k][d + i] * r[d + i];
            rhs += j.dtheta[k][i] * zdd[i];
        }
        for (int a = 0; a < n; a++) {
            rhs += j.dtheta[k][a] * zdd[a];
            for (int b = 0; b < n; b++) rhs += j.d2theta[k][a][b] * f[a] * f[b];
        }
        assert_close(lhs, rhs, 1e-7, 1e-8);
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
            double rk[2];
            assert_int_equal(nch_reg_model_r(&lv, (double[]){z[k], z[2 + k]}, rk), NCH_OK);
            assert_close(r[k], rk[0], 1e-13, 1e-14);
            assert_close(r[2 + k], rk[1], 1e-13, 1e-14);
        }
    }
    /* r_x = −ẍ does not see the gauge; r_y does. */
    for (size_t p = 0; p < N_LV_PTS; p++) {
        double rl[2], rp[2];
        assert_int_equal(nch_reg_model_r(&lv, LV_PTS[p], rl), NCH_OK);
        assert_int_equal(nch_reg_model_r(&pert, LV_PTS[p], rp), NCH_OK);
        assert_close(rp[0], rl[0], 1e-12, 1e-14);
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
