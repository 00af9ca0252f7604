//! Rate-limit counters shared by every instance: the same GCRA as `governor` (a bucket of
//! `limit` requests refilled one per `60 s / limit`), run atomically in Redis by one Lua script
//! (`EVALSHA`, one round trip per request). The clock is Redis's (`TIME`), so instances with
//! skewed clocks agree. A key lives only until its bucket is full again (`PX`).

use redis::Script;

use super::Cluster;

/// GCRA: KEYS[1] holds the theoretical arrival time (ms). ARGV[1] = ms per request, ARGV[2] =
/// limit. Returns `{allowed (0|1), remaining, ms until full, ms until the next one is allowed}`.
const GCRA: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local interval = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local tat = now
local stored = redis.call('GET', KEYS[1])
if stored then
  tat = math.max(tonumber(stored), now)
end
local new_tat = tat + interval
local allow_at = new_tat - interval * limit
if now < allow_at then
  return {0, 0, tat - now, allow_at - now}
end
redis.call('SET', KEYS[1], new_tat, 'PX', new_tat - now)
return {1, math.floor((now - allow_at) / interval), new_tat - now, 0}
";

/// The outcome of one shared check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Gcra {
    /// Whether the request may proceed.
    pub allowed: bool,
    /// Requests left now.
    pub remaining: u32,
    /// Milliseconds until the bucket is full again.
    pub reset_ms: u64,
    /// Milliseconds until a refused request would be allowed (0 when allowed).
    pub retry_ms: u64,
}

/// The loaded script (its SHA is computed once; `EVALSHA` falls back to `EVAL` on a Redis
/// that has not seen it yet).
#[derive(Debug)]
pub struct SharedLimiter {
    script: Script,
}

impl Default for SharedLimiter {
    fn default() -> Self {
        Self {
            script: Script::new(GCRA),
        }
    }
}

impl SharedLimiter {
    /// Counts one request against `key` (already prefixed) with `per_minute` requests a minute;
    /// `None` when Redis is down or failed (the caller then uses its own counters).
    pub async fn check(&self, cluster: &Cluster, key: &str, per_minute: u32) -> Option<Gcra> {
        let limit = per_minute.max(1);
        let interval_ms = 60_000_u64.div_ceil(u64::from(limit));
        let reply: (i64, i64, i64, i64) = cluster
            .run(|mut conn| async move {
                self.script
                    .key(key)
                    .arg(interval_ms)
                    .arg(limit)
                    .invoke_async(&mut conn)
                    .await
            })
            .await?;
        let non_neg = |v: i64| u64::try_from(v).unwrap_or(0);
        Some(Gcra {
            allowed: reply.0 == 1,
            remaining: u32::try_from(reply.1).unwrap_or(0),
            reset_ms: non_neg(reply.2),
            retry_ms: non_neg(reply.3),
        })
    }
}
