//! The `kernels` benchmark's pinned builds compute exactly what gaaf-core's
//! kernels compute: a comparison row that timed different results would time
//! different work. The module is the benchmark's own file, included here so
//! that `cargo test` checks it.

#[path = "../benches/kernels/pinned.rs"]
mod pinned;

use gaaf_core::kernel;
use gaaf_shapes::{gaaf_tanh, Tanh};
use pinned::{backward_avx2_fma, backward_baseline, forward_avx2_fma, forward_baseline};

fn same(a: &[f32], b: &[f32]) -> bool {
    a.iter().zip(b).all(|(a, b)| a.to_bits() == b.to_bits())
}

#[test]
fn pinned_kernels_match_gaaf_core_bit_for_bit() {
    let x = gaaf_bench::inputs(10_001, 3);
    let dy = gaaf_bench::inputs(10_001, 4);
    let f = gaaf_tanh::<f32>();
    let (mut a, mut b, mut c) = (vec![0.0; x.len()], vec![0.0; x.len()], vec![0.0; x.len()]);
    kernel::forward(&f, &x, &mut a).unwrap();
    forward_avx2_fma(&f, &x, &mut b).unwrap();
    forward_baseline(&f, &x, &mut c).unwrap();
    assert!(same(&a, &b) && same(&a, &c));
    kernel::backward(&f, &x, &dy, &mut a).unwrap();
    backward_avx2_fma(&f, &x, &dy, &mut b).unwrap();
    backward_baseline(&f, &x, &dy, &mut c).unwrap();
    assert!(same(&a, &b) && same(&a, &c));
    kernel::backward(&Tanh, &x, &dy, &mut a).unwrap();
    backward_avx2_fma(&Tanh, &x, &dy, &mut b).unwrap();
    backward_baseline(&Tanh, &x, &dy, &mut c).unwrap();
    assert!(same(&a, &b) && same(&a, &c));
}

#[test]
fn pinned_kernels_report_length_mismatches() {
    let x = gaaf_bench::inputs(100, 3);
    let f = gaaf_tanh::<f32>();
    let mut y = vec![0.0; 99];
    assert!(forward_avx2_fma(&f, &x, &mut y).is_err());
    assert!(forward_baseline(&f, &x, &mut y).is_err());
    assert!(backward_baseline(&f, &x, &x[1..], &mut y).is_err());
    assert!(backward_avx2_fma(&f, &x, &x[1..], &mut y).is_err());
    // Not every test uses `has_avx2_fma`; the benchmark does.
    let _ = pinned::has_avx2_fma();
}
