//! Criterion bench of the in-process part: waiting for tasks on the mock under tokio's paused
//! clock (no real time, no sockets). Measures the CPU cost of `generate` + the poller per
//! task, for the default policy and a fixed 5-second poll, over render times of 60–180 s.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use video_benches::{paused_runtime, simulate_polling, spread};
use video_core::PollPolicy;

fn polling(c: &mut Criterion) {
    let rt = paused_runtime().expect("runtime");
    let renders = spread(Duration::from_secs(60), Duration::from_secs(180), 100);
    let mut group = c.benchmark_group("wait_on_mock_100_tasks_60_180s");
    for (name, policy) in [
        ("default", PollPolicy::default()),
        ("fixed_5s", PollPolicy::fixed(Duration::from_secs(5))),
    ] {
        group.bench_function(name, |b| {
            b.iter(|| rt.block_on(simulate_polling(&renders, &policy, 42)));
        });
    }
    group.finish();
}

criterion_group!(benches, polling);
criterion_main!(benches);
