/* nch_lv — the reference Lotka–Volterra model of the study (spec
 * lotka-volterra.md §1.2) and its perturbed gauge (§1.3), as nch_models.
 *
 * d = 1, z = (x, y), parameters (a, b, c, d) = (1, 1, 2, 1):
 *   θ = −ln(y)/x,   H = d x − c ln x + b y − a ln y,
 *   field ẋ = x (a − b y), ẏ = y (d x − c) (closed form, as the authors').
 * The perturbed gauge adds cos(2x)/2 to θ: same H, same closed-form field,
 * only its jets (and so the Euler DVI) differ.
 * The domain is x, y > 0: jets and in_domain return NCH_EDOM outside it.
 * The closed-form field is polynomial and is evaluated anywhere, as the
 * authors' is, so that explicit schemes behave as theirs. */
#ifndef NCH_LV_H
#define NCH_LV_H

#include "nch_model.h"

/* Fill *m with the reference model ("lv") / the perturbed gauge
 * ("lv_perturbed").  Neither needs params nor owns memory. */
void nch_lv_model(nch_model *m);
void nch_lv_perturbed_model(nch_model *m);

/* Restricts m to the reference model's domain (every coordinate > 0: x, y > 0
 * for d = 1), where the reference H of an energy column is defined.  For a
 * learnt model, whose nets are defined everywhere (nch_learnt.h), in a
 * program that reports that energy: a start outside is then refused and a
 * run that leaves the domain stops, as the reference model's do. */
void nch_lv_energy_domain(nch_model *m);

/* The reference Hamiltonian H(z), used for every relative energy error
 * (H(z_n) − H(z_0)) / H(z_n) (spec §7); NaN or −inf outside the domain. */
double nch_lv_hamiltonian(const double *z);

#endif
