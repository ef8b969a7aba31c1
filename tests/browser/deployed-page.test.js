// The page as a deployed stack serves it: scripts/deploy-page.sh renders it from a stack's
// outputs (config.json, and the CSP naming the exact API in index.html), and it is served here
// with the security headers template.yaml gives CloudFront (its CSP read from the template).
// The page must start under both policies — no violation, no error — and offer the Cognito
// sign-in for the stack's pool, with nothing on the page naming chat-local.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { WAIT, launchBrowser } = require('./helpers');

const ROOT = path.resolve(__dirname, '..', '..');
const REGION = 'eu-west-1';
const OUTPUTS = [
  ['ApiUrl', `https://abc123defg.execute-api.${REGION}.amazonaws.com/`],
  ['JwtIssuerUrl', `https://cognito-idp.${REGION}.amazonaws.com/${REGION}_AbC123`],
  ['UserPoolId', `${REGION}_AbC123`],
  ['UserPoolClientId', '4abcdefghijklmnopqrstuvwxy'],
  ['PageBucketName', 'chat-pagebucket-abc'],
  ['PageDistributionId', 'E1234567890'],
  ['PageUrl', 'https://d1234.cloudfront.net/'],
].map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue }));

let dir;
let server;
let browser;

/** The headers template.yaml's PageHeadersPolicy gives every page file, for this region. */
function templateHeaders() {
  const template = fs.readFileSync(path.join(ROOT, 'template.yaml'), 'utf8');
  const block = template.match(/ContentSecurityPolicy: !Sub >-\n((?: {14}.*\n)+)/);
  assert.ok(block, 'template.yaml has the page CSP');
  // A folded (>-) scalar: its lines joined with spaces.
  const csp = block[1].split('\n').map((l) => l.trim()).filter(Boolean).join(' ')
    .replaceAll('${AWS::Region}', REGION);
  assert.doesNotMatch(csp, /\$\{/);
  return {
    'content-security-policy': csp,
    'strict-transport-security': 'max-age=63072000; includeSubDomains',
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
  };
}

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deployed-page-'));
  const outputs = path.join(dir, 'outputs.json');
  fs.writeFileSync(outputs, JSON.stringify(OUTPUTS));
  execFileSync('bash', [path.join(ROOT, 'scripts', 'deploy-page.sh'), '--outputs', outputs, '--region', REGION,
    '--out', path.join(dir, 'site')], { stdio: 'pipe' });
  const headers = templateHeaders();
  const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json' };
  server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    const file = path.join(dir, 'site', url.pathname === '/' ? 'index.html' : url.pathname);
    if (!file.startsWith(path.join(dir, 'site')) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      res.writeHead(404, headers);
      res.end();
      return;
    }
    res.writeHead(200, { ...headers, 'content-type': types[path.extname(file)] || 'application/octet-stream' });
    res.end(fs.readFileSync(file));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  browser = await launchBrowser();
});

after(async () => {
  if (browser) await browser.close();
  if (server) server.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

test('deploy-page.sh writes config.json from the outputs and pins the API in a second CSP', () => {
  const config = JSON.parse(fs.readFileSync(path.join(dir, 'site', 'config.json'), 'utf8'));
  assert.deepEqual(config, {
    apiUrl: OUTPUTS[0].OutputValue,
    messaging: { endpoint: `wss://edge.ivschat.${REGION}.amazonaws.com`, region: REGION },
    identity: {
      kind: 'cognito', issuer: OUTPUTS[1].OutputValue, userPoolId: `${REGION}_AbC123`, region: REGION,
      clientId: '4abcdefghijklmnopqrstuvwxy',
    },
  });
  const index = fs.readFileSync(path.join(dir, 'site', 'index.html'), 'utf8');
  const meta = index.match(/<meta http-equiv="Content-Security-Policy" content="([^"]+)">/);
  assert.ok(meta, 'index.html carries the CSP');
  const connect = meta[1].match(/connect-src ([^;]+)/)[1].split(' ');
  assert.deepEqual(connect, ["'self'", `https://abc123defg.execute-api.${REGION}.amazonaws.com`,
    `wss://edge.ivschat.${REGION}.amazonaws.com`, `https://cognito-idp.${REGION}.amazonaws.com`]);
  // The vendored library and its licences go up with the page.
  assert.ok(fs.existsSync(path.join(dir, 'site', 'vendor', 'amazon-cognito-identity.js')));
  assert.ok(fs.existsSync(path.join(dir, 'site', 'vendor', 'LICENSES.txt')));
});

test('deploy-page.sh refuses outputs that are not this template\'s', () => {
  const outputs = path.join(dir, 'bad.json');
  for (const bad of [
    OUTPUTS.filter((o) => o.OutputKey !== 'PageBucketName'),
    OUTPUTS.map((o) => (o.OutputKey === 'ApiUrl' ? { ...o, OutputValue: 'http://plain.example.com/' } : o)),
  ]) {
    fs.writeFileSync(outputs, JSON.stringify(bad));
    assert.throws(() => execFileSync('bash', [path.join(ROOT, 'scripts', 'deploy-page.sh'), '--outputs', outputs,
      '--region', REGION, '--out', path.join(dir, 'bad')], { stdio: 'pipe' }));
  }
});

test('the deployed page starts under CloudFront\'s headers and offers the pool\'s sign-in', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.setDefaultTimeout(WAIT);
  const problems = [];
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`));
  });
  const response = await page.goto(`http://127.0.0.1:${server.address().port}/`);
  assert.match(response.headers()['content-security-policy'], /frame-ancestors 'none'/);
  await page.locator('#cg-sign-in').waitFor();
  assert.equal(await page.isVisible('#sign-in-form'), false, 'no dev sign-in on a deployed page');
  assert.equal(await page.isVisible('#stage-tag'), false, 'no "local" tag');
  const config = await page.evaluate(async () => (await import('/js/state.js')).state.config);
  assert.equal(config.apiBase, `https://abc123defg.execute-api.${REGION}.amazonaws.com`);
  assert.deepEqual(problems, []);
});
