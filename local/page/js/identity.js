// Who the user is, and the token that says so. The back end's /config.json says how to sign in
// (never edited by hand: chat-local serves it, the deploy script writes it from the stack's
// outputs): chat-local's dev sign-in, or an Amazon Cognito user pool, which this module speaks
// to through amazon-cognito-identity-js (vendored: ../vendor/, scripts/vendor-page.sh) — sign-up,
// confirmation code, SRP sign-in, forgotten password, sign-out with the refresh token revoked.
//
// The Cognito session lives in this tab's sessionStorage (the library's own keys) and in memory;
// never in a URL, never in localStorage. The ID token (it carries the name and the groups the
// API reads) is refreshed before it expires, and again on demand when a request finds it about
// to; a refresh the pool refuses (the refresh token expired or was revoked) ends the sign-in.

import { state } from './state.js';
import { up } from './hooks.js'; // signOut, in session.js, which sits above
import {
  AuthenticationDetails, CognitoUser, CognitoUserAttribute, CognitoUserPool,
} from '../vendor/amazon-cognito-identity.js';

let pool = null;
let user = null; // the signed-in CognitoUser
let refreshTimer = null;
let refreshing = null; // the refresh in flight: one at a time
let expiresAt = 0; // when the ID token ends, by this browser's clock

/** Reads /config.json into state.config: {apiBase, messaging: {endpoint, region}, identity, ...}. */
export async function loadConfig() {
  const response = await fetch('/config.json', { cache: 'no-store', credentials: 'omit' });
  if (!response.ok) throw new Error(`the page's settings (config.json) answered ${response.status}`);
  const config = await response.json();
  const api = new URL(config.apiUrl || '/', location.href);
  const messaging = (config.messaging && config.messaging.endpoint) || config.messagingEndpoint;
  const identity = config.identity || { kind: 'dev' };
  if (!['http:', 'https:'].includes(api.protocol)) throw new Error('config.json: apiUrl is not an http(s) URL');
  if (!/^wss?:\/\//.test(messaging || '')) throw new Error('config.json: messaging.endpoint is not a ws(s) URL');
  if (identity.kind === 'cognito' && !(identity.userPoolId && identity.clientId)) {
    throw new Error('config.json: a Cognito identity needs userPoolId and clientId');
  }
  state.config = {
    ...config,
    apiBase: api.href.replace(/\/+$/, ''),
    messaging: { ...(config.messaging || {}), endpoint: messaging },
    identity,
  };
  return state.config;
}

export const kind = () => (state.config && state.config.identity.kind) || 'dev';

function cognitoPool() {
  if (!pool) {
    const id = state.config.identity;
    pool = new CognitoUserPool({
      UserPoolId: id.userPoolId,
      ClientId: id.clientId,
      // Cognito's own endpoint unless the config names another (a local stand-in).
      endpoint: id.endpoint || undefined,
      Storage: window.sessionStorage,
    });
  }
  return pool;
}

const cognitoUser = (email) => new CognitoUser({ Username: email.trim(), Pool: cognitoPool(), Storage: window.sessionStorage });

const nodeCallback = (resolve, reject) => (err, result) => (err ? reject(err) : resolve(result));

/** What the page keeps of a Cognito session: the ID token and who it names. */
function adopt(session) {
  const idToken = session.getIdToken();
  const claims = idToken.decodePayload();
  // The lifetime the pool gave, counted on this browser's clock (the two clocks may differ).
  const lifetime = Math.max(0, Number(claims.exp) - Number(claims.iat)) || 300;
  expiresAt = Date.now() + lifetime * 1000;
  scheduleRefresh(lifetime);
  const fields = {
    token: idToken.getJwtToken(),
    userId: claims.sub,
    displayName: claims.name || claims.email || claims['cognito:username'] || claims.sub,
    email: claims.email || '',
    groups: Array.isArray(claims['cognito:groups']) ? claims['cognito:groups'] : [],
  };
  // A refresh changes the token in place: everything that holds the session sees the new one.
  if (state.session && state.session.userId === fields.userId) Object.assign(state.session, fields);
  else state.session = fields;
  return state.session;
}

/** A fifth of the lifetime before the end, 5 s to 5 min: an hour's token at 55 minutes. */
function scheduleRefresh(lifetime) {
  clearTimeout(refreshTimer);
  const margin = Math.min(300, Math.max(5, lifetime / 5));
  refreshTimer = setTimeout(() => {
    refresh().catch((e) => {
      if (e && e.code === 'NotAuthorizedException') return;
      // The network, or the pool busy: try again shortly, while the token still holds.
      refreshTimer = setTimeout(() => scheduleRefresh(0), 5000);
    });
  }, Math.max(1, lifetime - margin) * 1000);
}

/** A new ID token from the refresh token. A refusal ends the sign-in (the page says why). */
export function refresh() {
  if (kind() !== 'cognito' || !user) return Promise.reject(new Error('not signed in with Cognito'));
  if (!refreshing) {
    const current = user;
    refreshing = new Promise((resolve, reject) => {
      const session = current.getSignInUserSession();
      if (!session) {
        reject(Object.assign(new Error('no session'), { code: 'NotAuthorizedException' }));
        return;
      }
      current.refreshSession(session.getRefreshToken(), nodeCallback(resolve, reject));
    }).then((session) => {
      if (user !== current) throw new Error('signed out meanwhile');
      return adopt(session);
    }, (e) => {
      if (e && e.code === 'NotAuthorizedException' && user === current) {
        up.signOut('Your sign-in has ended: sign in again.');
      }
      throw e;
    }).finally(() => { refreshing = null; });
  }
  return refreshing;
}

/** The token to send now: refreshed first if it ends within a few seconds. */
export async function freshToken() {
  if (kind() === 'cognito' && user && Date.now() > expiresAt - 5000) await refresh();
  return state.session && state.session.token;
}

export const canRefresh = () => kind() === 'cognito' && Boolean(user);

/** The Cognito sign-in this tab kept (a reload), refreshed if it expired; null if none. */
export function resumeCognito() {
  const current = cognitoPool().getCurrentUser();
  if (!current) return Promise.resolve(null);
  return new Promise((resolve) => {
    current.getSession((err, session) => {
      if (err || !session || !session.isValid()) {
        current.signOut();
        resolve(null);
        return;
      }
      user = current;
      resolve(adopt(session));
    });
  });
}

/** Signs in with the pool (SRP: the password never leaves the browser). */
export function signInCognito(email, password) {
  const candidate = cognitoUser(email);
  return new Promise((resolve, reject) => {
    const refuse = (words) => () => reject(Object.assign(new Error(words), { code: 'Unsupported' }));
    candidate.authenticateUser(new AuthenticationDetails({ Username: email.trim(), Password: password }), {
      onSuccess: (session) => {
        user = candidate;
        resolve(adopt(session));
      },
      onFailure: reject,
      newPasswordRequired: refuse('An administrator created this account: set your password with "Forgot your password?".'),
      mfaRequired: refuse('This account asks for a one-time code, which this page cannot take yet.'),
      totpRequired: refuse('This account asks for a one-time code, which this page cannot take yet.'),
      selectMFAType: refuse('This account asks for a one-time code, which this page cannot take yet.'),
      mfaSetup: refuse('This account must set up a one-time code first, which this page cannot do yet.'),
      customChallenge: refuse('This pool asks for a custom challenge, which this page cannot answer.'),
    });
  });
}

export function signUp(name, email, password) {
  const attributes = [
    new CognitoUserAttribute({ Name: 'name', Value: name.trim() }),
    new CognitoUserAttribute({ Name: 'email', Value: email.trim() }),
  ];
  return new Promise((resolve, reject) => {
    cognitoPool().signUp(email.trim(), password, attributes, null, nodeCallback(resolve, reject));
  });
}

export const confirmSignUp = (email, code) => new Promise((resolve, reject) => {
  cognitoUser(email).confirmRegistration(code.trim(), true, nodeCallback(resolve, reject));
});

export const resendCode = (email) => new Promise((resolve, reject) => {
  cognitoUser(email).resendConfirmationCode(nodeCallback(resolve, reject));
});

export const forgotPassword = (email) => new Promise((resolve, reject) => {
  cognitoUser(email).forgotPassword({ onSuccess: resolve, onFailure: reject, inputVerificationCode: resolve });
});

export const resetPassword = (email, code, password) => new Promise((resolve, reject) => {
  cognitoUser(email).confirmPassword(code.trim(), password, { onSuccess: resolve, onFailure: reject });
});

/** Ends the Cognito session: its refresh token revoked at the pool, its tokens gone from the tab. */
export function signOutCognito() {
  clearTimeout(refreshTimer);
  refreshTimer = null;
  expiresAt = 0;
  const current = user;
  user = null;
  if (current) {
    // revokeTokens reads the refresh token now; the request goes on after the local copy is gone.
    try { current.revokeTokens(() => {}); } catch (e) { console.error('refresh token not revoked', e); }
    current.signOut();
  }
  // Whatever the library kept for this pool in this tab.
  if (kind() === 'cognito') {
    const prefix = `CognitoIdentityServiceProvider.${state.config.identity.clientId}.`;
    for (const key of Object.keys(sessionStorage)) if (key.startsWith(prefix)) sessionStorage.removeItem(key);
  }
}

/** Cognito's error, in words for the person at the keyboard. */
export function wordsFor(e) {
  const code = e && e.code;
  switch (code) {
    case 'NotAuthorizedException':
      return /limit|attempts/i.test(e.message) ? 'Too many tries: wait a few minutes and try again.' : 'Wrong email or password.';
    case 'UserNotFoundException': return 'Wrong email or password.';
    case 'UsernameExistsException': return 'An account with this email exists already: sign in, or reset its password.';
    case 'InvalidPasswordException': return 'The password is too weak: at least 12 characters, with upper and lower case letters and a number.';
    case 'CodeMismatchException': return 'That code is not right: check it, or ask for a new one.';
    case 'ExpiredCodeException': return 'That code has expired: ask for a new one.';
    case 'LimitExceededException':
    case 'TooManyRequestsException':
    case 'TooManyFailedAttemptsException': return 'Too many tries: wait a few minutes and try again.';
    case 'InvalidParameterException': return e.message;
    default:
      if (e && e.message === 'Network error') return 'The sign-in service cannot be reached: check the connection and try again.';
      return (e && e.message) || 'The sign-in did not work.';
  }
}
