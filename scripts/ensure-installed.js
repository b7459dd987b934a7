#!/usr/bin/env node
// Installs dependencies on a fresh clone, so `npm start` and `npm test` are each one command.
'use strict';
const { execSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');

function ensureInstalled() {
  const markers = ['tsc', 'jest'].map((bin) => path.join(root, 'node_modules', '.bin', bin));
  if (markers.every((m) => fs.existsSync(m))) return;
  const lock = fs.existsSync(path.join(root, 'package-lock.json'));
  execSync(lock ? 'npm ci --no-audit --no-fund' : 'npm install --no-audit --no-fund', {
    cwd: root,
    stdio: 'inherit',
  });
}

module.exports = { ensureInstalled };
if (require.main === module) ensureInstalled();
