//! Whether a JSON document survives decoding into a generated type and encoding
//! back: what the generated `tests/examples.rs` of every crate checks for each
//! example of its spec.

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use crate::DateTime;

/// Decodes `json` into `T`, encodes it again and compares the two documents.
///
/// They are equivalent when every member of the original is present with an
/// equivalent value. `null` and absent are the same for an optional member: the
/// encoded document may leave out a member the original gives as `null` (unset
/// optional members are not sent), and may add one only as `null` (a required
/// nullable member). Numbers compare by value and timestamps by the instant
/// they denote.
pub fn round_trip<T: DeserializeOwned + Serialize>(json: &str) -> Result<T, String> {
    let original: Value = serde_json::from_str(json).map_err(|e| format!("example is not JSON: {e}"))?;
    let typed: T = serde_json::from_value(original.clone()).map_err(|e| format!("example does not decode: {e}"))?;
    let encoded = serde_json::to_value(&typed).map_err(|e| format!("value does not encode: {e}"))?;
    equivalent(&original, &encoded, "$")?;
    Ok(typed)
}

fn equivalent(original: &Value, encoded: &Value, path: &str) -> Result<(), String> {
    match (original, encoded) {
        (Value::Object(a), Value::Object(b)) => {
            for (key, value) in a {
                let inner = format!("{path}.{key}");
                match b.get(key) {
                    Some(other) => equivalent(value, other, &inner)?,
                    None if value.is_null() => {}
                    None => return Err(format!("{inner} is lost when encoding")),
                }
            }
            match b.iter().find(|(key, value)| !a.contains_key(*key) && !value.is_null()) {
                Some((key, value)) => Err(format!("{path}.{key} = {value} appears when encoding")),
                None => Ok(()),
            }
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            a.iter().zip(b).enumerate().try_for_each(|(i, (x, y))| equivalent(x, y, &format!("{path}[{i}]")))
        }
        (Value::Number(a), Value::Number(b)) if a.as_f64() == b.as_f64() => Ok(()),
        (Value::String(a), Value::String(b)) if a == b || same_instant(a, b) => Ok(()),
        (a, b) if a == b => Ok(()),
        (a, b) => Err(format!("{path}: {a} is encoded as {b}")),
    }
}

fn same_instant(a: &str, b: &str) -> bool {
    matches!((DateTime::parse(a), DateTime::parse(b)), (Ok(x), Ok(y)) if x == y)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize, serde::Serialize)]
    struct Item {
        id: i64,
        #[serde(skip_serializing_if = "Option::is_none")]
        name: Option<String>,
        note: Option<String>,
    }

    #[test]
    fn equivalence_allows_added_nulls_and_nothing_else() {
        assert!(round_trip::<Item>(r#"{"id": 1, "name": "a"}"#).is_ok());
        let lost = round_trip::<Item>(r#"{"id": 1, "extra": true}"#).unwrap_err();
        assert!(lost.contains("$.extra is lost"), "{lost}");
        assert!(round_trip::<Item>(r#"{"id": "1"}"#).unwrap_err().contains("does not decode"));
        assert!(equivalent(
            &serde_json::json!("2024-05-17T00:23:17Z"),
            &serde_json::json!("2024-05-17T09:23:17+09:00"),
            "$"
        )
        .is_ok());
    }
}
