#include "nch_system.h"

#include "nch_err.h"
#include "nch_lv.h"
#include "nch_mcp.h"

#include <string.h>

static const nch_system systems[] = {
    {"lv", "lv|lv-perturbed", "x y", "x, y > 0", 1, nch_lv_hamiltonian, 0},
    {"mcp", "mcp", "x y", "R^2", 1, nch_mcp_hamiltonian, 1},
    {"gc", "gc", "theta phi r u", "0 < r < 1", 2, nch_gc_hamiltonian, 1},
};
enum { N_SYSTEMS = sizeof systems / sizeof *systems };

const nch_system *nch_system_find(const char *name)
{
    for (size_t k = 0; k < N_SYSTEMS; k++)
        if (!strcmp(systems[k].name, name)) return &systems[k];
    return NULL;
}

/* Whether name is one of the "|"-separated names of sys->models (the one
 * list, so that the usage messages that quote it cannot disagree). */
static int is_reference(const nch_system *sys, const char *name)
{
    size_t len = strlen(name);
    for (const char *s = sys->models;; s++) {
        size_t n = strcspn(s, "|");
        if (n == len && !strncmp(s, name, n)) return 1;
        if (!s[n]) return 0;
        s += n;
    }
}

int nch_system_foreign(const nch_system *sys, const char *name)
{
    if (is_reference(sys, name)) return 0;
    for (size_t k = 0; k < N_SYSTEMS; k++)
        if (is_reference(&systems[k], name)) return 1;
    return 0;
}

int nch_system_load(nch_system_model *sm, const nch_system *sys, const char *name, int energy_domain,
                    const char *who_d)
{
    memset(sm, 0, sizeof *sm);
    /* The reference model first, also for a learnt one: its domain is the
     * one a learnt model runs in. */
    if (!strcmp(sys->name, "gc")) {
        if (nch_gc_model(&sm->ref, &sm->rule)) {
            nch_error("cannot set up the reference model: %s", nch_strerror(NCH_ENOMEM));
            return NCH_ENOMEM;
        }
    } else if (!strcmp(sys->name, "mcp")) nch_mcp_model(&sm->ref);
    else nch_lv_model(&sm->ref);
    if (is_reference(sys, name)) {
        if (!strcmp(name, "lv-perturbed")) nch_lv_perturbed_model(&sm->ref); /* x, y > 0 as lv's */
        sm->model = &sm->ref;
        return NCH_OK;
    }
    int rc = nch_learnt_load(&sm->learnt, name);
    if (rc) return rc;
    if (sm->learnt.d != sys->d) {
        if (who_d) nch_error("%s: a model of d = %d, %s has d = %d", name, sm->learnt.d, who_d, sys->d);
        else nch_error("%s: a model of d = %d, --system %s has d = %d", name, sm->learnt.d, sys->name, sys->d);
        return NCH_EINVAL;
    }
    /* Every reference domain is its in_domain (lv's is nch_lv_energy_domain's,
     * mcp's NULL: everywhere). */
    if (energy_domain) sm->learnt.model.in_domain = sm->ref.in_domain;
    sm->model = &sm->learnt.model;
    return NCH_OK;
}

void nch_system_model_free(nch_system_model *sm) { nch_learnt_free(&sm->learnt); }
