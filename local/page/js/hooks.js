// The few calls that go up the module layers, each named here: a lower module calls, say,
// `up.refreshRoom()` where importing connection.js would close an import cycle. main.js fills
// every slot in at start, before anything can call one.
const unwired = (name) => () => { throw new Error(`up.${name} was called before main.js wired it`); };

export const up = Object.seal({
  // api.js, when a request says the sign-in has expired (401) → session.js signs out.
  signOut: unwired('signOut'),
  // people.js, when someone new (or renamed) is seen in the room → moderation.js redraws its lists.
  peopleChanged: unwired('peopleChanged'),
  // moderation.js, card.js and frames.js, when roles or the policy may have changed →
  // connection.js reads the room again (and takes a new token for a new role of one's own).
  refreshRoom: unwired('refreshRoom'),
  // moderation.js, with the room a saved policy gave back → connection.js takes it in.
  applyRoom: unwired('applyRoom'),
  // frames.js, when an unban is heard while timed out → connection.js connects again at once.
  reconnect: unwired('reconnect'),
  // moderation.js, with the outcome of a moderator's one-click act (and its undo) → a line in
  // messages.js's list, which the log reads out.
  announce: unwired('announce'),
});
