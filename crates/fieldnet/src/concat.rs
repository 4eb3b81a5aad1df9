//! Concatenated SMS: a long message arrives as parts `i` of `n` sharing a reference,
//! in any order and perhaps more than once. The store keeps each part once (by its
//! concatenation key and index); [`join`] says whether all are there and gives the
//! message, parts in order, with nothing between them (phones split mid-word).

/// The whole message when parts `1..=total` are all present, else `None`. Repeated
/// indexes (a part delivered twice) count once: the first text given wins.
pub fn join(parts: &[(i64, String)], total: i64) -> Option<String> {
    let mut slots: Vec<Option<&str>> = vec![None; usize::try_from(total).ok()?];
    for (i, text) in parts {
        let k = usize::try_from(*i).ok()?.checked_sub(1)?;
        if let Some(slot) = slots.get_mut(k) {
            slot.get_or_insert(text.as_str());
        }
    }
    let mut out = String::new();
    for s in slots {
        out.push_str(s?);
    }
    Some(out)
}

/// How many of `total` parts are present.
pub fn present(parts: &[(i64, String)], total: i64) -> usize {
    let mut seen: Vec<i64> = parts
        .iter()
        .map(|(i, _)| *i)
        .filter(|i| (1..=total).contains(i))
        .collect();
    seen.sort_unstable();
    seen.dedup();
    seen.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_out_of_order_and_repeated_parts() {
        let parts = vec![
            (3, "armés".to_string()),
            (1, "ALERTE MENAKA 3 mo".to_string()),
            (3, "armés".to_string()),
        ];
        assert_eq!(join(&parts, 3), None);
        assert_eq!(present(&parts, 3), 2);
        let mut parts = parts;
        parts.push((2, "rts hommes ".to_string()));
        assert_eq!(
            join(&parts, 3).as_deref(),
            Some("ALERTE MENAKA 3 morts hommes armés")
        );
        assert_eq!(present(&parts, 3), 3);
    }
}
