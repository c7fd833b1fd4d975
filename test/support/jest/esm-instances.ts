// Runs before each test file (jest.config.js setupFilesAfterEnv); see resolver.cjs for why.
import * as common from '@nestjs/common';
import * as core from '@nestjs/core';

Object.assign(globalThis, {
  [Symbol.for('jest-esm-instance:@nestjs/common')]: common,
  [Symbol.for('jest-esm-instance:@nestjs/core')]: core,
});
