//! What xtask knows of gaaf-bench's benchmark ids (`group/function/value`, as
//! criterion writes them): the bench targets, the report order and each
//! benchmark's baseline. A benchmark renamed in gaaf-bench is renamed here.

/// The criterion bench targets of gaaf-bench, in report order.
pub(super) const BENCHES: [&str; 5] = ["kernels", "dfdx_ops", "mlp_step", "epoch", "conv_step"];

/// The group of one full MNIST epoch per variant (gaaf-bench's `epoch`
/// bench, and the PyTorch script's `mnist_epoch`).
pub(super) const EPOCH_GROUP: &str = "epoch_mnist_50k";

/// Benchmark groups in report order; a group not listed goes last.
const GROUPS: [&str; 15] = [
    "kernel/copy",
    "kernel/tanh-std",
    "kernel/tanh",
    "kernel/tanh-avx2",
    "kernel/relu",
    "kernel/gaaf-tanh",
    "kernel/gaaf-tanh-avx2",
    "kernel/gaaf-relu",
    "kernel/gaaf-dropout-matched",
    "kernel/gaaf-dropout-matched-tabulated",
    "dfdx_op_128x512",
    "mlp_step_b128",
    EPOCH_GROUP,
    "conv_step_svhn",
    "conv_step_vgg_like",
];

/// Functions within a group, in report order.
const FUNCTIONS: [&str; 17] = [
    "copy",
    "forward",
    "backward",
    "forward+backward",
    "forward+backward-saved",
    "fwd",
    "fwd_bwd",
    "part",
    "adam",
    "tanh",
    "gaaf_tanh",
    "train_epoch",
    "base",
    "gaaf",
    "bn",
    "bn-gaaf",
    "train_step",
];

/// The `--help` text that lists what `--filter` can select.
pub(crate) fn help() -> String {
    format!(
        "Bench targets (gaaf-bench/benches): {}.\n\
         Groups (`--filter` takes a regular expression over `group/function/size` ids, \
         e.g. `kernel/gaaf-tanh` or `mlp_step`): {}, and the pinned-build groups \
         kernel/tanh-sse2 and kernel/gaaf-tanh-sse2.",
        BENCHES.join(", "),
        GROUPS.join(", "),
    )
}

/// The key that sorts rows into report order: group, size, function, id.
pub(super) fn sort_key(
    group: &str,
    function: &str,
    value: Option<&str>,
    id: &str,
) -> (usize, u64, usize, String) {
    let rank = |list: &[&str], s: &str| list.iter().position(|x| *x == s).unwrap_or(list.len());
    let size = value.and_then(|v| v.parse().ok()).unwrap_or(0);
    (
        rank(&GROUPS, group),
        size,
        rank(&FUNCTIONS, function),
        id.to_owned(),
    )
}

/// The baseline each benchmark is compared with, by id.
pub(super) fn baseline_of(id: &str) -> Option<String> {
    const PREFIXES: [(&str, &str); 6] = [
        ("kernel/gaaf-tanh-avx2/", "kernel/gaaf-tanh/"),
        (
            "kernel/gaaf-dropout-matched-tabulated/",
            "kernel/gaaf-tanh/",
        ),
        ("kernel/tanh-avx2/", "kernel/tanh/"),
        ("kernel/gaaf-tanh/", "kernel/tanh/"),
        ("kernel/gaaf-relu/", "kernel/relu/"),
        ("kernel/tanh/", "kernel/tanh-std/"),
    ];
    const SUFFIXES: [(&str, &str); 10] = [
        ("/fwd_bwd/gaaf_tanh", "/fwd_bwd/tanh"),
        ("/fwd/gaaf_tanh", "/fwd/tanh"),
        // GAAF-tanh adds `g*s` to FastTanh's `tanh`: that is its baseline.
        ("/adam/gaaf_tanh", "/adam/fast_tanh"),
        ("/adam/fast_tanh_dropout", "/adam/fast_tanh"),
        ("/adam/fast_tanh", "/adam/tanh"),
        ("/adam/tanh_dropout", "/adam/tanh"),
        ("/train_epoch/gaaf", "/train_epoch/base"),
        ("/train_epoch/dropout", "/train_epoch/base"),
        ("/train_step/bn-gaaf", "/train_step/bn"),
        ("/train_step/gaaf", "/train_step/base"),
    ];
    for (from, to) in PREFIXES {
        if let Some(rest) = id.strip_prefix(from) {
            return Some(format!("{to}{rest}"));
        }
    }
    for (from, to) in SUFFIXES {
        if let Some(head) = id.strip_suffix(from) {
            return Some(format!("{head}{to}"));
        }
    }
    None
}

/// The id of the non-temporal copy of `size` elements, the stricter ceiling.
pub(super) fn non_temporal_copy(size: &str) -> String {
    format!("kernel/copy/copy-non-temporal/{size}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn baselines_pair_gaaf_with_its_activation() {
        for (id, baseline) in [
            (
                "conv_step_vgg_like/train_step/bn-gaaf",
                "conv_step_vgg_like/train_step/bn",
            ),
            (
                "conv_step_svhn/train_step/gaaf",
                "conv_step_svhn/train_step/base",
            ),
            (
                "kernel/gaaf-tanh/forward+backward/16777216",
                "kernel/tanh/forward+backward/16777216",
            ),
            (
                "kernel/gaaf-tanh-avx2/forward/1048576",
                "kernel/gaaf-tanh/forward/1048576",
            ),
            ("mlp_step_b128/adam/tanh_dropout", "mlp_step_b128/adam/tanh"),
            (
                "mlp_step_b128/adam/gaaf_tanh",
                "mlp_step_b128/adam/fast_tanh",
            ),
            (
                "mlp_step_b128/adam/fast_tanh_dropout",
                "mlp_step_b128/adam/fast_tanh",
            ),
            ("mlp_step_b128/adam/fast_tanh", "mlp_step_b128/adam/tanh"),
            (
                "epoch_mnist_50k/train_epoch/gaaf",
                "epoch_mnist_50k/train_epoch/base",
            ),
            (
                "epoch_mnist_50k/train_epoch/dropout",
                "epoch_mnist_50k/train_epoch/base",
            ),
        ] {
            assert_eq!(baseline_of(id).as_deref(), Some(baseline), "{id}");
        }
        assert_eq!(baseline_of("mlp_step_b128/adam/tanh"), None);
    }

    #[test]
    fn the_epoch_group_is_named_alike_in_rust_and_python() {
        let root = crate::util::workspace_root();
        let quoted = format!("\"{EPOCH_GROUP}\"");
        for file in [
            "gaaf-bench/benches/epoch.rs",
            "gaaf-bench/python/vs_torch.py",
        ] {
            let text = std::fs::read_to_string(root.join(file)).expect(file);
            assert!(text.contains(&quoted), "{file} does not name {quoted}");
        }
    }

    #[test]
    fn the_help_names_every_target_and_group() {
        let h = help();
        assert!(BENCHES.iter().chain(&GROUPS).all(|b| h.contains(b)), "{h}");
    }
}
