//! options.toml with bad input is refused with the file, the key and the reason.

use vigil_footprint::shipped::{ASSETS_TOML, OPTIONS_TOML, SITES_CSV};
use vigil_footprint::{load, InputError};

fn with(from: &str, to: &str) -> Result<vigil_footprint::Footprint, InputError> {
    assert!(OPTIONS_TOML.contains(from), "the shipped file has `{from}`");
    load(SITES_CSV, ASSETS_TOML, &OPTIONS_TOML.replacen(from, to, 1))
}

#[test]
fn unknown_site() {
    let e = with("site = \"bourem\"\naction = \"open\"", "site = \"bouremm\"\naction = \"open\"").unwrap_err();
    assert_eq!(
        e.to_string(),
        "options.toml: option[1a].site_change[0].site: unknown site `bouremm` (not in sites.csv)"
    );
}

#[test]
fn unit_in_no_sector() {
    let e =
        with("sector = \"West\"\nplacement = \"sector West; site not specified\"", "sector = \"Sahara\"").unwrap_err();
    assert_eq!(e.file, "options.toml");
    assert_eq!(e.key, "option[1a].unit_change[8].sector");
    assert!(e.reason.starts_with("unit placed in no sector: `Sahara` is not one of the sectors"), "{e}");
    // a QRF with neither site nor sector
    let e = with(
        "unit = \"quick_reaction_force\"\npersonnel_each = 250\ncount_per_sector = 1\nsectors = [\"North\", \"East\", \"West\", \"Centre\"]\nplacement = \"in each sector; site not specified\"",
        "unit = \"quick_reaction_force\"\npersonnel_each = 250",
    )
    .unwrap_err();
    assert_eq!(e.key, "option[1a].unit_change[0]");
    assert!(e.reason.starts_with("unit placed in no sector: `quick_reaction_force` gives reach"), "{e}");
}

#[test]
fn speed_zero_and_negative_delay() {
    let e = with("helicopter_block_speed_kmh = 200", "helicopter_block_speed_kmh = 0").unwrap_err();
    assert_eq!(
        e.to_string(),
        "options.toml: planning_defaults.helicopter_block_speed_kmh: a helicopter speed must be above 0 km/h, not 0"
    );
    let e = with("launch_delay_night_min = 60", "launch_delay_night_min = -10").unwrap_err();
    assert_eq!(
        e.to_string(),
        "options.toml: planning_defaults.launch_delay_night_min: a delay cannot be negative (-10 min)"
    );
    let e = with("damage_control_surgery_sites = [\"gao\"", "damage_control_surgery_sites = [\"goa\"").unwrap_err();
    assert_eq!(e.key, "planning_defaults.damage_control_surgery_sites[0]");
}

#[test]
fn shipped_options_place_units_by_a_place() {
    let f = vigil_footprint::load_shipped().expect("parses");
    let a1 = f.options.scenarios.iter().find(|s| s.id == "1a").expect("1a");
    let st = vigil_footprint::scenario::apply(&f.sites, &f.kinds, a1).expect("applies");
    let qrf = |id: &str| st.iter().find(|s| s.site.id == id).map_or(0, |s| s.qrf_units());
    assert_eq!([qrf("kidal"), qrf("gao"), qrf("timbuktu"), qrf("sevare"), qrf("bourem")], [1, 1, 1, 1, 0]);
    let bourem = st.iter().find(|s| s.site.id == "bourem").expect("bourem");
    assert!(bourem.open);
    assert_eq!(bourem.casevac_units(false), 1);
    assert_eq!(bourem.casevac_units(true), 0, "night capability not stated: daytime only");
}
