//! E-mail addresses: the limits of RFC 5321 (local part up to 64 octets, domain up to 255, labels
//! up to 63) and a top-level domain of letters, so `x@host.1` or `a..b@c.io` are not reported.

/// True when `candidate` is a plausible e-mail address.
pub(crate) fn is_valid(candidate: &str) -> bool {
    let Some((local, domain)) = candidate.rsplit_once('@') else {
        return false;
    };
    is_local_part(local) && is_domain(domain)
}

fn is_local_part(local: &str) -> bool {
    !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
}

fn is_domain(domain: &str) -> bool {
    // At least two labels, the last one the top-level domain.
    let Some((_, tld)) = domain.rsplit_once('.') else {
        return false;
    };
    domain.len() <= 255
        && domain
            .split('.')
            .all(|l| !l.is_empty() && l.len() <= 63 && !l.starts_with('-') && !l.ends_with('-'))
        && tld.len() >= 2
        && tld.bytes().all(|b| b.is_ascii_alphabetic())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_addresses_pass() {
        for address in [
            "jane.doe@example.com",
            "a+tag@mail.example.co.uk",
            "x_y-z@sub-domain.example.org",
        ] {
            assert!(is_valid(address), "{address}");
        }
    }

    #[test]
    fn malformed_addresses_fail() {
        for address in [
            "a..b@example.com",
            ".a@example.com",
            "a@example",
            "a@example.c0m",
            "a@-x.com",
            "a@x..com",
            "a@.com",
            "a@example.cömm",
            "@example.com",
        ] {
            assert!(!is_valid(address), "{address}");
        }
    }
}
