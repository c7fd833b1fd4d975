/**
 * Node 20.19+ lets a CommonJS package require() an ES module (the app runs @nestjs/throttler, which
 * is CommonJS, against Nest 12, which is ESM only). Jest's own module loader cannot do that before
 * Node 24.9. So, under Jest only, a require() of an ESM-only Nest package from CommonJS resolves to
 * a shim that hands over the very module instance the tests import (see esm-instances.ts): one
 * @nestjs/common, one set of decorators and metadata, as in the running app.
 */
const path = require('node:path');

const SHIMMED = new Set(['@nestjs/common', '@nestjs/core']);

module.exports = (request, options) => {
  const fromCommonJs = options.conditions && options.conditions.includes('require') && !options.conditions.includes('import');
  if (fromCommonJs && SHIMMED.has(request)) return path.join(__dirname, 'shims', `${request.replace('/', '__')}.cjs`);
  return options.defaultResolver(request, options);
};
