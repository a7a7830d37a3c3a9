//! MNIST's weight files: the weights of the four Linear layers in a small
//! binary format, saved and loaded through [`crate::checkpoint`].
//!
//! Plain SGD keeps no optimiser state, so the weights are a complete
//! checkpoint.
//!
//! **Weight format** (little-endian): the magic `GAAFW001`, the number of
//! tensors as `u32`, then per tensor its element count as `u64` and its `f32`
//! values, in the order `W1, b1, W2, b2, W3, b3, W4, b4`. Bit-exact, and no
//! dependency beyond std.

use super::model::Layers;
use crate::checkpoint::{CheckpointDir, State};
use crate::error::{Error, Result};
use crate::{EpochRecord, TrainConfig};

const MAGIC: &[u8; 8] = b"GAAFW001";
const TENSORS: usize = 8;

/// An MNIST run's checkpoint state.
pub(crate) type MnistState = State<TrainConfig, EpochRecord>;

/// Saves `layers` and `state` (see [`CheckpointDir::save`]).
pub(crate) fn save(ck: &CheckpointDir, layers: &Layers, state: &MnistState) -> Result<()> {
    ck.save(&encode(layers), state)
}

/// Loads the weights of `epoch` into `layers`.
pub(crate) fn load(ck: &CheckpointDir, epoch: usize, layers: &mut Layers) -> Result<()> {
    let bytes = ck.weights(epoch)?;
    decode(&bytes, layers).map_err(|reason| Error::BadCheckpoint {
        path: ck.weights_path(epoch),
        reason,
    })
}

fn tensors(layers: &Layers) -> [Vec<f32>; TENSORS] {
    [
        layers.0.weight.as_vec(),
        layers.0.bias.as_vec(),
        layers.1.weight.as_vec(),
        layers.1.bias.as_vec(),
        layers.2.weight.as_vec(),
        layers.2.bias.as_vec(),
        layers.3.weight.as_vec(),
        layers.3.bias.as_vec(),
    ]
}

fn encode(layers: &Layers) -> Vec<u8> {
    let ts = tensors(layers);
    let total: usize = ts.iter().map(Vec::len).sum();
    let mut out = Vec::with_capacity(12 + 8 * TENSORS + 4 * total);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&(TENSORS as u32).to_le_bytes());
    for t in &ts {
        out.extend_from_slice(&(t.len() as u64).to_le_bytes());
        for v in t {
            out.extend_from_slice(&v.to_le_bytes());
        }
    }
    out
}

fn decode(bytes: &[u8], layers: &mut Layers) -> Result<(), String> {
    let expected: Vec<usize> = tensors(layers).iter().map(Vec::len).collect();
    let mut rest = bytes
        .strip_prefix(MAGIC.as_slice())
        .ok_or("wrong magic number")?;
    let mut take = |n: usize| -> Result<&[u8], String> {
        if rest.len() < n {
            return Err(format!("truncated: {} bytes left, {n} needed", rest.len()));
        }
        let (head, tail) = rest.split_at(n);
        rest = tail;
        Ok(head)
    };
    let count = u32::from_le_bytes(take(4)?.try_into().expect("4 bytes"));
    if count as usize != TENSORS {
        return Err(format!("{count} tensors, expected {TENSORS}"));
    }
    let mut values = Vec::with_capacity(TENSORS);
    for &len in &expected {
        let n = u64::from_le_bytes(take(8)?.try_into().expect("8 bytes"));
        if n != len as u64 {
            return Err(format!("a tensor of {n} values, expected {len}"));
        }
        let raw = take(4 * len)?;
        let v: Vec<f32> = raw
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes(c.try_into().expect("4 bytes")))
            .collect();
        values.push(v);
    }
    if !rest.is_empty() {
        return Err(format!("{} trailing bytes", rest.len()));
    }
    layers.0.weight.copy_from(&values[0]);
    layers.0.bias.copy_from(&values[1]);
    layers.1.weight.copy_from(&values[2]);
    layers.1.bias.copy_from(&values[3]);
    layers.2.weight.copy_from(&values[4]);
    layers.2.bias.copy_from(&values[5]);
    layers.3.weight.copy_from(&values[6]);
    layers.3.bias.copy_from(&values[7]);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use dfdx::prelude::*;

    #[test]
    fn weights_round_trip_bit_exactly_and_bad_files_are_refused() {
        let dev = Cpu::seed_from_u64(3);
        let a: Layers = dev.build_module::<super::super::model::Arch, f32>();
        let mut b: Layers = Cpu::seed_from_u64(4).build_module::<super::super::model::Arch, f32>();
        let bytes = encode(&a);
        decode(&bytes, &mut b).unwrap();
        assert_eq!(tensors(&a), tensors(&b));
        assert!(decode(&bytes[..bytes.len() - 1], &mut b).is_err());
        assert!(decode(b"GAAFW002", &mut b).is_err());
    }
}
