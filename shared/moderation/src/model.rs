//! A small learned model beside the frames: a linear model over hashed character and word
//! n-grams of the message's words (the same skeleton words the frames read), three classes
//! (nothing, hostility, discrimination). The frames catch what they were written for; the model
//! catches the same harms worded otherwise. Trained offline on the tune and development lines of
//! the hostility corpus (`scripts/corpus/train-hostility-model.py`, see `model/README.md`) and
//! compiled into the binary: no network, nothing read at run time.
//!
//! The features, which the training script computes the same way: for each word `w`, the
//! character n-grams (2 to 5) of ` w ` and the word itself; for each pair of neighbouring words,
//! the pair. Each is hashed (FNV-1a, 32 bits) into [`BUCKETS`] buckets; a bucket's value is how
//! often it is hit, divided by the square root of the number of features (so a message's
//! length does not decide its score). No sorting, no set: one pass, summing as it goes.

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
    /// Per bucket, the three classes' weights (i8) packed in one word, each biased by 128 to
    /// sit in its own byte: one load per feature instead of three.
    weights: Vec<u32>,
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
        weights: weights
            .chunks_exact(CLASSES)
            .map(|w| {
                w.iter()
                    .enumerate()
                    .map(|(class, &b)| u32::from((b as i8 as i16 + 128) as u8) << (8 * class))
                    .sum()
            })
            .collect(),
    })
}

/// Builds the model now rather than on the first message.
pub fn warm_up() {
    LazyLock::force(&MODEL);
}

/// Moves the 16-bit lanes' sums into the totals.
fn flush(lanes: &mut u64, total: &mut [i64; CLASSES]) {
    for (class, sum) in total.iter_mut().enumerate() {
        *sum += ((*lanes >> (16 * class)) & 0xffff) as i64;
    }
    *lanes = 0;
}

const FNV_START: u32 = 0x811c_9dc5;

fn fnv1a(mut hash: u32, bytes: &[u8]) -> u32 {
    for &b in bytes {
        hash ^= u32::from(b);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    hash
}

/// Calls `each` with the bucket of every feature of a message's words (see the module's doc),
/// as often as it occurs. A character n-gram's hash extends its one-shorter prefix's.
pub fn features(words: &[&[u8]], mut each: impl FnMut(usize)) {
    let mask = (BUCKETS - 1) as u32;
    let grams = fnv1a(FNV_START, b"c:");
    let mut padded = Vec::with_capacity(32);
    for (i, word) in words.iter().enumerate() {
        padded.clear();
        padded.push(b' ');
        padded.extend_from_slice(word);
        padded.push(b' ');
        for start in 0..padded.len() - 1 {
            let mut hash = fnv1a(grams, &padded[start..=start]);
            for &b in padded.iter().skip(start + 1).take(4) {
                hash = fnv1a(hash, &[b]);
                each((hash & mask) as usize);
            }
        }
        each((fnv1a(fnv1a(FNV_START, b"w:"), word) & mask) as usize);
        if let Some(next) = words.get(i + 1) {
            let pair = fnv1a(fnv1a(fnv1a(FNV_START, b"b:"), word), b" ");
            each((fnv1a(pair, next) & mask) as usize);
        }
    }
}

/// What the model makes of a message's words (the words the frames read: skeleton letters, `@`
/// for a mention): the class it leans to when the probability of harm reaches its threshold, or
/// `None`.
pub fn judge(words: &[&[u8]]) -> Option<Class> {
    if words.is_empty() {
        return None;
    }
    let model = &*MODEL;
    // Summed per byte in 64-bit lanes (16 bits each: no carry before 256 features), then
    // unbiased: Σ(w + 128) − 128·n.
    let (mut lanes, mut total, mut count) = (0u64, [0i64; CLASSES], 0u32);
    features(words, |bucket| {
        let packed = u64::from(model.weights[bucket]);
        lanes += (packed & 0xff) | ((packed & 0xff00) << 8) | ((packed & 0xff_0000) << 16);
        count += 1;
        if count % 256 == 0 {
            flush(&mut lanes, &mut total);
        }
    });
    flush(&mut lanes, &mut total);
    let norm = model.scale / (count as f32).sqrt();
    let mut scores = model.bias;
    for (score, sum) in scores.iter_mut().zip(total) {
        *score += (sum - 128 * i64::from(count)) as f32 * norm;
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

    fn buckets(words: &[&[u8]]) -> Vec<usize> {
        let mut all = Vec::new();
        features(words, |b| all.push(b));
        all
    }

    #[test]
    fn features_are_the_documented_ones() {
        // " ab ": 3 bigrams, 2 trigrams, 1 four-gram; the word; no pair.
        assert_eq!(buckets(&[b"ab"]).len(), 7);
        let hash = |s: &[u8]| (fnv1a(FNV_START, s) & (BUCKETS as u32 - 1)) as usize;
        assert!(buckets(&[b"ab"]).contains(&hash(b"c: a")));
        assert!(buckets(&[b"ab"]).contains(&hash(b"c: ab ")));
        assert!(buckets(&[b"ab"]).contains(&hash(b"w:ab")));
        assert!(buckets(&[b"ab", b"c"]).contains(&hash(b"b:ab c")));
        assert_ne!(buckets(&[b"you", b"are"]), buckets(&[b"are", b"you"]));
    }
}
