//! Unit tests of `experiment::pipeline` (`src/experiment/pipeline.rs`).

use anyhow::anyhow;
use peacesim::experiment::pipeline::in_order;
use rayon::prelude::*;
use std::ops::Range;
use std::sync::atomic::{AtomicU64, Ordering};

fn pool(threads: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap()
}

/// Every unit of a chunk, squared in parallel (some work for the pool to split).
fn squares(chunk: Range<u64>) -> anyhow::Result<(Range<u64>, Vec<u64>)> {
    let values = chunk.clone().into_par_iter().map(|u| u * u).collect();
    Ok((chunk, values))
}

#[test]
fn chunks_arrive_whole_and_in_order_for_any_thread_count() {
    for threads in [1, 2, 4] {
        // A range that does not start at 0 and a size that does not divide it (as in a shard).
        let mut chunks = Vec::new();
        let mut units = Vec::new();
        in_order(&pool(threads), 7..100, 16, squares, |(chunk, values)| {
            chunks.push(chunk);
            units.extend(values);
            Ok(())
        })
        .unwrap();
        let expected: Vec<Range<u64>> = (0..6)
            .map(|i| 7 + 16 * i..(7 + 16 * (i + 1)).min(100))
            .collect();
        assert_eq!(chunks, expected, "{threads} threads");
        assert_eq!(units, (7..100u64).map(|u| u * u).collect::<Vec<_>>());
    }
}

#[test]
fn an_empty_range_hands_over_nothing() {
    let mut calls = 0;
    in_order(&pool(2), 5..5, 4, squares, |_| {
        calls += 1;
        Ok(())
    })
    .unwrap();
    assert_eq!(calls, 0);
}

#[test]
fn a_failed_chunk_stops_the_work_after_the_chunks_before_it() {
    let computed = AtomicU64::new(0);
    let mut consumed = Vec::new();
    let err = in_order(
        &pool(2),
        0..100,
        10,
        |chunk| {
            computed.fetch_add(1, Ordering::SeqCst);
            if chunk.start == 30 {
                return Err(anyhow!("chunk at 30 failed"));
            }
            Ok(chunk.start)
        },
        |start| {
            consumed.push(start);
            Ok(())
        },
    )
    .unwrap_err();
    assert_eq!(err.to_string(), "chunk at 30 failed");
    assert_eq!(consumed, [0, 10, 20]);
    // Nothing is computed after the failed chunk.
    assert_eq!(computed.load(Ordering::SeqCst), 4);
}

#[test]
fn a_failed_handover_stops_the_work_without_waiting_for_the_rest() {
    let computed = AtomicU64::new(0);
    let mut consumed = Vec::new();
    let err = in_order(
        &pool(2),
        0..1000,
        10,
        |chunk| {
            computed.fetch_add(1, Ordering::SeqCst);
            Ok(chunk.start)
        },
        |start| {
            consumed.push(start);
            if start == 20 {
                return Err(anyhow!("disk full at 20"));
            }
            Ok(())
        },
    )
    .unwrap_err();
    assert_eq!(err.to_string(), "disk full at 20");
    assert_eq!(consumed, [0, 10, 20]);
    // The chunk computed while chunk 20 was consumed is the last one: the job stops when it
    // finds the hand-over closed, so 0, 10, 20 and 30 are computed, not all 100.
    assert_eq!(computed.load(Ordering::SeqCst), 4);
}
