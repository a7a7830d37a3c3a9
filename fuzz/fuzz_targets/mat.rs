//! MATLAB 5 files and the SVHN checks on top: never a panic, never a huge
//! allocation (run with `-rss_limit_mb=2048`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let _ = gaaf_data::mat::parse(data, Path::new("fuzz"), &["X", "y"]);
    let _ = gaaf_data::svhn::parse(data, Path::new("fuzz"), "fuzz");
});
