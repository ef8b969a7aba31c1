//! What the load says: a weighted mix of clean chat and of what each of the room's rules
//! catches, every message unique (a number in it) so that the duplicate rule stays out of the way.
//!
//! The rooms' policy ([`ROOM_POLICY`]) refuses profanity, links and spam, and holds borderline
//! swearing and hostility for the moderators: each kind has the outcome it should get, and the
//! report shows what it got.

use std::fmt;
use std::str::FromStr;

use rand::Rng;

pub const DEFAULT_MIX: &str = "clean=80,profane=5,borderline=4,link=4,spam=5,hostile=2";

/// The moderation policy of every room the load creates.
pub const ROOM_POLICY: &str = r#"{"profanity":"moderate","links":{"mode":"block"},"actions":{"profanity":"deny","links":"deny","borderline":"hold","hostility":"hold"}}"#;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    Clean,
    Profane,
    Borderline,
    Link,
    Spam,
    Hostile,
}

/// What the review handler should answer to a kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expected {
    Allowed,
    Refused,
    Held,
}

impl Kind {
    pub const ALL: [Kind; 6] = [
        Kind::Clean,
        Kind::Profane,
        Kind::Borderline,
        Kind::Link,
        Kind::Spam,
        Kind::Hostile,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Kind::Clean => "clean",
            Kind::Profane => "profane",
            Kind::Borderline => "borderline",
            Kind::Link => "link",
            Kind::Spam => "spam",
            Kind::Hostile => "hostile",
        }
    }

    pub fn index(self) -> usize {
        Kind::ALL.iter().position(|k| *k == self).expect("listed")
    }

    pub fn expected(self) -> Expected {
        match self {
            Kind::Clean => Expected::Allowed,
            Kind::Profane | Kind::Link | Kind::Spam => Expected::Refused,
            Kind::Borderline | Kind::Hostile => Expected::Held,
        }
    }

    /// Message `n` of this kind (`variant` picks among a few wordings).
    pub fn content(self, n: u64, variant: usize) -> String {
        let templates: &[&str] = match self {
            Kind::Clean => &[
                "gg well played {}",
                "that was a great round {}",
                "hello from the back row {}",
                "what song is this {}",
                "nice save, clip it {}",
                "first time here, love the stream {}",
                "can't wait for the next map {}",
                "how long have you been playing this {}",
            ],
            Kind::Profane => &["what the fuck was that {}", "this is such bullshit {}"],
            Kind::Borderline => &["damn that was close {}", "damn, missed it again {}"],
            Kind::Link => &[
                "free skins at https://example.com/offer/{}",
                "watch my clip on www.example.org/v/{}",
            ],
            Kind::Spam => &[
                "THIS IS THE BEST STREAM EVER MADE {}",
                "sooooooooooooooooo good {}",
            ],
            Kind::Hostile => &[
                "i'm going to find you and hurt you {}",
                "i hope you die in a fire {}",
            ],
        };
        templates[variant % templates.len()].replace("{}", &n.to_string())
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Weights of the kinds of message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mix {
    weights: [u32; Kind::ALL.len()],
}

impl Mix {
    pub fn weight(&self, kind: Kind) -> u32 {
        self.weights[kind.index()]
    }

    /// A kind drawn by weight.
    pub fn pick(&self, rng: &mut impl Rng) -> Kind {
        let total: u32 = self.weights.iter().sum();
        let mut at = rng.random_range(0..total);
        for kind in Kind::ALL {
            let w = self.weight(kind);
            if at < w {
                return kind;
            }
            at -= w;
        }
        unreachable!("the weights add up to the total")
    }
}

impl FromStr for Mix {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut weights = [0u32; Kind::ALL.len()];
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (name, weight) = part
                .split_once('=')
                .ok_or_else(|| format!("{part:?}: expected kind=weight"))?;
            let kind = Kind::ALL
                .into_iter()
                .find(|k| k.name() == name.trim())
                .ok_or_else(|| {
                    format!(
                        "{name:?} is not a kind of message ({})",
                        Kind::ALL.map(Kind::name).join(", ")
                    )
                })?;
            weights[kind.index()] = weight
                .trim()
                .parse()
                .map_err(|_| format!("{part:?}: the weight is a whole number"))?;
        }
        if weights.iter().sum::<u32>() == 0 {
            return Err("the mix needs at least one kind with a weight".to_owned());
        }
        Ok(Self { weights })
    }
}

impl fmt::Display for Mix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = Kind::ALL
            .into_iter()
            .filter(|k| self.weight(*k) > 0)
            .map(|k| format!("{k}={}", self.weight(k)))
            .collect();
        f.write_str(&parts.join(","))
    }
}

/// What came of a message, from the sender's answer (its own MESSAGE, or an ERROR).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Allowed,
    /// Refused by the review handler (406), with the reason's index in [`REASONS`].
    Refused(usize),
    Held,
    /// Refused by IVS itself (rate limit, length...): the ERROR's code.
    Ivs(u16),
}

/// Reason codes the review handler gives (`chat_core::ivs::review::REFUSALS`), and `OTHER`.
pub const REASONS: &[&str] = &[
    "BLOCKED_TERM",
    "PROFANITY",
    "LINK_NOT_ALLOWED",
    "EXCESSIVE_CAPS",
    "REPEATED_CHARACTERS",
    "REPEATED_PHRASE",
    "HOSTILITY",
    "DISCRIMINATION",
    "DUPLICATE_MESSAGE",
    "SLOW_MODE",
    "BANNED",
    "TIMED_OUT",
    "TOO_MANY_HELD",
    "HELD_QUEUE_FULL",
    "OTHER",
];

/// The outcome an ERROR frame tells: its code and message (a 406's message is the review
/// handler's reason, its code first).
pub fn outcome_of_error(code: u16, message: &str) -> Outcome {
    if code != 406 {
        return Outcome::Ivs(code);
    }
    let first = message
        .split(|c: char| !(c.is_ascii_uppercase() || c == '_'))
        .next()
        .unwrap_or_default();
    if first == "HELD" {
        return Outcome::Held;
    }
    let other = REASONS.len() - 1;
    Outcome::Refused(REASONS.iter().position(|r| *r == first).unwrap_or(other))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn the_default_mix_parses_and_prints_back() {
        let mix: Mix = DEFAULT_MIX.parse().unwrap();
        assert_eq!(mix.to_string(), DEFAULT_MIX);
        assert_eq!(mix.weight(Kind::Clean), 80);
        assert_eq!(mix.weight(Kind::Hostile), 2);
    }

    #[test]
    fn bad_mixes_are_refused() {
        for bad in ["", "clean=0", "clean", "clean=x", "shouting=3", "clean=-1"] {
            assert!(bad.parse::<Mix>().is_err(), "{bad:?}");
        }
        let only: Mix = "spam=1".parse().unwrap();
        assert_eq!(only.weight(Kind::Clean), 0);
    }

    #[test]
    fn picks_follow_the_weights() {
        let mix: Mix = "clean=90,profane=10".parse().unwrap();
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        let mut counts = [0u32; Kind::ALL.len()];
        for _ in 0..10_000 {
            counts[mix.pick(&mut rng).index()] += 1;
        }
        assert_eq!(counts[Kind::Link.index()], 0);
        let clean = counts[Kind::Clean.index()];
        assert!((8_800..=9_200).contains(&clean), "{clean}");
        assert_eq!(clean + counts[Kind::Profane.index()], 10_000);
    }

    #[test]
    fn every_message_is_unique() {
        for kind in Kind::ALL {
            let a = kind.content(1, 0);
            assert_ne!(a, kind.content(2, 0));
            assert_ne!(kind.content(3, 0), kind.content(3, 1), "{kind}");
            assert!(a.chars().count() <= 500);
        }
    }

    #[test]
    fn errors_tell_their_outcome() {
        assert_eq!(outcome_of_error(406, "HELD"), Outcome::Held);
        assert_eq!(
            outcome_of_error(406, "PROFANITY"),
            Outcome::Refused(REASONS.iter().position(|r| *r == "PROFANITY").unwrap())
        );
        assert_eq!(
            outcome_of_error(406, "TIMED_OUT until 2026-01-01T00:00:00Z"),
            Outcome::Refused(REASONS.iter().position(|r| *r == "TIMED_OUT").unwrap())
        );
        assert_eq!(
            outcome_of_error(406, "Message denied by the review handler"),
            Outcome::Refused(REASONS.len() - 1)
        );
        assert_eq!(
            outcome_of_error(429, "Room message rate limit exceeded"),
            Outcome::Ivs(429)
        );
    }
}
