#include "nch_bea.h"

#include "nch_err.h"
#include "nch_linalg.h"

static const double M[4] = {0, 1, -1, 0};
static const double J[4] = {0, -1, 1, 0};
static const double Jinv[4] = {0, 1, -1, 0};
static const double I2[4] = {1, 0, 0, 1};

const char *nch_bea_scheme_name(nch_bea_scheme s)
{
    return s == NCH_BEA_EULER ? "euler" : "midpoint";
}

static int flow(double t, double E[4])
{
    double tM[4];
    for (int i = 0; i < 4; i++) tM[i] = t * M[i];
    return nch_expm(2, tM, E);
}

int nch_bea_learnt(nch_bea_scheme s, int structure, double dt, double A[4])
{
    if (!(dt > 0)) return NCH_EINVAL;
    double E[4], Mt[4];
    int rc = flow(dt, E);
    if (rc) return rc;
    if (s == NCH_BEA_EULER) {
        for (int i = 0; i < 4; i++) Mt[i] = (E[i] - I2[i]) / dt;
    } else {
        /* M̃ = (2/Δt)(E − I)(E + I)⁻¹ = (2/Δt)(E + I)⁻¹(E − I): both factors are
         * functions of E and commute, so one solve suffices. */
        double P[4], Q[4];
        for (int i = 0; i < 4; i++) {
            P[i] = E[i] + I2[i];
            Q[i] = E[i] - I2[i];
        }
        rc = nch_solve(2, 2, P, Q, Mt);
        if (rc) return rc;
        for (int i = 0; i < 4; i++) Mt[i] *= 2 / dt;
    }
    if (!structure) {
        for (int i = 0; i < 4; i++) A[i] = Mt[i];
        return NCH_OK;
    }
    double JM[4], Ht[4];
    nch_matmul(2, 2, 2, J, Mt, JM);
    Ht[0] = JM[0], Ht[3] = JM[3];
    Ht[1] = Ht[2] = 0.5 * (JM[1] + JM[2]);
    nch_matmul(2, 2, 2, Jinv, Ht, A);
    return NCH_OK;
}

int nch_bea_step_matrix(nch_bea_scheme s, const double A[4], double dt, double Phi[4])
{
    if (s == NCH_BEA_EULER) {
        for (int i = 0; i < 4; i++) Phi[i] = I2[i] + dt * A[i];
        return NCH_OK;
    }
    double L[4], R[4];
    for (int i = 0; i < 4; i++) {
        L[i] = I2[i] - 0.5 * dt * A[i];
        R[i] = I2[i] + 0.5 * dt * A[i];
    }
    return nch_solve(2, 2, L, R, Phi);
}

int nch_bea_error(nch_bea_scheme s, int structure, double dt_learn, double dt_sim, long n_sim,
                  double *err)
{
    if (!(dt_sim > 0) || n_sim < 1) return NCH_EINVAL;
    double A[4], Phi[4], P[4] = {1, 0, 0, 1}, next[4], E[4], D[4];
    int rc = nch_bea_learnt(s, structure, dt_learn, A);
    if (!rc) rc = nch_bea_step_matrix(s, A, dt_sim, Phi);
    if (!rc) rc = flow(dt_sim * (double)n_sim, E);
    if (rc) return rc;
    for (long k = 0; k < n_sim; k++) {
        nch_matmul(2, 2, 2, Phi, P, next);
        for (int i = 0; i < 4; i++) P[i] = next[i];
    }
    for (int i = 0; i < 4; i++) D[i] = E[i] - P[i];
    return nch_norm2(2, 2, D, err);
}
