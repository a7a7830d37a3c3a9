// GAAF forward and backward kernels for candle's CUDA device, compiled at run
// time with NVRTC (see cuda.rs). The paper's two activations and their
// saturation-only shapes:
//
//   tanh:            phi = tanh(x),    s = h * exp(-(x - c)^2 / w)
//   relu:            phi = max(0, x),  s = 1 / (1 + exp(-a * (x + b)))
//   tanh_shoulder:   phi = tanh(x),    s = h * u * exp(1 - u), u = x^2 / w
//   relu_saturation: phi = max(0, x),  s = the relu shape for x <= e, else 0
//
// (relu is the kernel of the GaafReluPaper module, relu_saturation that of
// GaafRelu.)
//
// and phi_new = phi + g * s, phi_new' = phi' + s + g * s' (Eq. 8), with
// g(x) = (x*K - floor(x*K) - 0.5) / K (Eq. 7). The formulas follow gaaf-core
// and gaaf-shapes term by term, in the same order; results differ from the
// CPU's only by the rounding of the device's tanh and exp. Shape constants
// arrive as p0..p2 so that both families share one signature.

template <typename T>
__device__ __forceinline__ T gaaf_accel(T x, T k) {
    T t = x * k;
    // Infinite t has no fractional part (gaaf-core's floor_fract gives 0).
    T frac = isinf(t) ? T(0) : t - floor(t);
    return (frac - T(0.5)) / k;
}

// phi, phi', s, s' for tanh with a Gaussian bump (p0 = height, p1 = centre,
// p2 = width).
template <typename T>
__device__ __forceinline__ void tanh_bump(T x, T p0, T p1, T p2, T* phi, T* dphi, T* s, T* ds) {
    T t = tanh(x);
    *phi = t;
    *dphi = T(1) - t * t;
    T d = x - p1;
    T e = p0 * exp(-(d * d) / p2);
    *s = e;
    // Far out e underflows to 0 while d may be infinite: the slope is 0.
    *ds = (e == T(0)) ? T(0) : T(-2) * d / p2 * e;
}

// phi, phi', s, s' for relu with a shifted sigmoid (p0 = slope, p1 = shift).
template <typename T>
__device__ __forceinline__ void relu_sigmoid(T x, T p0, T p1, T p2, T* phi, T* dphi, T* s, T* ds) {
    // x < 0 is false for NaN, so NaN passes through, as on the CPU.
    *phi = (x < T(0)) ? T(0) : x;
    *dphi = (x > T(0)) ? T(1) : (isnan(x) ? x : T(0));
    T e = T(1) / (T(1) + exp(-(p0 * (x + p1))));
    *s = e;
    *ds = p0 * e * (T(1) - e);
}

// phi, phi', s, s' for tanh with the shoulder bump (p0 = height, p1 =
// width), in gaaf-shapes' order: x / width as a product with 1 / width.
template <typename T>
__device__ __forceinline__ void tanh_shoulder(T x, T p0, T p1, T p2, T* phi, T* dphi, T* s, T* ds) {
    T t = tanh(x);
    *phi = t;
    *dphi = T(1) - t * t;
    T xw = x * (T(1) / p1);
    T u = xw * x;
    T he = p0 * exp(T(1) - u);
    // Far out he underflows to 0 while u may be infinite: value and slope 0.
    *s = (he == T(0)) ? T(0) : he * u;
    *ds = (he == T(0)) ? T(0) : he * (T(1) - u) * (xw + xw);
}

// relu_sigmoid kept at and left of the edge p2, 0 right of it. x > p2 is
// false for NaN, so NaN reaches the sigmoid, as on the CPU.
template <typename T>
__device__ __forceinline__ void relu_saturation(T x, T p0, T p1, T p2, T* phi, T* dphi, T* s, T* ds) {
    relu_sigmoid<T>(x, p0, p1, p2, phi, dphi, s, ds);
    if (x > p2) {
        *s = T(0);
        *ds = T(0);
    }
}

#define GAAF_KERNELS(NAME, FN, T, SUFFIX)                                                  \
    extern "C" __global__ void gaaf_##NAME##_fwd_##SUFFIX(                                 \
        const T* x, T* y, unsigned long long n, T k, T p0, T p1, T p2) {                   \
        for (unsigned long long i = blockIdx.x * (unsigned long long)blockDim.x + threadIdx.x; \
             i < n; i += (unsigned long long)blockDim.x * gridDim.x) {                     \
            T phi, dphi, s, ds;                                                            \
            FN<T>(x[i], p0, p1, p2, &phi, &dphi, &s, &ds);                                 \
            y[i] = phi + gaaf_accel(x[i], k) * s;                                          \
        }                                                                                  \
    }                                                                                      \
    extern "C" __global__ void gaaf_##NAME##_bwd_##SUFFIX(                                 \
        const T* x, const T* dy, T* dx, unsigned long long n, T k, T p0, T p1, T p2) {     \
        for (unsigned long long i = blockIdx.x * (unsigned long long)blockDim.x + threadIdx.x; \
             i < n; i += (unsigned long long)blockDim.x * gridDim.x) {                     \
            T phi, dphi, s, ds;                                                            \
            FN<T>(x[i], p0, p1, p2, &phi, &dphi, &s, &ds);                                 \
            dx[i] = dy[i] * (dphi + s + gaaf_accel(x[i], k) * ds);                         \
        }                                                                                  \
    }

GAAF_KERNELS(tanh, tanh_bump, float, f32)
GAAF_KERNELS(tanh, tanh_bump, double, f64)
GAAF_KERNELS(relu, relu_sigmoid, float, f32)
GAAF_KERNELS(relu, relu_sigmoid, double, f64)
GAAF_KERNELS(tanh_shoulder, tanh_shoulder, float, f32)
GAAF_KERNELS(tanh_shoulder, tanh_shoulder, double, f64)
GAAF_KERNELS(relu_saturation, relu_saturation, float, f32)
GAAF_KERNELS(relu_saturation, relu_saturation, double, f64)
