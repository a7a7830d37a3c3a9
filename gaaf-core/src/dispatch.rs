//! Runtime choice of the instruction set a slice kernel's loop runs with.
//!
//! A default `x86_64` build may only assume SSE2 (four `f32` lanes). With the
//! `std` feature, [`run`] is compiled three times by the `multiversion` crate:
//! for AVX-512 (`avx512f`, sixteen lanes; `avx512f` implies AVX2 and FMA; built
//! only by Rust 1.89 and later, where those target features are stable), for
//! AVX2 + FMA (eight lanes), and for the build's own target features. The
//! first call detects the CPU's features with `std::arch::is_x86_feature_detected!`
//! and remembers the choice in an atomic; later calls load it and call that
//! build directly. Other architectures, and builds without `std` (there is no
//! runtime detection in `core`), get the single baseline build, as they did
//! before. A build whose own target features already include AVX-512 (for
//! example `-C target-cpu=native` on such a CPU) skips the check.
//!
//! The loops are the same code in every build; only instruction selection
//! differs. Rust never contracts `a * b + c` into a fused multiply-add unless
//! the source calls `mul_add`, and `mul_add` rounds once whatever computes it,
//! so enabling `fma` changes no result: every build agrees with the scalar
//! `value`/`derivative` bit for bit (tested in `kernel` and in `gaaf-shapes`'
//! `tests/dispatch.rs`). The `f32` `exp` and `tanh` ([`crate::Real`]) do call
//! `mul_add`: in the AVX2 and AVX-512 builds it is one instruction; a baseline
//! build on a CPU without FMA pays a C library call per multiply-add (the SSE2
//! build of GAAF-tanh's forward on 16M `f32` went from 57.8 to 668 ms on this
//! project's machine, where the dispatched one went from 17.4 to 12.2 ms).

/// One kernel's loop over its slices, run by [`run`].
///
/// Implementations mark `run` `#[inline(always)]`: the loop must be inlined
/// into each `#[target_feature]` build of [`run`] to be vectorised with that
/// build's features. A call that is not inlined runs the baseline code.
pub(crate) trait Loop {
    /// Runs the loop once over all elements.
    fn run(self);
}

/// Runs `body` with the widest vector instructions this CPU supports.
///
/// With `std` on `x86_64` this is `multiversion`'s runtime dispatch over the
/// targets listed in the attribute, first match wins; otherwise a plain call.
// The dispatcher that `multiversion` generates calls the `#[target_feature]`
// builds, which Rust makes `unsafe fn`s, in `unsafe` blocks (and marks an
// impossible `match` arm `unreachable_unchecked`). This is the one place in the
// crate that allows `unsafe_code`. (rustc does not report the lint inside
// another crate's macro expansion today, so the build would pass without the
// `allow`; it is here to mark where the `unsafe` is, and so that a compiler
// that does report it still builds.)
//
// SAFETY: each `#[target_feature]` build is called only after
// `is_x86_feature_detected!` has confirmed every feature it was compiled with
// (or when the build's own target features already guarantee them), which is
// the whole precondition of calling such a function; the bodies themselves are
// safe code (`multiversion` nests a safe copy of this function inside each
// `unsafe` build, so no unsafe operation can slip into them).
//
// The AVX-512 target features are stable from Rust 1.89; older compilers
// (this crate supports 1.81) get the AVX2 + FMA build only.
#[allow(unsafe_code)]
#[cfg_attr(
    feature = "std",
    rustversion::attr(
        since(1.89),
        multiversion::multiversion(targets("x86_64+avx512f", "x86_64+avx2+fma"))
    )
)]
#[cfg_attr(
    feature = "std",
    rustversion::attr(before(1.89), multiversion::multiversion(targets("x86_64+avx2+fma")))
)]
#[inline]
pub(crate) fn run<L: Loop>(body: L) {
    body.run();
}
