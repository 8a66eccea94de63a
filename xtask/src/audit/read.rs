//! Reading helpers every layout uses: JSON examples, bounds written in prose.

use super::docs::{Example, ExampleOf, Place};

/// The JSON value that starts at `lines[start]` (a line beginning with `{` or
/// `[`), and the index after its last line. The block ends where brackets
/// balance outside strings.
pub fn json_block(lines: &[&str], start: usize) -> (usize, Result<serde_json::Value, String>) {
    let mut depth = 0i32;
    let mut in_string = false;
    let mut escaped = false;
    for (index, line) in lines.iter().enumerate().skip(start) {
        for c in line.chars() {
            match (in_string, escaped, c) {
                (true, true, _) => escaped = false,
                (true, false, '\\') => escaped = true,
                (true, false, '"') => in_string = false,
                (false, _, '"') => in_string = true,
                (false, _, '{' | '[') => depth += 1,
                (false, _, '}' | ']') => depth -= 1,
                _ => {}
            }
        }
        if depth <= 0 {
            let text = lines[start..=index].join("\n");
            return (index + 1, serde_json::from_str(&text).map_err(|e| format!("example is not JSON: {e}")));
        }
    }
    (lines.len(), Err("example never closes its brackets".into()))
}

/// Reads the JSON example starting at or after `from` (skipping blank and
/// header-like lines up to `limit`), into `examples` or `unreadable`.
/// Returns the index after the example, or `from` when there is none.
pub fn take_example(
    lines: &[&str],
    from: usize,
    limit: usize,
    target: ExampleOf,
    examples: &mut Vec<Example>,
    unreadable: &mut Vec<(Place, String)>,
) -> usize {
    let Some(start) = (from..limit.min(lines.len())).find(|&i| {
        let t = lines[i].trim_start();
        t.starts_with('{') || t.starts_with('[')
    }) else {
        return from;
    };
    let place = Place::new(start + 1, lines[start]);
    let (end, value) = json_block(lines, start);
    match value {
        Ok(value) => {
            let lines = (start..end).map(|i| (i + 1, lines[i].to_owned())).collect();
            examples.push(Example { place, lines, target, value });
        }
        Err(message) => unreadable.push((place, message)),
    }
    end
}
