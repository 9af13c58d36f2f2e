//! The step loop allocates nothing: a run's allocations do not grow with its length.

use peacesim::model::{METRICS, simulate};
use peacesim::regime::built_in;
use peacesim::scenario::Scenario;
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocations_of_run(scenario: &Scenario, regime: &str) -> usize {
    let regime = built_in(regime, scenario).unwrap();
    let mut series = vec![0.0; scenario.total_months() * METRICS.len()];
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    simulate(scenario, regime.as_ref(), 7, &mut series);
    ALLOCATIONS.load(Ordering::Relaxed) - before
}

#[test]
fn months_do_not_allocate() {
    let mut short = Scenario::baseline();
    short.world.horizon_months = 12;
    short.world.implementation_months = 6;
    let mut long = Scenario::baseline();
    long.world.horizon_months = 240;
    long.world.implementation_months = 120;
    for regime in ["competitive", "hierarchical", "network", "contact_group"] {
        let a = allocations_of_run(&short, regime);
        let b = allocations_of_run(&long, regime);
        assert_eq!(a, b, "{regime}: {a} allocations for 18 months, {b} for 360");
    }
}
