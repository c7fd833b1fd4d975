// The ESM @nestjs/core the tests loaded (test/support/jest/esm-instances.ts), for CommonJS packages that require() it.
const instance = globalThis[Symbol.for('jest-esm-instance:@nestjs/core')];
if (!instance) throw new Error('@nestjs/core was required before test/support/jest/esm-instances.ts ran');
module.exports = instance;
