// token-issuer's job in Node.js (AWS SDK for JavaScript v3), as a team would write it in a
// Node Lambda: read the room, the caller's moderator entry, ban and profile at once, then mint
// the token (CreateChatToken) and write the profile only when it changed or is 5 minutes old.
// Run by functions/token-issuer/benches/lambda.rs with the same emulator, table and users as
// the Rust handler, so the two are measured in one run. Prints one JSON line of figures.
import { CreateChatTokenCommand, IvschatClient } from "@aws-sdk/client-ivschat";
import { DynamoDBClient, GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";

const env = process.env;
const table = env.TABLE;
const roomId = env.ROOM_ID;
const tokens = Number(env.TOKENS ?? 500);
const users = Number(env.USERS ?? 50);
const config = {
  region: "us-east-1",
  credentials: { accessKeyId: "test", secretAccessKey: "test" },
};
const ivs = new IvschatClient({ ...config, endpoint: env.IVS_ENDPOINT });
const db = new DynamoDBClient({ ...config, endpoint: env.DYNAMO_ENDPOINT });
const REFRESH_MS = 5 * 60 * 1000;
const CAPABILITIES = {
  viewer: ["SEND_MESSAGE"],
  moderator: ["SEND_MESSAGE", "DELETE_MESSAGE", "DISCONNECT_USER"],
  owner: ["SEND_MESSAGE", "DELETE_MESSAGE", "DISCONNECT_USER"],
};

const get = (pk, sk) =>
  db.send(new GetItemCommand({ TableName: table, Key: { pk: { S: pk }, sk: { S: sk } } }));

/// One API Gateway event in, one response out (the body parsed and written as JSON).
async function handle(event) {
  const userId = event.requestContext.authorizer.jwt.claims.sub;
  const displayName = userId;
  const body = JSON.parse(event.body ?? "{}");
  const [room, moderator, ban, profile] = await Promise.all([
    get(`ROOM#${roomId}`, "META"),
    get(`ROOM#${roomId}`, `MOD#${userId}`),
    get(`ROOM#${roomId}`, `BAN#${userId}`),
    get(`USER#${userId}`, "PROFILE"),
  ]);
  if (!room.Item) return { statusCode: 404, body: "{}" };
  if (ban.Item) return { statusCode: 403, body: "{}" };
  const role =
    room.Item.owner.S === userId ? "owner" : moderator.Item ? "moderator" : "viewer";
  const now = Date.now();
  const known = profile.Item;
  const current =
    known &&
    known.displayName?.S === displayName &&
    known.admin?.BOOL === false &&
    now - Number(known.seenAt?.N ?? 0) < REFRESH_MS;
  const [token] = await Promise.all([
    ivs.send(
      new CreateChatTokenCommand({
        roomIdentifier: room.Item.roomArn.S,
        userId,
        capabilities: CAPABILITIES[role],
        sessionDurationInMinutes: 60,
        attributes: { ...(body.displayAttributes ?? {}), displayName, role },
      }),
    ),
    current
      ? null
      : db.send(
          new PutItemCommand({
            TableName: table,
            Item: {
              pk: { S: `USER#${userId}` },
              sk: { S: "PROFILE" },
              userId: { S: userId },
              displayName: { S: displayName },
              admin: { BOOL: false },
              seenAt: { N: String(now) },
            },
          }),
        ),
  ]);
  return {
    statusCode: 200,
    body: JSON.stringify({ token: token.token, roomId, userId, role, capabilities: CAPABILITIES[role] }),
  };
}

const event = (user) => ({
  body: "{}",
  requestContext: { authorizer: { jwt: { claims: { sub: user } } } },
});

// Warm: every user's first token (profiles written), then the measured returning tokens.
for (let u = 0; u < users; u++) await handle(event(`node-viewer-${u}`));
const latencies = [];
for (let i = 0; i < tokens; i++) {
  const started = process.hrtime.bigint();
  const response = await handle(event(`node-viewer-${i % users}`));
  latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
  if (response.statusCode !== 200) throw new Error(`status ${response.statusCode}`);
}
latencies.sort((a, b) => a - b);
const at = (p) => latencies[Math.round((latencies.length - 1) * p)];
console.log(JSON.stringify({ p50_ms: at(0.5), p99_ms: at(0.99), max_ms: latencies.at(-1) }));
