/**
 * The OpenAPI document the app serves at /docs-json, linted with Spectral's `spectral:oas` ruleset:
 * no finding of any severity. A finding fails the test with its severity, rule, path and message.
 */
import { Document, Spectral } from '@stoplight/spectral-core';
import type { ISpectralDiagnostic, RulesetDefinition } from '@stoplight/spectral-core';
import * as Parsers from '@stoplight/spectral-parsers';
import { oas } from '@stoplight/spectral-rulesets';
import { startTestApp, TestApp } from './support/test-app.js';

const SEVERITY = ['error', 'warning', 'info', 'hint'];

/** One line per finding: `warning operation-description paths./plans.get: Operation "description" must be present and non-empty string.` */
function describeFinding(finding: ISpectralDiagnostic): string {
  return `${SEVERITY[finding.severity] ?? finding.severity} ${finding.code} ${finding.path.join('.') || '(root)'}: ${finding.message}`;
}

describe('OpenAPI document lint (spectral:oas)', () => {
  let t: TestApp;
  let source: string;

  beforeAll(async () => {
    t = await startTestApp();
    const response = await t.http.get('/docs-json');
    expect(response.status).toBe(200);
    source = JSON.stringify(response.body, null, 2);
  });
  afterAll(() => t.close());

  it('has no finding of any severity', async () => {
    const spectral = new Spectral();
    spectral.setRuleset({ extends: [oas] } as RulesetDefinition);
    const findings = await spectral.run(new Document(source, Parsers.Json, '/docs-json'));
    // Sanity: the ruleset really ran on an OpenAPI 3 document (an unrecognised one yields no finding at all).
    expect(Object.keys(spectral.ruleset?.rules ?? {}).length).toBeGreaterThan(40);
    expect(JSON.parse(source).openapi).toMatch(/^3\./);
    expect(findings.map(describeFinding)).toEqual([]);
  });
});
