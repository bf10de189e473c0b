//! Deterministic synthetic claims for benchmarks: N claims over M subjects from a seed, with
//! field sizes like real ones (names, roles, outlets, URLs, quotes of a sentence).
//!
//! The same `(claims, subjects, seed)` always gives the same bytes. This crate is for
//! measuring reckon; it is **not** a source of test truth and never writes to a log itself.
//!
//! ```
//! let lines: Vec<String> = reckon_synth::claims(3, 2, 7).collect();
//! assert_eq!(lines.len(), 3);
//! assert!(lines[0].contains("\"subject\":\"synthetic/s"));
//! ```

/// A small, fast, seeded generator (SplitMix64); good enough for test data, not for secrets.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number below `n` (`n > 0`).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

const FIRST: &[&str] = &[
    "Iryna", "Rustem", "Kyrylo", "Vadym", "Artur", "Olena", "Andrii", "Kateryna", "Dmytro",
    "Yulia", "Mykola", "Oksana",
];
const LAST: &[&str] = &[
    "Kovalenko",
    "Shevchenko",
    "Bondarenko",
    "Tkachenko",
    "Kravchenko",
    "Oliinyk",
    "Lysenko",
    "Marchenko",
    "Savchenko",
    "Rudenko",
];
const ROLES: &[&str] = &[
    "deputy head of the Office of the President",
    "Defense Minister",
    "head of military intelligence",
    "Ombudsman",
    "spokesperson of the Coordination Headquarters",
    "regional governor",
];
const OUTLETS: &[&str] = &[
    "The Kyiv Independent",
    "Ukrainska Pravda",
    "Suspilne",
    "Reuters",
    "Associated Press",
    "BBC News",
    "Meduza",
];
const CITES: &[&str] = &[
    "Coordination Headquarters for the Treatment of Prisoners of War",
    "Ministry of Defence",
    "Prosecutor General's Office",
    "",
];
const VERBS: &[&str] = &[
    "said",
    "told reporters",
    "wrote on Telegram",
    "confirmed",
    "estimated",
    "announced",
];

/// The value text for a synthetic figure around `base`.
fn value_text(r: &mut Rng, base: u64) -> String {
    let n = base + r.below(base / 10 + 1);
    let grouped = group(n);
    match r.below(8) {
        0 => format!("at least {grouped}"),
        1 => format!("about {grouped}"),
        2 => format!("up to {grouped}"),
        3 => format!("between {} and {}", group(n), group(n + base / 20 + 1)),
        4 => format!("~{n} ±5%"),
        5 => format!("more than {n}"),
        _ => grouped,
    }
}

fn group(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `claims` JSON Lines claims over `subjects` subjects, from `seed`; each line without its
/// newline.
pub fn claims(claims: u64, subjects: u64, seed: u64) -> impl Iterator<Item = String> {
    let mut r = Rng::new(seed);
    let subjects = subjects.max(1);
    (0..claims).map(move |i| {
        let s = r.below(subjects);
        let base = 100 + (s * 7919) % 20_000;
        let speaker = format!("{} {}", r.pick(FIRST), r.pick(LAST));
        let outlet = r.pick(OUTLETS);
        let role = r.pick(ROLES);
        let cites = r.pick(CITES);
        let day = 1 + r.below(28);
        let month = 1 + r.below(12);
        let value = value_text(&mut r, base);
        let verb = r.pick(VERBS);
        let quote = format!(
            "{value} people are held in subject {s}, {speaker} {verb} on {}",
            month_name(month)
        );
        let mut o = serde_json::Map::new();
        o.insert("subject".into(), format!("synthetic/s{s}").into());
        o.insert("value".into(), value.into());
        o.insert("unit".into(), "people".into());
        o.insert("as_of".into(), format!("2025-{month:02}").into());
        o.insert("said_on".into(), format!("2025-{month:02}-{day:02}").into());
        o.insert("speaker".into(), speaker.into());
        o.insert("role".into(), role.into());
        if !cites.is_empty() {
            o.insert("cites".into(), cites.into());
        }
        o.insert("publisher".into(), outlet.into());
        o.insert(
            "url".into(),
            format!(
                "https://news.example/{}/{i}",
                outlet.to_lowercase().replace(' ', "-")
            )
            .into(),
        );
        o.insert("quote".into(), quote.into());
        o.insert("tags".into(), serde_json::json!(["synthetic", "pow"]));
        serde_json::Value::Object(o).to_string()
    })
}

fn month_name(m: u64) -> &'static str {
    [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ][usize::try_from(m - 1).unwrap_or(0) % 12]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_claims_and_every_claim_is_valid() {
        let a: Vec<String> = claims(500, 40, 1).collect();
        assert_eq!(a, claims(500, 40, 1).collect::<Vec<_>>());
        assert_ne!(a, claims(500, 40, 2).collect::<Vec<_>>());
        let mut no_refs = |_: &str, _: &reckon_claim::Ref| Err("none".to_owned());
        for line in &a {
            assert!(
                reckon_claim::parse_line(line, &mut no_refs).is_ok(),
                "{line}"
            );
        }
    }

    #[test]
    fn groups_thousands() {
        assert_eq!(group(1), "1");
        assert_eq!(group(1000), "1,000");
        assert_eq!(group(1234567), "1,234,567");
    }
}

pub mod eval;
pub mod planted;
pub mod worst;
