/* nch_linalg — small dense linear algebra on row-major double arrays, on top
 * of LAPACKE, CBLAS (OpenBLAS) and GSL.  Nothing is hand-written here: the
 * functions only adapt layouts and turn library failures into status codes.
 * All matrices are caller-owned; outputs may not alias inputs unless said. */
#ifndef NCH_LINALG_H
#define NCH_LINALG_H

#include <stddef.h>

/* E = exp(A), n×n, through gsl_linalg_exponential_ss (double precision). */
int nch_expm(size_t n, const double *A, double *E);

/* C = A B with A m×k, B k×n (cblas_dgemm). */
void nch_matmul(size_t m, size_t k, size_t n, const double *A, const double *B, double *C);

/* X = A⁻¹ B with A n×n, B n×nrhs (LAPACKE_dgesv on copies); NCH_ESING if A
 * is singular.  X may alias B. */
int nch_solve(size_t n, size_t nrhs, const double *A, const double *B, double *X);

/* Singular values of the m×n matrix A, descending, into s[min(m,n)]
 * (LAPACKE_dgesvd); NCH_ENOCONV if the SVD fails. */
int nch_singular_values(size_t m, size_t n, const double *A, double *s);

/* Spectral norm ‖A‖₂ = largest singular value. */
int nch_norm2(size_t m, size_t n, const double *A, double *norm);

#endif
