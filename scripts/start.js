#!/usr/bin/env node
// `npm start`: install when needed, build when sources are newer than dist/, then `wharf serve`.
'use strict';
const { execSync, spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const run = (cmd) => execSync(cmd, { cwd: root, stdio: 'inherit' });

function newestMtime(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    const t = entry.isDirectory() ? newestMtime(full) : fs.statSync(full).mtimeMs;
    if (t > newest) newest = t;
  }
  return newest;
}

require('./ensure-installed').ensureInstalled();
const entry = path.join(root, 'dist', 'src', 'main.js');
const sources = Math.max(newestMtime(path.join(root, 'src')), newestMtime(path.join(root, 'db')));
if (!fs.existsSync(entry) || fs.statSync(entry).mtimeMs < sources)
  run('npx tsc -p tsconfig.build.json');
const child = spawn(process.execPath, [entry, 'serve', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
});
child.on('exit', (code) => process.exit(code ?? 1));
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
