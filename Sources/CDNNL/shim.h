// oneDNN (Debian's libdnnl-dev): its sgemm, its direct convolutions, and the one OpenMP call
// they need: libdnnl runs on libgomp, and each of the engine's threads calls it
// single-threaded. Declared here so that no omp.h is needed.
#include <oneapi/dnnl/dnnl.h>
#include <stdlib.h>
void omp_set_num_threads(int);

// One operand of a oneDNN primitive: the caller's plain tensor (NCHW or OIHW) and the
// implementation's copy in its own layout (e.g. nChw16c), the same memory where they agree.
typedef struct eus_operand {
    int argument;  // DNNL_ARG_*
    int output;    // written by the primitive (reordered back to the caller's tensor)
    dnnl_memory_t plain, inner;
    dnnl_primitive_t reorder;  // NULL where the layouts agree
    size_t bytes;              // scratch for `inner` (0 where the layouts agree)
} eus_operand;

// A primitive with its three operands.
typedef struct eus_pass {
    dnnl_primitive_t primitive;
    eus_operand operands[3];
} eus_pass;

// One convolution shape on oneDNN's direct path, as PyTorch's CPU convolutions run it: forward,
// and the gradients of its input and of its weights. The reordered copies live in scratch the
// caller passes to each call, so that the convolutions of a network can share it.
typedef struct eus_direct_convolution {
    dnnl_stream_t stream;
    eus_pass forward, input_gradient, weight_gradient;
    const char *implementation;  // the forward's, e.g. "jit:avx512_core"
} eus_direct_convolution;

static inline void eus_pass_destroy(eus_pass *pass) {
    if (pass->primitive) dnnl_primitive_destroy(pass->primitive);
    for (int i = 0; i < 3; i++) {
        eus_operand *o = &pass->operands[i];
        if (o->reorder) dnnl_primitive_destroy(o->reorder);
        if (o->inner && o->inner != o->plain) dnnl_memory_destroy(o->inner);
        if (o->plain) dnnl_memory_destroy(o->plain);
    }
}

static inline void eus_direct_convolution_destroy(eus_direct_convolution *c) {
    if (!c) return;
    eus_pass_destroy(&c->forward);
    eus_pass_destroy(&c->input_gradient);
    eus_pass_destroy(&c->weight_gradient);
    if (c->stream) dnnl_stream_destroy(c->stream);
    free(c);
}

// Sets up operand `o` of the primitive `pd` (its descriptor queried by `what`) for the caller's
// plain layout `plain`.
static inline dnnl_status_t eus_operand_init(eus_operand *o, dnnl_engine_t engine, const_dnnl_primitive_desc_t pd,
                                             dnnl_query_t what, int argument, int output,
                                             const dnnl_memory_desc_t *plain) {
    o->argument = argument;
    o->output = output;
    const dnnl_memory_desc_t *wanted = dnnl_primitive_desc_query_md(pd, what, 0);
    dnnl_status_t status = dnnl_memory_create(&o->plain, plain, engine, DNNL_MEMORY_NONE);
    if (status != dnnl_success || !wanted) return status ? status : dnnl_runtime_error;
    if (dnnl_memory_desc_equal(plain, wanted)) { o->inner = o->plain; return dnnl_success; }
    o->bytes = dnnl_memory_desc_get_size(wanted);
    if ((status = dnnl_memory_create(&o->inner, wanted, engine, DNNL_MEMORY_NONE)) != dnnl_success) return status;
    dnnl_primitive_desc_t reorder;
    status = output ? dnnl_reorder_primitive_desc_create(&reorder, wanted, engine, plain, engine, NULL)
                    : dnnl_reorder_primitive_desc_create(&reorder, plain, engine, wanted, engine, NULL);
    if (status != dnnl_success) return status;
    status = dnnl_primitive_create(&o->reorder, reorder);
    dnnl_primitive_desc_destroy(reorder);
    return status;
}

// Makes `pass`'s primitive from the operation descriptor `desc` (with the forward's descriptor
// as a hint for the backward passes) and its three operands.
static inline dnnl_status_t eus_pass_init(eus_pass *pass, dnnl_engine_t engine, const void *desc,
                                          const_dnnl_primitive_desc_t hint, dnnl_primitive_desc_t *made,
                                          const dnnl_query_t what[3], const int arguments[3], const int outputs[3],
                                          const dnnl_memory_desc_t *plain[3]) {
    dnnl_primitive_desc_t pd;
    dnnl_status_t status = dnnl_primitive_desc_create(&pd, desc, NULL, engine, hint);
    if (status != dnnl_success) return status;
    for (int i = 0; i < 3 && status == dnnl_success; i++)
        status = eus_operand_init(&pass->operands[i], engine, pd, what[i], arguments[i], outputs[i], plain[i]);
    if (status == dnnl_success) status = dnnl_primitive_create(&pass->primitive, pd);
    if (made && status == dnnl_success) *made = pd; else dnnl_primitive_desc_destroy(pd);
    return status;
}

// The convolution of n images (c, h, w) by oc kernels (c, k, k) with the given stride and
// padding, without bias; NULL where oneDNN has no direct implementation for it.
static inline eus_direct_convolution *eus_direct_convolution_create(dnnl_engine_t engine, int n, int c, int h, int w,
                                                                    int oc, int k, int stride, int padding) {
    eus_direct_convolution *conv = calloc(1, sizeof *conv);
    if (!conv) return NULL;
    int oh = (h + 2 * padding - k) / stride + 1, ow = (w + 2 * padding - k) / stride + 1;
    dnnl_dims_t src_dims = {n, c, h, w}, weights_dims = {oc, c, k, k}, dst_dims = {n, oc, oh, ow};
    dnnl_dims_t strides = {stride, stride}, paddings = {padding, padding};
    dnnl_memory_desc_t src, weights, dst, src_any, weights_any, dst_any;
    dnnl_convolution_desc_t forward, input_gradient, weight_gradient;
    dnnl_primitive_desc_t hint = NULL;
    const dnnl_memory_desc_t *forward_plain[3] = {&src, &weights, &dst};
    const dnnl_memory_desc_t *input_gradient_plain[3] = {&dst, &weights, &src};
    const dnnl_memory_desc_t *weight_gradient_plain[3] = {&src, &dst, &weights};
    const dnnl_query_t forward_what[3] = {dnnl_query_src_md, dnnl_query_weights_md, dnnl_query_dst_md};
    const dnnl_query_t input_gradient_what[3] = {dnnl_query_diff_dst_md, dnnl_query_weights_md, dnnl_query_diff_src_md};
    const dnnl_query_t weight_gradient_what[3] = {dnnl_query_src_md, dnnl_query_diff_dst_md, dnnl_query_diff_weights_md};
    const int forward_arguments[3] = {DNNL_ARG_SRC, DNNL_ARG_WEIGHTS, DNNL_ARG_DST};
    const int input_gradient_arguments[3] = {DNNL_ARG_DIFF_DST, DNNL_ARG_WEIGHTS, DNNL_ARG_DIFF_SRC};
    const int weight_gradient_arguments[3] = {DNNL_ARG_SRC, DNNL_ARG_DIFF_DST, DNNL_ARG_DIFF_WEIGHTS};
    const int last_is_output[3] = {0, 0, 1};
    if (dnnl_memory_desc_init_by_tag(&src, 4, src_dims, dnnl_f32, dnnl_nchw)
        || dnnl_memory_desc_init_by_tag(&weights, 4, weights_dims, dnnl_f32, dnnl_oihw)
        || dnnl_memory_desc_init_by_tag(&dst, 4, dst_dims, dnnl_f32, dnnl_nchw)
        || dnnl_memory_desc_init_by_tag(&src_any, 4, src_dims, dnnl_f32, dnnl_format_tag_any)
        || dnnl_memory_desc_init_by_tag(&weights_any, 4, weights_dims, dnnl_f32, dnnl_format_tag_any)
        || dnnl_memory_desc_init_by_tag(&dst_any, 4, dst_dims, dnnl_f32, dnnl_format_tag_any)
        || dnnl_convolution_forward_desc_init(&forward, dnnl_forward_training, dnnl_convolution_direct, &src_any,
                                              &weights_any, NULL, &dst_any, strides, paddings, paddings)
        || dnnl_convolution_backward_data_desc_init(&input_gradient, dnnl_convolution_direct, &src_any, &weights_any,
                                                    &dst_any, strides, paddings, paddings)
        || dnnl_convolution_backward_weights_desc_init(&weight_gradient, dnnl_convolution_direct, &src_any,
                                                       &weights_any, NULL, &dst_any, strides, paddings, paddings)
        || dnnl_stream_create(&conv->stream, engine, dnnl_stream_default_flags)
        || eus_pass_init(&conv->forward, engine, &forward, NULL, &hint, forward_what, forward_arguments, last_is_output,
                         forward_plain)
        || eus_pass_init(&conv->input_gradient, engine, &input_gradient, hint, NULL, input_gradient_what,
                         input_gradient_arguments, last_is_output, input_gradient_plain)
        || eus_pass_init(&conv->weight_gradient, engine, &weight_gradient, hint, NULL, weight_gradient_what,
                         weight_gradient_arguments, last_is_output, weight_gradient_plain)) {
        if (hint) dnnl_primitive_desc_destroy(hint);
        eus_direct_convolution_destroy(conv);
        return NULL;
    }
    dnnl_primitive_desc_destroy(hint);
    // The implementation's name belongs to a primitive descriptor: take the primitive's own.
    const_dnnl_primitive_desc_t kept;
    dnnl_primitive_get_primitive_desc(conv->forward.primitive, &kept);
    dnnl_primitive_desc_query(kept, dnnl_query_impl_info_str, 0, &conv->implementation);
    return conv;
}

// Bytes of scratch `pass` needs: each reordered copy, rounded up to 64 bytes.
static inline size_t eus_pass_scratch(const eus_pass *pass) {
    size_t bytes = 0;
    for (int i = 0; i < 3; i++) bytes += (pass->operands[i].bytes + 63) / 64 * 64;
    return bytes;
}

static inline dnnl_status_t eus_reorder(dnnl_stream_t stream, dnnl_primitive_t reorder, dnnl_memory_t from,
                                        dnnl_memory_t to) {
    dnnl_exec_arg_t arguments[2] = {{DNNL_ARG_FROM, from}, {DNNL_ARG_TO, to}};
    return dnnl_primitive_execute(reorder, stream, 2, arguments);
}

// Runs `pass` on the caller's plain tensors `data` (in operand order), with the reordered copies
// in `scratch` (64-byte aligned, eus_pass_scratch bytes).
static inline dnnl_status_t eus_pass_run(eus_direct_convolution *c, eus_pass *pass, void *const data[3],
                                         char *scratch) {
    dnnl_status_t status;
    dnnl_exec_arg_t arguments[3];
    for (int i = 0; i < 3; i++) {
        eus_operand *o = &pass->operands[i];
        if ((status = dnnl_memory_set_data_handle(o->plain, data[i])) != dnnl_success) return status;
        if (o->reorder) {
            if ((status = dnnl_memory_set_data_handle(o->inner, scratch)) != dnnl_success) return status;
            scratch += (o->bytes + 63) / 64 * 64;
            if (!o->output && (status = eus_reorder(c->stream, o->reorder, o->plain, o->inner)) != dnnl_success)
                return status;
        }
        arguments[i] = (dnnl_exec_arg_t){o->argument, o->inner};
    }
    if ((status = dnnl_primitive_execute(pass->primitive, c->stream, 3, arguments)) != dnnl_success) return status;
    for (int i = 0; i < 3; i++) {
        eus_operand *o = &pass->operands[i];
        if (o->output && o->reorder && (status = eus_reorder(c->stream, o->reorder, o->inner, o->plain)) != dnnl_success)
            return status;
    }
    return dnnl_stream_wait(c->stream);
}
