//! Who the client is, for rate limits: the peer address, or behind proxies you run, the
//! address the nearest untrusted hop of `X-Forwarded-For` names.
//!
//! Only hops added by trusted proxies are believed. A client can put anything at the left of
//! `X-Forwarded-For`, so the header is read from the right: each trusted proxy appends the
//! address it received the request from, and the first address that is not a trusted proxy is
//! the client. IPv6 clients are counted per /64, the block one household or host usually has.

use std::net::IpAddr;

use ipnet::IpNet;

/// The proxies whose `X-Forwarded-For` entries are believed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    /// Parses a comma-separated list of addresses and CIDR blocks (`10.0.0.0/8, ::1`).
    pub fn parse(list: &str) -> Result<Self, String> {
        list.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|item| {
                item.parse::<IpNet>()
                    .or_else(|_| item.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| format!("{item:?} is not an IP address or CIDR block"))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Self)
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|net| net.contains(&ip))
    }

    /// The client of a request that came from `peer` with these `X-Forwarded-For` header
    /// values (in the order received).
    pub fn client<'a>(&self, peer: IpAddr, forwarded_for: impl Iterator<Item = &'a str>) -> IpAddr {
        let peer = peer.to_canonical();
        if !self.trusts(peer) {
            return peer;
        }
        let hops: Vec<&str> = forwarded_for
            .flat_map(|value| value.split(','))
            .map(str::trim)
            .collect();
        let mut nearest = peer;
        for hop in hops.iter().rev() {
            // A hop that is no address was not written by a proxy of ours: stop believing.
            let Ok(ip) = hop.parse::<IpAddr>().map(|ip| ip.to_canonical()) else {
                return nearest;
            };
            if !self.trusts(ip) {
                return ip;
            }
            nearest = ip;
        }
        nearest
    }
}

/// The rate-limit key of an address: IPv4 as it is, IPv6 by its /64.
pub fn rate_key(ip: IpAddr) -> String {
    match ip.to_canonical() {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap_or(IpAddr::from([0, 0, 0, 0]))
    }

    #[test]
    fn without_trusted_proxies_the_peer_is_the_client() {
        let none = TrustedProxies::default();
        assert_eq!(
            none.client(ip("203.0.113.9"), ["1.2.3.4"].into_iter()),
            ip("203.0.113.9")
        );
    }

    #[test]
    fn the_rightmost_untrusted_hop_is_the_client() {
        let proxies = TrustedProxies::parse("10.0.0.0/8, 192.0.2.1").unwrap_or_default();
        // The client forged "6.6.6.6"; our edge proxy appended the real address, our inner
        // proxy the edge's.
        let got = proxies.client(
            ip("10.0.0.2"),
            ["6.6.6.6, 198.51.100.7", "192.0.2.1"].into_iter(),
        );
        assert_eq!(got, ip("198.51.100.7"));
        // A request straight from an untrusted peer: the header is ignored.
        assert_eq!(
            proxies.client(ip("198.51.100.8"), ["6.6.6.6"].into_iter()),
            ip("198.51.100.8")
        );
        // Garbage where a proxy would have written an address: the nearest trusted hop.
        assert_eq!(
            proxies.client(ip("10.0.0.2"), ["1.1.1.1, not-an-ip"].into_iter()),
            ip("10.0.0.2")
        );
        // Every hop trusted (an internal health check): the leftmost.
        assert_eq!(
            proxies.client(ip("10.0.0.2"), ["10.1.1.1"].into_iter()),
            ip("10.1.1.1")
        );
    }

    #[test]
    fn lists_parse_addresses_and_blocks_and_refuse_garbage() {
        assert!(TrustedProxies::parse("").is_ok_and(|p| p.0.is_empty()));
        assert!(TrustedProxies::parse("::1, fd00::/8, 127.0.0.1").is_ok_and(|p| p.0.len() == 3));
        assert!(TrustedProxies::parse("10.0.0.0/33").is_err());
        assert!(TrustedProxies::parse("proxy.local").is_err());
    }

    #[test]
    fn ipv6_clients_count_per_64() {
        assert_eq!(
            rate_key(ip("2001:db8:1:2:aaaa::1")),
            rate_key(ip("2001:db8:1:2:bbbb::2"))
        );
        assert_ne!(
            rate_key(ip("2001:db8:1:2::1")),
            rate_key(ip("2001:db8:1:3::1"))
        );
        assert_eq!(rate_key(ip("::ffff:192.0.2.5")), "192.0.2.5");
        assert_eq!(rate_key(ip("2001:db8::1")), "2001:db8:0:0::/64");
    }
}
