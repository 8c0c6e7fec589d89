#include "nch_mcp.h"

#include "nch_err.h"

#include <math.h>

/* a0, e0 of spec §2.1. */
static const double MCP_A0 = 1, MCP_E0 = 1;

double nch_mcp_hamiltonian(const double *z) { return MCP_E0 * (2 - cos(z[0]) - sin(z[1])); }

static int mcp_jets(const nch_model *m, size_t n, const double *z, int order, nch_jet *out)
{
    (void)m;
    for (size_t i = 0; i < n; i++) {
        double x = z[2 * i], y = z[2 * i + 1];
        nch_jet *j = out + i;
        j->theta[0] = -MCP_A0 * y * (1 + 2 * x * x + 2 * y * y / 3);
        j->H = nch_mcp_hamiltonian(z + 2 * i);
        if (order < 1) continue;
        j->dtheta[0][0] = -4 * MCP_A0 * x * y;
        j->dtheta[0][1] = -MCP_A0 * (1 + 2 * x * x + 2 * y * y);
        j->dH[0] = MCP_E0 * sin(x);
        j->dH[1] = -MCP_E0 * cos(y);
        if (order < 2) continue;
        j->d2theta[0][0][0] = -4 * MCP_A0 * y;
        j->d2theta[0][0][1] = j->d2theta[0][1][0] = -4 * MCP_A0 * x;
        j->d2theta[0][1][1] = -4 * MCP_A0 * y;
        j->d2H[0][0] = MCP_E0 * cos(x);
        j->d2H[0][1] = j->d2H[1][0] = 0;
        j->d2H[1][1] = MCP_E0 * sin(y);
    }
    return NCH_OK;
}

static int mcp_field(const nch_model *m, size_t n, const double *z, double *f)
{
    (void)m;
    for (size_t i = 0; i < n; i++) {
        double x = z[2 * i], y = z[2 * i + 1];
        double B = MCP_A0 * (1 + 2 * x * x + 2 * y * y);
        f[2 * i] = MCP_E0 * cos(y) / B;
        f[2 * i + 1] = MCP_E0 * sin(x) / B;
    }
    return NCH_OK;
}

void nch_mcp_model(nch_model *m)
{
    *m = (nch_model){.name = "mcp", .d = 1, .jets = mcp_jets, .field = mcp_field, .in_domain = NULL,
                     .params = NULL};
}
