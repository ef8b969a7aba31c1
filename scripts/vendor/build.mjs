// Bundles amazon-cognito-identity-js (and what it imports) into one ES module the chat page
// loads with no build step of its own: local/page/vendor/amazon-cognito-identity.js, with the
// licences of every package inside it in local/page/vendor/LICENSES.txt.
// Run by ../vendor-page.sh (`--check` compares instead of writing: the test command runs that).
import { build } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.resolve(here, '..', '..', 'local', 'page', 'vendor');
const check = process.argv.includes('--check');
const pkg = (dir) => JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
const cognito = pkg(path.join(here, 'node_modules', 'amazon-cognito-identity-js'));
const esbuildVersion = pkg(path.join(here, 'node_modules', 'esbuild')).version;

// Only what the page uses: the rest of the library is left out by the bundler.
const entry = `export {
  AuthenticationDetails, CognitoUser, CognitoUserAttribute, CognitoUserPool, CognitoRefreshToken,
} from 'amazon-cognito-identity-js';`;

const result = await build({
  stdin: { contents: entry, resolveDir: here, sourcefile: 'entry.js' },
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['es2020'],
  minify: true,
  legalComments: 'none',
  // buffer 4 (a dependency) reads Node's `global`: the browser's is globalThis.
  define: { global: 'globalThis' },
  metafile: true,
  write: false,
  banner: {
    js: `// amazon-cognito-identity-js ${cognito.version} (${cognito.license}), bundled as one ES module by\n`
      + `// scripts/vendor-page.sh with esbuild ${esbuildVersion}; do not edit. Licences of all it holds: LICENSES.txt.`,
  },
});

// Every npm package the bundle holds, with its licence text.
const packages = new Map();
for (const input of Object.keys(result.metafile.inputs)) {
  const match = input.match(/^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//);
  if (!match) continue;
  const dir = path.join(here, match[1].replace(/^.*?node_modules/, 'node_modules'));
  if (packages.has(dir)) continue;
  const meta = pkg(dir);
  const file = fs.readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f));
  const notice = fs.readdirSync(dir).find((f) => /^notice(\.|$)/i.test(f));
  let text = file ? fs.readFileSync(path.join(dir, file), 'utf8').trim() : `(no licence file; package.json says ${meta.license})`;
  if (notice) text += `\n\n${fs.readFileSync(path.join(dir, notice), 'utf8').trim()}`;
  packages.set(dir, { name: meta.name, version: meta.version, license: meta.license, text });
}
const listed = [...packages.values()].sort((a, b) => a.name.localeCompare(b.name));
const licences = [
  'The packages bundled into amazon-cognito-identity.js, each with its licence.',
  '',
  ...listed.map((p) => `- ${p.name} ${p.version} (${p.license})`),
  '',
  ...listed.map((p) => `${'='.repeat(78)}\n${p.name} ${p.version} (${p.license})\n${'='.repeat(78)}\n\n${p.text}\n`),
].join('\n');

const files = {
  'amazon-cognito-identity.js': result.outputFiles[0].text,
  'LICENSES.txt': licences,
};
let stale = [];
for (const [name, text] of Object.entries(files)) {
  const target = path.join(out, name);
  if (check) {
    const now = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : null;
    if (now !== text) stale.push(path.relative(process.cwd(), target));
  } else {
    fs.mkdirSync(out, { recursive: true });
    fs.writeFileSync(target, text);
    console.log(`wrote ${path.relative(process.cwd(), target)} (${text.length} bytes)`);
  }
}
if (stale.length) {
  console.error(`not what scripts/vendor-page.sh makes: ${stale.join(', ')} (run it and commit the result)`);
  process.exit(1);
}
if (check) console.log(`local/page/vendor: amazon-cognito-identity-js ${cognito.version}, as scripts/vendor-page.sh makes it`);
