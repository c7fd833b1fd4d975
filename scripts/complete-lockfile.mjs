#!/usr/bin/env node
// npm leaves an optional dependency out of package-lock.json when the registry cannot serve it,
// typically the native binding of another platform (darwin, win32...). `npm ci` then refuses the
// lockfile as out of sync. This adds a placeholder entry, limited to the platform that package
// is built for, for every such optional dependency: npm skips it on every other platform, so it
// is never downloaded here. Run it after `npm install` changed the lockfile.
import { readFileSync, writeFileSync } from 'node:fs';

const LOCKFILE = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(LOCKFILE, 'utf8'));
const packages = lock.packages;

const OS = ['android', 'darwin', 'freebsd', 'linux', 'openharmony', 'win32', 'sunos', 'aix', 'netbsd', 'openbsd'];
const CPU = ['arm64', 'arm', 'x64', 'ia32', 'loong64', 'ppc64', 's390x', 'riscv64', 'wasm32'];

/** os, cpu and libc of a platform package, from its name (e.g. resolver-binding-linux-arm-musleabihf). */
function platformOf(name) {
  const parts = name.split('/').pop().split('-');
  const os = parts.find((part) => OS.includes(part));
  const cpu = parts.find((part) => CPU.includes(part));
  if (!os || !cpu) return null;
  const libc = os === 'linux' ? (parts.some((part) => part.startsWith('musl')) ? 'musl' : 'glibc') : undefined;
  return { os: [os], cpu: [cpu], ...(libc && { libc: [libc] }) };
}

let added = 0;
for (const [path, entry] of Object.entries(packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const location = `${path ? `${path}/` : ''}node_modules/${name}`;
    const hoisted = `node_modules/${name}`;
    if (packages[location] || packages[hoisted]) continue;
    const platform = platformOf(name);
    if (!platform) {
      console.warn(`left out: ${name}@${version} (optional, platform unknown)`);
      continue;
    }
    packages[hoisted] = { version, ...(entry.dev && { dev: true }), optional: true, ...platform };
    added++;
  }
}

lock.packages = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
writeFileSync(LOCKFILE, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`package-lock.json: ${added} platform-specific optional packages recorded`);
