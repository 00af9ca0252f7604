//! The standard `process_*` figures of the Prometheus process collector, read from `/proc` at
//! each scrape (Linux; elsewhere nothing is reported): CPU seconds, resident and virtual
//! memory, open file descriptors and their limit, and the start time.

use prometheus_client::{
    collector::Collector,
    encoding::{DescriptorEncoder, EncodeMetric},
    metrics::{MetricType, counter::ConstCounter, gauge::ConstGauge},
};

/// Linux's `USER_HZ`: the unit of the CPU times in `/proc/self/stat` on every mainstream
/// architecture.
const TICKS_PER_SECOND: f64 = 100.0;

/// The collector; register it on the root registry (the names carry no prefix).
#[derive(Debug)]
pub struct ProcessCollector {
    /// Unix seconds when the process started (taken when the registry is built).
    pub start_time: f64,
}

/// Figures of this process, when `/proc` can be read.
#[derive(Debug, Default, PartialEq)]
struct Figures {
    cpu_seconds: f64,
    resident_bytes: i64,
    virtual_bytes: i64,
    open_fds: i64,
}

/// CPU (fields 14 and 15, user and system ticks) and virtual size (field 23) of a
/// `/proc/<pid>/stat` line; the command name (field 2) may contain spaces and parentheses.
fn parse_stat(stat: &str) -> Option<(f64, i64)> {
    let after_name = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    // `after_name` starts at field 3 (state), so field n is at index n - 3.
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    let vsize: i64 = fields.get(20)?.parse().ok()?;
    Some(((utime + stime) / TICKS_PER_SECOND, vsize))
}

/// `VmRSS` of `/proc/<pid>/status`, in bytes.
fn parse_rss(status: &str) -> Option<i64> {
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: i64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

fn read() -> Option<Figures> {
    let (cpu_seconds, virtual_bytes) =
        parse_stat(&std::fs::read_to_string("/proc/self/stat").ok()?)?;
    let resident_bytes = parse_rss(&std::fs::read_to_string("/proc/self/status").ok()?)?;
    let open_fds = std::fs::read_dir("/proc/self/fd").ok()?.count();
    Some(Figures {
        cpu_seconds,
        resident_bytes,
        virtual_bytes,
        open_fds: i64::try_from(open_fds).unwrap_or(i64::MAX),
    })
}

fn gauge(
    encoder: &mut DescriptorEncoder,
    name: &str,
    help: &str,
    value: i64,
) -> Result<(), std::fmt::Error> {
    ConstGauge::new(value).encode(encoder.encode_descriptor(name, help, None, MetricType::Gauge)?)
}

impl Collector for ProcessCollector {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        let Some(f) = read() else {
            return Ok(());
        };
        ConstCounter::new(f.cpu_seconds).encode(encoder.encode_descriptor(
            "process_cpu_seconds",
            "Total user and system CPU time spent in seconds",
            None,
            MetricType::Counter,
        )?)?;
        gauge(
            &mut encoder,
            "process_resident_memory_bytes",
            "Resident memory size in bytes",
            f.resident_bytes,
        )?;
        gauge(
            &mut encoder,
            "process_virtual_memory_bytes",
            "Virtual memory size in bytes",
            f.virtual_bytes,
        )?;
        gauge(
            &mut encoder,
            "process_open_fds",
            "Number of open file descriptors",
            f.open_fds,
        )?;
        if let Ok((soft, _)) = rlimit::getrlimit(rlimit::Resource::NOFILE) {
            gauge(
                &mut encoder,
                "process_max_fds",
                "Maximum number of open file descriptors",
                i64::try_from(soft).unwrap_or(i64::MAX),
            )?;
        }
        ConstGauge::new(self.start_time).encode(encoder.encode_descriptor(
            "process_start_time_seconds",
            "Start time of the process since unix epoch in seconds",
            None,
            MetricType::Gauge,
        )?)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::{parse_rss, parse_stat};

    #[test]
    fn stat_and_status_lines_parse_even_with_odd_command_names() {
        let stat = "4242 (ebo (x) y) S 1 4242 4242 0 -1 4194560 1000 0 0 0 250 50 0 0 20 0 8 0 123 987654321 5000 18446744073709551615";
        assert_eq!(parse_stat(stat), Some((3.0, 987_654_321)));
        assert_eq!(
            parse_rss("Name:\tebo\nVmRSS:\t   31744 kB\nThreads: 8\n"),
            Some(31_744 * 1024)
        );
        assert_eq!(parse_stat("garbage"), None);
    }
}
