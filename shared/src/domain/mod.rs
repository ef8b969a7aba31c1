//! The domain: who the caller is ([`identity`]), what each role may do ([`role`]), a room's
//! moderation [`policy`], and the records the store keeps ([`records`]). No SDK, no HTTP.

pub mod identity;
pub mod policy;
pub mod records;
pub mod role;
