/**
 * The module's admin routes in a host app, on Express and on Fastify: absent unless the host turns
 * them on, and then behind the host's own guard (the module has no idea who is an admin); turning
 * them on without a guard is refused at start-up.
 */
import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { TokenIntegrityService } from '../../src/index.js';
import { ADAPTERS, type HostApp, startHostApp } from '../support/host-app.js';
import { expectIntegrityClean, NO_INTEGRITY_PROBLEMS } from '../support/ledger-assertions.js';
import { createTestDatabase, TEST_DB } from '../support/test-database.js';
import { compileTokensModule } from '../support/tokens-test-module.js';

/** The host's idea of an admin: a request with `X-Role: admin`. */
@Injectable()
class RoleHeaderGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    return context.switchToHttp().getRequest<{ headers: Record<string, unknown> }>().headers['x-role'] === 'admin';
  }
}

const ADMIN = { headers: { 'x-payer': 'admin-1', 'x-role': 'admin' } };
const NOT_ADMIN = { headers: { 'x-payer': 'user-1', 'x-role': 'user' } };

describe.each(ADAPTERS)(`admin routes in a host app on %s (${TEST_DB})`, (adapter) => {
  describe('by default', () => {
    let host: HostApp;
    beforeAll(async () => {
      host = await startHostApp(adapter);
    });
    afterAll(() => host?.close());

    it('are absent: 404, for anyone; the payer routes are there', async () => {
      for (const options of [ADMIN, NOT_ADMIN]) {
        expect((await host.http.get('/admin/tokens/integrity', options)).status).toBe(404);
        expect((await host.http.post(`/admin/users/${randomUUID()}/tokens/grant`, { amount: 5, reason: 'gift' }, options)).status).toBe(
          404,
        );
      }
      const balance = await host.http.get('/tokens/balance', NOT_ADMIN);
      expect([balance.status, balance.body.balance]).toEqual([200, 1000]);
    });
  });

  describe('with adminRoutes: { guard }', () => {
    let host: HostApp;
    beforeAll(async () => {
      host = await startHostApp(adapter, { tokens: { adminRoutes: { guard: RoleHeaderGuard } } });
    });
    afterAll(() => host?.close());

    it("are behind the host's guard: 403 when it refuses, the route's answer when it lets the request through", async () => {
      const refused = await host.http.get('/admin/tokens/integrity', NOT_ADMIN);
      expect([refused.status, refused.body.statusCode]).toEqual([403, 403]);
      const payerId = randomUUID();
      const grantRefused = await host.http.post(`/admin/users/${payerId}/tokens/grant`, { amount: 5, reason: 'gift' }, NOT_ADMIN);
      expect(grantRefused.status).toBe(403);

      const report = await host.http.get('/admin/tokens/integrity', ADMIN);
      expect([report.status, report.body.ok, report.body.counts]).toEqual([200, true, NO_INTEGRITY_PROBLEMS]);
      const grant = await host.http.post(`/admin/users/${payerId}/tokens/grant`, { amount: 5, reason: 'gift' }, ADMIN);
      expect([grant.status, grant.body.type, grant.body.amount]).toEqual([201, 'admin_grant', 5]);
      await expectIntegrityClean(host.app.get(TokenIntegrityService));
    });
  });
});

describe('adminRoutes without a guard', () => {
  it('refuse to start: a host cannot open the admin routes to everyone by mistake', async () => {
    const database = await createTestDatabase();
    // The mistake a JavaScript host (or a cast) can make: admin routes turned on with nothing guarding them.
    await expect(compileTokensModule({ database, tokens: { adminRoutes: {} as any } })).rejects.toThrow(
      'TokensModule: adminRoutes need the guard that lets only admins through',
    );
    await database.drop();
  });
});
