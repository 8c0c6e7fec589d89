#include "nch_dataset.h"

#include "nch_err.h"
#include "nch_tsv.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int no_memory(const char *path, size_t rows, size_t width)
{
    nch_error("%s: cannot allocate %zu rows of %zu values", path, rows, width);
    return NCH_ENOMEM;
}

/* The two kinds of file have the same number of columns for d = 1 (t x y
 * dxdt dydt, traj step t x y), so the numbers alone cannot tell a
 * trajectory file given for a vector-field one.  Their column line can: the
 * last header line before the data starts "# t " in a vector-field file and
 * "# traj step " in a trajectory file.  NCH_EINVAL with "path:line: ..." if
 * it names the other kind (want 'v' or 't'); a file without either column
 * line is left to the reader.  Read before the data, so that a file that
 * cannot be opened is reported by the reader as always. */
static int check_kind(const char *path, char want)
{
    FILE *fp = fopen(path, "r");
    if (!fp) return NCH_OK;
    char line[512], last[512] = "";
    size_t no = 0, last_no = 0;
    while (fgets(line, sizeof line, fp) && line[0] == '#') {
        no++;
        if (strchr(line, '\n')) {
            memcpy(last, line, sizeof last);
            last_no = no;
        } else {
            int c;
            while ((c = fgetc(fp)) != EOF && c != '\n') {}
        }
    }
    fclose(fp);
    char kind = !strncmp(last, "# traj step ", 12) ? 't' : !strncmp(last, "# t ", 4) ? 'v' : 0;
    if (!kind || kind == want) return NCH_OK;
    nch_error("%s:%zu: a %s file (columns %.*s), not a %s file", path, last_no,
              kind == 't' ? "trajectory" : "vector-field", (int)strcspn(last + 2, "\n"), last + 2,
              want == 't' ? "trajectory" : "vector-field");
    return NCH_EINVAL;
}

void nch_dataset_free(nch_dataset *ds)
{
    free(ds->samples);
    free(ds->states);
    free(ds->traj_len);
    free(ds->lines);
    memset(ds, 0, sizeof *ds);
}

int nch_dataset_read_vf(const char *path, int d, nch_dataset *ds)
{
    memset(ds, 0, sizeof *ds);
    int ncol = 1 + 4 * d;
    double *rows;
    size_t n, *lines;
    int rc = check_kind(path, 'v');
    if (!rc) rc = nch_tsv_read(path, ncol, &rows, &n, &lines);
    if (rc) return rc;
    if (n == 0) {
        nch_error("%s: no data rows", path);
        free(rows);
        free(lines);
        return NCH_EINVAL;
    }
    ds->path = path;
    ds->d = d;
    ds->n = n;
    ds->width = 4 * (size_t)d;
    ds->lines = lines;
    ds->samples = nch_alloc(n, ds->width, sizeof *ds->samples);
    if (!ds->samples) {
        free(rows);
        nch_dataset_free(ds);
        return no_memory(path, n, 4 * (size_t)d);
    }
    for (size_t i = 0; i < n; i++) {
        const double *r = rows + i * (size_t)ncol;
        for (size_t c = 0; c < ds->width; c++) {
            if (!isfinite(r[1 + c])) {
                nch_error("%s:%zu: value not finite (%g)", path, lines[i], r[1 + c]);
                free(rows);
                nch_dataset_free(ds);
                return NCH_EINVAL;
            }
            ds->samples[i * ds->width + c] = r[1 + c];
        }
    }
    free(rows);
    return NCH_OK;
}

/* Rows: traj step t z..., checked for order and a uniform step; the states
 * are copied out, one trajectory after the other. */
static int split_trajectories(const char *path, int d, const double *rows, const size_t *lines, size_t n,
                              nch_dataset *ds)
{
    size_t ncol = 3 + 2 * (size_t)d, dim = 2 * (size_t)d;
    ds->states = nch_alloc(n, dim, sizeof *ds->states);
    ds->traj_len = nch_alloc(n, 1, sizeof *ds->traj_len);
    if (!ds->states || !ds->traj_len) return no_memory(path, n, dim);
    ds->dt = NAN;
    for (size_t i = 0; i < n; i++) {
        const double *r = rows + i * ncol, *prev = r - ncol;
        int first = i == 0 || r[0] != prev[0];
        if (first) {
            if (i > 0 && r[0] < prev[0]) {
                nch_error("%s:%zu: trajectory %g after trajectory %g", path, lines[i], r[0], prev[0]);
                return NCH_EINVAL;
            }
            if (r[1] != 0) {
                nch_error("%s:%zu: trajectory %g starts at step %g, not 0", path, lines[i], r[0], r[1]);
                return NCH_EINVAL;
            }
            ds->traj_len[ds->n_traj++] = 0;
        } else {
            if (r[1] != prev[1] + 1) {
                nch_error("%s:%zu: step %g does not follow step %g", path, lines[i], r[1], prev[1]);
                return NCH_EINVAL;
            }
            double step = r[2] - prev[2];
            if (isnan(ds->dt)) ds->dt = step;
            if (!(step > 0) || fabs(step - ds->dt) > 1e-9 * ds->dt) {
                nch_error("%s:%zu: time step %.17g differs from %.17g", path, lines[i], step, ds->dt);
                return NCH_EINVAL;
            }
        }
        for (size_t c = 0; c < dim; c++) {
            if (!isfinite(r[3 + c])) {
                nch_error("%s:%zu: value not finite (%g)", path, lines[i], r[3 + c]);
                return NCH_EINVAL;
            }
            ds->states[i * dim + c] = r[3 + c];
        }
        ds->traj_len[ds->n_traj - 1]++;
    }
    ds->n_states = n;
    if (isnan(ds->dt)) {
        nch_error("%s: no trajectory with two states", path);
        return NCH_EINVAL;
    }
    return NCH_OK;
}

int nch_dataset_read_traj(const char *path, int d, nch_dataset *ds)
{
    memset(ds, 0, sizeof *ds);
    double *rows;
    size_t n, *lines;
    int rc = check_kind(path, 't');
    if (!rc) rc = nch_tsv_read(path, 3 + 2 * d, &rows, &n, &lines);
    if (rc) return rc;
    ds->path = path;
    ds->d = d;
    ds->lines = lines;
    rc = n ? split_trajectories(path, d, rows, lines, n, ds) : NCH_EINVAL;
    if (!n) nch_error("%s: no data rows", path);
    free(rows);
    if (rc) {
        nch_dataset_free(ds);
        return rc;
    }
    size_t dim = 2 * (size_t)d, triplets = 0;
    for (size_t t = 0; t < ds->n_traj; t++) triplets += ds->traj_len[t] > 2 ? ds->traj_len[t] - 2 : 0;
    if (!triplets) {
        nch_error("%s: no trajectory with three states (no snapshot triplet)", path);
        nch_dataset_free(ds);
        return NCH_EINVAL;
    }
    ds->width = 3 * dim;
    ds->n = triplets;
    ds->samples = nch_alloc(triplets, ds->width, sizeof *ds->samples);
    if (!ds->samples) {
        nch_dataset_free(ds);
        return no_memory(path, triplets, 3 * dim);
    }
    size_t k = 0, first = 0;
    for (size_t t = 0; t < ds->n_traj; t++) {
        for (size_t j = 0; j + 2 < ds->traj_len[t]; j++, k++)
            memcpy(ds->samples + k * ds->width, ds->states + (first + j) * dim, ds->width * sizeof *ds->samples);
        first += ds->traj_len[t];
    }
    return NCH_OK;
}

int nch_dataset_check_domain(const nch_dataset *ds, const nch_model *m)
{
    const double *z = ds->states ? ds->states : ds->samples;
    size_t n = ds->states ? ds->n_states : ds->n, stride = ds->states ? 2 * (size_t)ds->d : ds->width;
    for (size_t i = 0; i < n; i++) {
        const double *zi = z + i * stride;
        if (nch_model_check_domain(m, zi) != NCH_OK) {
            nch_error("%s:%zu: state outside the domain of model %s (%g, %g%s)", ds->path, ds->lines[i], m->name,
                      zi[0], zi[1], ds->d > 1 ? ", ..." : "");
            return NCH_EDOM;
        }
    }
    return NCH_OK;
}

void nch_dataset_bounds(const nch_dataset *ds, double *lo, double *hi)
{
    size_t dim = 2 * (size_t)ds->d;
    const double *z = ds->states ? ds->states : ds->samples;
    size_t n = ds->states ? ds->n_states : ds->n, stride = ds->states ? dim : ds->width;
    for (size_t c = 0; c < dim; c++) {
        lo[c] = INFINITY;
        hi[c] = -INFINITY;
    }
    for (size_t i = 0; i < n; i++)
        for (size_t c = 0; c < dim; c++) {
            lo[c] = fmin(lo[c], z[i * stride + c]);
            hi[c] = fmax(hi[c], z[i * stride + c]);
        }
}

int nch_dataset_velocity_bounds(const nch_dataset *ds, double *lo, double *hi)
{
    const size_t dim = 2 * (size_t)ds->d;
    size_t steps = 0, first = 0;
    for (size_t c = 0; c < dim; c++) {
        lo[c] = INFINITY;
        hi[c] = -INFINITY;
    }
    if (!ds->states) {
        for (size_t i = 0; i < ds->n; i++)
            for (size_t c = 0; c < dim; c++) {
                lo[c] = fmin(lo[c], ds->samples[i * ds->width + dim + c]);
                hi[c] = fmax(hi[c], ds->samples[i * ds->width + dim + c]);
            }
        return ds->n ? NCH_OK : NCH_EINVAL;
    }
    for (size_t t = 0; t < ds->n_traj; t++) {
        for (size_t j = 0; j + 1 < ds->traj_len[t]; j++, steps++) {
            const double *a = ds->states + (first + j) * dim, *b = a + dim;
            for (size_t c = 0; c < dim; c++) {
                lo[c] = fmin(lo[c], (b[c] - a[c]) / ds->dt);
                hi[c] = fmax(hi[c], (b[c] - a[c]) / ds->dt);
            }
        }
        first += ds->traj_len[t];
    }
    return steps ? NCH_OK : NCH_EINVAL;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double quantile(const double *sorted, size_t n, double p)
{
    double pos = p * (double)(n - 1);
    size_t i = (size_t)floor(pos);
    if (i + 1 >= n) return sorted[n - 1];
    return sorted[i] + (pos - (double)i) * (sorted[i + 1] - sorted[i]);
}

int nch_dataset_step_ratio(const nch_dataset *ds, double p_lo, double p_hi, double *ratio)
{
    if (!ds->states || !(p_lo >= 0 && p_lo < p_hi && p_hi <= 1)) return NCH_EINVAL;
    size_t dim = 2 * (size_t)ds->d, m = 0, first = 0;
    double *q = nch_alloc(ds->n_states, 1, sizeof *q);
    if (!q) return no_memory(ds->path, ds->n_states, 1);
    for (size_t t = 0; t < ds->n_traj; t++) {
        for (size_t j = 0; j + 1 < ds->traj_len[t]; j++) {
            const double *a = ds->states + (first + j) * dim, *b = a + dim;
            double s = 0;
            for (size_t c = 0; c < dim; c++) s += (b[c] - a[c]) * (b[c] - a[c]);
            q[m++] = s / (double)dim;
        }
        first += ds->traj_len[t];
    }
    qsort(q, m, sizeof *q, cmp_double);
    int rc = m ? NCH_OK : NCH_EINVAL;
    if (!rc) {
        double lo = quantile(q, m, p_lo), hi = quantile(q, m, p_hi);
        /* The states are finite, but their squared differences may not be
         * (|z| near 1e308); a zero upper quantile (trajectories mostly at
         * rest) makes the ratio 0/0. */
        if (!(hi > 0) || !isfinite(hi) || !isfinite(lo)) {
            nch_error("%s: the %g and %g quantiles of the squared step increments are %g and %g: "
                      "no Gram ratio (trajectories at rest?)", ds->path, p_lo, p_hi, lo, hi);
            rc = NCH_EDEGEN;
        } else {
            *ratio = lo / hi;
        }
    }
    free(q);
    return rc;
}
