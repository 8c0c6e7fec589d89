#include "nch_adam.h"

#include <math.h>

void nch_adam_init(nch_adam *opt, size_t n, double *m, double *v, double lr)
{
    *opt = (nch_adam){.n = n, .beta1 = 0.9, .beta2 = 0.999, .eps = 1e-8, .m = m, .v = v};
    nch_adam_reset(opt, lr);
}

void nch_adam_reset(nch_adam *opt, double lr)
{
    opt->lr = lr;
    opt->t = 0;
    for (size_t i = 0; i < opt->n; i++) opt->m[i] = opt->v[i] = 0.0;
}

void nch_adam_step(nch_adam *opt, double *params, const double *grad)
{
    opt->t++;
    /* The operation order follows torch's single-tensor Adam (m by lerp, bias
     * corrections folded into a step size and a denominator), so that the
     * rounding matches it as closely as the C arithmetic allows. */
    const double bc1 = 1.0 - pow(opt->beta1, (double)opt->t);
    const double bc2_sqrt = sqrt(1.0 - pow(opt->beta2, (double)opt->t));
    const double step_size = opt->lr / bc1;
    const double w1 = 1.0 - opt->beta1, w2 = 1.0 - opt->beta2;
    for (size_t i = 0; i < opt->n; i++) {
        const double g = grad[i];
        opt->m[i] += w1 * (g - opt->m[i]);
        opt->v[i] = opt->v[i] * opt->beta2 + w2 * g * g;
        const double denom = sqrt(opt->v[i]) / bc2_sqrt + opt->eps;
        params[i] -= step_size * (opt->m[i] / denom);
    }
}

int nch_adam_clip_norm(double *g, size_t n, double c, double *norm)
{
    /* Scaled by the largest entry, so that squares of entries near
     * DBL_MAX do not overflow. */
    double big = 0, sum = 0;
    for (size_t i = 0; i < n; i++) big = fmax(big, fabs(g[i]));
    if (norm) *norm = 0;
    if (big == 0) return 0;
    for (size_t i = 0; i < n; i++) sum += (g[i] / big) * (g[i] / big);
    const double root = sqrt(sum); /* in [1, √n] */
    if (norm) *norm = big * root;
    if (!(c > 0 && c / big < root)) return 0;
    const double f = c / big / root;
    for (size_t i = 0; i < n; i++) g[i] *= f;
    return 1;
}
