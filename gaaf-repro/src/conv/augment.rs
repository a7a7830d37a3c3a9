//! The random-crop-with-padding and mirror augmentation of training images.

use super::model::SIDE;
use rand_chacha::rand_core::RngCore;
use rand_chacha::ChaCha8Rng;

/// The largest shift of the random-crop augmentation, in pixels.
const MAX_SHIFT: usize = 4;

/// Shifts each image of the batch `x` (rows of `channels x 32 x 32`) by a random
/// offset in `[-MAX_SHIFT, MAX_SHIFT]` per axis, filling with zeros, and
/// mirrors it left-right with probability 1/2 when `flip`.
pub(crate) fn augment(x: &mut [f32], channels: usize, flip: bool, rng: &mut ChaCha8Rng) {
    let plane = SIDE * SIDE;
    let span = 2 * MAX_SHIFT as u32 + 1;
    let mut out = vec![0.0f32; channels * plane];
    for image in x.chunks_exact_mut(channels * plane) {
        let dy = (rng.next_u32() % span) as isize - MAX_SHIFT as isize;
        let dx = (rng.next_u32() % span) as isize - MAX_SHIFT as isize;
        let mirror = flip && rng.next_u32() & 1 == 1;
        out.fill(0.0);
        for c in 0..channels {
            for r in 0..SIDE {
                let sr = r as isize + dy;
                if !(0..SIDE as isize).contains(&sr) {
                    continue;
                }
                for col in 0..SIDE {
                    let src_col = if mirror { SIDE - 1 - col } else { col };
                    let sc = src_col as isize + dx;
                    if (0..SIDE as isize).contains(&sc) {
                        out[c * plane + r * SIDE + col] =
                            image[c * plane + sr as usize * SIDE + sc as usize];
                    }
                }
            }
        }
        image.copy_from_slice(&out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_chacha::rand_core::SeedableRng;

    #[test]
    fn augmentation_shifts_within_bounds_and_keeps_values() {
        let mut x: Vec<f32> = (0..2 * 3 * SIDE * SIDE).map(|i| i as f32 + 1.0).collect();
        let orig = x.clone();
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        augment(&mut x, 3, true, &mut rng);
        assert_ne!(x, orig);
        // Every non-zero value comes from the same image and channel.
        let plane = SIDE * SIDE;
        for (i, &v) in x.iter().enumerate() {
            if v != 0.0 {
                let src = v as usize - 1;
                assert_eq!(src / plane, i / plane, "value moved across channels");
            }
        }
        let mut again: Vec<f32> = orig.clone();
        augment(&mut again, 3, true, &mut ChaCha8Rng::seed_from_u64(1));
        assert_eq!(again, x, "the same stream gives the same augmentation");
    }
}
