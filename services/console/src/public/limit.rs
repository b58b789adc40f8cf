//! A per-client-address token bucket on submissions: a client may send
//! `burst` submissions at once and one more every `refill`, so a script
//! cannot flood intake through the public forms while a person sending a
//! complaint and a compliment is never stopped. In memory: one process's
//! view, which is enough to blunt a flood from one address.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The most addresses remembered; past it, full buckets are forgotten.
const MAX_ADDRESSES: usize = 50_000;

#[derive(Debug)]
pub struct RateLimit {
    burst: f64,
    refill: Duration,
    buckets: Mutex<HashMap<IpAddr, (f64, Instant)>>,
}

impl RateLimit {
    pub fn new(burst: u32, refill: Duration) -> Self {
        Self {
            burst: f64::from(burst),
            refill,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    fn level(&self, tokens: f64, since: Instant, now: Instant) -> f64 {
        let earned = now.duration_since(since).as_secs_f64() / self.refill.as_secs_f64();
        (tokens + earned).min(self.burst)
    }

    /// Takes one submission from `client`'s bucket; `false` when empty.
    pub fn allow(&self, client: IpAddr, now: Instant) -> bool {
        let mut buckets = self
            .buckets
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if buckets.len() >= MAX_ADDRESSES {
            buckets.retain(|_, (tokens, since)| self.level(*tokens, *since, now) < self.burst);
        }
        let (tokens, since) = buckets.get(&client).copied().unwrap_or((self.burst, now));
        let level = self.level(tokens, since, now);
        if level >= 1.0 {
            buckets.insert(client, (level - 1.0, now));
            true
        } else {
            buckets.insert(client, (level, now));
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_is_allowed_then_one_per_refill() {
        let limit = RateLimit::new(2, Duration::from_secs(60));
        let client: IpAddr = [192, 0, 2, 1].into();
        let other: IpAddr = [192, 0, 2, 2].into();
        let t = Instant::now();
        assert!(limit.allow(client, t));
        assert!(limit.allow(client, t));
        assert!(!limit.allow(client, t + Duration::from_secs(30)));
        assert!(limit.allow(other, t), "each address has its own bucket");
        assert!(limit.allow(client, t + Duration::from_secs(61)));
        assert!(!limit.allow(client, t + Duration::from_secs(62)));
    }
}
