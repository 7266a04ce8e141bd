//! IP addresses: IPv4 in dotted-quad form without leading zeros, and IPv6 as parsed by the
//! standard library. Loopback, unspecified and broadcast addresses identify no one and are not
//! reported, nor dotted quads of single digits, which are version numbers (`6.1.1.0`) far more
//! often than hosts; IPv6 needs at least three groups so times such as `10:20::` are not mistaken for one.

use std::net::{Ipv4Addr, Ipv6Addr};

/// True when `candidate` is an IPv4 or IPv6 address worth reporting.
pub(crate) fn is_valid(candidate: &str) -> bool {
    if candidate.contains(':') {
        is_ipv6(candidate)
    } else {
        is_ipv4(candidate)
    }
}

fn is_ipv4(candidate: &str) -> bool {
    let has_leading_zero = candidate
        .split('.')
        .any(|part| part.len() > 1 && part.starts_with('0'));
    match candidate.parse::<Ipv4Addr>() {
        Ok(addr) => {
            !has_leading_zero
                && !addr.is_loopback()
                && !addr.is_unspecified()
                && !addr.is_broadcast()
                && addr.octets()[0] != 0
                && !addr.octets().iter().all(|octet| *octet < 10)
        }
        Err(_) => false,
    }
}

fn is_ipv6(candidate: &str) -> bool {
    let groups = candidate.split(':').filter(|g| !g.is_empty()).count();
    match candidate.parse::<Ipv6Addr>() {
        Ok(addr) => groups >= 3 && !addr.is_loopback() && !addr.is_unspecified(),
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_pass() {
        for addr in [
            "192.168.1.10",
            "81.2.69.160",
            "203.0.113.7",
            "2001:db8::8a2e:370:7334",
            "fe80::1c2e:4a1b:9f0e:2d31",
        ] {
            assert!(is_valid(addr), "{addr}");
        }
    }

    #[test]
    fn non_addresses_fail() {
        for text in [
            "127.0.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "01.22.64.52",
            "256.1.1.1",
            "::1",
            "10:20:30",
            "12:30::",
            "6.1.1.0",
        ] {
            assert!(!is_valid(text), "{text}");
        }
    }
}
