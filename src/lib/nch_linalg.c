#include "nch_linalg.h"

#include "nch_err.h"

/* gsl_linalg.h pulls in GSL's own CBLAS declarations, which clash with
 * OpenBLAS's cblas.h; both declare the same ABI and the symbols resolve to
 * OpenBLAS at link time, so this file uses GSL's header only. */
#include <gsl/gsl_cblas.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <lapacke.h>
#include <stdlib.h>
#include <string.h>

int nch_expm(size_t n, const double *A, double *E)
{
    /* GSL matrix views need non-const data; the input is not modified. */
    gsl_matrix_const_view a = gsl_matrix_const_view_array(A, n, n);
    gsl_matrix_view e = gsl_matrix_view_array(E, n, n);
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    int rc = gsl_linalg_exponential_ss(&a.matrix, &e.matrix, GSL_PREC_DOUBLE);
    gsl_set_error_handler(old);
    return rc == GSL_SUCCESS ? NCH_OK : NCH_EINVAL;
}

void nch_matmul(size_t m, size_t k, size_t n, const double *A, const double *B, double *C)
{
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)m, (int)n, (int)k, 1.0, A,
                (int)k, B, (int)n, 0.0, C, (int)n);
}

int nch_solve(size_t n, size_t nrhs, const double *A, const double *B, double *X)
{
    double *lu = malloc(n * n * sizeof *lu);
    lapack_int *piv = malloc(n * sizeof *piv);
    if (!lu || !piv) {
        free(lu);
        free(piv);
        return NCH_ENOMEM;
    }
    memcpy(lu, A, n * n * sizeof *lu);
    if (X != B) memmove(X, B, n * nrhs * sizeof *X);
    lapack_int info = LAPACKE_dgesv(LAPACK_ROW_MAJOR, (lapack_int)n, (lapack_int)nrhs, lu,
                                    (lapack_int)n, piv, X, (lapack_int)nrhs);
    free(lu);
    free(piv);
    if (info > 0) return NCH_ESING;
    return info == 0 ? NCH_OK : NCH_EINVAL;
}

int nch_singular_values(size_t m, size_t n, const double *A, double *s)
{
    size_t k = m < n ? m : n;
    double *a = malloc(m * n * sizeof *a);
    double *superb = malloc((k > 1 ? k - 1 : 1) * sizeof *superb);
    if (!a || !superb) {
        free(a);
        free(superb);
        return NCH_ENOMEM;
    }
    memcpy(a, A, m * n * sizeof *a);
    lapack_int info = LAPACKE_dgesvd(LAPACK_ROW_MAJOR, 'N', 'N', (lapack_int)m, (lapack_int)n, a,
                                     (lapack_int)n, s, NULL, 1, NULL, 1, superb);
    free(a);
    free(superb);
    return info == 0 ? NCH_OK : NCH_ENOCONV;
}

int nch_norm2(size_t m, size_t n, const double *A, double *norm)
{
    double s[16];
    double *sv = (m < n ? m : n) <= 16 ? s : malloc((m < n ? m : n) * sizeof *sv);
    if (!sv) return NCH_ENOMEM;
    int rc = nch_singular_values(m, n, A, sv);
    if (rc == NCH_OK) *norm = sv[0];
    if (sv != s) free(sv);
    return rc;
}
