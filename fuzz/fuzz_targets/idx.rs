//! IDX (raw and gzip): any input gives a value or an error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let _ = gaaf_data::idx::parse(data, Path::new("fuzz"), 1);
    let _ = gaaf_data::idx::parse(data, Path::new("fuzz"), 3);
});
