//! The short structured message a focal point sends by SMS, in French or English:
//! `KEYWORD PLACE COUNT WORD free text`, e.g. `ALERTE MENAKA 3 morts hommes armés` or
//! `ALERT GAO 2 killed 4 injured armed men on motorbikes`. Nothing is required in
//! any order: the parser looks for
//!
//! - a keyword among the first words (ALERTE, ALERT, URGENT, URGENCE, SOS, INCIDENT,
//!   RAPPORT, REPORT, INFO);
//! - a place of the gazetteer (the towns of `places`, one to three words,
//!   accent- and case-insensitive: `MENAKA` is Ménaka), or a French name it knows
//!   (`Tombouctou` is Timbuktu);
//! - counts: a number (digits or `un`…`dix`, `one`…`ten`) before a word for killed
//!   (`morts`, `tués`, `killed`, `dead`), injured (`blessés`, `injured`, `wounded`) or
//!   abducted (`enlevés`, `otages`, `abducted`, `kidnapped`);
//! - a category from words of the message (see [`CATEGORY_WORDS`]);
//!
//! and keeps the rest as free text. The confidence (0–1) adds up what was found:
//! keyword 0.15, place 0.35, a count 0.2, a category other than `other` 0.2, free
//! text 0.1. The original text is always kept beside the result.

use crate::text::fold;
use serde::Serialize;
use std::collections::HashMap;

/// A gazetteer place the parser may match.
#[derive(Debug, Clone, PartialEq)]
pub struct PlaceName {
    pub id: i64,
    pub name: String,
}

/// What the parser found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Parsed {
    pub keyword: Option<String>,
    /// `fr` or `en`, when the words say.
    pub language: Option<&'static str>,
    pub place_id: Option<i64>,
    pub place_name: Option<String>,
    pub killed: Option<i64>,
    pub injured: Option<i64>,
    pub abducted: Option<i64>,
    /// A code of the report categories (`other` when no word matched).
    pub category: &'static str,
    /// The words not read as keyword, place or count, as written.
    pub free_text: String,
    pub confidence: f64,
    pub original: String,
}

impl Parsed {
    /// Killed, injured and abducted added up, when any was given.
    pub fn people_affected(&self) -> Option<i64> {
        let counts = [self.killed, self.injured, self.abducted];
        counts
            .iter()
            .any(Option::is_some)
            .then(|| counts.iter().flatten().sum())
    }

    /// One line saying what was read, for the report's description.
    pub fn summary(&self) -> String {
        let mut s = vec![format!("confidence {:.2}", self.confidence)];
        if let Some(k) = &self.keyword {
            s.push(format!("keyword {k}"));
        }
        if let Some(p) = &self.place_name {
            s.push(format!("place {p}"));
        }
        for (label, n) in [
            ("killed", self.killed),
            ("injured", self.injured),
            ("abducted", self.abducted),
        ] {
            if let Some(n) = n {
                s.push(format!("{label} {n}"));
            }
        }
        s.push(format!("category {}", self.category));
        s.join("; ")
    }
}

const KEYWORDS: &[(&str, Option<&str>)] = &[
    ("alerte", Some("fr")),
    ("alert", Some("en")),
    ("urgent", None),
    ("urgence", Some("fr")),
    ("sos", None),
    ("incident", None),
    ("rapport", Some("fr")),
    ("report", Some("en")),
    ("info", None),
];

/// French names the gazetteer (GeoNames' English names) spells otherwise.
pub const ALIASES: &[(&str, &str)] = &[("tombouctou", "timbuktu"), ("tombuctu", "timbuktu")];

#[derive(Clone, Copy)]
enum Count {
    Killed,
    Injured,
    Abducted,
}

const COUNT_WORDS: &[(&str, Count, Option<&str>)] = &[
    ("mort", Count::Killed, Some("fr")),
    ("morts", Count::Killed, Some("fr")),
    ("tue", Count::Killed, Some("fr")),
    ("tues", Count::Killed, Some("fr")),
    ("tuee", Count::Killed, Some("fr")),
    ("tuees", Count::Killed, Some("fr")),
    ("deces", Count::Killed, Some("fr")),
    ("decedes", Count::Killed, Some("fr")),
    ("killed", Count::Killed, Some("en")),
    ("dead", Count::Killed, Some("en")),
    ("deaths", Count::Killed, Some("en")),
    ("blesse", Count::Injured, Some("fr")),
    ("blesses", Count::Injured, Some("fr")),
    ("blessee", Count::Injured, Some("fr")),
    ("blessees", Count::Injured, Some("fr")),
    ("injured", Count::Injured, Some("en")),
    ("wounded", Count::Injured, Some("en")),
    ("enleve", Count::Abducted, Some("fr")),
    ("enleves", Count::Abducted, Some("fr")),
    ("enlevee", Count::Abducted, Some("fr")),
    ("enlevees", Count::Abducted, Some("fr")),
    ("otages", Count::Abducted, Some("fr")),
    ("abducted", Count::Abducted, Some("en")),
    ("kidnapped", Count::Abducted, Some("en")),
    ("hostages", Count::Abducted, Some("en")),
];

const NUMBER_WORDS: &[(&str, i64)] = &[
    ("un", 1),
    ("une", 1),
    ("deux", 2),
    ("trois", 3),
    ("quatre", 4),
    ("cinq", 5),
    ("six", 6),
    ("sept", 7),
    ("huit", 8),
    ("neuf", 9),
    ("dix", 10),
    ("one", 1),
    ("two", 2),
    ("three", 3),
    ("four", 4),
    ("five", 5),
    ("seven", 7),
    ("eight", 8),
    ("nine", 9),
    ("ten", 10),
];

/// Words (folded) that point to a category, checked in this order; `+casualties`
/// rules need a killed or injured count too.
pub const CATEGORY_WORDS: &[(&str, &[&str])] = &[
    (
        "ied",
        &[
            "eei",
            "ied",
            "engin explosif",
            "engins explosifs",
            "mine",
            "explosion",
            "explosive device",
        ],
    ),
    (
        "attack_on_peacekeepers",
        &[
            "casques bleus",
            "casque bleu",
            "minusma",
            "peacekeepers",
            "peacekeeper",
        ],
    ),
    (
        "crsv",
        &[
            "viol",
            "viols",
            "rape",
            "violences sexuelles",
            "sexual violence",
        ],
    ),
    (
        "abduction",
        &[
            "enlevement",
            "enlevements",
            "kidnapping",
            "abduction",
            "otage",
            "otages",
            "enleves",
            "abducted",
        ],
    ),
    (
        "displacement",
        &[
            "deplaces",
            "deplacement",
            "deplacees",
            "displaced",
            "displacement",
            "fuite",
            "fled",
        ],
    ),
    (
        "looting_destruction",
        &[
            "pillage",
            "pille",
            "pilles",
            "looting",
            "looted",
            "incendie",
            "incendies",
            "brule",
            "burned",
        ],
    ),
    (
        "attack_on_civilians",
        &[
            "massacre",
            "civils tues",
            "civilians killed",
            "hommes armes+",
            "armed men+",
            "civils+",
            "civilians+",
        ],
    ),
    (
        "armed_clash",
        &[
            "affrontement",
            "affrontements",
            "combat",
            "combats",
            "clash",
            "clashes",
            "fighting",
            "attaque",
            "attack",
            "tirs",
            "gunfire",
            "hommes armes",
            "armed men",
        ],
    ),
    (
        "threat",
        &["menace", "menaces", "threat", "threats", "intimidation"],
    ),
];

const FR_WORDS: &[&str] = &[
    "de", "des", "le", "la", "les", "et", "a", "au", "sur", "hommes", "armes", "village", "ont",
    "par",
];
const EN_WORDS: &[&str] = &[
    "the", "of", "and", "in", "on", "men", "armed", "village", "were", "by", "at",
];

/// A token of the message: its folded form and the index of the written word it came from.
struct Token {
    folded: String,
    word: usize,
}

/// Parse `text` against the gazetteer `places` (earlier entries win a name two
/// places share: pass them in order of preference).
pub fn parse(text: &str, places: &[PlaceName]) -> Parsed {
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut tokens = vec![];
    for (w, word) in words.iter().enumerate() {
        for f in fold(word).split(' ').filter(|f| !f.is_empty()) {
            // "3morts" → "3", "morts"
            let digits: String = f.chars().take_while(char::is_ascii_digit).collect();
            if !digits.is_empty() && digits.len() < f.len() {
                tokens.push(Token {
                    folded: digits.clone(),
                    word: w,
                });
                tokens.push(Token {
                    folded: f[digits.len()..].to_string(),
                    word: w,
                });
            } else {
                tokens.push(Token {
                    folded: f.to_string(),
                    word: w,
                });
            }
        }
    }
    let mut used = vec![false; tokens.len()];
    let mut fr = 0i32;
    let mut en = 0i32;
    let mut vote = |l: Option<&str>| match l {
        Some("fr") => fr += 1,
        Some("en") => en += 1,
        _ => {}
    };

    // keyword: among the first two tokens
    let mut keyword = None;
    for i in 0..tokens.len().min(2) {
        if let Some((k, l)) = KEYWORDS.iter().find(|(k, _)| *k == tokens[i].folded) {
            keyword = Some(k.to_uppercase());
            used[i] = true;
            vote(*l);
            break;
        }
    }

    // place: leftmost, then longest (3 words down to 1), names of 3+ letters
    let mut names: HashMap<String, &PlaceName> = HashMap::new();
    for p in places {
        let f = fold(&p.name);
        if f.len() >= 3 {
            names.entry(f).or_insert(p);
        }
    }
    for (alias, target) in ALIASES {
        if let Some(p) = names.get(*target).copied() {
            names.entry((*alias).to_string()).or_insert(p);
        }
    }
    let mut place = None;
    'search: for i in 0..tokens.len() {
        for n in (1..=3).rev() {
            if i + n > tokens.len() || used[i..i + n].iter().any(|u| *u) {
                continue;
            }
            let key = tokens[i..i + n]
                .iter()
                .map(|t| t.folded.as_str())
                .collect::<Vec<_>>()
                .join(" ");
            if let Some(p) = names.get(&key) {
                place = Some(*p);
                for u in &mut used[i..i + n] {
                    *u = true;
                }
                break 'search;
            }
        }
    }

    // counts: a number before a count word
    let (mut killed, mut injured, mut abducted) = (None, None, None);
    for i in 0..tokens.len().saturating_sub(1) {
        if used[i] || used[i + 1] {
            continue;
        }
        let n = tokens[i]
            .folded
            .parse::<i64>()
            .ok()
            .filter(|n| *n <= 100_000)
            .or_else(|| {
                NUMBER_WORDS
                    .iter()
                    .find(|(w, _)| *w == tokens[i].folded)
                    .map(|(_, n)| *n)
            });
        let Some(n) = n else { continue };
        if let Some((_, c, l)) = COUNT_WORDS
            .iter()
            .find(|(w, _, _)| *w == tokens[i + 1].folded)
        {
            let slot = match c {
                Count::Killed => &mut killed,
                Count::Injured => &mut injured,
                Count::Abducted => &mut abducted,
            };
            *slot = Some(slot.unwrap_or(0) + n);
            used[i] = true;
            used[i + 1] = true;
            vote(*l);
        }
    }

    let all = format!(
        " {} ",
        tokens
            .iter()
            .map(|t| t.folded.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    );
    let casualties = killed.is_some_and(|n| n > 0) || injured.is_some_and(|n| n > 0);
    let category = CATEGORY_WORDS
        .iter()
        .find(|(_, words)| {
            words.iter().any(|w| match w.strip_suffix('+') {
                Some(w) => casualties && all.contains(&format!(" {w} ")),
                None => all.contains(&format!(" {w} ")),
            })
        })
        .map_or("other", |(c, _)| *c);

    for t in &tokens {
        if FR_WORDS.contains(&t.folded.as_str()) {
            fr += 1;
        }
        if EN_WORDS.contains(&t.folded.as_str()) {
            en += 1;
        }
    }
    let language = match fr.cmp(&en) {
        std::cmp::Ordering::Greater => Some("fr"),
        std::cmp::Ordering::Less => Some("en"),
        std::cmp::Ordering::Equal => None,
    };

    // free text: the written words none of whose tokens was read
    let mut word_used = vec![true; words.len()];
    for (t, u) in tokens.iter().zip(&used) {
        if !u {
            word_used[t.word] = false;
        }
    }
    let free_text = words
        .iter()
        .zip(&word_used)
        .filter(|(_, u)| !**u)
        .map(|(w, _)| *w)
        .collect::<Vec<_>>()
        .join(" ");

    let mut confidence = 0.0;
    if keyword.is_some() {
        confidence += 0.15;
    }
    if place.is_some() {
        confidence += 0.35;
    }
    if killed.is_some() || injured.is_some() || abducted.is_some() {
        confidence += 0.2;
    }
    if category != "other" {
        confidence += 0.2;
    }
    if !free_text.is_empty() {
        confidence += 0.1;
    }
    Parsed {
        keyword,
        language,
        place_id: place.map(|p| p.id),
        place_name: place.map(|p| p.name.clone()),
        killed,
        injured,
        abducted,
        category,
        free_text,
        confidence: (confidence * 100.0_f64).round() / 100.0,
        original: text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn places() -> Vec<PlaceName> {
        [
            (2453514, "Ménaka"),
            (2457163, "Gao"),
            (2449067, "Timbuktu"),
            (2453348, "Mopti"),
            (1, "Birnin Gaouré"),
            (2, "Ansongo"),
        ]
        .into_iter()
        .map(|(id, name)| PlaceName {
            id,
            name: name.into(),
        })
        .collect()
    }

    #[test]
    fn the_issues_french_example() {
        let p = parse("ALERTE MENAKA 3 morts hommes armés", &places());
        assert_eq!(p.keyword.as_deref(), Some("ALERTE"));
        assert_eq!(p.place_name.as_deref(), Some("Ménaka"));
        assert_eq!(p.place_id, Some(2453514));
        assert_eq!(p.killed, Some(3));
        assert_eq!(p.injured, None);
        assert_eq!(p.category, "attack_on_civilians");
        assert_eq!(p.free_text, "hommes armés");
        assert_eq!(p.language, Some("fr"));
        assert_eq!(p.confidence, 1.0);
        assert_eq!(p.people_affected(), Some(3));
        assert_eq!(p.original, "ALERTE MENAKA 3 morts hommes armés");
    }

    #[test]
    fn english_with_two_counts_and_lower_case() {
        let p = parse(
            "alert gao 2 killed 4 injured clashes near the market",
            &places(),
        );
        assert_eq!(p.place_name.as_deref(), Some("Gao"));
        assert_eq!((p.killed, p.injured), (Some(2), Some(4)));
        assert_eq!(p.category, "armed_clash");
        assert_eq!(p.language, Some("en"));
        assert_eq!(p.free_text, "clashes near the market");
        assert_eq!(p.people_affected(), Some(6));
    }

    #[test]
    fn french_alias_number_words_and_glued_counts() {
        let p = parse(
            "URGENCE Tombouctou deux blessés, 5enlevés sur la route",
            &places(),
        );
        assert_eq!(p.place_name.as_deref(), Some("Timbuktu"));
        assert_eq!(p.injured, Some(2));
        assert_eq!(p.abducted, Some(5));
        assert_eq!(p.category, "abduction");
        assert_eq!(p.language, Some("fr"));
    }

    #[test]
    fn multi_word_place_and_ied() {
        let p = parse("SOS birnin-gaouré engin explosif sur la piste", &places());
        assert_eq!(p.place_name.as_deref(), Some("Birnin Gaouré"));
        assert_eq!(p.category, "ied");
        assert_eq!(p.killed, None);
        assert_eq!(p.confidence, 0.8);
    }

    #[test]
    fn free_text_only_is_low_confidence_and_kept() {
        let p = parse("il y a des gens qui bougent la nuit", &places());
        assert_eq!(p.keyword, None);
        assert_eq!(p.place_id, None);
        assert_eq!(p.category, "other");
        assert_eq!(p.confidence, 0.1);
        assert_eq!(p.free_text, "il y a des gens qui bougent la nuit");
    }

    #[test]
    fn armed_men_without_casualties_is_a_clash_not_an_attack_on_civilians() {
        let p = parse("ALERTE ANSONGO hommes armés vus", &places());
        assert_eq!(p.category, "armed_clash");
        assert_eq!(p.place_name.as_deref(), Some("Ansongo"));
    }

    #[test]
    fn the_word_viol_is_not_found_in_violence() {
        let p = parse("ALERTE GAO violence", &places());
        assert_eq!(p.category, "other");
    }
}
