//! The store's coded types against the model's vocabulary: the codes of
//! [`StatKey`] (what `vigil stats --by` and the API accept), and the check that the
//! store's [`Role`] is the role list of [`vigil_model::vocab`].

use crate::accounts::Role;
use crate::incidents::StatKey;

impl StatKey {
    /// Every grouping key, in the order `vigil stats --help` lists them.
    pub const ALL: [StatKey; 6] =
        [StatKey::Year, StatKey::Month, StatKey::Admin1, StatKey::Admin2, StatKey::Gid, StatKey::Type];

    pub fn as_str(self) -> &'static str {
        match self {
            StatKey::Year => "year",
            StatKey::Month => "month",
            StatKey::Admin1 => "admin1",
            StatKey::Admin2 => "admin2",
            StatKey::Gid => "gid",
            StatKey::Type => "type",
        }
    }

    pub fn parse(s: &str) -> Option<StatKey> {
        StatKey::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// The codes of every role, in the vocabulary's order.
pub fn role_codes() -> Vec<&'static str> {
    Role::ALL.iter().map(|r| r.as_str()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use vigil_model::vocab;

    #[test]
    fn roles_are_the_vocabulary_roles_in_its_order() {
        assert_eq!(role_codes(), vocab::codes(vocab::ROLES));
    }

    #[test]
    fn restricted_detail_goes_to_the_roles_of_the_restricted_access_list() {
        let sees: Vec<&str> = Role::ALL.iter().filter(|r| r.sees_restricted()).map(|r| r.as_str()).collect();
        assert_eq!(sees, vocab::access::RESTRICTED);
    }

    #[test]
    fn stat_keys_round_trip() {
        for k in StatKey::ALL {
            assert_eq!(StatKey::parse(k.as_str()), Some(k));
        }
        assert_eq!(StatKey::parse("week"), None);
    }
}
