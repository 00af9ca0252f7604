//! `[server]`: the listener and HTTP behaviour (addresses, body and header limits, proxies,
//! hosts, connection limits), with its lower bounds.

use ipnet::IpNet;
use serde::{Deserialize, Serialize};

use super::fields::{ip_nets, string_or_list};

/// Smallest allowed `server.upload_body_limit_bytes`: 16 MiB, the documented SavedVariables size.
pub const MIN_UPLOAD_BODY_LIMIT: usize = 16 * 1024 * 1024;

/// `[server]`: listener and HTTP behaviour.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerSettings {
    /// Address to bind, e.g. `127.0.0.1` or `0.0.0.0`.
    pub host: String,
    /// TCP port; 0 picks a free one.
    pub port: u16,
    /// Prefix of the versioned API, e.g. `/api/v1`.
    pub api_prefix: String,
    /// Seconds in-flight requests get to finish after SIGTERM/SIGINT.
    pub shutdown_timeout_secs: u64,
    /// Largest accepted request body in bytes (larger → 413).
    pub request_body_limit_bytes: usize,
    /// Largest accepted body of a file upload (`POST /runs/import`, a SavedVariables file), in
    /// bytes, instead of `request_body_limit_bytes`; at least 16 MiB (default 32 MiB).
    pub upload_body_limit_bytes: usize,
    /// Responses at least this many bytes are compressed (gzip or br) when the client accepts it.
    pub compression_min_bytes: usize,
    /// Peers (IP addresses or CIDR blocks, e.g. `10.0.0.0/8`) whose `X-Forwarded-For` header is
    /// believed. The client address is the right-most `X-Forwarded-For` entry that is not itself
    /// a trusted proxy; from any other peer the header is ignored. Empty (the default): the TCP
    /// peer is the client. Accepts a list or a comma-separated string.
    #[serde(deserialize_with = "ip_nets")]
    pub trusted_proxies: Vec<IpNet>,
    /// Host names this service answers to (`api.example.com`, `api.example.com:8443`, or
    /// `*.example.com` for any subdomain); requests naming another `Host` get 400. The port is
    /// ignored unless the entry names one. Empty (the default): any host. The root probes and
    /// `/metrics` answer whatever the host, so load balancers can reach them by address.
    #[serde(deserialize_with = "string_or_list")]
    pub allowed_hosts: Vec<String>,
    /// Seconds a client gets to send a request's complete header (HTTP/1). The same limit
    /// bounds how long an idle keep-alive connection stays open waiting for its next request,
    /// so slow-header (slowloris) and idle connections are closed after it. Default 10.
    pub header_read_timeout_secs: u64,
    /// Most connections served at once; a connection past it gets a fast 503 with
    /// `Retry-After` and is closed. Default 4,096.
    pub max_connections: usize,
    /// Largest request head (request line and headers), in bytes, at least 8,192; larger
    /// gets 431. Default 16 KiB.
    pub max_header_bytes: usize,
}

/// Smallest allowed `server.max_header_bytes` (hyper's smallest read buffer).
pub const MIN_HEADER_BYTES: usize = 8192;

impl Default for ServerSettings {
    fn default() -> Self {
        Self {
            host: "127.0.0.1".into(),
            port: 8000,
            api_prefix: "/api/v1".into(),
            shutdown_timeout_secs: 30,
            request_body_limit_bytes: 1024 * 1024,
            upload_body_limit_bytes: 32 * 1024 * 1024,
            compression_min_bytes: 1024,
            trusted_proxies: Vec::new(),
            allowed_hosts: Vec::new(),
            header_read_timeout_secs: 10,
            max_connections: 4096,
            max_header_bytes: 16 * 1024,
        }
    }
}
