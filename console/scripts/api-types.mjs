// Reads an OpenAPI document on stdin and writes its TypeScript types (openapi-typescript) to stdout.
// Used by the app's test that keeps console/src/api/schema.d.ts in step with the service's /docs-json.
import openapiTS, { astToString } from 'openapi-typescript';

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const document = JSON.parse(Buffer.concat(chunks).toString('utf8'));
// A property with a default is one a client may leave out (the grant's priority is even refused without expiresAt):
// openapi-typescript would type it as required.
process.stdout.write(astToString(await openapiTS(document, { defaultNonNullable: false })));
