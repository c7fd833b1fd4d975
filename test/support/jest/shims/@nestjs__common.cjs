// The ESM @nestjs/common the tests loaded (test/support/jest/esm-instances.ts), for CommonJS packages that require() it.
const instance = globalThis[Symbol.for('jest-esm-instance:@nestjs/common')];
if (!instance) throw new Error('@nestjs/common was required before test/support/jest/esm-instances.ts ran');
module.exports = instance;
