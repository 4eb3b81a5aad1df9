//! Keyword matching for field reports, in French and English.
//!
//! Reports come in typed on phones, in call-centre notes and SMS, often without
//! accents ("enleve", "tues") or in capitals. Matching therefore folds both the text
//! and the keyword the same way — lower case, Latin accents removed, ligatures
//! expanded, anything that is not a letter or digit turned into a word break — and
//! then looks for the keyword as a sequence of whole words. Whole words matter:
//! "tue" must not match "statue". A trailing `*` on a keyword makes its last word a
//! prefix ("enlev*" matches "enlevé", "enlèvement", "enlevés"), which is how
//! analysts cover French inflection without listing every form.

/// Fold one character: lower case with Latin-1 / Latin Extended-A accents removed.
/// Returns up to two characters because of the ligatures (œ → oe, æ → ae, ß → ss).
fn fold_char(c: char, out: &mut String) {
    let lower = c.to_lowercase();
    for c in lower {
        let s: &str = match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => "a",
            'ç' | 'ć' | 'č' | 'ĉ' | 'ċ' => "c",
            'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => "e",
            'ì' | 'í' | 'î' | 'ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' => "i",
            'ñ' | 'ń' | 'ň' | 'ņ' => "n",
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ŏ' | 'ő' => "o",
            'ù' | 'ú' | 'û' | 'ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' => "u",
            'ý' | 'ÿ' | 'ŷ' => "y",
            'ś' | 'š' | 'ş' => "s",
            'ź' | 'ż' | 'ž' => "z",
            'ğ' | 'ĝ' | 'ġ' | 'ģ' => "g",
            'ł' | 'ľ' | 'ĺ' | 'ļ' => "l",
            'ř' | 'ŕ' => "r",
            'ť' | 'ţ' => "t",
            'đ' | 'ď' => "d",
            'œ' => "oe",
            'æ' => "ae",
            'ß' => "ss",
            c if c.is_alphanumeric() => {
                out.push(c);
                continue;
            }
            _ => " ",
        };
        out.push_str(s);
    }
}

/// The words of a text after folding (see the module docs).
pub fn words(text: &str) -> Vec<String> {
    let mut folded = String::with_capacity(text.len());
    for c in text.chars() {
        fold_char(c, &mut folded);
    }
    folded.split_whitespace().map(str::to_owned).collect()
}

/// A keyword prepared for matching: its folded words, the last one possibly a prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keyword {
    /// The keyword as the analyst wrote it (shown in alert text).
    pub original: String,
    words: Vec<String>,
    prefix: bool,
}

impl Keyword {
    /// `None` when the keyword folds to nothing (e.g. only punctuation) — the rule
    /// parser reports that as an error instead of silently matching everything.
    pub fn new(original: &str) -> Option<Keyword> {
        let trimmed = original.trim();
        let (body, prefix) = match trimmed.strip_suffix('*') {
            Some(b) => (b, true),
            None => (trimmed, false),
        };
        let words = words(body);
        if words.is_empty() {
            return None;
        }
        Some(Keyword {
            original: trimmed.to_owned(),
            words,
            prefix,
        })
    }

    /// Whether the keyword occurs in already-folded text words.
    pub fn matches_words(&self, text: &[String]) -> bool {
        let n = self.words.len();
        if text.len() < n {
            return false;
        }
        (0..=text.len() - n).any(|start| {
            self.words.iter().enumerate().all(|(i, w)| {
                let t = &text[start + i];
                if self.prefix && i == n - 1 {
                    t.starts_with(w.as_str())
                } else {
                    t == w
                }
            })
        })
    }

    pub fn matches(&self, text: &str) -> bool {
        self.matches_words(&words(text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_accents_and_ligatures() {
        assert_eq!(
            words("Civils TUÉS à Ménaka — l'œuvre"),
            ["civils", "tues", "a", "menaka", "l", "oeuvre"]
        );
    }

    #[test]
    fn whole_words_and_prefixes() {
        let k = Keyword::new("tués").unwrap();
        assert!(k.matches("3 civils TUES hier"));
        assert!(!k.matches("la statues"));
        let p = Keyword::new("enlèv*").unwrap();
        assert!(p.matches("Enlevement de deux femmes"));
        assert!(!p.matches("relevement"));
        let two = Keyword::new("armed men").unwrap();
        assert!(two.matches("Armed  men, on motorbikes"));
        assert!(!two.matches("armed. Women"));
        assert!(Keyword::new(" * ").is_none());
    }
}
