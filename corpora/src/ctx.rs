//! Corpus-wide context derived from the seed: organisations, sites, dates, VDI brokers, and the
//! per-index choices (kind of file, unique device number).

use rand::Rng;
use rand::seq::SliceRandom;

use crate::Kind;
use crate::Mix;
use crate::pools::organisation::sites::Site;
use crate::pools::organisation::{companies, people, sites};
use crate::pools::software::{long_tail, management_agents};
use crate::util::{self, Rng8};

/// One organisation (Active Directory domain) of the corpus.
pub(crate) struct Org {
    pub netbios: &'static str,
    pub dns: &'static str,
    pub company: &'static str,
    pub short: &'static str,
    pub sites: Vec<&'static Site>,
    /// 0: `LON-WKS-0123456`, 1: `LONWKS0123456`, 2: `WKS0123456`.
    pub host_scheme: u8,
    /// 0: `jsmith`, 1: `john.smith`, 2: `smithj`.
    pub login_scheme: u8,
    /// Domain SID prefix `S-1-5-21-a-b-c`.
    pub sid: String,
    /// Index into `WIN_SECURITY`.
    pub security: usize,
    pub configmgr: bool,
    pub office_c2r: bool,
    /// In-house applications `(name, version)`.
    pub inhouse: Vec<(String, String)>,
    /// Weights over `TRACKER_OF_AGENT`.
    pub agent_weights: Vec<u32>,
}

/// A VMware Horizon connection server.
pub(crate) struct Broker {
    pub fqdn: String,
    pub short: String,
    pub site_name: String,
    pub org: usize,
    pub tracker: &'static str,
    pub pools: Vec<Pool>,
}

/// A desktop pool.
pub(crate) struct Pool {
    pub name: String,
    pub uuid: String,
    pub persistent: bool,
    pub sids: Vec<String>,
    pub machines: Vec<String>,
}

/// A person (a user account).
pub(crate) struct Person {
    pub given: String,
    pub family: String,
    pub login: String,
}

impl Person {
    /// `Family, Given` as Active Directory displays it.
    pub fn full_name(&self) -> String {
        format!("{}, {}", self.family, self.given)
    }
}

/// Everything derived from the seed alone.
pub(crate) struct Corpus {
    pub orgs: Vec<Org>,
    org_weights: Vec<u32>,
    /// Day number (days since 1970-01-01) of the last day of the corpus.
    pub base_day: i64,
    uid_mul: u64,
    uid_mul36: u64,
    uid_add: u64,
    phase: f64,
    pub brokers: Vec<Broker>,
}

const UID_SPACE: u64 = 10_000_000;
const UID36_SPACE: u64 = 78_364_164_096; // 36^7
const GOLDEN: f64 = 0.618_033_988_749_894_8;

impl Corpus {
    pub fn new(seed: u64) -> Corpus {
        let mut rng = util::stream_rng(seed ^ 0x6E64_692D_636F_7270, u64::MAX);
        let n_orgs = [1usize, 1, 1, 2, 2, 3][rng.random_range(0..6)];
        let mut org_idx: Vec<usize> = (0..companies::ORGANISATIONS.len()).collect();
        org_idx.shuffle(&mut rng);
        let orgs: Vec<Org> = org_idx[..n_orgs]
            .iter()
            .map(|&i| make_org(&mut rng, i))
            .collect();
        let org_weights = [80u32, 15, 5][..n_orgs].to_vec();
        let base_day = util::days_from_civil(2024, 1, 8) + rng.random_range(0..700);
        let mut uid_mul = rng.random_range(1_000_001..UID_SPACE);
        while uid_mul % 2 == 0 || uid_mul % 5 == 0 {
            uid_mul += 1;
        }
        let uid_add = rng.random_range(0..UID_SPACE);
        let mut uid_mul36 = rng.random_range(UID36_SPACE / 3..UID36_SPACE);
        while uid_mul36 % 2 == 0 || uid_mul36 % 3 == 0 {
            uid_mul36 += 1;
        }
        let phase: f64 = rng.random();
        let n_brokers = rng.random_range(1..=2);
        let brokers = (0..n_brokers)
            .map(|i| make_broker(&mut rng, &orgs[0], i))
            .collect();
        Corpus {
            orgs,
            org_weights,
            base_day,
            uid_mul,
            uid_mul36,
            uid_add,
            phase,
            brokers,
        }
    }

    /// The kind of the `index`-th file: a low-discrepancy sequence, so that every stretch of
    /// the corpus has close to the configured mix.
    pub fn kind_of(&self, index: usize, mix: &Mix) -> Kind {
        let weights = mix.weights();
        let total: u64 = weights.iter().map(|&w| u64::from(w)).sum();
        if total == 0 {
            return Kind::Inventory;
        }
        let u = (self.phase + index as f64 * GOLDEN).fract();
        let mut acc = 0.0;
        for (kind, w) in Kind::ALL.iter().zip(weights) {
            acc += f64::from(w) / total as f64;
            if u < acc {
                return *kind;
            }
        }
        Kind::Inventory
    }

    /// A device number unique within the corpus, as 7 decimal digits (more past 10 million).
    pub fn uid(&self, index: usize) -> String {
        let i = index as u64;
        if i < UID_SPACE {
            let v = (u128::from(i) * u128::from(self.uid_mul) + u128::from(self.uid_add))
                % u128::from(UID_SPACE);
            format!("{v:07}")
        } else {
            format!("{i}")
        }
    }

    /// Seven base-36 characters unique within the corpus (for `DESKTOP-XXXXXXX` names).
    pub fn uid36(&self, index: usize) -> String {
        let i = index as u64;
        if i < UID36_SPACE {
            // The multiplier is coprime with 36, so this is a bijection of 0..36^7.
            let v = (u128::from(i) * u128::from(self.uid_mul36) + u128::from(self.uid_add))
                % u128::from(UID36_SPACE);
            util::base36(v as u64, 7)
        } else {
            util::base36(i, 8)
        }
    }

    pub fn pick_org(&self, rng: &mut Rng8) -> usize {
        util::weighted(rng, &self.org_weights)
    }

    /// A time on one of the last three days of the corpus, mostly in the night-time window
    /// the inventory schedule uses.
    pub fn stamp(&self, rng: &mut Rng8) -> i64 {
        let day = self.base_day - rng.random_range(0..3);
        let secs = if util::chance(rng, 0.65) {
            rng.random_range(0..6 * 3600)
        } else {
            rng.random_range(8 * 3600..19 * 3600)
        };
        day * util::DAY + secs
    }

    /// A person of an organisation; non-ASCII names only when asked.
    pub fn person(&self, rng: &mut Rng8, org: &Org, non_ascii: bool) -> Person {
        if non_ascii {
            let (g, f, l) = *util::pick(rng, people::NON_ASCII_PEOPLE);
            return Person {
                given: g.to_string(),
                family: f.to_string(),
                login: l.to_string(),
            };
        }
        let given = *util::pick(rng, people::GIVEN_NAMES);
        let family = *util::pick(rng, people::FAMILY_NAMES);
        let g: String = given.to_lowercase();
        let f: String = family
            .to_lowercase()
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect();
        let login = match org.login_scheme {
            0 => format!("{}{}", &g[..1], f),
            1 => format!("{g}.{f}"),
            _ => format!("{}{}", f, &g[..1]),
        };
        Person {
            given: given.to_string(),
            family: family.to_string(),
            login,
        }
    }
}

fn make_org(rng: &mut Rng8, i: usize) -> Org {
    let (netbios, dns, company, short) = companies::ORGANISATIONS[i];
    let mut site_idx: Vec<usize> = (0..sites::SITES.len()).collect();
    site_idx.shuffle(rng);
    let n_sites = rng.random_range(2..=5);
    let sites = site_idx[..n_sites]
        .iter()
        .map(|&s| &sites::SITES[s])
        .collect();
    let sid = format!(
        "S-1-5-21-{}-{}-{}",
        rng.random_range(1_000_000_000u64..4_294_967_295),
        rng.random_range(1_000_000_000u64..4_294_967_295),
        rng.random_range(1_000_000_000u64..4_294_967_295)
    );
    let mut inhouse: Vec<(String, String)> = Vec::new();
    let n_inhouse = rng.random_range(8..30);
    while inhouse.len() < n_inhouse {
        let name = format!(
            "{} {} {}",
            short,
            util::pick(rng, long_tail::IN_HOUSE_WORDS),
            util::pick(rng, long_tail::IN_HOUSE_SUFFIXES)
        );
        if inhouse.iter().any(|(n, _)| *n == name) {
            continue;
        }
        let version = format!(
            "{}.{}.{}",
            rng.random_range(1..9),
            rng.random_range(0..20),
            rng.random_range(0..999)
        );
        inhouse.push((name, version));
    }
    let main = rng.random_range(0..4usize);
    let agent_weights = (0..management_agents::TRACKER_VERSION_OF_AGENT.len())
        .map(|k| {
            if k == main {
                70
            } else if k == main + 1 {
                15
            } else {
                3
            }
        })
        .collect();
    Org {
        netbios,
        dns,
        company,
        short,
        sites,
        host_scheme: rng.random_range(0..3),
        login_scheme: rng.random_range(0..3),
        sid,
        security: rng.random_range(0..management_agents::ENDPOINT_PROTECTION.len()),
        configmgr: util::chance(rng, 0.7),
        office_c2r: util::chance(rng, 0.7),
        inhouse,
        agent_weights,
    }
}

fn make_broker(rng: &mut Rng8, org: &Org, i: usize) -> Broker {
    let site = org.sites[i % org.sites.len()];
    let short = format!("{}-hzn-cs{:02}", site.code.to_lowercase(), i + 1);
    let fqdn = format!("{short}.{}", org.dns);
    let n_pools = rng.random_range(3..10);
    let mut pools_out: Vec<Pool> = Vec::new();
    let mut used = Vec::new();
    while pools_out.len() < n_pools {
        let dept = *util::pick(rng, companies::DEPARTMENTS);
        if used.contains(&dept) {
            continue;
        }
        used.push(dept);
        let persistent = util::chance(rng, 0.3);
        let os = if util::chance(rng, 0.6) { "W11" } else { "W10" };
        let name = if persistent {
            format!("{}-{}-{}-Dedicated", site.code, dept, os)
        } else {
            format!("{}-{}-{}", site.code, dept, os)
        };
        let n_sids = rng.random_range(1..25);
        let sids = (0..n_sids)
            .map(|_| format!("{}-{}", org.sid, rng.random_range(1100..2_000_000)))
            .collect();
        let prefix: String = dept.chars().take(3).collect::<String>().to_uppercase();
        let n_machines = rng.random_range(4..80);
        let machines = (1..=n_machines)
            .map(|k| format!("{}VDI{}{:03}", site.code, prefix, k))
            .collect();
        pools_out.push(Pool {
            name,
            uuid: util::random_guid(rng, false).to_lowercase(),
            persistent,
            sids,
            machines,
        });
    }
    Broker {
        fqdn,
        short,
        site_name: format!("Cluster-{}-CS{:02}", site.code, i + 1),
        org: 0,
        tracker: util::pick_str(rng, &["16.0", "21.2.0", "23.0.1"]),
        pools: pools_out,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn device_numbers_are_unique() {
        let c = Corpus::new(7);
        let mut a = std::collections::HashSet::new();
        let mut b = std::collections::HashSet::new();
        for i in 0..100_000 {
            assert!(a.insert(c.uid(i)));
            assert!(b.insert(c.uid36(i)));
        }
        assert_eq!(c.uid(10_000_001), "10000001");
    }
}
