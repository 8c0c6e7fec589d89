#include "nch_lv.h"

#include "nch_err.h"

#include <math.h>

/* (a, b, c, d) of spec §1.2: keyword defaults in the authors' code and the
 * only values the study uses; W is the gauge frequency of §1.3. */
static const double LV_A = 1, LV_B = 1, LV_C = 2, LV_D = 1;
static const double GAUGE_W = 2;

static int lv_in_domain(const nch_model *m, const double *z)
{
    for (int i = 0; i < 2 * m->d; i++)
        if (!(z[i] > 0)) return NCH_EDOM; /* written so that NaN is outside */
    return NCH_OK;
}

void nch_lv_energy_domain(nch_model *m) { m->in_domain = lv_in_domain; }

double nch_lv_hamiltonian(const double *z)
{
    return LV_D * z[0] - LV_C * log(z[0]) + LV_B * z[1] - LV_A * log(z[1]);
}

static void lv_jet(const double *z, int order, nch_jet *j)
{
    double x = z[0], y = z[1], ly = log(y);
    j->theta[0] = -ly / x;
    j->H = nch_lv_hamiltonian(z);
    if (order < 1) return;
    j->dtheta[0][0] = ly / (x * x);
    j->dtheta[0][1] = -1 / (x * y);
    j->dH[0] = LV_D - LV_C / x;
    j->dH[1] = LV_B - LV_A / y;
    if (order < 2) return;
    j->d2theta[0][0][0] = -2 * ly / (x * x * x);
    j->d2theta[0][0][1] = j->d2theta[0][1][0] = 1 / (x * x * y);
    j->d2theta[0][1][1] = 1 / (x * y * y);
    j->d2H[0][0] = LV_C / (x * x);
    j->d2H[0][1] = j->d2H[1][0] = 0;
    j->d2H[1][1] = LV_A / (y * y);
}

static int lv_jets(const nch_model *m, size_t n, const double *z, int order, nch_jet *out)
{
    for (size_t i = 0; i < n; i++) {
        if (lv_in_domain(m, z + 2 * i) != NCH_OK) return NCH_EDOM;
        lv_jet(z + 2 * i, order, out + i);
    }
    return NCH_OK;
}

static int perturbed_jets(const nch_model *m, size_t n, const double *z, int order, nch_jet *out)
{
    int rc = lv_jets(m, n, z, order, out);
    if (rc != NCH_OK) return rc;
    for (size_t i = 0; i < n; i++) {
        double wx = GAUGE_W * z[2 * i];
        out[i].theta[0] += cos(wx) / GAUGE_W;
        if (order >= 1) out[i].dtheta[0][0] -= sin(wx);
        if (order >= 2) out[i].d2theta[0][0][0] -= GAUGE_W * cos(wx);
    }
    return NCH_OK;
}

static int lv_field(const nch_model *m, size_t n, const double *z, double *f)
{
    (void)m;
    for (size_t i = 0; i < n; i++) {
        double x = z[2 * i], y = z[2 * i + 1];
        f[2 * i] = x * (LV_A - LV_B * y);
        f[2 * i + 1] = y * (LV_D * x - LV_C);
    }
    return NCH_OK;
}

void nch_lv_model(nch_model *m)
{
    *m = (nch_model){.name = "lv", .d = 1, .jets = lv_jets, .field = lv_field,
                     .in_domain = lv_in_domain, .params = NULL};
}

void nch_lv_perturbed_model(nch_model *m)
{
    nch_lv_model(m);
    m->name = "lv_perturbed";
    m->jets = perturbed_jets;
}
