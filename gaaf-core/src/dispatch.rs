//! Runtime choice of the instruction set a slice kernel's loop runs with, and
//! a description of the machine ([`machine`]) that says which one it is.
//!
//! A default `x86_64` build may only assume SSE2 (four `f32` lanes). With the
//! `std` feature, each kernel's loop is compiled three times by the
//! `multiversion` crate: for AVX-512 (`avx512f`, sixteen lanes; `avx512f`
//! implies AVX2 and FMA; built only by Rust 1.89 and later, where those target
//! features are stable), for AVX2 + FMA (eight lanes), and for the build's own
//! target features. The first call detects the CPU's features with
//! `std::arch::is_x86_feature_detected!` and remembers the choice in an atomic;
//! later calls load it and call that build directly. Other architectures, and
//! builds without `std` (there is no runtime detection in `core`), get the
//! single baseline build. A build whose own target features already include
//! AVX-512 (for example `-C target-cpu=native` on such a CPU) skips the check.
//! [`KernelPath::detect`] says which build runs.
//!
//! The loops are the same code in every build; only instruction selection
//! differs. Rust never contracts `a * b + c` into a fused multiply-add unless
//! the source calls `mul_add`, and `mul_add` rounds once whatever computes it,
//! so enabling `fma` changes no result: every build agrees with the scalar
//! `value`/`derivative` bit for bit (tested in `kernel` and in `gaaf-shapes`'
//! `tests/dispatch.rs`). The `f32` `exp` and `tanh` ([`crate::Real`]) do call
//! `mul_add`: in the AVX2 and AVX-512 builds it is one instruction; a baseline
//! build on a CPU without FMA pays a C library call per multiply-add (about
//! ten times slower for GAAF-tanh's forward in gaaf-bench's `kernels`).

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

/// The instruction set the slice kernels run with on this CPU.
#[cfg(feature = "std")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum KernelPath {
    /// The AVX-512 build (sixteen `f32` lanes).
    Avx512,
    /// The AVX2 + FMA build (eight `f32` lanes).
    Avx2Fma,
    /// The build for the compilation target's own features (SSE2 on a
    /// default `x86_64` build, four `f32` lanes).
    Baseline,
}

#[cfg(feature = "std")]
impl KernelPath {
    /// The build [`run`] dispatches to on this CPU: the first of its
    /// `multiversion` targets that the CPU supports, in the same order.
    pub fn detect() -> Self {
        let f = CpuFeatures::detect();
        if f.avx512f && AVX512_BUILT {
            Self::Avx512
        } else if f.avx2_fma {
            Self::Avx2Fma
        } else {
            Self::Baseline
        }
    }

    /// A short name: `AVX-512`, `AVX2 + FMA` or `baseline`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Avx512 => "AVX-512",
            Self::Avx2Fma => "AVX2 + FMA",
            Self::Baseline => "baseline",
        }
    }
}

#[cfg(feature = "std")]
impl core::fmt::Display for KernelPath {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.name())
    }
}

/// Whether [`run`] has an AVX-512 build: the `avx512f` target feature is
/// stable from Rust 1.89 (see the attribute on [`run`]).
#[cfg(feature = "std")]
#[rustversion::since(1.89)]
const AVX512_BUILT: bool = true;
#[cfg(feature = "std")]
#[rustversion::before(1.89)]
const AVX512_BUILT: bool = false;

/// The CPU features the dispatch looks at.
#[cfg(feature = "std")]
struct CpuFeatures {
    avx512f: bool,
    avx2_fma: bool,
}

#[cfg(feature = "std")]
impl CpuFeatures {
    fn detect() -> Self {
        #[cfg(target_arch = "x86_64")]
        {
            Self {
                avx512f: std::arch::is_x86_feature_detected!("avx512f"),
                avx2_fma: std::arch::is_x86_feature_detected!("avx2")
                    && std::arch::is_x86_feature_detected!("fma"),
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        {
            Self {
                avx512f: false,
                avx2_fma: false,
            }
        }
    }
}

/// The machine a measurement ran on, as benchmarks and experiment reports
/// state it: the CPU, its vector extensions, the kernel build this crate
/// dispatches to, and the logical CPU count.
///
/// Its [`Display`](core::fmt::Display) form is one line, e.g.
/// `AMD EPYC, 2 logical CPUs, AVX2 + FMA (no AVX-512), kernels: AVX2 + FMA`.
#[cfg(feature = "std")]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Machine {
    /// The CPU's model name (`/proc/cpuinfo`'s `model name`), or the
    /// architecture (`x86_64`, ...) where the system does not say.
    pub cpu: std::string::String,
    /// Physical cores per socket (`/proc/cpuinfo`'s `cpu cores`), where the
    /// system says.
    pub cores_per_socket: Option<usize>,
    /// Logical CPUs this process may use (`std::thread::available_parallelism`).
    pub logical_cpus: usize,
    /// Whether the CPU has AVX-512F.
    pub avx512f: bool,
    /// Whether the CPU has both AVX2 and FMA.
    pub avx2_fma: bool,
    /// The build the slice kernels run with here.
    pub kernels: KernelPath,
}

/// Describes this machine (see [`Machine`]). Reads `/proc/cpuinfo` where it
/// exists; never fails.
///
/// ```
/// let m = gaaf_core::dispatch::machine();
/// assert!(m.logical_cpus >= 1);
/// assert!(m.to_string().contains("logical CPUs"));
/// ```
#[cfg(feature = "std")]
pub fn machine() -> Machine {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let field = |name: &str| {
        cpuinfo
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_once(':'))
            .map(|(_, v)| v.trim())
    };
    let features = CpuFeatures::detect();
    Machine {
        cpu: field("model name").map_or_else(
            || std::env::consts::ARCH.into(),
            std::borrow::ToOwned::to_owned,
        ),
        cores_per_socket: field("cpu cores").and_then(|c| c.parse().ok()),
        logical_cpus: std::thread::available_parallelism().map_or(1, |n| n.get()),
        avx512f: features.avx512f,
        avx2_fma: features.avx2_fma,
        kernels: KernelPath::detect(),
    }
}

#[cfg(feature = "std")]
impl Machine {
    /// The line gaaf-repro writes into each run's results:
    /// `<cpu>, <n> logical cores, <t> matmul thread(s) per run`, where `t` is
    /// `$RAYON_NUM_THREADS` (the width of the thread pool that dfdx's and
    /// candle's CPU matmuls use) or, when unset, the logical CPU count.
    pub fn run_summary(&self) -> std::string::String {
        let threads = std::env::var("RAYON_NUM_THREADS")
            .unwrap_or_else(|_| std::string::ToString::to_string(&self.logical_cpus));
        std::format!(
            "{}, {} logical cores, {threads} matmul thread(s) per run",
            self.cpu,
            self.logical_cpus
        )
    }
}

#[cfg(feature = "std")]
impl core::fmt::Display for Machine {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let vector = match (self.avx512f, self.avx2_fma) {
            (true, _) => "AVX-512",
            (false, true) => "AVX2 + FMA (no AVX-512)",
            (false, false) => "no AVX2 + FMA",
        };
        write!(
            f,
            "{}, {} logical CPUs, {vector}, kernels: {}",
            self.cpu, self.logical_cpus, self.kernels
        )
    }
}

#[cfg(all(test, feature = "std"))]
mod tests {
    use super::*;
    use std::string::ToString;

    #[test]
    fn the_kernel_path_follows_the_cpu_features() {
        let m = machine();
        assert_eq!(m.kernels, KernelPath::detect());
        match m.kernels {
            KernelPath::Avx512 => assert!(m.avx512f),
            KernelPath::Avx2Fma => assert!(m.avx2_fma && !(m.avx512f && AVX512_BUILT)),
            KernelPath::Baseline => assert!(!m.avx2_fma),
        }
    }

    #[test]
    fn the_run_summary_keeps_gaaf_repros_form() {
        let m = Machine {
            cpu: "Some CPU".into(),
            cores_per_socket: Some(1),
            logical_cpus: 2,
            avx512f: false,
            avx2_fma: true,
            kernels: KernelPath::Avx2Fma,
        };
        let line = m.run_summary();
        assert!(line.starts_with("Some CPU, 2 logical cores, "), "{line}");
        assert!(line.ends_with(" matmul thread(s) per run"), "{line}");
        assert_eq!(
            m.to_string(),
            "Some CPU, 2 logical CPUs, AVX2 + FMA (no AVX-512), kernels: AVX2 + FMA"
        );
    }
}
