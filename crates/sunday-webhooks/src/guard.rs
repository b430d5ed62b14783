//! Which addresses webhooks may reach. A delivery to an internal address (the cloud metadata
//! service at 169.254.169.254, a database on 10.0.0.5, Sunday itself on 127.0.0.1) would let
//! anyone who can make a webhook probe the network Sunday runs in, so only public addresses
//! are allowed, unless `webhooks.allowed_hosts` names the host or a network (CIDR) holding
//! the address.

use std::net::IpAddr;

use ipnet::IpNet;

/// The configured exceptions: host names (exact, case-insensitive) and networks.
#[derive(Clone, Debug, Default)]
pub struct AllowList {
    hosts: Vec<String>,
    nets: Vec<IpNet>,
}

impl AllowList {
    /// Parses entries like `hooks.internal`, `10.0.0.0/8`, `127.0.0.1` or `::1`.
    pub fn parse(entries: &[String]) -> Result<AllowList, String> {
        let mut list = AllowList::default();
        for e in entries.iter().map(|e| e.trim()).filter(|e| !e.is_empty()) {
            if let Ok(net) = e.parse::<IpNet>() {
                list.nets.push(net);
            } else if let Ok(ip) = e.parse::<IpAddr>() {
                list.nets.push(IpNet::from(ip));
            } else if e.contains('/') || e.contains(' ') {
                return Err(format!("`{e}` is neither a host name nor a network"));
            } else {
                list.hosts.push(e.to_ascii_lowercase());
            }
        }
        Ok(list)
    }

    pub fn allows_host(&self, host: &str) -> bool {
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        self.hosts.contains(&host)
    }

    /// Whether a delivery may go to `ip`: a public address, or one the list allows.
    pub fn allows_ip(&self, ip: IpAddr) -> bool {
        is_public(ip) || self.nets.iter().any(|n| n.contains(&ip))
    }
}

/// Whether `ip` is a globally reachable unicast address (not private, loopback, link-local,
/// shared (CGNAT), documentation, benchmarking, multicast, broadcast or unspecified; an
/// IPv4-mapped IPv6 address is judged as its IPv4 address).
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            !(v4.is_private()
                || v4.is_loopback()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                || o[0] == 0
                || (o[0] == 100 && (64..128).contains(&o[1]))
                || (o[0] == 198 && (o[1] == 18 || o[1] == 19))
                || (o[0] == 192 && o[1] == 0 && o[2] == 0)
                || o[0] >= 240)
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            let s = v6.segments();
            // IPv4-compatible (::a.b.c.d) and 6to4 (2002:AABB:CCDD::/48) carry an IPv4 address
            // that routes may lead to: judge that one.
            let embedded =
                |hi: u16, lo: u16| IpAddr::V4(std::net::Ipv4Addr::from((u32::from(hi) << 16) | u32::from(lo)));
            if s[..6].iter().all(|x| *x == 0) && !(v6.is_loopback() || v6.is_unspecified()) {
                return is_public(embedded(s[6], s[7]));
            }
            if s[0] == 0x2002 {
                return is_public(embedded(s[1], s[2]));
            }
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (s[0] & 0xfe00) == 0xfc00
                || (s[0] & 0xffc0) == 0xfe80
                || (s[0] == 0x2001 && s[1] == 0x0db8)
                // NAT64 (well-known and local-use) reaches IPv4 behind the translator.
                || (s[0] == 0x64 && s[1] == 0xff9b)
                // Teredo, site-local (deprecated, still routed inside some networks), discard.
                || (s[0] == 0x2001 && s[1] == 0)
                || (s[0] & 0xffc0) == 0xfec0
                || (s[0] == 0x100 && s[1] == 0 && s[2] == 0 && s[3] == 0))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_addresses_are_refused_public_ones_pass() {
        let none = AllowList::default();
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "::10.0.0.5",
            "2002:a00:5::1",
            "64:ff9b:1::a00:5",
            "2001:0:4136:e378::1",
            "fec0::1",
            "100::1",
            "fe80::1",
            "fd00::1",
            "::ffff:10.0.0.1",
            "224.0.0.1",
            "255.255.255.255",
        ] {
            assert!(!none.allows_ip(ip.parse().unwrap()), "{ip} must be refused");
        }
        for ip in ["93.184.216.34", "1.1.1.1", "2606:4700:4700::1111", "2002:5db8:d822::1"] {
            assert!(none.allows_ip(ip.parse().unwrap()), "{ip} is public");
        }
    }

    #[test]
    fn the_allow_list_names_hosts_and_networks() {
        let list = AllowList::parse(&["127.0.0.1".into(), "10.0.0.0/8".into(), "Hooks.Internal".into()]).unwrap();
        assert!(list.allows_ip("127.0.0.1".parse().unwrap()));
        assert!(list.allows_ip("10.9.9.9".parse().unwrap()));
        assert!(!list.allows_ip("192.168.0.1".parse().unwrap()));
        assert!(list.allows_host("hooks.internal."));
        assert!(AllowList::parse(&["not a host/x".into()]).is_err());
    }
}
