import { Module } from '@nestjs/common';
import { AppModule } from '../src/app.module.js';
import { CompletionsModule } from '../src/completions/completions.module.js';
import { BaselineController } from './baseline.controller.js';
import { BenchFixtures } from './bench-fixtures.js';
import { BenchController } from './bench.controller.js';

/** The real application plus the benchmark routes and fixtures. Used by the benchmarks only. */
@Module({
  imports: [AppModule, CompletionsModule],
  controllers: [BenchController, BaselineController],
  providers: [BenchFixtures],
})
export class BenchAppModule {}
