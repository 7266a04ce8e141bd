//! Throughput of the detector on mixed text (ASCII and non-ASCII, a few percent of lines with
//! personal data), in MB/s.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use piimap::detect::{DEFAULT_MIN_CONFIDENCE, Detector, ValidationContext, builtin};
use piimap::extract::Cell;

fn sample_text() -> Vec<u8> {
    let lines = [
        "2024-03-01T10:22:31Z api[2211]: request_id=8c6e7f2a-9d41 took 182 ms for Łukasz Müller",
        "2024-03-01T10:22:32Z worker[88]: processed 4096 bytes in 1700000000123 ns, version 6.1.1.0",
        "Meeting notes: Siobhán will send the quarterly figures to the team before Friday.",
        "2024-03-01T10:22:33Z api[2211]: profile update email=o.brien@example.org phone=(415) 555-2671",
        "INFO  [main] o.a.h.DataNode: block blk_-4980916519894289629 from 10.251.43.21:50010",
    ];
    let mut text = Vec::new();
    for i in 0..20_000 {
        text.extend_from_slice(lines[i % 4 + usize::from(i % 50 == 0)].as_bytes());
        text.push(b'\n');
    }
    text
}

fn detect(c: &mut Criterion) {
    let detector = Detector::new(
        builtin::rules().expect("built-in rules"),
        ValidationContext::default(),
        DEFAULT_MIN_CONFIDENCE,
    )
    .expect("rules combine");
    let text = sample_text();
    let mut group = c.benchmark_group("detect");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("mixed_log_text", |b| {
        let mut out = Vec::new();
        b.iter(|| {
            out.clear();
            detector.detect(&Cell::plain(&text, 1), &mut out);
            out.len()
        })
    });
    group.finish();
}

criterion_group!(benches, detect);
criterion_main!(benches);
