//! [`Gaaf`] in dfdx's module machinery: building, and every walk through
//! `TensorCollection` (to_device, to_dtype, reset_params, the optimisers,
//! save and load), with `K` and the shape kept.
//!
//! **Why by hand**: dfdx's `ZeroSizedModule` answers every such walk with
//! `Default::default()`, so `to_device` and `to_dtype` returned a module
//! with the paper's constants, whatever the user had set. dfdx's
//! `TensorCollection::iter_tensors` is an associated function: the module
//! being converted is not an argument, and reaches a module's code only
//! through the `get_ref` / `get_mut` closures a visitor calls on each field
//! it visits. [`Gaaf`] therefore has one empty field ([`Hyper`], no
//! tensors); the closures for it record a clone of the module they are
//! handed, and the builder of the converted module returns that clone.
//! Visitors that do not look at an existing module (dfdx's builder, for
//! `build_module`) never call them, and the builder falls back to
//! `Default`. Visitors that change a module in place (`reset_params`,
//! loading weights, optimiser updates) leave it as it was: GAAF has no
//! tensors to change.

use crate::Gaaf;
use dfdx::nn::{BuildModule, BuildOnDevice, ModuleVisitor, TensorCollection, ZeroSizedModule};
use dfdx::shapes::Dtype;
use dfdx::tensor_ops::Device;
use gaaf_shapes::{GaafTwins, Recast};
use std::cell::Cell;

/// The empty field through which dfdx's visitors hand a [`Gaaf`] to its
/// `iter_tensors`. A `ZeroSizedModule`, so that each visit yields a value
/// (dfdx's `()` yields none, which would abort the walk).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub(crate) struct Hyper;

impl ZeroSizedModule for Hyper {}

impl<P, S, E, D> TensorCollection<E, D> for Gaaf<P, S>
where
    P: Recast<f32>,
    S: Recast<f32>,
    GaafTwins<P, S>: Clone + Default,
    E: Dtype,
    D: Device<E>,
{
    /// The same module whatever the dtype and device: it holds no tensors.
    type To<E2: Dtype, D2: Device<E2>> = Self;

    fn iter_tensors<V: ModuleVisitor<Self, E, D>>(visitor: &mut V) -> Result<Option<Self>, V::Err> {
        let seen: Cell<Option<Self>> = Cell::new(None);
        let field = <Self as TensorCollection<E, D>>::module(
            "hyperparameters",
            |m| {
                seen.set(Some(m.clone()));
                &m.hyper
            },
            |m| {
                seen.set(Some(m.clone()));
                &mut m.hyper
            },
        );
        visitor.visit_fields(field, |_| seen.take().unwrap_or_default())
    }
}

impl<P: Recast<f32>, S: Recast<f32>, E: Dtype, D: Device<E>> BuildOnDevice<D, E> for Gaaf<P, S>
where
    Self: BuildModule<D, E>,
{
    /// The module itself, with its `Default` hyperparameters: a type alone
    /// carries no others.
    type Built = Self;
}
