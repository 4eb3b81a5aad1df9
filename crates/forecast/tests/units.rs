//! The pgm unit set: every PRIO-GRID cell touching Mali's outline, and nothing else.

mod common;

use vigil_forecast::{cells_intersecting, Level, UnitSet};

#[test]
fn mali_outline_gives_exactly_the_498_cells_of_the_priogrid_file() {
    let outline = common::boundaries(0).remove(0).geometry;
    let ours = cells_intersecting(&outline);
    let mut rdr = csv::Reader::from_path(common::data("priogrid/priogrid_cells_mali.csv")).unwrap();
    let mut theirs: Vec<i64> = rdr.records().map(|r| r.unwrap()[0].parse().unwrap()).collect();
    theirs.sort_unstable();
    assert_eq!(ours.len(), 498);
    assert_eq!(ours, theirs);
}

#[test]
fn cell_attributes_are_sensible() {
    let units = common::mali_cells();
    assert_eq!(units.level, Level::Pgm);
    // Bamako's cell: near the capital, assigned to the Bamako district or Koulikoro.
    let i = units.index_of_gid(147945).unwrap();
    let bamako = &units.units[i];
    assert!(bamako.dist_capital_km < 40.0, "{}", bamako.dist_capital_km);
    assert!(bamako.admin1 >= 0);
    // every cell has neighbours inside the set, none more than 8 / 16
    assert!(units.ring1.iter().all(|r| r.len() <= 8));
    assert!(units.ring2.iter().all(|r| r.len() <= 16));
    assert_eq!(units.ring1[i].len(), 8);
    // a cell list overrides the outline
    let few = UnitSet::cells(&[147945, 147946, 147945], &common::geography()).unwrap();
    assert_eq!(few.len(), 2);
    assert_eq!(few.ring1[0].len(), 1);
}
