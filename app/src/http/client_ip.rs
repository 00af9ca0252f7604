//! The client's IP address: the TCP peer, or, when the peer is one of `server.trusted_proxies`,
//! the right-most `X-Forwarded-For` entry that is not itself a trusted proxy. Entries left of
//! the first untrusted one were written by the client and prove nothing, so they are never
//! read. The rate limiter and the request log use this address.

use std::net::{IpAddr, SocketAddr};

use ipnet::IpNet;
use poem::{Request, http::HeaderMap};

/// The client address of the current request, stored in the request's data by
/// [`super::request_context`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientIp(pub IpAddr);

impl ClientIp {
    /// The address [`super::request_context`] resolved for `req` (trusted proxies applied),
    /// else the TCP peer; `None` when neither is an IP address.
    pub fn of(req: &Request) -> Option<IpAddr> {
        req.data::<Self>()
            .map(|c| c.0)
            .or_else(|| req.remote_addr().as_socket_addr().map(SocketAddr::ip))
    }
}

/// The client address of `req` (`None` when the peer is not an IP socket, e.g. a Unix socket).
pub fn resolve(req: &Request, trusted: &[IpNet]) -> Option<IpAddr> {
    let peer = req.remote_addr().as_socket_addr().map(SocketAddr::ip)?;
    Some(from_peer(peer, req.headers(), trusted))
}

/// The client address for a request from `peer` carrying `headers`.
///
/// When `peer` is trusted, `X-Forwarded-For` (every such header, in order, comma-separated) is
/// read right to left, skipping trusted addresses; the first untrusted one is the client. If
/// every entry is trusted, the left-most is. An entry that is not an IP address (ports and
/// `[v6]` brackets are tolerated) stops the walk: the last address read stands.
pub fn from_peer(peer: IpAddr, headers: &HeaderMap, trusted: &[IpNet]) -> IpAddr {
    let peer = peer.to_canonical();
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|n| n.contains(ip));
    if !is_trusted(&peer) {
        return peer;
    }
    let entries: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .collect();
    let mut client = peer;
    for entry in entries.iter().rev() {
        match parse_entry(entry) {
            Some(ip) => {
                client = ip;
                if !is_trusted(&ip) {
                    break;
                }
            }
            None => break,
        }
    }
    client
}

/// `1.2.3.4`, `1.2.3.4:5678`, `::1`, `[::1]` or `[::1]:80`.
fn parse_entry(entry: &str) -> Option<IpAddr> {
    let e = entry.trim();
    if let Ok(ip) = e.parse::<IpAddr>() {
        return Some(ip.to_canonical());
    }
    if let Ok(sa) = e.parse::<SocketAddr>() {
        return Some(sa.ip().to_canonical());
    }
    e.strip_prefix('[')
        .and_then(|r| r.strip_suffix(']'))
        .and_then(|r| r.parse::<IpAddr>().ok())
        .map(|ip| ip.to_canonical())
}

#[cfg(test)]
mod tests {
    use poem::http::HeaderValue;

    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn nets(list: &[&str]) -> Vec<IpNet> {
        list.iter()
            .map(|s| s.parse::<IpNet>().unwrap_or_else(|_| IpNet::from(ip(s))))
            .collect()
    }

    fn xff(values: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in values {
            h.append("x-forwarded-for", HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_claims() {
        let h = xff(&["1.1.1.1"]);
        assert_eq!(from_peer(ip("203.0.113.9"), &h, &[]), ip("203.0.113.9"));
        let trusted = nets(&["10.0.0.0/8"]);
        assert_eq!(
            from_peer(ip("203.0.113.9"), &h, &trusted),
            ip("203.0.113.9")
        );
    }

    #[test]
    fn a_trusted_peer_reports_the_right_most_untrusted_entry() {
        let trusted = nets(&["10.0.0.0/8", "192.0.2.7"]);
        // The client spoofed 6.6.6.6; the edge proxy appended the real 198.51.100.4.
        let h = xff(&["6.6.6.6, 198.51.100.4", "10.1.2.3"]);
        assert_eq!(from_peer(ip("192.0.2.7"), &h, &trusted), ip("198.51.100.4"));
    }

    #[test]
    fn without_the_header_or_with_only_trusted_entries() {
        let trusted = nets(&["10.0.0.0/8"]);
        assert_eq!(
            from_peer(ip("10.0.0.1"), &HeaderMap::new(), &trusted),
            ip("10.0.0.1")
        );
        let h = xff(&["10.0.0.9, 10.0.0.8"]);
        assert_eq!(from_peer(ip("10.0.0.1"), &h, &trusted), ip("10.0.0.9"));
    }

    #[test]
    fn garbage_stops_the_walk_at_the_last_address_read() {
        let trusted = nets(&["10.0.0.0/8"]);
        let h = xff(&["1.2.3.4, unknown, 10.0.0.5"]);
        assert_eq!(from_peer(ip("10.0.0.1"), &h, &trusted), ip("10.0.0.5"));
    }

    #[test]
    fn ports_brackets_and_mapped_addresses_are_understood() {
        let trusted = nets(&["127.0.0.1", "::1"]);
        assert_eq!(parse_entry(" 1.2.3.4:5678 "), Some(ip("1.2.3.4")));
        assert_eq!(parse_entry("[2001:db8::1]:80"), Some(ip("2001:db8::1")));
        assert_eq!(parse_entry("[2001:db8::1]"), Some(ip("2001:db8::1")));
        let h = xff(&["2001:db8::1"]);
        assert_eq!(
            from_peer(ip("::ffff:127.0.0.1"), &h, &trusted),
            ip("2001:db8::1")
        );
    }
}
