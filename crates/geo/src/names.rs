//! Place names as people in Mali write them.
//!
//! The OCHA COD-AB boundary files spell admin areas without diacritics ("Segou",
//! "Menaka", "Dire") and one with a typo ("Koulikouro" for the Koulikoro region, whose
//! cercle the same files spell right). Vigil keeps the files' codes (p-codes) as the
//! identity and shows the official French spelling. Where English uses another name
//! (Timbuktu for Tombouctou) both are known, so each language shows its own; GeoNames
//! towns carry the English one.

/// Spellings of the boundary files, corrected: (as in the file, as written in Mali).
const CORRECTED: &[(&str, &str)] = &[
    ("Abeibara", "Abeïbara"),
    ("Bafoulabe", "Bafoulabé"),
    ("Baroueli", "Barouéli"),
    ("Diema", "Diéma"),
    ("Dioila", "Dioïla"),
    ("Dire", "Diré"),
    ("Djenne", "Djenné"),
    ("Kenieba", "Kéniéba"),
    ("Kolondieba", "Kolondiéba"),
    ("Koulikouro", "Koulikoro"),
    ("Menaka", "Ménaka"),
    ("Niafunke", "Niafunké"),
    ("Segou", "Ségou"),
    ("Tenenkou", "Ténenkou"),
    ("Yelimane", "Yélimané"),
];

/// Names that differ between French and English: (French, English).
const FRENCH_ENGLISH: &[(&str, &str)] = &[("Tombouctou", "Timbuktu")];

/// The official spelling of an admin area's name from a boundary file (the name
/// itself when it needs no correction).
pub fn admin_spelling(name: &str) -> &str {
    CORRECTED.iter().find(|(raw, _)| *raw == name).map_or(name, |(_, right)| right)
}

/// The English name of a place whose French name differs, if it does.
pub fn english_name(french: &str) -> Option<&'static str> {
    FRENCH_ENGLISH.iter().find(|(fr, _)| *fr == french).map(|(_, en)| *en)
}

/// The French name of a place whose English name differs, if it does.
pub fn french_name(english: &str) -> Option<&'static str> {
    FRENCH_ENGLISH.iter().find(|(_, en)| *en == english).map(|(fr, _)| *fr)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_files_spellings_are_corrected_and_others_kept() {
        assert_eq!(admin_spelling("Koulikouro"), "Koulikoro");
        assert_eq!(admin_spelling("Segou"), "Ségou");
        assert_eq!(admin_spelling("Menaka"), "Ménaka");
        assert_eq!(admin_spelling("Kidal"), "Kidal");
        assert_eq!(admin_spelling("Ségou"), "Ségou", "an already right name is kept");
    }

    #[test]
    fn timbuktu_is_tombouctou_in_french() {
        assert_eq!(french_name("Timbuktu"), Some("Tombouctou"));
        assert_eq!(english_name("Tombouctou"), Some("Timbuktu"));
        assert_eq!(french_name("Gao"), None);
    }
}
