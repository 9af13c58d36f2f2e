//! Unit tests of `experiment::sweep` (`src/experiment/sweep.rs`).

use peacesim::experiment::sweep::*;

#[test]
fn shards_partition_the_units_in_order() {
    for n in [1, 3, 7] {
        let mut next = 0;
        for i in 0..n {
            let r = Shard { index: i, count: n }.units(1000);
            assert_eq!(r.start, next);
            next = r.end;
        }
        assert_eq!(next, 1000);
    }
    assert!(Shard::parse("3/3").is_err());
    assert!(Shard::parse("1/0").is_err());
    assert!(Shard::parse("x").is_err());
    assert_eq!(Shard::parse("2/7"), Ok(Shard { index: 2, count: 7 }));
}
