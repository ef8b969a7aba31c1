//! Roles and what they may do: decided on the server from the caller's identity and the
//! room's records, never taken from the request.

use serde::{Deserialize, Serialize};

use crate::domain::identity::Caller;
use crate::domain::records::RoomRecord;

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

const ALL: &[Capability] = &[
    Capability::SendMessage,
    Capability::DeleteMessage,
    Capability::DisconnectUser,
];

impl Role {
    /// Resolves the caller's role in a room: admin by group, owner by record, moderator by the
    /// room's moderator list, anyone else a viewer.
    pub fn of(caller: &Caller, room: &RoomRecord, is_listed_moderator: bool) -> Self {
        if caller.is_admin() {
            Self::Admin
        } else if room.owner == caller.user_id {
            Self::Owner
        } else if is_listed_moderator {
            Self::Moderator
        } else {
            Self::Viewer
        }
    }

    /// The chat token capabilities of the role.
    pub fn capabilities(self) -> &'static [Capability] {
        match self {
            Self::Admin | Self::Owner | Self::Moderator => ALL,
            Self::Viewer => &ALL[..1],
        }
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
        let room = RoomRecord::new("AbCdEf123456", "arn", "owner-1", "lobby");
        let cases = [
            (caller("admin-1", &["admin"]), false, Role::Admin, 3),
            (caller("owner-1", &[]), false, Role::Owner, 3),
            (caller("mod-1", &[]), true, Role::Moderator, 3),
            (caller("viewer-1", &["moderators"]), false, Role::Viewer, 1),
        ];
        for (who, listed, role, caps) in cases {
            let got = Role::of(&who, &room, listed);
            assert_eq!(got, role, "{}", who.user_id);
            assert_eq!(got.capabilities().len(), caps);
        }
        assert_eq!(Role::Viewer.capabilities(), [Capability::SendMessage]);
        assert!(Role::Moderator.moderates() && !Role::Moderator.manages());
        assert!(Role::Owner.manages() && !Role::Viewer.moderates());
    }
}
