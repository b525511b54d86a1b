// radial.cuh: the radial profiles for the CUDA families; the formulas live once in kernels/common/radial.h, shared
// with the OpenCL kernels.
#pragma once
#include "../common/radial.h"
