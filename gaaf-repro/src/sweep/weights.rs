//! The one weight format of every experiment: named `f32` tensors in a
//! safetensors file, with the run's checkpoint state as JSON in the file's
//! metadata, so that one file is one complete, self-checking checkpoint.
//!
//! Values are stored as their little-endian bytes, so a model read back is
//! bit-identical to the one written (a resumed run equals an uninterrupted
//! one).

use safetensors::tensor::TensorView;
use safetensors::{Dtype, SafeTensorError, SafeTensors};
use std::collections::HashMap;

/// One named tensor: its shape and its values in row-major order.
#[derive(Debug, Clone, PartialEq)]
pub struct NamedTensor {
    /// The name, unique within a checkpoint.
    pub name: String,
    /// The dimensions.
    pub shape: Vec<usize>,
    /// The values, `shape.iter().product()` of them.
    pub values: Vec<f32>,
}

/// Why a checkpoint file could not be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WeightsError {
    /// The file is not a whole safetensors file (truncated, or garbage).
    #[error("not a complete safetensors file")]
    Format(#[from] SafeTensorError),
    /// A tensor is stored in another type than `f32`.
    #[error("tensor {name} is {dtype:?}, not F32")]
    Dtype {
        /// The tensor.
        name: String,
        /// Its type in the file.
        dtype: Dtype,
    },
    /// The file has no checkpoint state.
    #[error("no checkpoint state in the metadata")]
    NoState,
    /// The checkpoint state is not valid JSON of the expected form.
    #[error("unreadable checkpoint state")]
    State(#[from] serde_json::Error),
    /// The state says another epoch than the file name.
    #[error("the state is of epoch {found}, the file of epoch {expected}")]
    Epoch {
        /// The state's epoch.
        found: usize,
        /// The file name's.
        expected: usize,
    },
    /// The file verifies, but the best epoch's, which the run's analyses
    /// need, does not.
    #[error("the checkpoint of its best epoch, {epoch}, does not verify")]
    Best {
        /// The best epoch.
        epoch: usize,
        /// Why its checkpoint does not verify.
        #[source]
        source: Box<crate::Error>,
    },
    /// A tensor the model needs is missing.
    #[error("no tensor {0}")]
    Missing(String),
    /// A tensor the model does not have.
    #[error("unexpected tensor {0}")]
    Unexpected(String),
    /// A tensor of the wrong shape.
    #[error("tensor {name} has shape {found:?}, the model {expected:?}")]
    Shape {
        /// The tensor.
        name: String,
        /// Its shape in the file.
        found: Vec<usize>,
        /// The model's.
        expected: Vec<usize>,
    },
}

/// The safetensors bytes of `tensors`, with `state` (JSON) in the metadata.
///
/// # Errors
///
/// safetensors' error for tensors it cannot lay out (duplicate names).
pub fn encode(tensors: &[NamedTensor], state: String) -> Result<Vec<u8>, WeightsError> {
    let bytes: Vec<Vec<u8>> = tensors
        .iter()
        .map(|t| t.values.iter().flat_map(|v| v.to_le_bytes()).collect())
        .collect();
    let views = tensors
        .iter()
        .zip(&bytes)
        .map(|(t, b)| {
            Ok((
                t.name.as_str(),
                TensorView::new(Dtype::F32, t.shape.clone(), b)?,
            ))
        })
        .collect::<Result<Vec<_>, SafeTensorError>>()?;
    let metadata = HashMap::from([(STATE_KEY.to_string(), state)]);
    Ok(safetensors::serialize(views, Some(metadata))?)
}

/// The metadata key of the checkpoint state.
const STATE_KEY: &str = "gaaf-repro/state";

/// The tensors and the state JSON of a file written by [`encode`].
///
/// # Errors
///
/// [`WeightsError`] for a truncated or garbage file, a tensor of another
/// type, or a file without state.
pub fn decode(bytes: &[u8]) -> Result<(Vec<NamedTensor>, String), WeightsError> {
    let file = SafeTensors::deserialize(bytes)?;
    let (_, header) = SafeTensors::read_metadata(bytes)?;
    let state = header
        .metadata()
        .as_ref()
        .and_then(|m| m.get(STATE_KEY))
        .ok_or(WeightsError::NoState)?
        .clone();
    let mut tensors = Vec::new();
    for (name, view) in file.tensors() {
        if view.dtype() != Dtype::F32 {
            return Err(WeightsError::Dtype {
                name,
                dtype: view.dtype(),
            });
        }
        let values = view
            .data()
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        tensors.push(NamedTensor {
            name,
            shape: view.shape().to_vec(),
            values,
        });
    }
    Ok((tensors, state))
}

/// `tensors` as a map by name, checked against `expected` (name and shape of
/// every tensor the model holds): none missing, none extra, every shape
/// equal.
///
/// # Errors
///
/// [`WeightsError::Missing`], [`WeightsError::Unexpected`] or
/// [`WeightsError::Shape`].
pub fn check(
    tensors: Vec<NamedTensor>,
    expected: &[(String, Vec<usize>)],
) -> Result<HashMap<String, NamedTensor>, WeightsError> {
    let mut by_name: HashMap<String, NamedTensor> =
        tensors.into_iter().map(|t| (t.name.clone(), t)).collect();
    for (name, shape) in expected {
        let t = by_name
            .get(name)
            .ok_or_else(|| WeightsError::Missing(name.clone()))?;
        if &t.shape != shape {
            return Err(WeightsError::Shape {
                name: name.clone(),
                found: t.shape.clone(),
                expected: shape.clone(),
            });
        }
    }
    if let Some(extra) = by_name
        .keys()
        .find(|k| !expected.iter().any(|(n, _)| n == *k))
    {
        return Err(WeightsError::Unexpected(extra.clone()));
    }
    by_name.shrink_to_fit();
    Ok(by_name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tensors() -> Vec<NamedTensor> {
        vec![
            NamedTensor {
                name: "w".into(),
                shape: vec![2, 3],
                values: vec![1.0, -0.0, f32::MIN_POSITIVE, 3.5, 1e-30, -7.25],
            },
            NamedTensor {
                name: "b".into(),
                shape: vec![2],
                values: vec![0.1, 0.2],
            },
        ]
    }

    #[test]
    fn round_trip_is_bit_exact_and_bad_files_are_refused() {
        let bytes = encode(&tensors(), "{\"a\":1}".into()).unwrap();
        let (back, state) = decode(&bytes).unwrap();
        assert_eq!(state, "{\"a\":1}");
        let mut back = back;
        back.sort_by(|a, b| b.name.cmp(&a.name));
        let bits = |ts: &[NamedTensor]| -> Vec<u32> {
            ts.iter()
                .flat_map(|t| t.values.iter().map(|v| v.to_bits()))
                .collect()
        };
        assert_eq!(bits(&back), bits(&tensors()));
        assert!(decode(&bytes[..bytes.len() - 1]).is_err());
        assert!(decode(b"GAAFW002").is_err());
        let expected = [("w".to_string(), vec![2, 3]), ("b".to_string(), vec![2])];
        assert!(check(back.clone(), &expected).is_ok());
        assert!(matches!(
            check(back.clone(), &expected[..1]),
            Err(WeightsError::Unexpected(_))
        ));
        let wrong = [("w".to_string(), vec![3, 2]), ("b".to_string(), vec![2])];
        assert!(matches!(
            check(back, &wrong),
            Err(WeightsError::Shape { .. })
        ));
    }
}
