/* nch_learnt — learnt models: MLPs behind the nch_model interface, their
 * parameters, their seeding and their files (spec lotka-volterra.md §1.1,
 * §4; engine.md §1–2).
 *
 * Kinds, on a state z = (x_1..x_d, y_1..y_d) ∈ R^{2d}:
 *   mlp           one net z → ż (2d outputs): a bare vector field, no jets;
 *   canonical     one net z → H; θ = y (D_xθ = 0, D_yθ = I, no second
 *                 derivatives), so ẋ = ∇_yH, ẏ = −∇_xH;
 *   noncanonical  two nets, θ: z → R^d (θ_k = output k), then H: z → R,
 *                 field by the two d×d solves of nch_model.h.
 * All nets have the same hidden widths and the same input map, one of
 *   none / normaliser  the nets' own a = (z + shift) ⊙ scale (nch_mlp.h) or
 *                      the identity: the nets' jet directions are z's 2d
 *                      components;
 *   embedding          one nch_embed (nch_embed.h) shared by the nets, with
 *                      its learnable phases (the guiding centre, spec
 *                      gc-mcp.md §3.3): the nets' jet directions are the
 *                      embedding's kept components (n_dir), and the jets'
 *                      entries along a dropped component are zero.
 * and optionally an output map (spec gc-mcp.md §3.3):
 *   mlp                ż_c = out_c·scale_c + shift_c, c < 2d (the baseline's
 *                      componentwise de-normalisation, scale = max ż − min ż,
 *                      shift = min ż);
 *   canonical, noncanonical  H = h·scale + shift with h the H net's output
 *                      (all its derivatives times scale); θ is not scaled.
 *
 * Parameters: ONE array (n_params): the embedding's phases (n_phase, at
 * 0), then net 0's block (nch_mlp.h layout) at off[0], then net 1's at
 * off[1]; gradients use the same layout.
 *
 * Interface view m->model (name = the kind's name, d, in_domain NULL):
 *   mlp           jets NULL, field = the net's output (order 0);
 *   canonical     jets (θ = y and H from the net), field ẋ = ∇_yH, ẏ = −∇_xH;
 *   noncanonical  jets from the two nets, field NULL (nch_model_field solves).
 * The fields return NCH_ENONFIN if a value is not finite.
 *
 * Domain (issue 11): the nets are defined on all of R^{2d}, so the model's
 * own domain is everything (in_domain NULL): a short run that strays out of
 * the data (fig_scheme_learning's error study) only becomes inaccurate.  The
 * programs that report the reference energy H of Lotka–Volterra (simulate,
 * long_run, the long runs of fig_dvi_failure and fig_scheme_learning) run a
 * learnt model in the domain of the reference system instead, x, y > 0,
 * where that H is defined (nch_lv_energy_domain): a start outside is refused
 * as for the model lv (status 1) and a run that leaves it stops there.  Not
 * the data box: a model file records it only through a normaliser, which
 * not every model has, and nothing in a row is undefined outside it.
 * They evaluate m->params, any number of points, in chunks of
 * NCH_LEARNT_CHUNK through workspaces inside the struct: one model is not to
 * be used from two threads at once.  model.params points back to the struct,
 * so a created nch_learnt must not be moved or copied.
 *
 * File format (version 2), plain text, one item per line:
 *   ncham-model 2
 *   kind noncanonical                 (mlp | canonical | noncanonical)
 *   d 2
 *   widths 48 48 48                   (hidden widths, depth = their number)
 *   input none                        or: input normaliser shift s_1 .. s_2d scale c_1 .. c_2d
 *                                     or: input embed E_1 .. E_2d, E_c one of
 *                                         drop | periodic R | affine R SHIFT SCALE
 *   output none                       or: output scale v_1 .. v_k shift w_1 .. w_k
 *                                         (k = 2d for mlp, 1 otherwise)
 *   params 11670                      (must equal the architecture's count)
 *   <one parameter per line, %.17g, in the layout above>
 *   end
 * Version 1 (still read): no output line, and "normaliser none" or
 * "normaliser shift .. scale .." in place of the input line.
 * Numbers are written with %.17g, so a save/load round trip is bit-exact.
 * Loading rejects a wrong magic or version, an unknown kind, a bad
 * architecture, a wrong parameter count, a non-numeric or non-finite value,
 * a missing "end" or anything after it with NCH_EINVAL and a message
 * "file:line: what (value)". */
#ifndef NCH_LEARNT_H
#define NCH_LEARNT_H

#include "nch_embed.h"
#include "nch_mlp.h"
#include "nch_model.h"

#include <gsl/gsl_rng.h>
#include <stddef.h>

#define NCH_LEARNT_VERSION 2
#define NCH_LEARNT_WIDTH_MAX 1000000 /* largest hidden width a file or a trainer may ask for */
#define NCH_LEARNT_CHUNK 64 /* points per net call in the interface */

typedef enum { NCH_LEARNT_MLP, NCH_LEARNT_CANONICAL, NCH_LEARNT_NONCANONICAL } nch_learnt_kind;

/* "mlp", "canonical", "noncanonical" ("?" for anything else). */
const char *nch_learnt_kind_name(nch_learnt_kind k);
/* The kind named s; NCH_EINVAL (no message) for an unknown name. */
int nch_learnt_kind_parse(const char *s, nch_learnt_kind *k);

typedef struct nch_learnt_work nch_learnt_work;

typedef struct {
    nch_learnt_kind kind;
    int d;                 /* state z ∈ R^{2d} */
    size_t n_nets;         /* mlp: 1 (z → ż, 2d outputs); canonical: 1 (H);
                              noncanonical: 2 (θ with d outputs, then H) */
    nch_mlp net[2];
    size_t off[2];         /* offset of each net's block in params */
    size_t n_params;
    double *params;        /* owned, n_params: phases, net 0's block, net 1's */
    int normalised;        /* 1 if the nets carry the normaliser given at creation */
    int embedded;          /* 1 if the nets read the embedding below */
    nch_embed embed;
    size_t n_phase;        /* the embedding's phases, params[0..n_phase-1] */
    size_t n_dir;          /* the nets' jet directions: 2d, or embed.n_dir */
    int out_scaled;        /* 1 if the output map below applies */
    double out_scale[NCH_ZMAX], out_shift[NCH_ZMAX]; /* 2d (mlp) or 1 values */
    nch_model model;       /* the interface view: model.params points back to this struct */
    /* Private: the interface's workspace, NCH_LEARNT_CHUNK points at order 2
     * (order 0 for mlp), and each net's output for them. */
    nch_learnt_work *work;
    double *out[2];
} nch_learnt;

/* Creates a model of the given kind, d ∈ 1..NCH_DMAX, depth hidden layers of
 * widths[0..depth-1] for every net, with the normaliser (2d values each) or
 * none (both NULL); params are zero until nch_learnt_init_params.
 * NCH_EINVAL for a bad kind, d, depth, width, a lone shift or scale or a
 * non-finite one; NCH_ENOMEM.  On failure nothing is left allocated. */
int nch_learnt_create(nch_learnt *m, nch_learnt_kind kind, int d, size_t depth,
                      const size_t *widths, const double *shift, const double *scale);

/* The same with an embedding as the nets' input map (copied; its n_in must
 * be 2d).  NCH_EINVAL as above or for a bad embedding. */
int nch_learnt_create_embedded(nch_learnt *m, nch_learnt_kind kind, int d, size_t depth,
                               const size_t *widths, const nch_embed *embed);

/* Sets the output map: scale and shift of 2d values (mlp) or 1 (the H of
 * canonical and noncanonical).  NCH_EINVAL for a non-finite value. */
int nch_learnt_set_output(nch_learnt *m, const double *scale, const double *shift);

/* The embedding's phases (nch_embed_init_phases), then PyTorch's default
 * initialisation (nch_mlp_init_params) of each net in order (θ then H), all
 * drawing from one stream (the order of spec gc-mcp.md §1.7): the same seed
 * gives the same parameters, and two models of one architecture start
 * identical. */
void nch_learnt_init_params(nch_learnt *m, gsl_rng *rng);

/* ---- batched forward and backward, for the losses ------------------------
 * Jet patterns (nch_mlp.h) are in the nets' directions (m->n_dir).
 * nch_learnt_jets_order: the full pattern of an order.  nch_learnt_jets:
 * the pattern for what a loss head reads, given in state components: first
 * derivatives along the components of bit mask `grad` (bit c), and the
 * second derivatives (a, b) with bit a·2d + b or b·2d + a of `hess` set (both
 * a and b in grad); components the nets do not see are left out (their
 * entries vanish).
 * A workspace for batches of up to B_max points and jets up to order_max
 * (NULL on a bad argument or no memory).  nch_learnt_forward: every net's
 * jets of the pattern at B points z (B × 2d) with parameters `params` (m's
 * layout) into out[j] ((B·K) × net j's n_out, K = nch_mlp_jets_ncomp,
 * nch_mlp.h's layout; the output map NOT applied, see below).
 * nch_learnt_backward: given out_bar[j] = ∂L/∂out[j] of the latest forward
 * on w, ADDS ∂L/∂params to grad.  Statuses as nch_mlp_forward. */
void nch_learnt_jets_order(const nch_learnt *m, int order, nch_mlp_jets *j);
void nch_learnt_jets(const nch_learnt *m, unsigned grad, unsigned hess, nch_mlp_jets *j);
nch_learnt_work *nch_learnt_work_alloc(const nch_learnt *m, size_t B_max, int order_max);
void nch_learnt_work_free(nch_learnt_work *w);
int nch_learnt_forward(const nch_learnt *m, const double *params, size_t B, const double *z,
                       const nch_mlp_jets *jets, nch_learnt_work *w, double *const *out);
int nch_learnt_backward(const nch_learnt *m, const double *params, nch_learnt_work *w,
                        const double *const *out_bar, double *grad);

/* Writes the model atomically (nch_ofile) in the format above.  NCH_EIO on a
 * write failure, NCH_ENONFIN (nothing written) for a non-finite parameter;
 * both with a message. */
int nch_learnt_save(const nch_learnt *m, const char *path);

/* Creates *m (uninitialised on entry) from a file.  NCH_EIO if it cannot be
 * read, NCH_EINVAL for malformed content, NCH_ENOMEM, each with a message;
 * on failure nothing is left allocated. */
int nch_learnt_load(nch_learnt *m, const char *path);

/* Frees what create/load allocated (safe on a zeroed struct). */
void nch_learnt_free(nch_learnt *m);

/* ---- the nets' outputs ↔ nch_jet and the field, shared with nch_loss -----
 * For kinds canonical and noncanonical.  A point's block of a net's output
 * for a jet pattern has K = nch_mlp_jets_ncomp components of n_out values
 * (nch_mlp.h): th points at the θ net's block (K·d values; unused for
 * canonical), H at the H net's (K values), z at the point (θ = y needs it).
 * nch_learnt_jet_get fills the entries of order ≤ the pattern's order of
 * *jet (the output map applied; zero along components the nets do not see,
 * NaN where the pattern does not carry an entry, so that a head reading
 * what it did not ask for fails loudly); the Hessians are mirrored into
 * full storage. */
void nch_learnt_jet_get(const nch_learnt *m, const nch_mlp_jets *jets, const double *z,
                        const double *th, const double *H, nch_jet *jet);
/* The adjoint of nch_learnt_jet_get: given bar = ∂L/∂(entries of the jet),
 * each full-storage entry an independent variable, WRITES ∂L/∂(block
 * entries) into th_bar (K·d, unless canonical) and H_bar (K): a Hessian
 * entry (i, j), i < j, receives bar[i][j] + bar[j][i]; bars of entries the
 * pattern does not carry are ignored. */
void nch_learnt_jet_adjoint(const nch_learnt *m, const nch_mlp_jets *jets, const nch_jet *bar,
                            double *th_bar, double *H_bar);
/* For kind mlp: the field f (2d) from a point's net output (order 0, 2d
 * values) with the output map, and its adjoint: out_bar from f_bar. */
void nch_learnt_field_get(const nch_learnt *m, const double *out, double *f);
void nch_learnt_field_adjoint(const nch_learnt *m, const double *f_bar, double *out_bar);

#endif
