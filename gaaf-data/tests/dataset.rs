//! The dataset type: splits, subsets, batching, normalisation.

use gaaf_data::{Dataset, Normalizer};
use ndarray::Array4;

fn toy(n: usize) -> Dataset {
    let images =
        Array4::from_shape_fn((n, 2, 3, 3), |(i, c, h, w)| (i * 7 + c * 100 + h + w) as u8);
    let labels = (0..n).map(|i| (i % 4) as u8).collect();
    Dataset::new("toy", images, labels, 4).unwrap()
}

#[test]
fn validation_split_partitions_deterministically() {
    let data = toy(20);
    let (train, val) = data.split_validation(5, 9).unwrap();
    let (train2, val2) = data.split_validation(5, 9).unwrap();
    assert_eq!((train.len(), val.len()), (15, 5));
    assert_eq!(val.labels(), val2.labels());
    assert_eq!(train.images(), train2.images());
    // Every image lands in exactly one part: pixel [0,0,0,0] = 7 i is unique.
    let mut ids: Vec<u8> = train
        .images()
        .outer_iter()
        .chain(val.images().outer_iter())
        .map(|im| im[[0, 0, 0]])
        .collect();
    ids.sort_unstable();
    assert_eq!(ids, (0..20).map(|i| (i * 7) as u8).collect::<Vec<_>>());
    assert!(data.split_validation(21, 0).is_err());
}

#[test]
fn subset_and_batches() {
    let data = toy(10);
    let sub = data.subset(4, 3).unwrap();
    assert_eq!(sub.len(), 4);
    assert_eq!(sub, data.subset(4, 3).unwrap());
    assert!(data.subset(11, 0).is_err());

    let batches: Vec<_> = data.batches(4, Some(1)).unwrap().collect();
    assert_eq!(
        batches.iter().map(|b| b.labels.len()).collect::<Vec<_>>(),
        [4, 4, 2]
    );
    let mut seen: Vec<usize> = batches.iter().flat_map(|b| b.indices.clone()).collect();
    assert_ne!(
        seen,
        (0..10).collect::<Vec<_>>(),
        "seeded batches are shuffled"
    );
    seen.sort_unstable();
    assert_eq!(seen, (0..10).collect::<Vec<_>>());
    for b in &batches {
        for (k, &i) in b.indices.iter().enumerate() {
            assert_eq!(b.labels[k], data.labels()[i]);
            assert_eq!(
                b.images.index_axis(ndarray::Axis(0), k),
                data.images().index_axis(ndarray::Axis(0), i)
            );
        }
    }
    let ordered: Vec<usize> = data
        .batches(3, None)
        .unwrap()
        .flat_map(|b| b.indices)
        .collect();
    assert_eq!(ordered, (0..10).collect::<Vec<_>>());
    assert_eq!(data.batches(3, Some(5)).unwrap().len(), 4);
}

#[test]
fn a_batch_size_of_zero_is_an_error_not_a_panic() {
    let Err(err) = toy(10).batches(0, Some(1)) else {
        panic!("batch size 0 accepted");
    };
    assert!(err.to_string().contains("batch size 0"), "{err}");
}

#[test]
fn shuffles_are_pinned_across_versions() {
    // ChaCha8 output is specified; this order must never change.
    let order = gaaf_data::shuffled_indices(8, 2024);
    assert_eq!(order, gaaf_data::shuffled_indices(8, 2024));
    let pinned = format!("{order:?}");
    assert_eq!(pinned, PINNED_8_2024, "the shuffle changed");
}

const PINNED_8_2024: &str = "[3, 0, 7, 2, 5, 4, 6, 1]";

#[test]
fn normalised_train_has_zero_mean_unit_std() {
    let data = toy(10);
    let norm = Normalizer::fit(&data);
    let x = data.to_f32_normalized(&norm);
    for c in 0..2 {
        let ch = x.index_axis(ndarray::Axis(1), c);
        let n = ch.len() as f32;
        let mean = ch.sum() / n;
        let var = ch.mapv(|v| (v - mean) * (v - mean)).sum() / n;
        assert!(mean.abs() < 1e-4, "{mean}");
        assert!((var - 1.0).abs() < 1e-3, "{var}");
    }
    let unit = data.to_f32();
    assert_eq!(unit[[1, 0, 0, 0]], 7.0 / 255.0);
    assert!(Normalizer::new(vec![0.5], vec![0.0]).is_err());
    assert!(Normalizer::new(vec![0.5, 0.5], vec![1.0]).is_err());
}

#[test]
fn checksum_and_histogram() {
    let data = toy(8);
    assert_eq!(data.label_histogram(), [2, 2, 2, 2]);
    assert_eq!(data.checksum(), toy(8).checksum());
    assert_ne!(data.checksum(), toy(9).checksum());
    assert!(Dataset::new("bad", Array4::zeros((2, 1, 1, 1)), vec![0, 4], 4).is_err());
    assert!(Dataset::new("bad", Array4::zeros((2, 1, 1, 1)), vec![0], 4).is_err());
}
