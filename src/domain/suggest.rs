//! "Did you mean" for unknown ids.

pub fn close_matches<'a>(wanted: &str, known: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let wanted_lower = wanted.to_lowercase();
    let mut scored: Vec<(usize, &str)> = known
        .into_iter()
        .filter_map(|candidate| {
            let lower = candidate.to_lowercase();
            let distance = edit_distance(&wanted_lower, &lower);
            let budget = (wanted.chars().count().max(3) / 3).max(2);
            let related = lower.contains(&wanted_lower) || wanted_lower.contains(&lower);
            (distance <= budget || (related && !wanted.is_empty())).then_some((distance, candidate))
        })
        .collect();
    scored.sort();
    scored.dedup();
    scored.into_iter().take(3).map(|(_, c)| c).collect()
}

/// The "did you mean" tail of an error message, empty when nothing is close.
pub fn did_you_mean<'a>(wanted: &str, known: impl IntoIterator<Item = &'a str>) -> String {
    let matches = close_matches(wanted, known);
    if matches.is_empty() {
        return String::new();
    }
    let quoted: Vec<String> = matches.iter().map(|m| format!("{m:?}")).collect();
    format!(" (did you mean {}?)", quoted.join(" or "))
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (diagonal + usize::from(ca != *cb)).min(row[j] + 1).min(above + 1);
            diagonal = above;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_typos_and_prefixes() {
        let known = ["kill-switch", "pin-traces", "notify-dpo"];
        assert_eq!(close_matches("kill-swich", known), vec!["kill-switch"]);
        assert_eq!(close_matches("pin", known), vec!["pin-traces"]);
        assert!(close_matches("zzzzzzzz", known).is_empty());
        assert_eq!(did_you_mean("notify-dp", known), " (did you mean \"notify-dpo\"?)");
    }
}
