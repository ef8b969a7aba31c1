// Generated from the Rust tables by chat-local (`UPDATE_VOCABULARY=1 cargo test -p chat-local --test page_vocabulary`); do not edit.

// Why a message was refused (the review handler's ERROR 406 reason codes), in words.
export const REASONS = Object.freeze({
  "BANNED": "you are banned from this room",
  "BLOCKED_TERM": "it contains a term this room does not allow",
  "BORDERLINE_DISCRIMINATION": "it may attack people for who they are",
  "BORDERLINE_HOSTILITY": "it may read as an attack on someone",
  "BORDERLINE_PROFANITY": "it may contain profanity",
  "DISCRIMINATION": "it attacks people for who they are (origin, religion, gender, sexuality or disability)",
  "DUPLICATE_MESSAGE": "you just sent the same message",
  "EXCESSIVE_CAPS": "too many capital letters",
  "HELD": "it is waiting for a moderator to approve it",
  "HELD_QUEUE_FULL": "the moderators have too many messages to review: try again later",
  "HOSTILITY": "it reads as a threat, a wish of harm or an attack on someone",
  "LINK_NOT_ALLOWED": "links to that site are not allowed here",
  "PROFANITY": "it contains profanity",
  "REPEATED_CHARACTERS": "too many repeated characters",
  "REPEATED_PHRASE": "the same words repeated too often",
  "SLOW_MODE": "slow mode is on",
  "TIMED_OUT": "you are timed out in this room",
  "TOO_MANY_HELD": "you already have messages waiting for a moderator"
});

// The roles, lowest first: each outranks those before it, never an equal.
export const ROLES = Object.freeze([
  "viewer",
  "moderator",
  "owner",
  "admin"
]);
