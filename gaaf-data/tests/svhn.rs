//! SVHN: MATLAB 5 files written here and by SciPy, and bad input.

mod support;

use gaaf_data::{mat, svhn, DataDir, Error};
use std::path::{Path, PathBuf};
use support::{mat5, pixel, svhn_vars, MatVar};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

#[test]
fn round_trip_plain_and_compressed() {
    for compress in [false, true] {
        let tmp = tempfile::tempdir().unwrap();
        let folder = tmp.path().join("svhn");
        std::fs::create_dir_all(&folder).unwrap();
        let train = mat5(&svhn_vars(&[1.0, 10.0, 5.0]), compress);
        std::fs::write(folder.join("train_32x32.mat"), train).unwrap();
        std::fs::write(
            folder.join("test_32x32.mat"),
            mat5(&svhn_vars(&[2.0]), compress),
        )
        .unwrap();
        let splits = svhn::load(&DataDir::new(tmp.path())).unwrap();
        assert_eq!(splits.train.images().dim(), (3, 3, 32, 32));
        assert_eq!(splits.train.labels(), [1, 0, 5]);
        assert_eq!(splits.test.labels(), [2]);
        for (n, c, r, w) in [(0, 0, 0, 0), (2, 1, 3, 30), (1, 2, 31, 0)] {
            assert_eq!(splits.train.images()[[n, c, r, w]], pixel(n, c, r, w));
        }
    }
}

/// The fixtures written by SciPy's savemat (tests/fixtures/make_svhn_fixture.py).
#[test]
fn reads_scipy_files() {
    for name in ["svhn_plain.mat", "svhn_compressed.mat"] {
        let data = svhn::load_file(&fixture(name), "fixture").unwrap();
        assert_eq!(data.images().dim(), (5, 3, 32, 32));
        assert_eq!(data.labels(), [1, 2, 3, 4, 0], "{name}");
        for n in 0..5 {
            for c in 0..3 {
                for i in 0..32 {
                    for j in 0..32 {
                        let want = ((7 * i + 13 * j + 61 * c + 29 * n) % 256) as u8;
                        assert_eq!(data.images()[[n, c, i, j]], want, "{name} {n} {c} {i} {j}");
                    }
                }
            }
        }
    }
}

fn parse_err(bytes: &[u8]) -> Error {
    svhn::parse(bytes, Path::new("t.mat"), "t").unwrap_err()
}

#[test]
fn each_defect_has_its_error() {
    let mut vars = svhn_vars(&[1.0, 2.0]);
    let y = vars.pop().unwrap();
    let only_x = mat5(&vars, false);
    assert!(
        matches!(parse_err(&only_x), Error::MatMissingVariable { ref name, .. } if name == "y")
    );
    let only_y = mat5(&[y], true);
    assert!(
        matches!(parse_err(&only_y), Error::MatMissingVariable { ref name, .. } if name == "X")
    );

    let mut vars = svhn_vars(&[1.0, 2.0]);
    vars[0].dims = vec![32, 16, 6, 2];
    assert!(matches!(
        parse_err(&mat5(&vars, false)),
        Error::MatWrongShape { .. }
    ));
    let mut vars = svhn_vars(&[1.0, 2.0]);
    vars[1].dims = vec![1, 1];
    vars[1].data.truncate(8);
    assert!(matches!(
        parse_err(&mat5(&vars, false)),
        Error::MatWrongShape { .. }
    ));
    let err = parse_err(&mat5(&svhn_vars(&[1.0, 11.0]), false));
    assert!(
        matches!(err, Error::LabelOutOfRange { index: 1, .. }),
        "{err}"
    );
    assert!(matches!(
        parse_err(&mat5(&svhn_vars(&[0.5]), false)),
        Error::LabelOutOfRange { .. }
    ));

    let mut v73 =
        b"MATLAB 7.3 MAT-file, Platform: GLNXA64, Created on: x HDF5 schema 1.00 .".to_vec();
    v73.resize(512, b' ');
    v73.extend(b"\x89HDF\r\n\x1a\n");
    v73.resize(2048, 0);
    assert!(matches!(parse_err(&v73), Error::MatV73 { .. }));
    assert!(matches!(
        parse_err(b"\x89HDF\r\n\x1a\n rest"),
        Error::MatV73 { .. }
    ));

    let good = mat5(&svhn_vars(&[1.0]), false);
    let mut bad_magic = good.clone();
    bad_magic[126] = b'X';
    assert!(matches!(parse_err(&bad_magic), Error::BadMagic { .. }));
    assert!(matches!(parse_err(&good[..100]), Error::Truncated { .. }));
    assert!(matches!(
        parse_err(&good[..good.len() - 9]),
        Error::Truncated { .. }
    ));
    let compressed = mat5(&svhn_vars(&[1.0]), true);
    let mut corrupt = compressed.clone();
    let mid = 128 + 8 + (corrupt.len() - 136) / 2;
    corrupt[mid] ^= 0xff;
    corrupt[mid + 1] ^= 0xaa;
    let err = parse_err(&corrupt);
    assert!(
        matches!(
            err,
            Error::CorruptCompression { .. } | Error::Truncated { .. } | Error::MatMalformed { .. }
        ),
        "{err}"
    );
}

#[test]
fn huge_claims_allocate_nothing() {
    // A matrix whose dimensions claim 2^31 x 2^31 values with 8 bytes of data.
    let var = MatVar {
        name: "X",
        class: 9,
        dims: vec![i32::MAX, i32::MAX, 3, 1],
        data_type: 2,
        data: vec![0; 8],
    };
    let err = mat::parse(&mat5(&[var], false), Path::new("h.mat"), &["X"]).unwrap_err();
    assert!(matches!(err, Error::MatMalformed { .. }), "{err}");
    // A compressed element whose inner tag claims 3 GB.
    let mut file = mat5(&[], false);
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut z, &[14, 0, 0, 0, 0, 0, 0, 0xc0]).unwrap();
    let body = z.finish().unwrap();
    file.extend(15u32.to_le_bytes());
    file.extend((body.len() as u32).to_le_bytes());
    file.extend(body);
    let err = mat::parse(&file, Path::new("h.mat"), &["X"]).unwrap_err();
    assert!(matches!(err, Error::TooLarge { .. }), "{err}");
}
