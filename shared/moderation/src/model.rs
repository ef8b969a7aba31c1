//! A small learned model beside the frames: a linear model over hashed character and word
//! n-grams of the message's words (the same skeleton words the frames read), three classes
//! (nothing, hostility, discrimination). The frames catch what they were written for; the model
//! catches the same harms worded otherwise. Trained offline on the tune and development lines of
//! the hostility corpus (`scripts/corpus/train-hostility-model.py`, see `model/README.md`) and
//! compiled into the binary: no network, nothing read at run time.
//!
//! The features, which the training script computes the same way: for each word `w`, the
//! character n-grams (2 to 5) of ` w ` and the word itself; for each pair of neighbouring words,
//! the pair. Each is hashed (FNV-1a, 32 bits) into [`BUCKETS`] buckets; a bucket counts once
//! however often it is hit, and the vector is scaled to unit length.

use std::sync::LazyLock;

/// What the model says a message is, when it says anything.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Class {
    Hostility,
    Discrimination,
}

/// Buckets of the hashed feature space.
pub const BUCKETS: usize = 1 << 16;
/// Classes, in the weight file's order.
const CLASSES: usize = 3;

/// The trained weights (`model/hostility.bin`). Layout, little-endian: `HMv1`, the bucket count
/// (u32), the weight scale (f32), the three biases (f32), the threshold (f32), then per bucket
/// the three weights as i8 (weight = i8 × scale).
static WEIGHTS: &[u8] = include_bytes!("../model/hostility.bin");

struct Model {
    scale: f32,
    bias: [f32; CLASSES],
    /// The probability of harm (hostility or discrimination) from which the model speaks.
    threshold: f32,
    /// Per bucket, the three classes' weights, each an i8 stored as its byte.
    weights: &'static [u8],
}

static MODEL: LazyLock<Model> = LazyLock::new(|| parse(WEIGHTS).expect("model/hostility.bin"));

fn parse(bytes: &'static [u8]) -> Option<Model> {
    let f32_at = |i: usize| Some(f32::from_le_bytes(bytes.get(i..i + 4)?.try_into().ok()?));
    if bytes.get(..4)? != b"HMv1" {
        return None;
    }
    let buckets = u32::from_le_bytes(bytes.get(4..8)?.try_into().ok()?) as usize;
    let weights = bytes.get(28..)?;
    if buckets != BUCKETS || weights.len() != buckets * CLASSES {
        return None;
    }
    Some(Model {
        scale: f32_at(8)?,
        bias: [f32_at(12)?, f32_at(16)?, f32_at(20)?],
        threshold: f32_at(24)?,
        weights,
    })
}

/// Builds the model now rather than on the first message.
pub fn warm_up() {
    LazyLock::force(&MODEL);
}

fn fnv1a(parts: &[&[u8]]) -> u32 {
    let mut hash: u32 = 0x811c_9dc5;
    for part in parts {
        for &b in *part {
            hash ^= u32::from(b);
            hash = hash.wrapping_mul(0x0100_0193);
        }
    }
    hash
}

/// The distinct buckets a message's words hit (see the module's doc), sorted.
pub fn features(words: &[&[u8]]) -> Vec<u32> {
    let mask = (BUCKETS - 1) as u32;
    let mut buckets = Vec::with_capacity(words.len() * 16);
    let mut padded = Vec::with_capacity(32);
    for (i, word) in words.iter().enumerate() {
        padded.clear();
        padded.push(b' ');
        padded.extend_from_slice(word);
        padded.push(b' ');
        for n in 2..=5 {
            for gram in padded.windows(n) {
                buckets.push(fnv1a(&[b"c:", gram]) & mask);
            }
        }
        buckets.push(fnv1a(&[b"w:", word]) & mask);
        if let Some(next) = words.get(i + 1) {
            buckets.push(fnv1a(&[b"b:", word, b" ", next]) & mask);
        }
    }
    buckets.sort_unstable();
    buckets.dedup();
    buckets
}

/// What the model makes of a message's words (the frames' words,
/// [`crate::hostility::plain_words`]): the class it leans to when the probability of harm reaches
/// its threshold, or `None`.
pub fn judge(words: &[&[u8]]) -> Option<Class> {
    if words.is_empty() {
        return None;
    }
    let model = &*MODEL;
    let buckets = features(words);
    let norm = 1.0 / (buckets.len() as f32).sqrt();
    let mut scores = model.bias;
    for bucket in buckets {
        let at = bucket as usize * CLASSES;
        for (class, score) in scores.iter_mut().enumerate() {
            *score += f32::from(model.weights[at + class] as i8) * model.scale * norm;
        }
    }
    let top = scores.iter().copied().fold(f32::MIN, f32::max);
    let exp: Vec<f32> = scores.iter().map(|s| (s - top).exp()).collect();
    let total: f32 = exp.iter().sum();
    let harm = (exp[1] + exp[2]) / total;
    let class = if exp[2] > exp[1] {
        Class::Discrimination
    } else {
        Class::Hostility
    };
    (harm >= model.threshold).then_some(class)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_weights_parse() {
        let model = parse(WEIGHTS).expect("a model");
        assert!(model.threshold > 0.5 && model.threshold < 1.0);
    }

    #[test]
    fn features_are_stable_and_distinct() {
        let a = features(&[b"you", b"are"]);
        assert_eq!(a, features(&[b"you", b"are"]));
        assert!(a.windows(2).all(|w| w[0] < w[1]));
        assert_ne!(a, features(&[b"are", b"you"]));
    }
}
