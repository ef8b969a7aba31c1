// A Cognito user pool on this machine, for the browser tests: the slice of Amazon Cognito's
// own JSON API (`X-Amz-Target: AWSCognitoIdentityProviderService.*`) that the chat page's
// vendored amazon-cognito-identity-js speaks, and the pool's OIDC discovery document and JWKS
// that chat-local verifies tokens with. The page runs the very code it runs against Cognito.
//
// Why not moto (already installed by the test command)? Checked on moto 5.2.5: its SRP
// challenge accepts any password (PASSWORD_CLAIM_SIGNATURE is never checked), its tokens last
// one hour whatever the client says (no refresh mid-test), their `iss` names the AWS host
// rather than the server that serves the JWKS, and they are signed with a key published in
// moto's own package. cognito-local (npm) has no USER_SRP_AUTH at all.
//
// What is real here: SRP-6a exactly as Cognito and the library compute it (RFC 5054's 3072-bit
// group, k = H(N|g), x = H(salt | H(poolName | userId ":" password)), the "Caldera Derived
// Key" HKDF, the signature over poolName | userId | secret block | timestamp), so a wrong
// password fails; the pool keeps a verifier, never the password. RS256 ID and access tokens
// shaped as Cognito's (`aud` / `client_id`, `token_use`, `cognito:groups`, `origin_jti`),
// revocable refresh tokens, confirmation and reset codes, Cognito's password policy as
// template.yaml sets it. Codes are not mailed: the test reads them (`lastCode`).
'use strict';

const http = require('node:http');
const crypto = require('node:crypto');

const N = BigInt(`0x${[
  'FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD',
  'EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED',
  'EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F',
  '83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B',
  'E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510',
  '15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7',
  'ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C',
  'BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF',
].join('')}`);
const G = 2n;

const sha256 = (data) => crypto.createHash('sha256').update(data).digest();
const hexHash = (hex) => sha256(Buffer.from(hex, 'hex')).toString('hex');
const hmac = (key, data) => crypto.createHmac('sha256', key).update(data).digest();
const big = (hex) => BigInt(`0x${hex}`);
const randomBig = (bytes) => big(crypto.randomBytes(bytes).toString('hex'));

/** The library's padHex for non-negative values: even length, a 00 byte if the top bit is set. */
function padHex(n) {
  let hex = n.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  return /^[89a-f]/i.test(hex) ? `00${hex}` : hex;
}

function modPow(base, exp, mod) {
  let result = 1n;
  let b = base % mod;
  let e = exp;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % mod;
    b = (b * b) % mod;
    e >>= 1n;
  }
  return result;
}

const K = big(hexHash(padHex(N) + padHex(G)));

const b64url = (data) => Buffer.from(data).toString('base64url');

class CognitoError extends Error {
  constructor(type, message, status = 400) {
    super(message);
    this.type = type;
    this.status = status;
  }
}

/** Cognito's password policy as template.yaml sets it. */
function checkPassword(password) {
  const ok = typeof password === 'string' && password.length >= 12 && /[a-z]/.test(password)
    && /[A-Z]/.test(password) && /[0-9]/.test(password);
  if (!ok) {
    throw new CognitoError('InvalidPasswordException',
      'Password did not conform with policy: at least 12 characters, with upper and lower case letters and a number');
  }
}

/**
 * Starts the stand-in on a free loopback port. `options.idTokenSeconds` is the lifetime of ID
 * and access tokens (Cognito's minimum is 5 minutes; a test shortens it to refresh mid-chat).
 */
async function startCognito(options = {}) {
  const region = 'us-east-1';
  const poolId = `${region}_local${crypto.randomBytes(3).toString('hex')}`;
  const poolName = poolId.split('_')[1];
  const clientId = crypto.randomBytes(13).toString('hex').slice(0, 26);
  const settings = { idTokenSeconds: options.idTokenSeconds || 3600, refreshTokenSeconds: 30 * 86400 };
  const users = new Map(); // email → user
  const sessions = new Map(); // SRP session → {user, A, B, b, secretBlock, expires}
  const refreshTokens = new Map(); // token → {user, expires, revoked, originJti}
  const calls = []; // operations, in order (what a test checks the page did)
  let keys = [];

  function rotateKey() {
    const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    const kid = crypto.randomBytes(12).toString('base64url');
    keys = [{ kid, privateKey, publicKey }, ...keys].slice(0, 2);
    return kid;
  }
  rotateKey();

  const server = http.createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${server.address().port}`;
  const issuer = `${base}/${poolId}`;

  function sign(payload) {
    const { kid, privateKey } = keys[0];
    const head = b64url(JSON.stringify({ kid, alg: 'RS256' }));
    const body = b64url(JSON.stringify(payload));
    const signature = crypto.sign('RSA-SHA256', Buffer.from(`${head}.${body}`), privateKey);
    return `${head}.${body}.${b64url(signature)}`;
  }

  function tokens(user, originJti) {
    const now = Math.floor(Date.now() / 1000);
    const common = {
      sub: user.sub, iss: issuer, origin_jti: originJti, event_id: crypto.randomUUID(),
      auth_time: now, iat: now, exp: now + settings.idTokenSeconds,
    };
    const groups = user.groups.size ? { 'cognito:groups': [...user.groups] } : {};
    const idToken = sign({
      ...common, ...groups, aud: clientId, token_use: 'id', email_verified: true,
      'cognito:username': user.username, name: user.name, email: user.email, jti: crypto.randomUUID(),
    });
    const accessToken = sign({
      ...common, ...groups, client_id: clientId, token_use: 'access',
      scope: 'aws.cognito.signin.user.admin', username: user.username, jti: crypto.randomUUID(),
    });
    return { IdToken: idToken, AccessToken: accessToken, ExpiresIn: settings.idTokenSeconds, TokenType: 'Bearer' };
  }

  const code = () => String(crypto.randomInt(0, 1_000_000)).padStart(6, '0');
  // By email (the pool's sign-in name) or by the user's own username (its uuid), as Cognito.
  const userByEmail = (name) => {
    const key = String(name || '').trim().toLowerCase();
    return users.get(key) || [...users.values()].find((u) => u.username === key);
  };
  // PreventUserExistenceErrors: an unknown user looks like a wrong password.
  const notAuthorized = () => new CognitoError('NotAuthorizedException', 'Incorrect username or password.');
  const client = (body) => {
    if (body.ClientId !== clientId) throw new CognitoError('ResourceNotFoundException', 'User pool client does not exist.');
  };

  /** A user as sign-up + confirmation leave them: the salt and verifier, never the password. */
  function createUser(email, name, password) {
    checkPassword(password);
    const sub = crypto.randomUUID();
    const salt = crypto.randomBytes(16).toString('hex');
    const x = big(hexHash(padHex(big(salt)) + sha256(`${poolName}${sub}:${password}`).toString('hex')));
    const user = {
      sub, username: sub, email: email.toLowerCase(), name, salt, verifier: modPow(G, x, N),
      confirmed: false, code: code(), resetCode: null, groups: new Set(),
    };
    users.set(user.email, user);
    return user;
  }

  const operations = {
    SignUp(body) {
      client(body);
      const email = String(body.Username || '').trim().toLowerCase();
      if (!/^[^@\s]+@[^@\s]+$/.test(email)) throw new CognitoError('InvalidParameterException', 'Username should be an email.');
      const attributes = Object.fromEntries((body.UserAttributes || []).map((a) => [a.Name, a.Value]));
      if (!attributes.name) throw new CognitoError('InvalidParameterException', 'Attributes did not conform to the schema: name: The attribute is required');
      if (users.has(email)) throw new CognitoError('UsernameExistsException', 'An account with the given email already exists.');
      const { sub } = createUser(email, attributes.name, body.Password);
      return {
        UserConfirmed: false, UserSub: sub,
        CodeDeliveryDetails: { AttributeName: 'email', DeliveryMedium: 'EMAIL', Destination: email.replace(/^(.).*@/, '$1***@') },
      };
    },
    ConfirmSignUp(body) {
      client(body);
      const user = userByEmail(body.Username);
      if (!user) throw new CognitoError('UserNotFoundException', 'Username/client id combination not found.');
      if (user.confirmed) throw new CognitoError('NotAuthorizedException', 'User cannot be confirmed. Current status is CONFIRMED');
      if (body.ConfirmationCode !== user.code) throw new CognitoError('CodeMismatchException', 'Invalid verification code provided, please try again.');
      user.confirmed = true;
      user.code = null;
      return {};
    },
    ResendConfirmationCode(body) {
      client(body);
      const user = userByEmail(body.Username);
      if (user && !user.confirmed) user.code = code();
      return { CodeDeliveryDetails: { AttributeName: 'email', DeliveryMedium: 'EMAIL', Destination: 'e***@***' } };
    },
    InitiateAuth(body) {
      client(body);
      const params = body.AuthParameters || {};
      if (body.AuthFlow === 'USER_SRP_AUTH') {
        const user = userByEmail(params.USERNAME);
        const A = params.SRP_A && /^[0-9a-f]+$/i.test(params.SRP_A) ? big(params.SRP_A) : 0n;
        if (A % N === 0n) throw new CognitoError('InvalidParameterException', 'SRP_A is not valid.');
        if (!user) throw notAuthorized();
        if (!user.confirmed) throw new CognitoError('UserNotConfirmedException', 'User is not confirmed.');
        const b = randomBig(32);
        const B = (K * user.verifier + modPow(G, b, N)) % N;
        const session = crypto.randomBytes(32).toString('base64url');
        const secretBlock = crypto.randomBytes(64).toString('base64');
        sessions.set(session, { user, A, B, b, secretBlock, expires: Date.now() + 3 * 60_000 });
        return {
          ChallengeName: 'PASSWORD_VERIFIER',
          Session: session,
          ChallengeParameters: {
            SALT: user.salt, SRP_B: B.toString(16), SECRET_BLOCK: secretBlock,
            USERNAME: user.username, USER_ID_FOR_SRP: user.username,
          },
        };
      }
      if (body.AuthFlow === 'REFRESH_TOKEN_AUTH' || body.AuthFlow === 'REFRESH_TOKEN') {
        const held = refreshTokens.get(params.REFRESH_TOKEN);
        if (!held || held.revoked) throw new CognitoError('NotAuthorizedException', 'Refresh Token has been revoked');
        if (held.expires < Date.now()) throw new CognitoError('NotAuthorizedException', 'Refresh Token has expired');
        return { AuthenticationResult: tokens(held.user, held.originJti), ChallengeParameters: {} };
      }
      throw new CognitoError('InvalidParameterException', `Unsupported auth flow: ${body.AuthFlow}`);
    },
    RespondToAuthChallenge(body) {
      client(body);
      if (body.ChallengeName !== 'PASSWORD_VERIFIER') throw new CognitoError('InvalidParameterException', 'Unsupported challenge.');
      const held = sessions.get(body.Session);
      sessions.delete(body.Session); // one try per challenge
      const answer = body.ChallengeResponses || {};
      if (!held || held.expires < Date.now()) throw new CognitoError('NotAuthorizedException', 'Invalid session for the user, session is expired.');
      const { user, A, B, b, secretBlock } = held;
      if (answer.USERNAME !== user.username || answer.PASSWORD_CLAIM_SECRET_BLOCK !== secretBlock) throw notAuthorized();
      const when = Date.parse(answer.TIMESTAMP);
      if (!Number.isFinite(when) || Math.abs(Date.now() - when) > 5 * 60_000) throw notAuthorized();
      const u = big(hexHash(padHex(A) + padHex(B)));
      const S = modPow((A * modPow(user.verifier, u, N)) % N, b, N);
      const prk = hmac(Buffer.from(padHex(u), 'hex'), Buffer.from(padHex(S), 'hex'));
      const key = hmac(prk, Buffer.concat([Buffer.from('Caldera Derived Key', 'utf8'), Buffer.from([1])])).subarray(0, 16);
      const expected = hmac(key, Buffer.concat([
        Buffer.from(poolName, 'utf8'), Buffer.from(user.username, 'utf8'),
        Buffer.from(secretBlock, 'base64'), Buffer.from(answer.TIMESTAMP, 'utf8'),
      ]));
      const claimed = Buffer.from(String(answer.PASSWORD_CLAIM_SIGNATURE || ''), 'base64');
      if (claimed.length !== expected.length || !crypto.timingSafeEqual(claimed, expected)) throw notAuthorized();
      const refreshToken = crypto.randomBytes(48).toString('base64url');
      const originJti = crypto.randomUUID();
      refreshTokens.set(refreshToken, { user, originJti, revoked: false, expires: Date.now() + settings.refreshTokenSeconds * 1000 });
      return { AuthenticationResult: { ...tokens(user, originJti), RefreshToken: refreshToken }, ChallengeParameters: {} };
    },
    ForgotPassword(body) {
      client(body);
      const user = userByEmail(body.Username);
      if (user) user.resetCode = code();
      return { CodeDeliveryDetails: { AttributeName: 'email', DeliveryMedium: 'EMAIL', Destination: 'e***@***' } };
    },
    ConfirmForgotPassword(body) {
      client(body);
      const user = userByEmail(body.Username);
      if (!user || !user.resetCode || body.ConfirmationCode !== user.resetCode) {
        throw new CognitoError('CodeMismatchException', 'Invalid verification code provided, please try again.');
      }
      checkPassword(body.Password);
      user.salt = crypto.randomBytes(16).toString('hex');
      const x = big(hexHash(padHex(big(user.salt)) + sha256(`${poolName}${user.username}:${body.Password}`).toString('hex')));
      user.verifier = modPow(G, x, N);
      user.resetCode = null;
      user.confirmed = true;
      return {};
    },
    RevokeToken(body) {
      client(body);
      const held = refreshTokens.get(body.Token);
      if (held) held.revoked = true;
      return {};
    },
  };

  server.on('request', (req, res) => {
    const origin = req.headers.origin;
    const cors = origin ? {
      'access-control-allow-origin': origin,
      'access-control-allow-headers': 'content-type, x-amz-target, x-amz-user-agent, cache-control',
      'access-control-allow-methods': 'POST',
      'access-control-expose-headers': 'x-amzn-errortype, x-amzn-requestid',
      vary: 'origin',
    } : {};
    const send = (status, body, headers = {}) => {
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', ...cors, ...headers });
      res.end(JSON.stringify(body));
    };
    const url = new URL(req.url, base);
    if (req.method === 'GET' && url.pathname === `/${poolId}/.well-known/openid-configuration`) {
      calls.push('discovery');
      return send(200, {
        issuer, jwks_uri: `${issuer}/.well-known/jwks.json`, response_types_supported: ['code', 'token'],
        subject_types_supported: ['public'], id_token_signing_alg_values_supported: ['RS256'],
      }, { 'content-type': 'application/json' });
    }
    if (req.method === 'GET' && url.pathname === `/${poolId}/.well-known/jwks.json`) {
      calls.push('jwks');
      const listed = keys.map(({ kid, publicKey }) => ({ ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' }));
      return send(200, { keys: listed }, { 'content-type': 'application/json' });
    }
    if (req.method === 'OPTIONS') return send(204, {});
    if (req.method !== 'POST' || url.pathname !== '/') return send(404, { message: 'Not found' });
    const target = String(req.headers['x-amz-target'] || '').replace(/^AWSCognitoIdentityProviderService\./, '');
    let raw = '';
    req.on('data', (chunk) => { raw += chunk; });
    req.on('end', () => {
      calls.push(target);
      try {
        const operation = operations[target];
        if (!operation) throw new CognitoError('UnknownOperationException', `${target} is not served here`);
        send(200, operation(JSON.parse(raw || '{}')));
      } catch (e) {
        const error = e instanceof CognitoError ? e : new CognitoError('InternalErrorException', String(e.message), 500);
        send(error.status, { __type: error.type, message: error.message }, { 'x-amzn-errortype': `${error.type}:` });
      }
    });
  });

  return {
    issuer, poolId, clientId, region, endpoint: `${base}/`, settings, calls,
    rotateKey,
    /** A confirmed account, made as the admin console would (the test's own users). */
    addUser: (email, name, password, groups = []) => {
      const user = createUser(email, name, password);
      user.confirmed = true;
      for (const g of groups) user.groups.add(g);
      return user.sub;
    },
    /** The confirmation (or, `reset`, password-reset) code last "mailed" to `email`. */
    lastCode: (email, reset = false) => { const u = userByEmail(email); return u && (reset ? u.resetCode : u.code); },
    addToGroup: (email, group) => userByEmail(email).groups.add(group),
    /** The refresh tokens issued to `email`: {revoked, expires}. */
    refreshTokensOf: (email) => [...refreshTokens.values()].filter((t) => t.user === userByEmail(email)),
    /** Ends every refresh token of `email` now (as their 30 days running out would). */
    expireRefreshTokens: (email) => { for (const t of refreshTokens.values()) if (t.user === userByEmail(email)) t.expires = 0; },
    /** A token for `email` signed by the pool now (for API calls made outside the page). */
    mint: (email) => tokens(userByEmail(email), crypto.randomUUID()),
    stop: () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }),
  };
}

module.exports = { startCognito };
