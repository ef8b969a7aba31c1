//! The run's clock and the recorder every client reports to: latencies and the per-second
//! timeline, behind one short lock a frame.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use hdrhistogram::Histogram;

use crate::stats::{self, Timeline};

/// The run's clock: microseconds since the tool started, and the send phase's start.
#[derive(Clone)]
pub struct Clock {
    origin: Instant,
    load_start_us: Arc<AtomicU64>,
}

impl Clock {
    pub fn new() -> Self {
        Self {
            origin: Instant::now(),
            load_start_us: Arc::new(AtomicU64::new(u64::MAX)),
        }
    }

    /// Now, never 0 (0 means "not yet" in the slots).
    pub fn now_us(&self) -> u64 {
        (self.origin.elapsed().as_micros() as u64).max(1)
    }

    /// The second of the load a moment falls in (0 before it starts).
    pub fn second(&self, us: u64) -> usize {
        (us.saturating_sub(self.load_start_us.load(Ordering::Relaxed)) / 1_000_000) as usize
    }

    pub fn start_load(&self) -> u64 {
        let now = self.now_us();
        self.load_start_us.store(now, Ordering::Relaxed);
        now
    }
}

/// Latencies and the timeline, shared by every client (one short lock a frame).
pub struct Recorder {
    inner: Mutex<Recorded>,
}

pub struct Recorded {
    /// Send to delivery, every delivery.
    pub end_to_end: Histogram<u64>,
    /// Send to the sender's own copy: review + delivery, as the sender sees it.
    pub accepted: Histogram<u64>,
    /// Send to the sender's ERROR (refused or held): the review's answer, as the sender sees it.
    pub refused: Histogram<u64>,
    pub timeline: Timeline,
    pub sent: u64,
    pub answered: u64,
    pub deliveries: u64,
}

impl Recorder {
    pub fn new() -> Self {
        Self {
            inner: Mutex::new(Recorded {
                end_to_end: stats::histogram(),
                accepted: stats::histogram(),
                refused: stats::histogram(),
                timeline: Timeline::default(),
                sent: 0,
                answered: 0,
                deliveries: 0,
            }),
        }
    }

    pub fn lock(&self) -> std::sync::MutexGuard<'_, Recorded> {
        self.inner.lock().expect("not poisoned")
    }

    pub fn sent(&self, second: usize) {
        let mut r = self.lock();
        r.sent += 1;
        r.timeline.at(second).sent += 1;
    }

    pub fn delivered(&self, second: usize, micros: u64, own: bool) {
        let mut r = self.lock();
        r.deliveries += 1;
        stats::record(&mut r.end_to_end, micros);
        let s = r.timeline.at(second);
        s.deliveries += 1;
        stats::record(&mut s.latency, micros);
        if own {
            r.answered += 1;
            r.timeline.at(second).answered += 1;
            stats::record(&mut r.accepted, micros);
        }
    }

    pub fn refused(&self, second: usize, micros: u64) {
        let mut r = self.lock();
        r.answered += 1;
        r.timeline.at(second).answered += 1;
        stats::record(&mut r.refused, micros);
    }
}
