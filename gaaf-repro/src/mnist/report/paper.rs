//! The values Hahn & Choi publish, copied from the paper's text (Tables 1-4
//! and section 5.1), so that every table can print them beside ours.

use crate::mnist::Variant;

/// Table 1, without dropout: pairs with `|r|` above 0.9, 0.8, 0.7, 0.6, 0.5,
/// for `[Layer1, Layer2, Layer3]`.
pub(crate) const TABLE1_BASE: [[u64; 5]; 3] = [
    [0, 5, 91, 826, 3939],
    [0, 6, 71, 373, 1305],
    [1, 123, 676, 1989, 4393],
];

/// Table 1, with dropout, for `[Layer1, Layer2, Layer3]`.
pub(crate) const TABLE1_DROPOUT: [[u64; 5]; 3] = [
    [16, 181, 769, 2510, 6734],
    [35, 287, 1016, 2541, 5077],
    [174, 618, 1625, 3388, 6037],
];

/// Table 2, without dropout: gradient information for `[W1, W2, W3]`.
pub(crate) const TABLE2_BASE: [f64; 3] = [1.07e-4, 1.40e-4, 9.35e-5];

/// Table 2, with dropout, for `[W1, W2, W3]`.
pub(crate) const TABLE2_DROPOUT: [f64; 3] = [5.93e-4, 6.52e-4, 5.83e-4];

/// Section 5.1's GAAF gradient information, "1.15E-3, 6.43E-4, 1.78E-4 for the
/// three layers", read in Table 2's row order (Layer3, Layer2, Layer1) and
/// stored here as `[W1, W2, W3]`. The paper does not say which order the text
/// uses; read as Layer1..Layer3 the values would be reversed.
pub(crate) const TABLE2_GAAF: [f64; 3] = [1.78e-4, 6.43e-4, 1.15e-3];

/// Table 3: the dropout model's mean net variance for `[Layer1, Layer2,
/// Layer3, Last]`. Layer1 is not in the table; the text says it is zero since
/// the input is not dropped.
pub(crate) const TABLE3: [f64; 4] = [0.0, 1.07, 1.07, 1.97];

/// One row of Table 4: test accuracy in %, its std, train epochs, their std.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Table4Row {
    pub(crate) acc: f64,
    pub(crate) acc_std: f64,
    pub(crate) epochs: f64,
    pub(crate) epochs_std: f64,
}

/// Table 4 (five executions each), or `None` for a variant not in the paper.
pub(crate) fn table4(variant: Variant) -> Option<Table4Row> {
    let row = |acc, acc_std, epochs, epochs_std| Table4Row {
        acc,
        acc_std,
        epochs,
        epochs_std,
    };
    match variant {
        Variant::Base => Some(row(98.23, 0.075, 82.0, 16.6)),
        Variant::Dropout => Some(row(98.40, 0.034, 169.0, 9.7)),
        Variant::Gaaf => Some(row(98.35, 0.059, 114.0, 24.8)),
        Variant::DropoutMatched | Variant::BaseLrScaled | Variant::GaafShoulder => None,
    }
}

/// Table 2's published value for `variant` and weight matrix `w` (0-based,
/// `W1` = 0), if the paper gives one.
pub(crate) fn table2(variant: Variant, w: usize) -> Option<f64> {
    let row = match variant {
        Variant::Base => &TABLE2_BASE,
        Variant::Dropout => &TABLE2_DROPOUT,
        Variant::Gaaf => &TABLE2_GAAF,
        Variant::DropoutMatched | Variant::BaseLrScaled | Variant::GaafShoulder => return None,
    };
    row.get(w).copied()
}
