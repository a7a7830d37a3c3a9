//! gemm 0.19 under the name and version (0.15.99) that dfdx 0.13 asks for.
//!
//! dfdx 0.13 calls `gemm::gemm`, `gemm::Parallelism::Rayon` and `gemm::f16`,
//! whose signatures gemm 0.19 kept. gemm 0.19's f32 kernels run about 1.7x
//! faster than 0.15's on the MNIST model's shapes (AVX2 + FMA), and with its
//! `x86-v4` feature it picks AVX-512 kernels at run time where the CPU has
//! them (`docs/benchmarks.md`, "Matrix multiply"). The workspace's
//! `[patch.crates-io]` points dfdx here; a user who depends on gaaf-dfdx from
//! crates.io gets dfdx's own gemm 0.15 unless they add the same patch.
#![no_std]

pub use gemm19::*;
