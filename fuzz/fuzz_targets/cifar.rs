//! CIFAR-10 and CIFAR-100 binary records: never a panic.
#![no_main]

use gaaf_data::cifar::{parse, Layout};
use gaaf_data::Cifar100Labels;
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let _ = parse(data, Path::new("fuzz"), Layout::Cifar10);
    let _ = parse(
        data,
        Path::new("fuzz"),
        Layout::Cifar100(Cifar100Labels::Fine),
    );
});
