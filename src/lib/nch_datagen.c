#include "nch_datagen.h"

#include "nch_cli.h"
#include "nch_err.h"
#include "nch_ode.h"
#include "nch_tsv.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *const nch_datagen_split_names[NCH_DATAGEN_SPLITS] = {"train", "test", "val"};

void nch_datagen_split_sizes(const char *arg, long n_ic, size_t sizes[NCH_DATAGEN_SPLITS])
{
    double v[NCH_DATAGEN_SPLITS];
    if (nch_cli_positive_list("--split", arg, v, NCH_DATAGEN_SPLITS) != NCH_DATAGEN_SPLITS)
        nch_die(NCH_EXIT_USAGE, "--split: expected %d sizes (%s)", NCH_DATAGEN_SPLITS, arg);
    long total = 0;
    for (int k = 0; k < NCH_DATAGEN_SPLITS; k++) {
        if (v[k] != floor(v[k])) nch_die(NCH_EXIT_USAGE, "--split: not an integer (%g)", v[k]);
        /* A long (the cast is undefined beyond), and at most what the
         * sizes before leave of n_ic, so that the sum cannot overflow. */
        if (!(v[k] < 0x1p63) || (long)v[k] > n_ic - total)
            nch_die(NCH_EXIT_USAGE, "--split: sizes add up to more than --n-ic %ld (%s)", n_ic, arg);
        long s = (long)v[k];
        sizes[k] = (size_t)s;
        total += s;
    }
    if (total != n_ic) nch_die(NCH_EXIT_USAGE, "--split: sizes add up to %ld, not --n-ic %ld", total, n_ic);
}

size_t nch_datagen_integrate(const nch_model *m, size_t n, const double *ic, double h, size_t nt,
                             double *traj)
{
    size_t dim = 2 * (size_t)m->d, most = 0;
    for (size_t i = 0; i < n; i++) {
        nch_ode_report rep;
        const double *z0 = ic + dim * i;
        int rc = nch_ode_solve_model(m, NCH_ODE_RTOL, NCH_ODE_ATOL, 0, h, nt, z0, traj + dim * (nt + 1) * i, &rep);
        if (rc) {
            char buf[512];
            size_t len = 0;
            for (size_t c = 0; c < dim; c++)
                len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%.17g", c ? ", " : "", z0[c]);
            nch_die(NCH_EXIT_FAILED_RUN, "trajectory %zu from (%s) failed at t = %g: %s", i, buf, rep.t,
                    nch_strerror(rc));
        }
        if (rep.steps > most) most = rep.steps;
    }
    return most;
}

/* "x y" (d = 1) or "x1 … xd y1 … yd", each name between prefix and suffix. */
static void column_names(char *buf, size_t size, int d, const char *prefix, const char *suffix)
{
    size_t len = strlen(buf);
    for (int k = 0; k < 2 * d; k++) {
        const char *v = k < d ? "x" : "y";
        char idx[16] = "";
        if (d > 1) snprintf(idx, sizeof idx, "%d", k % d + 1);
        len += (size_t)snprintf(buf + len, size - len, " %s%s%s%s", prefix, v, idx, suffix);
    }
}

static void bounds(FILE *fp, const char *name, const double *z, size_t rows, size_t dim)
{
    double lo[NCH_ZMAX], hi[NCH_ZMAX];
    for (size_t c = 0; c < dim; c++) {
        lo[c] = INFINITY;
        hi[c] = -INFINITY;
    }
    for (size_t i = 0; i < rows; i++)
        for (size_t c = 0; c < dim; c++) {
            lo[c] = fmin(lo[c], z[dim * i + c]);
            hi[c] = fmax(hi[c], z[dim * i + c]);
        }
    /* One header field, through nch_tsv_param as every field is. */
    char buf[2 * NCH_ZMAX * 32 + 16];
    size_t len = (size_t)snprintf(buf, sizeof buf, "min");
    for (size_t c = 0; c < dim; c++) len += (size_t)snprintf(buf + len, sizeof buf - len, " %.17g", lo[c]);
    len += (size_t)snprintf(buf + len, sizeof buf - len, " max");
    for (size_t c = 0; c < dim; c++) len += (size_t)snprintf(buf + len, sizeof buf - len, " %.17g", hi[c]);
    nch_tsv_param(fp, name, "%s", buf);
}

static void open_file(nch_ofile *f, const nch_datagen_set *set, const char *outdir, const char *kind,
                      const char *split, size_t ntraj, const size_t sizes[NCH_DATAGEN_SPLITS])
{
    char path[4096];
    /* An empty name would put the files in the root directory. */
    if (!*outdir) nch_die(NCH_EXIT_USAGE, "--outdir: empty directory name");
    if (snprintf(path, sizeof path, "%s/%s-%s.tsv", outdir, kind, split) >= (int)sizeof path)
        nch_die(NCH_EXIT_USAGE, "output path too long (%s/%s-%s.tsv)", outdir, kind, split);
    nch_ofile_xopen(f, path);
    nch_tsv_provenance(f->fp);
    set->header(f->fp, set->ctx);
    nch_tsv_param(f->fp, "trajectories", "%zu ICs: train %zu, test %zu, val %zu; %zu steps of h = %.17g",
                  sizes[0] + sizes[1] + sizes[2], sizes[0], sizes[1], sizes[2], set->nt, set->h);
    nch_tsv_param(f->fp, "solver", "GSL rk8pd, rtol %g, atol %g per component; at most %zu steps per trajectory",
                  NCH_ODE_RTOL, NCH_ODE_ATOL, set->solver_steps);
    nch_tsv_param(f->fp, "split", "%s (%zu trajectories)", split, ntraj);
}

static void write_split(const nch_datagen_set *set, const char *outdir, const char *split, const double *z,
                        size_t ntraj, const size_t sizes[NCH_DATAGEN_SPLITS])
{
    int d = set->model->d;
    size_t dim = 2 * (size_t)d, pts = set->nt + 1, s = set->vf_stride;
    char cols[256];

    nch_ofile ft;
    open_file(&ft, set, outdir, "traj", split, ntraj, sizes);
    bounds(ft.fp, "snapshot_bounds", z, ntraj * pts, dim);
    strcpy(cols, "traj step t");
    column_names(cols, sizeof cols, d, "", "");
    nch_tsv_columns(ft.fp, cols);
    for (size_t i = 0; i < ntraj; i++)
        for (size_t j = 0; j < pts; j++) {
            fprintf(ft.fp, "%zu\t%zu", i, j);
            nch_tsv_double(ft.fp, (double)j * set->h, 0);
            for (size_t c = 0; c < dim; c++) nch_tsv_double(ft.fp, z[dim * (pts * i + j) + c], 0);
            fputc('\n', ft.fp);
        }

    /* nvf ≤ ntraj (nt + 1): fits, as the trajectories did. */
    size_t per = (set->nt - 2) / s + 1, nvf = ntraj * per;
    double *vz = nch_xalloc(nvf, dim, sizeof *vz, "--n-ic, --nt: vector-field points");
    double *vt = nch_xalloc(nvf, 1, sizeof *vt, "--n-ic, --nt: times");
    double *f = nch_xalloc(nvf, dim, sizeof *f, "--n-ic, --nt: field values");
    size_t k = 0, start = 0;
    for (size_t g = 0; g < NCH_DATAGEN_VF_GROUPS; g++) {
        size_t size = ntraj / NCH_DATAGEN_VF_GROUPS + (g < ntraj % NCH_DATAGEN_VF_GROUPS);
        for (size_t i = start; i < start + size; i++)
            for (size_t j = g; j <= set->nt - 2 + g; j += s, k++) {
                memcpy(vz + dim * k, z + dim * (pts * i + j), dim * sizeof *vz);
                vt[k] = (double)j * set->h;
            }
        start += size;
    }
    int rc = nch_model_field(set->model, nvf, vz, f);
    if (rc) nch_die(NCH_EXIT_FAILED_RUN, "field evaluation failed: %s", nch_strerror(rc));

    nch_ofile fv;
    open_file(&fv, set, outdir, "vf", split, ntraj, sizes);
    bounds(fv.fp, "vf_bounds", vz, nvf, dim);
    nch_tsv_param(fv.fp, "points", "%zu", nvf);
    strcpy(cols, "t");
    column_names(cols, sizeof cols, d, "", "");
    column_names(cols, sizeof cols, d, "d", "dt");
    nch_tsv_columns(fv.fp, cols);
    for (size_t i = 0; i < nvf; i++) {
        nch_tsv_double(fv.fp, vt[i], 1);
        for (size_t c = 0; c < dim; c++) nch_tsv_double(fv.fp, vz[dim * i + c], 0);
        for (size_t c = 0; c < dim; c++) nch_tsv_double(fv.fp, f[dim * i + c], 0);
        fputc('\n', fv.fp);
    }
    nch_ofile_xcommit(&ft);
    nch_ofile_xcommit(&fv);
    free(vz);
    free(vt);
    free(f);
}

void nch_datagen_write(const nch_datagen_set *set, const char *outdir, const double *traj,
                       const size_t sizes[NCH_DATAGEN_SPLITS])
{
    size_t first = 0, states = (set->nt + 1) * 2 * (size_t)set->model->d;
    for (int k = 0; k < NCH_DATAGEN_SPLITS; k++) {
        write_split(set, outdir, nch_datagen_split_names[k], traj + states * first, sizes[k], sizes);
        first += sizes[k];
    }
}
