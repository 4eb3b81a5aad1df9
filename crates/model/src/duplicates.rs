//! Duplicate scoring for the triage queue: how likely two descriptions of events are
//! the same event, from the day gap, the distance and the words they share. Pure
//! logic (no SQL): the store ranks the candidates it reads with it, and it sits in
//! the model because the store, which calls it, may not reach up to a domain crate.

use std::collections::HashSet;

/// Words worth comparing between two texts: lower-case, four letters or more.
pub fn words(text: &str) -> HashSet<String> {
    const COMMON: &[&str] = &[
        "dans", "avec", "pour", "sont", "ont", "était", "étaient", "leur", "leurs", "cette", "entre", "vers", "plus",
        "with", "from", "that", "this", "were", "their", "there", "have", "been", "near", "about", "after",
    ];
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 4)
        .map(|w| w.to_lowercase())
        .filter(|w| !COMMON.contains(&w.as_str()))
        .collect()
}

/// Duplicates are looked for within this many days…
pub const DUP_DAYS: i64 = 3;
/// …and this many kilometres.
pub const DUP_KM: f64 = 25.0;

/// Score a candidate from its day gap, distance (if both have points) and shared words.
pub fn score(days: i64, km: Option<f64>, mine: &HashSet<String>, theirs: &HashSet<String>) -> Option<(f64, String)> {
    let shared: Vec<&String> = {
        let mut v: Vec<&String> = mine.intersection(theirs).collect();
        v.sort();
        v
    };
    let union = mine.union(theirs).count().max(1);
    let text = shared.len() as f64 / union as f64;
    let time = 1.0 - days.abs() as f64 / (DUP_DAYS + 1) as f64;
    let place = match km {
        Some(k) if k <= DUP_KM => 1.0 - k / DUP_KM * 0.8,
        Some(_) => return None,
        // no point on one side: only a match on words counts as "near"
        None if shared.is_empty() => return None,
        None => 0.3,
    };
    let s = ((0.4 * time + 0.4 * place + 0.2 * text) * 100.0).round() / 100.0;
    let mut reason = match days.abs() {
        0 => "same day".to_string(),
        1 => "1 day apart".to_string(),
        d => format!("{d} days apart"),
    };
    match km {
        Some(k) => reason.push_str(&format!(", {k:.0} km away")),
        None => reason.push_str(", no point to compare"),
    }
    if !shared.is_empty() {
        let list: Vec<&str> = shared.iter().take(5).map(|s| s.as_str()).collect();
        reason.push_str(&format!(", shared words: {}", list.join(", ")));
    }
    Some((s, reason))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_drop_short_and_common_ones_and_fold_case() {
        let w = words("Hommes ARMÉS dans le marché de Sévaré, avec 12 blessés");
        let mut v: Vec<&str> = w.iter().map(String::as_str).collect();
        v.sort_unstable();
        assert_eq!(v, ["armés", "blessés", "hommes", "marché", "sévaré"]);
    }

    #[test]
    fn nearer_in_time_and_place_scores_higher_and_says_why() {
        let a = words("armed men attacked the market");
        let b = words("market attacked by armed men");
        let (close, why) = score(0, Some(2.0), &a, &b).unwrap();
        let (far, _) = score(3, Some(20.0), &a, &b).unwrap();
        assert!(close > far, "{close} vs {far}");
        assert_eq!(why, "same day, 2 km away, shared words: armed, attacked, market");
        assert_eq!(score(0, Some(DUP_KM + 1.0), &a, &b), None, "too far");
        assert_eq!(score(1, None, &a, &words("quiet day")), None, "no point and no shared word");
    }
}
