/* nch_mlp — a multilayer perceptron whose forward pass carries input
 * derivatives (jets) and whose backward pass returns parameter gradients.
 *
 * Architecture (spec: engine.md, lotka-volterra.md §4.1):
 *   z ∈ Rⁿ → input map → Linear(n→w₀) → STanh → … → Linear(w_{L-2}→w_{L-1})
 *          → STanh → Linear(w_{L-1}→n_out, no bias),
 * with L = depth hidden layers and STanh σ(u) = (1 + s·u)·tanh(u), one
 * learnable s per neuron.  The input map is either
 *   NCH_MLP_INPUT_AFFINE    the net's own a = (z + shift) ⊙ scale with fixed
 *                           shift/scale (identity until
 *                           nch_mlp_set_normaliser): n_feat = n features;
 *   NCH_MLP_INPUT_FEATURES  n_feat features a(z) whose jets in the n
 *                           directions the caller supplies (nch_embed.h: the
 *                           guiding centre's periodic embedding, whose
 *                           learnable phases are the caller's parameters),
 *                           and whose adjoint the backward pass returns.
 *
 * Parameters: ONE contiguous double array of nch_mlp.n_params entries, so
 * that Adam, finite differences and file I/O treat them uniformly.  Blocks,
 * in this order, at the offsets stored in the struct:
 *   for l = 0..L-1:  W_l (w_l × fan_in, row-major) at off_W[l],
 *                    b_l (w_l) at off_b[l],  s_l (w_l) at off_s[l];
 *   then             W_L (n_out × w_{L-1}, row-major) at off_W[L];
 * fan_in = n_feat for l = 0, w_{l-1} otherwise.  The gradient has the same layout.
 * The normaliser's shift/scale are not parameters: they live in the struct.
 *
 * Jets: for each point, K components of every quantity, K depending on the
 * order requested per call (nch_mlp_ncomp):
 *   order 0: K = 1            value
 *   order 1: K = 1 + n        value, ∂/∂z_0 … ∂/∂z_{n-1}
 *   order 2: K = 1 + n + n(n+1)/2, then the Hessian upper triangle row by row:
 *            (0,0), (0,1), …, (0,n-1), (1,1), (1,2), …, (n-1,n-1)
 * (component index of ∂²/∂z_i∂z_j: nch_mlp_hess_comp).  A batch of B points
 * is a row-major (B·K) × width matrix, point-major and component-major inside
 * each point, so one affine layer is one dgemm over all components.  The
 * network output is therefore out[(p·K + c)·n_out + o], p < B, c < K.
 * A pass may also carry a subset of these components (a jet pattern, below).
 * Rounding: the leading components of an order-2 pass are bitwise those of
 * an order-0 or order-1 pass; a point's jets may differ in the last bits with
 * the batch size B, as OpenBLAS's kernels depend on the number of rows.
 *
 * Workspace: nch_mlp_work_alloc sizes it for a net, a maximum batch and a
 * maximum order; the forward pass keeps in it what the backward pass needs, so
 * a backward call refers to the latest forward call on the same workspace.
 * All memory is the caller's; nothing here allocates except the work pair. */
#ifndef NCH_MLP_H
#define NCH_MLP_H

#include <gsl/gsl_rng.h>
#include <stddef.h>

#define NCH_MLP_NMAX 4 /* input dimension n */
#define NCH_MLP_LMAX 8 /* hidden layers */
#define NCH_MLP_KMAX (1 + NCH_MLP_NMAX + NCH_MLP_NMAX * (NCH_MLP_NMAX + 1) / 2)

typedef enum { NCH_MLP_INPUT_AFFINE, NCH_MLP_INPUT_FEATURES } nch_mlp_input;

typedef struct {
    size_t n;                    /* input dimension = jet directions */
    size_t n_feat;               /* fan-in of the first layer (n for AFFINE) */
    size_t n_out;                /* output dimension */
    size_t depth;                /* number of hidden layers L */
    size_t width[NCH_MLP_LMAX];  /* hidden widths w_0..w_{L-1} */
    nch_mlp_input input;
    double shift[NCH_MLP_NMAX];  /* affine input map, fixed */
    double scale[NCH_MLP_NMAX];
    size_t off_W[NCH_MLP_LMAX + 1];
    size_t off_b[NCH_MLP_LMAX];
    size_t off_s[NCH_MLP_LMAX];
    size_t n_params;
} nch_mlp;

typedef struct nch_mlp_work nch_mlp_work;

/* Sets up the shapes and parameter offsets of an n → width[0..depth-1] →
 * n_out MLP with the identity input map.  NCH_EINVAL unless 1 ≤ n ≤
 * NCH_MLP_NMAX, 1 ≤ depth ≤ NCH_MLP_LMAX and all widths and n_out ≥ 1. */
int nch_mlp_init(nch_mlp *net, size_t n, size_t depth, const size_t *width, size_t n_out);

/* The same with NCH_MLP_INPUT_FEATURES: n jet directions, n_feat ≥ 1 input
 * features.  NCH_EINVAL as above or for n_feat = 0. */
int nch_mlp_init_features(nch_mlp *net, size_t n, size_t n_feat, size_t depth, const size_t *width,
                          size_t n_out);

/* Affine input map a = (z + shift) ⊙ scale (n entries each; typically
 * shift = −min, scale = 1/(max − min)).  NCH_EINVAL for a non-finite value. */
int nch_mlp_set_normaliser(nch_mlp *net, const double *shift, const double *scale);

/* PyTorch's default initialisation: for each Linear l = 0..L in order, all
 * weights row-major, then (hidden layers only) the biases, each drawn as
 * (2·gsl_rng_uniform(rng) − 1)/√fan_in, i.e. U(−1/√fan_in, 1/√fan_in);
 * every s = 1.  Draws exactly n_params − Σ w_l numbers from rng. */
void nch_mlp_init_params(const nch_mlp *net, gsl_rng *rng, double *params);

/* K, the number of jet components per point, for input dimension n. */
size_t nch_mlp_ncomp(size_t n, int order);

/* Component index of ∂²/∂z_i∂z_j (either order of i, j) in an order-2 jet. */
size_t nch_mlp_hess_comp(size_t n, size_t i, size_t j);

/* ---- jet patterns -----------------------------------------------------------
 * A pass may carry only some derivatives (the losses ask for what their
 * heads read): the value; ∂/∂z_{dir[p]} for p < ng (directions increasing);
 * ∂²/∂z_{dir[a]}∂z_{dir[b]} for each pair[q] = (a, b), positions a ≤ b < ng.
 * K = 1 + ng + nh components per point, in this order.  The full pattern of
 * an order is the layout above (ng = n, the pairs i ≤ k of the upper
 * triangle row by row); each component is computed by the same operations whatever the
 * others are, so a component of a smaller pattern is bitwise that of the
 * full one. */
typedef struct {
    size_t ng, dir[NCH_MLP_NMAX];
    size_t nh, pair[NCH_MLP_KMAX][2];
} nch_mlp_jets;

/* The full pattern of order 0, 1 or 2 in n directions. */
void nch_mlp_jets_full(size_t n, int order, nch_mlp_jets *j);
/* K, and the order (2 if any pair, 1 if any direction, else 0). */
size_t nch_mlp_jets_ncomp(const nch_mlp_jets *j);
int nch_mlp_jets_order(const nch_mlp_jets *j);
/* The component of ∂/∂z_a (b < 0) or of ∂²/∂z_a∂z_b (either order), or −1
 * if the pattern does not carry it. */
long nch_mlp_jets_comp(const nch_mlp_jets *j, size_t a, long b);

/* Workspace for batches of up to B_max points and jets up to order_max;
 * NULL on a bad argument or allocation failure. */
nch_mlp_work *nch_mlp_work_alloc(const nch_mlp *net, size_t B_max, int order_max);
void nch_mlp_work_free(nch_mlp_work *w);

/* Jets of order `order` (0, 1 or 2) of the network output at B points
 * z (B × n, row-major) into out ((B·K) × n_out, layout above).  Keeps the
 * activations in w for nch_mlp_backward.  NCH_EINVAL if B or order exceed
 * what w was sized for or w was sized for a different shape. */
int nch_mlp_forward(const nch_mlp *net, const double *params, size_t B, const double *z,
                    int order, nch_mlp_work *w, double *out);

/* The same with a jet pattern (K = nch_mlp_jets_ncomp components per
 * point).  NCH_EINVAL also for an invalid pattern or one beyond the work's
 * order_max. */
int nch_mlp_forward_jets(const nch_mlp *net, const double *params, size_t B, const double *z,
                         const nch_mlp_jets *jets, nch_mlp_work *w, double *out);

/* Given out_bar = ∂L/∂out for the latest forward on w (same shape as its
 * out), ADDS ∂L/∂params to grad (n_params, layout of params); params must be
 * those of that forward.  Overwrites the adjoint scratch in w only, so it may
 * be called again with another out_bar. */
int nch_mlp_backward(const nch_mlp *net, const double *params, nch_mlp_work *w,
                     const double *out_bar, double *grad);

/* NCH_MLP_INPUT_FEATURES: the forward pass from the features' jets A0
 * ((B·K) × n_feat, the layout of a layer's activations; copied into w), and
 * the backward pass, which also WRITES the columns col0 .. col0 + ncol − 1
 * of ∂L/∂A0 into A0_bar ((B·K) × ncol; none if ncol = 0: the caller asks
 * only for the features that carry parameters).  NCH_EINVAL as above, for
 * columns beyond n_feat, or for a net of the other input kind (and
 * nch_mlp_forward / nch_mlp_backward reject a FEATURES net). */
int nch_mlp_forward_features(const nch_mlp *net, const double *params, size_t B, const double *A0,
                             const nch_mlp_jets *jets, nch_mlp_work *w, double *out);
int nch_mlp_backward_features(const nch_mlp *net, const double *params, nch_mlp_work *w,
                              const double *out_bar, double *grad, double *A0_bar, size_t col0,
                              size_t ncol);

#endif
