//! Serde helpers for generated types.

use serde::{Deserialize, Deserializer};

/// Decodes a member that must be present but may be `null`.
///
/// serde treats a missing `Option` member as `None`; generated types use this
/// for required nullable members so that a missing one is an error, which also
/// lets untagged unions tell `{"os-start": null}` from `{"os-stop": null}`.
pub fn required<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer)
}
