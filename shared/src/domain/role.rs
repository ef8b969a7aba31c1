//! Roles and what they may do: decided on the server from the caller's identity and the
//! room's records, never taken from the request.

use serde::{Deserialize, Serialize};

use crate::domain::identity::Caller;

/// The IVS Chat token capabilities (model: `ChatTokenCapability`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Capability {
    SendMessage,
    DeleteMessage,
    DisconnectUser,
}

impl Capability {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SendMessage => "SEND_MESSAGE",
            Self::DeleteMessage => "DELETE_MESSAGE",
            Self::DisconnectUser => "DISCONNECT_USER",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Viewer,
    Moderator,
    Owner,
    Admin,
}

/// What every chat token carries. Deleting, kicking, timing out and banning go through the
/// App API, where the role hierarchy is checked and the act audited: a WebSocket action would
/// bypass both (IVS checks only that the token has the capability, not whom it acts on).
const CHAT: &[Capability] = &[Capability::SendMessage];

impl Role {
    /// Every role, lowest first.
    pub const ALL: [Role; 4] = [Self::Viewer, Self::Moderator, Self::Owner, Self::Admin];

    /// Resolves the caller's role in a room: admin by group, owner by the room's record
    /// (`room_owner`), moderator by the room's moderator list, anyone else a viewer.
    pub fn of(caller: &Caller, room_owner: &str, is_listed_moderator: bool) -> Self {
        if caller.is_admin() {
            Self::Admin
        } else if room_owner == caller.user_id {
            Self::Owner
        } else if is_listed_moderator {
            Self::Moderator
        } else {
            Self::Viewer
        }
    }

    /// The chat token capabilities of the role: sending, for everyone (see [`CHAT`]).
    pub fn capabilities(self) -> &'static [Capability] {
        CHAT
    }

    /// Roles are a strict hierarchy, admin > owner > moderator > viewer: one may act only on
    /// those it outranks, never on an equal.
    pub fn outranks(self, other: Role) -> bool {
        self > other
    }

    /// How long a chat session of the role lasts: staff stay connected longest (IVS allows
    /// 1 to 180 minutes).
    pub fn session_minutes(self) -> i32 {
        match self {
            Self::Viewer => 60,
            Self::Moderator => 120,
            Self::Owner | Self::Admin => 180,
        }
    }

    /// Owners, moderators and admins moderate: events, deletions, bans, the audit log.
    pub fn moderates(self) -> bool {
        self >= Self::Moderator
    }

    /// Owners and admins manage the room itself: settings, policy, moderators, tags.
    pub fn manages(self) -> bool {
        self >= Self::Owner
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Viewer => "viewer",
            Self::Moderator => "moderator",
            Self::Owner => "owner",
            Self::Admin => "admin",
        }
    }

    /// Parses the role a chat token carries in its attributes.
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "viewer" => Some(Self::Viewer),
            "moderator" => Some(Self::Moderator),
            "owner" => Some(Self::Owner),
            "admin" => Some(Self::Admin),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caller(user: &str, groups: &[&str]) -> Caller {
        Caller {
            user_id: user.into(),
            display_name: user.into(),
            groups: groups.iter().map(|g| g.to_string()).collect(),
        }
    }

    #[test]
    fn role_to_capabilities_table() {
        let cases = [
            (caller("admin-1", &["admin"]), false, Role::Admin),
            (caller("owner-1", &[]), false, Role::Owner),
            (caller("mod-1", &[]), true, Role::Moderator),
            (caller("viewer-1", &["moderators"]), false, Role::Viewer),
        ];
        for (who, listed, role) in cases {
            let got = Role::of(&who, "owner-1", listed);
            assert_eq!(got, role, "{}", who.user_id);
            // Chat tokens only send: moderation goes through the API.
            assert_eq!(got.capabilities(), [Capability::SendMessage]);
        }
        assert!(Role::Moderator.moderates() && !Role::Moderator.manages());
        assert!(Role::Owner.manages() && !Role::Viewer.moderates());
    }

    #[test]
    fn nobody_outranks_an_equal_or_higher_role() {
        let all = [Role::Viewer, Role::Moderator, Role::Owner, Role::Admin];
        for (i, a) in all.iter().enumerate() {
            for (j, b) in all.iter().enumerate() {
                assert_eq!(a.outranks(*b), i > j, "{a:?} over {b:?}");
            }
        }
    }
}
