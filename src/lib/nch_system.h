/* nch_system — the study's three reference systems, and the model a program
 * is asked for by "--system SYSTEM --model NAME|FILE".
 *
 * The systems: lv Lotka–Volterra (nch_lv.h, d = 1, models lv and
 * lv-perturbed), mcp the massless charged particle (nch_mcp.h, d = 1, model
 * mcp), gc the tokamak guiding centre (nch_gc.h, d = 2, model gc), each in
 * the dimensionless units of its header.  A NAME that is one of the system's
 * reference models is that model; any other NAME is the FILE of a learnt
 * model (nch_learnt.h), which must have the system's d.  Whether a reference
 * model of another system is an error (bin/simulate, bin/evaluate: a usage
 * error) or a file name (bin/gc_run: ./lv) is the program's choice, so it is
 * asked separately (nch_system_foreign).
 *
 * A learnt model's nets are defined everywhere, but the reference H of an
 * energy column is not: a program that reports it runs a learnt model in the
 * reference model's domain (lv x, y > 0; mcp everywhere; gc 0 < r < 1 with
 * finite angles and u), so that a start outside is refused and a run that
 * leaves it stops, as the reference model's do. */
#ifndef NCH_SYSTEM_H
#define NCH_SYSTEM_H

#include "nch_gc.h"
#include "nch_learnt.h"
#include "nch_model.h"

/* A reference system: its name, models, state, domain and energy. */
typedef struct {
    const char *name;     /* "lv", "mcp", "gc": the value of --system */
    const char *models;   /* its reference models' names, "|" between them */
    const char *columns;  /* the 2d state columns' names, " " between them */
    const char *domain;   /* the reference domain in words ("x, y > 0") */
    int d;                /* state z ∈ R^{2d} */
    double (*H)(const double *z); /* the reference Hamiltonian */
    int rel_to_H0;        /* the study's rel_err_H is (H − H₀)/H₀ (mcp, gc;
                             spec gc-mcp.md §2.5, §3.5), else (H − H₀)/H
                             (lv, spec lotka-volterra.md §7) */
} nch_system;

/* The system named NAME ("lv", "mcp" or "gc"); NULL for any other name.
 * The result is static: it is never freed. */
const nch_system *nch_system_find(const char *name);

/* 1 if NAME is a reference model of a system other than sys (and not one of
 * sys's), else 0. */
int nch_system_foreign(const nch_system *sys, const char *name);

/* A model of a system and the memory behind it, owned by the caller.  Not to
 * be copied once loaded: model, and ref for gc, point into it. */
typedef struct {
    const nch_model *model; /* the model asked for: &ref or &learnt.model */
    nch_model ref;          /* the system's reference model (lv-perturbed
                               when that was asked for) */
    nch_gc_rule rule;       /* gc's quadrature rule, ref's params */
    nch_learnt learnt;      /* a learnt model; zeroed when none was loaded */
} nch_system_model;

/* Sets up sm (any content before is overwritten) with sys's reference model
 * and the model NAME: the reference model of that name, else the learnt
 * model of file NAME (also when NAME is another system's reference model:
 * nch_system_foreign).  energy_domain ≠ 0 restricts a learnt model to the
 * reference model's domain (see above); 0 leaves its nets' domain,
 * everywhere.  On failure one line is printed and the status returned:
 *   NCH_ENOMEM  the reference model cannot be set up: "cannot set up the
 *               reference model: out of memory"
 *   NCH_EINVAL  a learnt model of another d: "FILE: a model of d = D, WHO has
 *               d = d", WHO being who_d or, when NULL, "--system SYSTEM"
 *   other       the status of nch_learnt_load (an unreadable file), its
 *               message.
 * sm is then ready for nch_system_model_free, also on failure. */
int nch_system_load(nch_system_model *sm, const nch_system *sys, const char *name, int energy_domain,
                    const char *who_d);

/* Frees a learnt model's memory (safe on a zeroed sm and after any load). */
void nch_system_model_free(nch_system_model *sm);

#endif
