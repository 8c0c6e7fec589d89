/* The reference systems and the --system/--model resolution (nch_system):
 * each system's reference models by name, another system's names told
 * apart, a learnt model file of the system's d in the reference domain (or
 * not, as asked), and one of another d or unreadable refused. */
#include "nch_test.h"
#include "nch_testlearnt.h"

#include "nch_err.h"
#include "nch_learnt.h"
#include "nch_system.h"

#include <gsl/gsl_rng.h>
#include <stdlib.h>
#include <string.h>

static void systems_by_name(void **state)
{
    (void)state;
    static const char *const names[] = {"lv", "mcp", "gc"};
    static const int d[] = {1, 1, 2};
    for (size_t k = 0; k < 3; k++) {
        const nch_system *sys = nch_system_find(names[k]);
        assert_non_null(sys);
        assert_string_equal(sys->name, names[k]);
        assert_int_equal(sys->d, d[k]);
    }
    assert_null(nch_system_find("pendulum"));
    assert_null(nch_system_find("l"));
    assert_null(nch_system_find(""));
}

static void foreign_names(void **state)
{
    (void)state;
    const nch_system *lv = nch_system_find("lv"), *mcp = nch_system_find("mcp"), *gc = nch_system_find("gc");
    assert_false(nch_system_foreign(lv, "lv"));
    assert_false(nch_system_foreign(lv, "lv-perturbed"));
    assert_true(nch_system_foreign(lv, "mcp"));
    assert_true(nch_system_foreign(lv, "gc"));
    assert_true(nch_system_foreign(mcp, "lv-perturbed"));
    assert_true(nch_system_foreign(gc, "lv"));
    assert_false(nch_system_foreign(gc, "gc"));
    /* Files, not names: a prefix or an extension of a name is not one. */
    assert_false(nch_system_foreign(gc, "lv-"));
    assert_false(nch_system_foreign(gc, "l"));
    assert_false(nch_system_foreign(lv, "gc.model"));
    assert_false(nch_system_foreign(lv, "lv|mcp"));
}

static void reference_models(void **state)
{
    (void)state;
    static const char *const sys_of[] = {"lv", "lv", "mcp", "gc"};
    static const char *const names[] = {"lv", "lv-perturbed", "mcp", "gc"};
    static const char *const model_names[] = {"lv", "lv_perturbed", "mcp", "gc"};
    for (size_t k = 0; k < 4; k++) {
        nch_system_model sm;
        assert_int_equal(nch_system_load(&sm, nch_system_find(sys_of[k]), names[k], 1, NULL), NCH_OK);
        assert_ptr_equal(sm.model, &sm.ref);
        assert_string_equal(sm.model->name, model_names[k]);
        assert_int_equal(sm.model->d, nch_system_find(sys_of[k])->d);
        nch_system_model_free(&sm);
    }
}

static void learnt_models(void **state)
{
    (void)state;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    char p1[256], p2[256];
    nch_temp_path(p1, sizeof p1, "ncham_test_system");
    nch_temp_path(p2, sizeof p2, "ncham_test_system");
    nch_learnt m1, m2;
    make_model(&m1, NCH_LEARNT_NONCANONICAL, 1, 1, r);
    make_model(&m2, NCH_LEARNT_MLP, 2, 1, r);
    assert_int_equal(nch_learnt_save(&m1, p1), NCH_OK);
    assert_int_equal(nch_learnt_save(&m2, p2), NCH_OK);
    nch_learnt_free(&m1);
    nch_learnt_free(&m2);

    /* In lv's domain x, y > 0 when asked, everywhere when not; mcp's domain
     * is everywhere; gc's is 0 < r < 1. */
    static const double outside_lv[2] = {-1, 1};
    nch_system_model sm;
    assert_int_equal(nch_system_load(&sm, nch_system_find("lv"), p1, 1, NULL), NCH_OK);
    assert_ptr_equal(sm.model, &sm.learnt.model);
    assert_int_equal(nch_model_check_domain(sm.model, outside_lv), NCH_EDOM);
    nch_system_model_free(&sm);
    assert_int_equal(nch_system_load(&sm, nch_system_find("lv"), p1, 0, NULL), NCH_OK);
    assert_int_equal(nch_model_check_domain(sm.model, outside_lv), NCH_OK);
    nch_system_model_free(&sm);
    assert_int_equal(nch_system_load(&sm, nch_system_find("mcp"), p1, 1, NULL), NCH_OK);
    assert_int_equal(nch_model_check_domain(sm.model, outside_lv), NCH_OK);
    nch_system_model_free(&sm);
    static const double gc_in[4] = {0, 0, 0.05, -4e-4}, gc_out[4] = {0, 0, 1.5, -4e-4};
    assert_int_equal(nch_system_load(&sm, nch_system_find("gc"), p2, 1, NULL), NCH_OK);
    assert_null(sm.model->jets); /* an mlp: a bare vector field */
    assert_int_equal(nch_model_check_domain(sm.model, gc_in), NCH_OK);
    assert_int_equal(nch_model_check_domain(sm.model, gc_out), NCH_EDOM);
    nch_system_model_free(&sm);

    /* Another d, an unreadable file: refused, and freeable. */
    assert_int_equal(nch_system_load(&sm, nch_system_find("gc"), p1, 1, "the guiding centre"), NCH_EINVAL);
    nch_system_model_free(&sm);
    assert_int_equal(nch_system_load(&sm, nch_system_find("mcp"), p2, 0, NULL), NCH_EINVAL);
    nch_system_model_free(&sm);
    remove(p2);
    assert_int_not_equal(nch_system_load(&sm, nch_system_find("gc"), p2, 1, NULL), NCH_OK);
    nch_system_model_free(&sm);
    remove(p1);
    gsl_rng_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(systems_by_name),
        cmocka_unit_test(foreign_names),
        cmocka_unit_test(reference_models),
        cmocka_unit_test(learnt_models),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
