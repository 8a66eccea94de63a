//! Client-side checks of the bounds the docs give (minimum/maximum, lengths,
//! item counts) and of float finiteness, run by generated `send()` methods.
//!
//! A value out of bounds would be refused by the service with a less precise
//! message, and a NaN or infinite float would even be sent as `null` by JSON
//! encoding: checking first turns both into an [`Error::InvalidRequest`] that
//! names the member. [`Config::with_request_validation`](crate::Config::with_request_validation)
//! turns the checks off where the docs' bounds are wrong.

use std::collections::BTreeMap;

use crate::Error;

/// A value that can check itself against the documented constraints.
pub trait Validate {
    /// Appends a message for every violation below `path` (`body.instance_groups[0].size_gb`).
    fn validate(&self, path: &str, problems: &mut Vec<String>);
}

impl<T: Validate> Validate for Option<T> {
    fn validate(&self, path: &str, problems: &mut Vec<String>) {
        if let Some(value) = self {
            value.validate(path, problems);
        }
    }
}

impl<T: Validate> Validate for Box<T> {
    fn validate(&self, path: &str, problems: &mut Vec<String>) {
        (**self).validate(path, problems);
    }
}

impl<T: Validate> Validate for Vec<T> {
    fn validate(&self, path: &str, problems: &mut Vec<String>) {
        for (i, item) in self.iter().enumerate() {
            item.validate(&format!("{path}[{i}]"), problems);
        }
    }
}

impl<T: Validate> Validate for BTreeMap<String, T> {
    fn validate(&self, path: &str, problems: &mut Vec<String>) {
        for (key, value) in self {
            value.validate(&format!("{path}.{key}"), problems);
        }
    }
}

/// Bounds of a number, as the docs give them.
#[derive(Clone, Copy, Debug, Default)]
pub struct Range {
    pub minimum: Option<f64>,
    pub maximum: Option<f64>,
    pub exclusive_minimum: bool,
    pub exclusive_maximum: bool,
}

/// Checks a number against its bounds; floats must also be finite.
pub fn number(path: &str, value: f64, range: Range, problems: &mut Vec<String>) {
    if !value.is_finite() {
        problems.push(format!("{path}: {value} cannot be sent as JSON"));
        return;
    }
    if let Some(min) = range.minimum {
        if value < min || (range.exclusive_minimum && value == min) {
            let kind = if range.exclusive_minimum { "exclusive minimum" } else { "minimum" };
            problems.push(format!("{path}: {value} is below the {kind} {min}"));
        }
    }
    if let Some(max) = range.maximum {
        if value > max || (range.exclusive_maximum && value == max) {
            let kind = if range.exclusive_maximum { "exclusive maximum" } else { "maximum" };
            problems.push(format!("{path}: {value} is above the {kind} {max}"));
        }
    }
}

/// Checks the length of a string, in characters.
pub fn length(path: &str, value: &str, min: Option<usize>, max: Option<usize>, problems: &mut Vec<String>) {
    count(path, "characters", value.chars().count(), min, max, problems);
}

/// Checks the number of items of an array.
pub fn items(path: &str, len: usize, min: Option<usize>, max: Option<usize>, problems: &mut Vec<String>) {
    count(path, "items", len, min, max, problems);
}

fn count(path: &str, unit: &str, n: usize, min: Option<usize>, max: Option<usize>, problems: &mut Vec<String>) {
    if min.is_some_and(|min| n < min) {
        problems.push(format!("{path}: {n} {unit}, fewer than the minimum {}", min.unwrap_or_default()));
    }
    if max.is_some_and(|max| n > max) {
        problems.push(format!("{path}: {n} {unit}, more than the maximum {}", max.unwrap_or_default()));
    }
}

/// `Ok` when nothing was found, else one error naming every problem.
pub fn finish(problems: Vec<String>) -> Result<(), Error> {
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Error::InvalidRequest(problems.join("; ")))
    }
}

/// The error of a value that is none of the `valid` ones (a server variable
/// parsed from text): names what was parsed, the value and every valid one.
pub fn not_one_of<'a>(what: &str, value: &str, valid: impl IntoIterator<Item = &'a str>) -> Error {
    let valid: Vec<&str> = valid.into_iter().collect();
    let shown: String = value.chars().take(64).collect();
    Error::InvalidRequest(format!("`{shown}` is no {what}; expected one of: {}", valid.join(", ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_lengths_and_non_finite_numbers_are_reported() {
        let mut p = Vec::new();
        let range = Range { minimum: Some(1.0), maximum: Some(35.0), ..Range::default() };
        number("body.retention", 36.0, range, &mut p);
        number("body.retention", 1.0, range, &mut p);
        number("ratio", f64::NAN, Range::default(), &mut p);
        number("ratio", 0.0, Range { minimum: Some(0.0), exclusive_minimum: true, ..Range::default() }, &mut p);
        length("name", "한글", Some(3), None, &mut p);
        length("name", "abc", Some(3), Some(3), &mut p);
        items("ids", 3, None, Some(2), &mut p);
        assert_eq!(
            p,
            [
                "body.retention: 36 is above the maximum 35",
                "ratio: NaN cannot be sent as JSON",
                "ratio: 0 is below the exclusive minimum 0",
                "name: 2 characters, fewer than the minimum 3",
                "ids: 3 items, more than the maximum 2",
            ]
        );
        assert!(matches!(finish(p), Err(Error::InvalidRequest(m)) if m.contains("; ")));
        assert!(finish(Vec::new()).is_ok());
    }
}
