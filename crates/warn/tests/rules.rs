//! Rule files: the shipped defaults parse, every kind parses, and mistakes are
//! reported with the rule and the field that is wrong.

use vigil_warn::rules::{AdminLevel, FireStatus, Reliability};
use vigil_warn::{RuleError, RuleKind, RuleSet, RulesFile};

const COMMON: &str = r#"
status_on_fire = "issued"
urgency = "Immediate"
severity = "Severe"
certainty = "Likely"
"#;

fn one(id: &str, kind_fields: &str) -> String {
    format!("[[rule]]\nid = \"{id}\"\n{COMMON}{kind_fields}\n")
}

fn err(text: &str) -> String {
    RuleSet::parse(text)
        .expect_err("should be rejected")
        .to_string()
}

#[test]
fn default_rules_parse_and_cover_every_kind() {
    let set = RuleSet::default_rules();
    let kinds: Vec<&str> = set.rules.iter().map(|r| r.kind.name()).collect();
    for k in ["count_threshold", "spike", "forecast_threshold", "report"] {
        assert!(
            kinds.contains(&k),
            "default rules lack a {k} rule: {kinds:?}"
        );
    }
    // the spike rule is the one the issue describes
    let spike = set.rules.iter().find(|r| r.kind.name() == "spike").unwrap();
    assert_eq!(
        spike.kind,
        RuleKind::Spike {
            level: AdminLevel::Admin2,
            types: vec![],
            factor: 3.0,
            min_fatalities: 5,
            baseline_weeks: 12
        }
    );
    assert_eq!(set.lookback_days(), 13 * 7);
}

#[test]
fn every_kind_parses_with_defaults() {
    let text = [
        one("a", "kind = \"count_threshold\"\ntype_of_violence = [3]\nmin_count = 3\nradius_km = 25\nwindow_days = 7"),
        one("b", "kind = \"spike\"\nadmin_level = 1\nfactor = 2.5\nmin_fatalities = 5"),
        one("c", "kind = \"forecast_threshold\"\nmin_p_any = 0.5"),
        one("d", "kind = \"report\"\nreliability = [\"a\", \"B\"]\ncredibility = [1, 2]\nkeywords_fr = [\"tués\"]"),
    ]
    .concat();
    let set = RuleSet::parse(&text).unwrap();
    assert_eq!(set.rules.len(), 4);
    let a = &set.rules[0];
    assert_eq!(a.status_on_fire, FireStatus::Issued);
    assert_eq!(a.dedup_window_hours, 168);
    assert_eq!(a.expires_hours, 72);
    assert!(a.enabled);
    assert_eq!(a.name, "a", "name defaults to the id");
    match &set.rules[1].kind {
        RuleKind::Spike {
            baseline_weeks,
            level,
            ..
        } => {
            assert_eq!(*baseline_weeks, 12);
            assert_eq!(*level, AdminLevel::Admin1);
        }
        k => panic!("{k:?}"),
    }
    assert_eq!(
        set.rules[2].kind,
        RuleKind::ForecastThreshold {
            min_p_any: 0.5,
            horizon_months: 1
        }
    );
    match &set.rules[3].kind {
        RuleKind::Report {
            reliability,
            radius_km,
            ..
        } => {
            assert_eq!(reliability, &[Reliability::A, Reliability::B]);
            assert_eq!(*radius_km, 10.0);
        }
        k => panic!("{k:?}"),
    }
    // the UI shows rules as JSON-like data: the set serializes
    let shown = toml::to_string(&set).unwrap();
    assert!(shown.contains("kind = \"report\""), "{shown}");
}

#[test]
fn errors_name_the_rule_and_the_field() {
    let e = err(&one("manual", "kind = \"count_threshold\"\nmin_count = 3\nradius_km = 25\nwindow_days = 7"));
    assert!(e.contains("field `id`") && e.contains("reserved for alerts raised by hand"), "{e}");

    let e = err(&one(
        "civ",
        "kind = \"count_threshold\"\nmin_count = 3\nradius_km = \"25\"\nwindow_days = 7",
    ));
    assert!(
        e.contains("rule `civ`") && e.contains("field `radius_km`"),
        "{e}"
    );

    let e = err(&one(
        "civ",
        "kind = \"count_threshold\"\nmin_count = 3\nwindow_days = 7",
    ));
    assert!(
        e.contains("rule `civ`") && e.contains("`radius_km`") && e.contains("missing"),
        "{e}"
    );

    let e = err(&one(
        "civ",
        "kind = \"count_threshold\"\nmin_count = 3\nradius = 25\nwindow_days = 7",
    ));
    assert!(
        e.contains("field `radius`")
            && e.contains("not a field of a count_threshold rule (its own fields"),
        "{e}"
    );

    let e = err(&one(
        "sp",
        "kind = \"spike\"\nadmin_level = 3\nfactor = 3\nmin_fatalities = 5",
    ));
    assert!(
        e.contains("rule `sp`") && e.contains("`admin_level`") && e.contains("1 or 2"),
        "{e}"
    );

    let e = err(&one("fc", "kind = \"forecast_threshold\"\nmin_p_any = 1.5"));
    assert!(
        e.contains("`min_p_any`") && e.contains("between 0 and 1"),
        "{e}"
    );

    let e = err(&one(
        "rp",
        "kind = \"report\"\nreliability = [\"A\", \"G\"]\ncredibility = [1]\nkeywords_en = [\"x\"]",
    ));
    assert!(
        e.contains("rule `rp`") && e.contains("`reliability`") && e.contains("`G`"),
        "{e}"
    );

    let e = err(&one(
        "rp",
        "kind = \"report\"\nreliability = [\"A\"]\ncredibility = [7]\nkeywords_en = [\"x\"]",
    ));
    assert!(e.contains("`credibility`") && e.contains("7"), "{e}");

    let e = err(&one(
        "rp",
        "kind = \"report\"\nreliability = [\"A\"]\ncredibility = [1]",
    ));
    assert!(e.contains("no keywords"), "{e}");

    let e = err(&one("x", "kind = \"threshold\""));
    assert!(
        e.contains("rule `x`") && e.contains("unknown kind `threshold`"),
        "{e}"
    );

    let e = err(&String::from("[[rule]]\nid = \"u\"\nkind = \"spike\"\nurgency = \"Now\"\nseverity = \"Severe\"\ncertainty = \"Likely\"\nadmin_level = 2\nfactor = 3\nmin_fatalities = 5"));
    assert!(
        e.contains("rule `u`") && e.contains("`urgency`") && e.contains("Now"),
        "{e}"
    );

    let e = err(&format!(
        "{}{}",
        one("d", "kind = \"forecast_threshold\"\nmin_p_any = 0.5"),
        one("d", "kind = \"forecast_threshold\"\nmin_p_any = 0.6")
    ));
    assert!(e.contains("rule `d`") && e.contains("duplicate id"), "{e}");

    let e = err("[[rule]]\nid = \"has space\"\nkind = \"spike\"");
    assert!(e.contains("rule `#1`") && e.contains("field `id`"), "{e}");

    let e = err("[[rule]]\nkind = \"spike\"");
    assert!(
        e.contains("rule `#1`") && e.contains("field `id`") && e.contains("missing"),
        "{e}"
    );

    let e = err("[rules]\nx = 1");
    assert!(e.contains("unknown top-level key `rules`"), "{e}");

    assert!(matches!(
        RuleSet::parse("[[rule]\nid="),
        Err(RuleError::Syntax(_))
    ));
}

#[test]
fn rule_file_reloads_on_change_and_keeps_old_rules_on_error() {
    let dir = std::env::temp_dir().join(format!("vigil-warn-reload-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("rules.toml");
    std::fs::write(
        &path,
        one("r1", "kind = \"forecast_threshold\"\nmin_p_any = 0.5"),
    )
    .unwrap();
    let mut f = RulesFile::open(&path).unwrap();
    assert_eq!(f.rules().rules[0].id, "r1");
    assert!(!f.reload_if_changed().unwrap(), "unchanged file");

    // A different length makes the change visible even where mtime resolution is coarse.
    std::thread::sleep(std::time::Duration::from_millis(20));
    std::fs::write(
        &path,
        one(
            "r2-renamed",
            "kind = \"forecast_threshold\"\nmin_p_any = 0.7",
        ),
    )
    .unwrap();
    set_mtime_forward(&path);
    assert!(f.reload_if_changed().unwrap());
    assert_eq!(f.rules().rules[0].id, "r2-renamed");

    std::fs::write(&path, "[[rule]]\nid = \"broken\"\nkind = \"nope\"").unwrap();
    set_mtime_forward(&path);
    let e = f.reload_if_changed().unwrap_err().to_string();
    assert!(e.contains("rule `broken`"), "{e}");
    assert_eq!(
        f.rules().rules[0].id,
        "r2-renamed",
        "previous rules stay in force"
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// Move the file's mtime a few seconds ahead so the change is seen on file systems
/// with coarse timestamps.
fn set_mtime_forward(path: &std::path::Path) {
    let f = std::fs::File::options().write(true).open(path).unwrap();
    static BUMP: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(10);
    let secs = BUMP.fetch_add(10, std::sync::atomic::Ordering::SeqCst);
    f.set_modified(std::time::SystemTime::now() + std::time::Duration::from_secs(secs))
        .unwrap();
}
