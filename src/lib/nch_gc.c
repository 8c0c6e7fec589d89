#include "nch_gc.h"

#include "nch_err.h"

#include <gsl/gsl_integration.h>
#include <math.h>
#include <string.h>

/* Spec §3.1. */
static const double GC_R0 = 1, GC_B0 = 1, GC_Q = 2, GC_MU = 2.25e-6;

/* What every order needs, without quadrature. */
typedef struct {
    double c, sn; /* cos θ, sin θ */
    double rho;   /* r cos θ / R0 */
    double g;     /* 1 / (1 + ρ) */
    double zn;    /* r sin θ / R0 = −∂_θρ */
    double k;     /* 1 / (q R0)² */
    double s;     /* sqrt(1 + k r²) */
} gc_geom;

static void geometry(const double *z, gc_geom *G)
{
    double r = z[2];
    G->c = cos(z[0]);
    G->sn = sin(z[0]);
    G->rho = r * G->c / GC_R0;
    G->g = 1 / (1 + G->rho);
    G->zn = r * G->sn / GC_R0;
    G->k = 1 / ((GC_Q * GC_R0) * (GC_Q * GC_R0));
    G->s = sqrt(1 + G->k * r * r);
}

void nch_gc_poloidal(const double *z, double *R, double *Z)
{
    *R = GC_R0 + z[2] * cos(z[0]);
    *Z = z[2] * sin(z[0]);
}

double nch_gc_hamiltonian(const double *z)
{
    gc_geom G;
    geometry(z, &G);
    return z[3] * z[3] / 2 + GC_MU * GC_B0 * G.s * G.g;
}

static int gc_in_domain(const nch_model *m, const double *z)
{
    (void)m;
    /* Written so that NaN is outside. */
    return isfinite(z[0]) && isfinite(z[1]) && z[2] > 0 && z[2] < GC_R0 && isfinite(z[3]) ? NCH_OK
                                                                                            : NCH_EDOM;
}

/* I_1..I_n at ρ (n ≤ 3): Σ_i w_i a_i^k with a_i = t_i / (1 + ρ t_i). */
static void quadrature(const nch_gc_rule *q, double rho, int n, double *I)
{
    for (int k = 0; k < n; k++) I[k] = 0;
    for (int i = 0; i < NCH_GC_GL_POINTS; i++) {
        double a = q->node[i] / (1 + rho * q->node[i]), ak = 1;
        for (int k = 0; k < n; k++) {
            ak *= a;
            I[k] += q->weight[i] * ak;
        }
    }
}

/* The order-1 entries that need no quadrature (all but ∂_θϑ_θ); the
 * φ-derivatives are zero. */
static void first_derivatives(const double *z, const gc_geom *G, nch_jet *j)
{
    double r = z[2], u = z[3];
    memset(j->dtheta, 0, sizeof j->dtheta);
    memset(j->dH, 0, sizeof j->dH);
    j->dtheta[0][2] = GC_B0 * r * G->g;
    j->dtheta[1][0] = -u * r * G->sn;
    j->dtheta[1][2] = -GC_B0 * r / GC_Q + u * G->c;
    j->dtheta[1][3] = GC_R0 * (1 + G->rho);
    j->dH[0] = GC_MU * GC_B0 * G->s * G->zn * G->g * G->g;
    j->dH[2] = GC_MU * GC_B0 * G->s * G->g * (G->k * r / (G->s * G->s) - G->c * G->g / GC_R0);
    j->dH[3] = u;
}

static void second_derivatives(const double *z, const gc_geom *G, const double *I, nch_jet *j)
{
    double r = z[2], u = z[3], c = G->c, sn = G->sn, g = G->g, zn = G->zn, s = G->s, k = G->k;
    memset(j->d2theta, 0, sizeof j->d2theta);
    memset(j->d2H, 0, sizeof j->d2H);
    /* ϑ_θ: ∂_θ(B0 r² Z_n I2) with I2' = −2 I3, ∂_θρ = −Z_n; ∂_r(B0 r g). */
    double (*t)[NCH_ZMAX] = j->d2theta[0];
    t[0][0] = GC_B0 * r * r * r / GC_R0 * (c * I[1] + 2 * r * sn * sn * I[2] / GC_R0);
    t[0][2] = t[2][0] = GC_B0 * r * zn * g * g;
    t[2][2] = GC_B0 * g * g;
    /* ϑ_φ = −B0 r²/(2q) + u (R0 + r cos θ). */
    double (*p)[NCH_ZMAX] = j->d2theta[1];
    p[0][0] = -u * r * c;
    p[0][2] = p[2][0] = -u * sn;
    p[0][3] = p[3][0] = -r * sn;
    p[2][2] = -GC_B0 / GC_Q;
    p[2][3] = p[3][2] = c;
    /* H = u²/2 + μ B0 s g: derivatives of g = 1/(1 + ρ) and s(r). */
    double g_t = zn * g * g, g_r = -c / GC_R0 * g * g;
    double g_tt = G->rho * g * g + 2 * zn * zn * g * g * g;
    double g_tr = sn / GC_R0 * g * g - 2 * zn * c / GC_R0 * g * g * g;
    double g_rr = 2 * (c / GC_R0) * (c / GC_R0) * g * g * g;
    double s_r = k * r / s, s_rr = k / (s * s * s), A = GC_MU * GC_B0;
    j->d2H[0][0] = A * s * g_tt;
    j->d2H[0][2] = j->d2H[2][0] = A * (s_r * g_t + s * g_tr);
    j->d2H[2][2] = A * (s_rr * g + 2 * s_r * g_r + s * g_rr);
    j->d2H[3][3] = 1;
}

static int gc_jets(const nch_model *m, size_t n, const double *z, int order, nch_jet *out)
{
    const nch_gc_rule *q = m->params;
    for (size_t i = 0; i < n; i++) {
        const double *zi = z + 4 * i;
        nch_jet *j = out + i;
        if (gc_in_domain(m, zi) != NCH_OK) return NCH_EDOM;
        gc_geom G;
        geometry(zi, &G);
        double r = zi[2], u = zi[3], I[3];
        quadrature(q, G.rho, order < 2 ? order + 1 : 3, I);
        j->theta[0] = GC_B0 * r * r * I[0];
        j->theta[1] = -GC_B0 * r * r / (2 * GC_Q) + u * GC_R0 * (1 + G.rho);
        j->H = u * u / 2 + GC_MU * GC_B0 * G.s * G.g;
        if (order < 1) continue;
        first_derivatives(zi, &G, j);
        j->dtheta[0][0] = GC_B0 * r * r * G.zn * I[1];
        if (order < 2) continue;
        second_derivatives(zi, &G, I, j);
    }
    return NCH_OK;
}

/* Spec §3.1: φ̇ = u/R, then θ̇, ṙ from D_yθᵀẋ = ∇_yH and the x-equation,
 * u̇ from the φ-row of the y-equation. */
static int gc_field(const nch_model *m, size_t n, const double *z, double *f)
{
    (void)m;
    for (size_t i = 0; i < n; i++) {
        const double *zi = z + 4 * i;
        double *fi = f + 4 * i;
        gc_geom G;
        nch_jet j;
        geometry(zi, &G);
        first_derivatives(zi, &G, &j);
        double R = GC_R0 * (1 + G.rho);
        double t_r = j.dtheta[0][2], p_t = j.dtheta[1][0], p_r = j.dtheta[1][2];
        fi[1] = zi[3] / R;
        fi[0] = (j.dH[2] - p_r * fi[1]) / t_r;
        fi[2] = (p_t * fi[1] - j.dH[0]) / t_r;
        fi[3] = -(p_t * fi[0] + p_r * fi[2]) / R;
    }
    return NCH_OK;
}

int nch_gc_model(nch_model *m, nch_gc_rule *rule)
{
    gsl_integration_glfixed_table *t = gsl_integration_glfixed_table_alloc(NCH_GC_GL_POINTS);
    if (!t) return NCH_ENOMEM;
    for (size_t i = 0; i < NCH_GC_GL_POINTS; i++)
        gsl_integration_glfixed_point(0, 1, i, &rule->node[i], &rule->weight[i], t);
    gsl_integration_glfixed_table_free(t);
    *m = (nch_model){.name = "gc", .d = 2, .jets = gc_jets, .field = gc_field, .in_domain = gc_in_domain,
                     .params = rule};
    return NCH_OK;
}
