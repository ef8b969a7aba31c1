//! Sealed strings: authenticated encryption (AES-256-GCM) with a key the emulator owns.
//!
//! Chat tokens and pagination tokens are sealed so that clients can neither read nor forge
//! them, exactly as with the real service, where both are opaque. The output alphabet is
//! base64url (`[A-Za-z0-9_-]`), which is safe as a WebSocket subprotocol.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;

const NONCE_LEN: usize = 12;
pub const KEY_LEN: usize = 32;

/// What a sealed value is for; bound into the ciphertext so one kind cannot pass for another.
#[derive(Clone, Copy, Debug)]
pub enum Purpose {
    ChatToken,
    RoomsPage,
    LoggingConfigurationsPage,
}

impl Purpose {
    fn label(self) -> &'static [u8] {
        match self {
            Self::ChatToken => b"ivschat-emulator/chat-token/v1",
            Self::RoomsPage => b"ivschat-emulator/list-rooms/v1",
            Self::LoggingConfigurationsPage => b"ivschat-emulator/list-logging-configurations/v1",
        }
    }
}

pub struct Sealer {
    cipher: Aes256Gcm,
}

impl Sealer {
    pub fn new(key: &[u8; KEY_LEN]) -> Self {
        Self {
            cipher: Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(key)),
        }
    }

    pub fn random_key() -> [u8; KEY_LEN] {
        let mut key = [0u8; KEY_LEN];
        rand::rng().fill_bytes(&mut key);
        key
    }

    pub fn seal(&self, purpose: Purpose, plaintext: &[u8]) -> String {
        let mut nonce = [0u8; NONCE_LEN];
        rand::rng().fill_bytes(&mut nonce);
        let sealed = self
            .cipher
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: plaintext,
                    aad: purpose.label(),
                },
            )
            .expect("AES-GCM encryption of an in-memory buffer cannot fail");
        let mut out = Vec::with_capacity(NONCE_LEN + sealed.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        URL_SAFE_NO_PAD.encode(out)
    }

    /// The plaintext, or `None` when the value was not sealed by this key for this purpose.
    pub fn open(&self, purpose: Purpose, sealed: &str) -> Option<Vec<u8>> {
        let bytes = URL_SAFE_NO_PAD.decode(sealed).ok()?;
        if bytes.len() < NONCE_LEN {
            return None;
        }
        let (nonce, ciphertext) = bytes.split_at(NONCE_LEN);
        self.cipher
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: ciphertext,
                    aad: purpose.label(),
                },
            )
            .ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_values_open_only_with_their_key_and_purpose() {
        let sealer = Sealer::new(&Sealer::random_key());
        let token = sealer.seal(Purpose::ChatToken, b"hello");
        assert!(
            token
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        );
        assert_eq!(
            sealer.open(Purpose::ChatToken, &token).as_deref(),
            Some(&b"hello"[..])
        );
        assert_eq!(sealer.open(Purpose::RoomsPage, &token), None);
        let other = Sealer::new(&Sealer::random_key());
        assert_eq!(other.open(Purpose::ChatToken, &token), None);
        let mut tampered = token.clone();
        tampered.replace_range(20..21, if &token[20..21] == "A" { "B" } else { "A" });
        assert_eq!(sealer.open(Purpose::ChatToken, &tampered), None);
        assert_eq!(sealer.open(Purpose::ChatToken, "!!"), None);
    }
}
