// pointwise.cu: bias, column sums, real activations, layer normalization and their R-ops.
// The kernels are written once, in kernels/opencl/pointwise.cl (its header has the formulas, layout, CPU twin and launch
// shapes); nvcc compiles that file here through kernels/common/portable.h, once per element type, each pass in its own
// namespace (the extern "C" kernel names carry the _f32 / _f64 suffix). Buffers are (pointer, offset) pairs in both
// dialects: the CUDA launcher passes offset 0 with a pointer that already points at the view.
#include "../common/portable.h"
#include "../common/radial.h"

#define GS_HAS_FP64 1

namespace gs_pointwise_f32 {
#define GS_F64 0
#include "../opencl/common.h"
#include "../opencl/pointwise.cl"
#undef GS_F64
}  // namespace gs_pointwise_f32

namespace gs_pointwise_f64 {
#define GS_F64 1
#include "../opencl/common.h"
#include "../opencl/pointwise.cl"
#undef GS_F64
}  // namespace gs_pointwise_f64
