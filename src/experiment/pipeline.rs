//! Chunks computed in parallel and handed over in order, with the pool kept busy.
//!
//! `run`, `sweep` and `benchmark` simulate their units chunk by chunk on a rayon pool, and the
//! calling thread writes each chunk's rows and adds it to the statistics while the pool computes
//! the next. One job on the pool computes the chunks one after the other and hands each over
//! through a rendezvous channel, so the next chunk starts as soon as the previous one is handed
//! over. When instead the calling thread started each chunk itself, the workers sat idle between
//! chunks for as long as it took to wake the calling thread and then a sleeping worker again:
//! 2–4 ms a chunk of 100–150 ms on the project's 2-core virtual machines, 2–3% of a long run
//! on 2 threads.
//!
//! At most two chunks are held at once (one being consumed, one computed or waiting to be
//! handed over), as before.

use anyhow::Result;
use std::ops::Range;
use std::sync::mpsc::sync_channel;

/// Splits `units` into chunks of `size`, computes each with `compute` on `pool` (which may
/// parallelise within it) and hands the results to `consume` on the calling thread, in order.
/// The first error, of `compute` or of `consume`, stops the work and is returned; a chunk
/// already being computed then finishes but is not handed over.
pub fn in_order<T: Send>(
    pool: &rayon::ThreadPool,
    units: Range<u64>,
    size: u64,
    compute: impl Fn(Range<u64>) -> Result<T> + Sync,
    mut consume: impl FnMut(T) -> Result<()>,
) -> Result<()> {
    assert!(size > 0, "chunks of at least one unit");
    let chunks = units
        .clone()
        .step_by(size as usize)
        .map(move |start| start..(start + size).min(units.end));
    let compute = &compute;
    let mut consumed = Ok(());
    pool.in_place_scope(|scope| {
        // Rendezvous: a computed chunk waits in `send` until the calling thread takes it.
        let (handover, chunks_done) = sync_channel::<Result<T>>(0);
        scope.spawn(move |_| {
            for chunk in chunks {
                let result = compute(chunk);
                let failed = result.is_err();
                // A closed channel: the calling thread stopped at an error.
                if handover.send(result).is_err() || failed {
                    break;
                }
            }
        });
        // `chunks_done` is dropped on return, at the first error too, which closes the channel
        // and ends the job's loop, so the scope can finish.
        consumed = chunks_done.into_iter().try_for_each(|r| consume(r?));
    });
    consumed
}
