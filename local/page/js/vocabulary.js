// Generated from the Rust tables by chat-local (`UPDATE_VOCABULARY=1 cargo test --workspace --test page_vocabulary`); do not edit.

// Why a message was refused (the review handler's ERROR 406 reason codes): the sentence the
// sender reads. People never see the codes.
export const REASONS = Object.freeze({
  "BANNED": "You are banned from this room.",
  "BLOCKED_TERM": "This room does not allow one of the words in it.",
  "BORDERLINE_DISCRIMINATION": "It may attack people for who they are.",
  "BORDERLINE_HOSTILITY": "It may read as an attack on someone.",
  "BORDERLINE_PROFANITY": "It may contain profanity.",
  "DISCRIMINATION": "It attacks people for who they are (origin, religion, gender, sexuality or disability).",
  "DUPLICATE_MESSAGE": "You just sent the same message.",
  "EXCESSIVE_CAPS": "It is mostly capital letters: write it in lower case.",
  "HELD": "A moderator looks at it first; only you can see it until then.",
  "HELD_QUEUE_FULL": "The moderators have too many messages to review: try again later.",
  "HOSTILITY": "It reads as a threat, a wish of harm or an attack on someone.",
  "LINK_NOT_ALLOWED": "Links to that site are not allowed in this room.",
  "PROFANITY": "It contains profanity, which this room does not allow.",
  "REPEATED_CHARACTERS": "It repeats one character too many times in a row.",
  "REPEATED_PHRASE": "It repeats the same words too many times.",
  "SLOW_MODE": "Slow mode is on.",
  "TIMED_OUT": "You are timed out in this room.",
  "TOO_MANY_HELD": "You already have messages waiting for a moderator: wait for those first."
});

// IVS's own ERROR frames (by ErrorCode), as the sender reads them.
export const SEND_ERRORS = Object.freeze({
  "400": "It is empty or longer than this room allows.",
  "403": "You cannot send messages in this room right now.",
  "404": "This room no longer exists.",
  "413": "It carries more data than a message may.",
  "429": "The room is too busy right now: wait a moment and send it again.",
  "500": "The chat service could not take it: send it again in a moment."
});

// The roles, lowest first: each outranks those before it, never an equal.
export const ROLES = Object.freeze([
  "viewer",
  "moderator",
  "owner",
  "admin"
]);
