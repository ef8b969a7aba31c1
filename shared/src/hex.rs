//! Lowercase hex for the few bytes the backend writes as text (keys, MAC tags).

pub fn encode(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The bytes of lowercase hex; `None` for anything else (odd length, other characters,
/// capitals: one spelling per value).
pub fn decode(hex: &str) -> Option<Vec<u8>> {
    let canonical = |b: u8| b.is_ascii_digit() || (b'a'..=b'f').contains(&b);
    if !hex.len().is_multiple_of(2) || !hex.bytes().all(canonical) {
        return None;
    }
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn round_trips_and_refuses_other_spellings() {
        assert_eq!(super::encode(&[0, 171, 255]), "00abff");
        assert_eq!(super::decode("00abff"), Some(vec![0, 171, 255]));
        for bad in ["0", "00ABFF", "zz", "0x00"] {
            assert_eq!(super::decode(bad), None, "{bad}");
        }
    }
}
