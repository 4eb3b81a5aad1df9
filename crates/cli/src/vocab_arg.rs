//! Command-line values parsed straight into the store's and the model's coded types
//! (`StatKey`, `Role`), from their own lists: no mirror enum to keep in step.

use clap::builder::{PossibleValuesParser, TypedValueParser};

/// A parser that accepts the codes of `all` (as `code` spells them) and yields the
/// value; `--help` lists the codes as possible values.
pub fn coded<T: Copy + Send + Sync + 'static>(
    all: &'static [T],
    code: fn(T) -> &'static str,
) -> impl TypedValueParser<Value = T> {
    PossibleValuesParser::new(all.iter().map(|t| code(*t))).map(move |s: String| {
        all.iter().copied().find(|t| code(*t) == s).expect("the possible-values parser let only a known code through")
    })
}
