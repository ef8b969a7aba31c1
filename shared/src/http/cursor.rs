//! Cursors the server can trust: what a page's `next` says (how far a reader got) is sealed
//! with an HMAC-SHA256 tag under the table's cursor key (`ChatStore::cursor_key`) and bound to
//! its context (the room), so a client can pass a cursor back but cannot forge or alter one.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// Bytes of the tag kept in a cursor: 128 bits, as hex.
const TAG_BYTES: usize = 16;

fn mac(key: &[u8], context: &str, payload: &str) -> Hmac<Sha256> {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key).expect("HMAC takes any key");
    mac.update(context.as_bytes());
    mac.update(b"\n");
    mac.update(payload.as_bytes());
    mac
}

/// `payload.tag`: `payload` must not hold the last `.` (it may hold others).
pub fn seal(key: &[u8], context: &str, payload: &str) -> String {
    let tag = mac(key, context, payload).finalize().into_bytes();
    format!("{payload}.{}", crate::hex::encode(&tag[..TAG_BYTES]))
}

/// The payload of a cursor sealed under `key` for `context`; `None` for anything else
/// (compared in constant time).
pub fn open<'a>(key: &[u8], context: &str, cursor: &'a str) -> Option<&'a str> {
    let (payload, hex) = cursor.rsplit_once('.')?;
    let tag = crate::hex::decode(hex).filter(|tag| tag.len() == TAG_BYTES)?;
    mac(key, context, payload)
        .verify_truncated_left(&tag)
        .ok()
        .map(|()| payload)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_cursor_opens_only_unaltered_in_its_context() {
        let key = [7u8; 32];
        let sealed = seal(&key, "room-a", "50.001700000000000.abcdefABCDEF");
        assert_eq!(
            open(&key, "room-a", &sealed),
            Some("50.001700000000000.abcdefABCDEF")
        );
        assert_eq!(open(&key, "room-b", &sealed), None);
        assert_eq!(open(&[8u8; 32], "room-a", &sealed), None);
        let forged = sealed.replacen("50.", "0.", 1);
        assert_eq!(open(&key, "room-a", &forged), None);
        let (payload, tag) = sealed.rsplit_once('.').unwrap();
        let shouted = format!("{payload}.{}", tag.to_uppercase());
        for bad in [
            "",
            ".",
            "x",
            "50.0017.abc",
            &sealed[..sealed.len() - 1],
            &shouted,
        ] {
            assert_eq!(open(&key, "room-a", bad), None, "{bad}");
        }
    }
}
