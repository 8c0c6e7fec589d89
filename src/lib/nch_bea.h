/* nch_bea — linear backward error analysis on ż = M z (spec: linear-bea.md).
 *
 * M = J⁻¹ I₂ = [[0, 1], [−1, 0]] (harmonic oscillator), J = [[0, −1], [1, 0]].
 * "Learning" at step Δt yields the modified matrix M̃_Δt that makes the
 * one-step scheme exact at Δt; with structure the learnt model keeps only
 * the Hamiltonian part, A = J⁻¹ sym(J M̃_Δt).  The error of that model
 * simulated with step δt over [0, T] is ‖e^{TM} − Φ_δt(A)^{T/δt}‖₂.
 * Matrices are 2×2, row-major. */
#ifndef NCH_BEA_H
#define NCH_BEA_H

typedef enum { NCH_BEA_EULER, NCH_BEA_MIDPOINT } nch_bea_scheme;

/* "euler" / "midpoint". */
const char *nch_bea_scheme_name(nch_bea_scheme s);

/* A = the model learnt at step dt_learn (structure 0: M̃, 1: J⁻¹ H̃). */
int nch_bea_learnt(nch_bea_scheme s, int structure, double dt_learn, double A[4]);

/* Phi = Φ_dt(A): Euler I + dt A; midpoint (I − dt A/2)⁻¹ (I + dt A/2). */
int nch_bea_step_matrix(nch_bea_scheme s, const double A[4], double dt, double Phi[4]);

/* err = ‖e^{TM} − Φ_{dt_sim}(A)^{n_sim}‖₂ with T = n_sim·dt_sim, the power
 * taken by n_sim successive products, as a simulation does.  On the diagonal
 * the result is round-off: the learnt matrix (E − I)/Δt carries a few ulps
 * of bias that n_sim steps accumulate (≈ 4e-13 at n_sim = 500). */
int nch_bea_error(nch_bea_scheme s, int structure, double dt_learn, double dt_sim, long n_sim,
                  double *err);

#endif
