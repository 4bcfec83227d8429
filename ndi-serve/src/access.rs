//! Who may upload: optional Basic authentication and allowed client networks.

use std::net::IpAddr;
use std::path::Path;

use base64::Engine;

/// Errors reading access settings.
#[derive(Debug, thiserror::Error)]
pub enum AccessError {
    /// The credentials file cannot be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// A line of the credentials file is not `user:password`.
    #[error("{path}:{line}: expected user:password")]
    Line {
        /// The file.
        path: String,
        /// The 1-based line.
        line: usize,
    },
    /// The credentials file holds no credentials.
    #[error("{0}: no user:password line")]
    Empty(String),
    /// A network is not `ADDRESS` or `ADDRESS/PREFIX`.
    #[error("invalid network {0:?} (expected ADDRESS or ADDRESS/PREFIX)")]
    Network(String),
}

/// Accepted Basic credentials, kept as BLAKE3 hashes of `user:password` (compared in
/// constant time; the passwords themselves are not kept).
#[derive(Debug, Clone)]
pub struct BasicAuth {
    hashes: Vec<blake3::Hash>,
    realm: String,
}

impl BasicAuth {
    /// From `user:password` pairs.
    pub fn new<I, S>(pairs: I, realm: &str) -> BasicAuth
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        BasicAuth {
            hashes: pairs
                .into_iter()
                .map(|p| blake3::hash(p.as_ref().as_bytes()))
                .collect(),
            realm: realm.to_owned(),
        }
    }

    /// From a file of `user:password` lines (empty lines and `#` comments skipped).
    pub fn from_file(path: &Path, realm: &str) -> Result<BasicAuth, AccessError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| AccessError::Read {
            path: shown.clone(),
            source,
        })?;
        let mut pairs = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let line = line.trim_end_matches('\r');
            if line.trim().is_empty() || line.trim_start().starts_with('#') {
                continue;
            }
            match line.split_once(':') {
                Some((user, _)) if !user.is_empty() => pairs.push(line.to_owned()),
                _ => {
                    return Err(AccessError::Line {
                        path: shown,
                        line: i + 1,
                    });
                }
            }
        }
        if pairs.is_empty() {
            return Err(AccessError::Empty(shown));
        }
        Ok(BasicAuth::new(pairs, realm))
    }

    /// `true` when an `Authorization` header value carries accepted credentials.
    pub fn allows(&self, authorization: Option<&[u8]>) -> bool {
        let Some(value) = authorization else {
            return false;
        };
        let Some(rest) = value
            .get(..6)
            .filter(|p| p.eq_ignore_ascii_case(b"basic "))
            .and_then(|_| value.get(6..))
        else {
            return false;
        };
        let rest = rest.trim_ascii();
        let Ok(decoded) = base64::engine::general_purpose::STANDARD.decode(rest) else {
            return false;
        };
        let h = blake3::hash(&decoded);
        // Every hash is compared (constant time each), so timing does not tell which matched.
        self.hashes.iter().fold(false, |ok, x| (*x == h) | ok)
    }

    /// The `WWW-Authenticate` value of a `401`.
    pub fn challenge(&self) -> String {
        format!(
            "Basic realm=\"{}\", charset=\"UTF-8\"",
            self.realm.replace(['"', '\\'], "")
        )
    }
}

/// An allowed client network (`10.0.0.0/8`, `::1`, `192.168.1.7`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Network {
    addr: IpAddr,
    prefix: u8,
}

impl std::str::FromStr for Network {
    type Err = AccessError;

    fn from_str(s: &str) -> Result<Network, AccessError> {
        let bad = || AccessError::Network(s.to_owned());
        let (a, p) = match s.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s, None),
        };
        let addr: IpAddr = a.parse().map_err(|_| bad())?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match p {
            Some(p) => p.parse::<u8>().ok().filter(|p| *p <= max).ok_or_else(bad)?,
            None => max,
        };
        Ok(Network { addr, prefix })
    }
}

impl Network {
    /// `true` when `ip` is inside (an IPv4-mapped IPv6 address counts as IPv4).
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
            v4 => v4,
        };
        match (self.addr, ip) {
            (IpAddr::V4(n), IpAddr::V4(a)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(n) & mask == u32::from(a) & mask
            }
            (IpAddr::V6(n), IpAddr::V6(a)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(n) & mask == u128::from(a) & mask
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_auth_checks_pairs() {
        let a = BasicAuth::new(["agent:s3cret"], "ManageSoftRL");
        let good = format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode("agent:s3cret")
        );
        let bad = format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode("agent:wrong")
        );
        assert!(a.allows(Some(good.as_bytes())));
        assert!(a.allows(Some(good.replacen("Basic", "BASIC", 1).as_bytes())));
        assert!(!a.allows(Some(bad.as_bytes())));
        assert!(!a.allows(None));
        assert!(!a.allows(Some(b"Bearer x")));
        assert!(!a.allows(Some(b"Basic !!!")));
    }

    #[test]
    fn networks_match_by_prefix() {
        let n: Network = "10.1.0.0/16".parse().unwrap();
        assert!(n.contains("10.1.200.3".parse().unwrap()));
        assert!(!n.contains("10.2.0.1".parse().unwrap()));
        assert!(n.contains("::ffff:10.1.0.9".parse().unwrap()));
        let all: Network = "0.0.0.0/0".parse().unwrap();
        assert!(all.contains("8.8.8.8".parse().unwrap()));
        let one: Network = "::1".parse().unwrap();
        assert!(one.contains("::1".parse().unwrap()));
        assert!(!one.contains("127.0.0.1".parse().unwrap()));
        assert!("10.0.0.0/33".parse::<Network>().is_err());
        assert!("host".parse::<Network>().is_err());
    }
}
