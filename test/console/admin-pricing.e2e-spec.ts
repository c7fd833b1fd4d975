/**
 * The admin console's price pages, in a real browser against the real app and database: price overrides
 * for a plan and for a user (the user's own price list follows), and AI models (edit with old → new,
 * a refused upstream said as a sentence, delete). Every page: no console error, no CSP violation, no
 * serious accessibility violation.
 */
import type { Browser } from 'playwright-core';
import { describeInBrowser, expectClean, launchBrowser, signedIn, tokensText } from '../support/browser.js';
import { loginAdmin, registerUser } from '../support/factories.js';
import { ADMIN, startTestApp, TestApp } from '../support/test-app.js';

const n = (value: number) => value.toLocaleString('en-US');

describeInBrowser('admin pricing')('prices and AI models in the admin console', () => {
  let t: TestApp;
  let browser: Browser;
  let adminToken: string;

  beforeAll(async () => {
    t = await startTestApp();
    browser = await launchBrowser();
    adminToken = await loginAdmin(t.http);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const signedInAsAdmin = () => signedIn(browser, t.http.baseUrl, ADMIN.email, ADMIN.password);

  it("sets and removes price overrides for a plan and for a user; the user's price list follows", async () => {
    const user = await registerUser(t.http);
    expect((await t.http.put(`/admin/users/${user.id}/subscription`, { planCode: 'starter' }, { token: adminToken })).status).toBe(200);
    const priceOf = async () => {
      const prices = (await t.http.get('/tokens/costs', { token: user.token })).body as {
        action: string;
        cost: number;
        overriddenBy: string | null;
      }[];
      const chat = prices.find((price) => price.action === 'ai_chat_message')!;
      return [chat.cost, chat.overriddenBy];
    };
    const [defaultCost] = await priceOf();
    const { page, problems } = await signedInAsAdmin();
    await page.getByRole('link', { name: 'Prices' }).click();
    await page.getByRole('heading', { name: 'Prices' }).waitFor();
    const form = page.getByRole('region', { name: 'Set a price' });
    const dialog = page.getByRole('dialog');

    await form.getByLabel('Action').selectOption('ai_chat_message');
    await form.getByLabel('Price in tokens').fill('7');
    await form.getByLabel('Plan (optional)').selectOption('starter');
    await form.getByRole('button', { name: 'Set price' }).click();
    await dialog.getByText(`ai_chat_message: ${defaultCost} → 7 tokens for plan starter?`).waitFor();
    await dialog.getByRole('button', { name: 'Set price' }).click();
    await page.getByRole('button', { name: 'Remove the price of ai_chat_message for plan starter' }).waitFor();
    await expect(priceOf()).resolves.toEqual([7, 'plan']);

    await form.getByLabel('Plan (optional)').selectOption('');
    await form.getByLabel('Price in tokens').fill('3');
    await form.getByLabel('User id (optional)').fill(user.id);
    await form.getByRole('button', { name: 'Set price' }).click();
    await dialog.getByText(`ai_chat_message: 7 → 3 tokens for ${user.email}?`).waitFor();
    await dialog.getByRole('button', { name: 'Set price' }).click();
    await page.getByRole('link', { name: user.id.slice(0, 8) }).waitFor();
    await expect(priceOf()).resolves.toEqual([3, 'user']);
    await expectClean(page, problems, 'admin-prices');

    await page.getByRole('button', { name: 'Remove the price of ai_chat_message for plan starter' }).click();
    await dialog
      .getByText(`Remove the price of ai_chat_message for plan starter? It goes from 7 to ${tokensText(Number(defaultCost))}.`)
      .waitFor();
    await dialog.getByRole('button', { name: 'Remove price' }).click();
    await expect(
      page.getByRole('button', { name: 'Remove the price of ai_chat_message for plan starter' }).waitFor({ state: 'detached' }),
    ).resolves.toBeUndefined();
    await expect(priceOf()).resolves.toEqual([3, 'user']);

    await page.getByRole('button', { name: /^Remove the price of ai_chat_message for / }).click();
    await dialog
      .getByText(`Remove the price of ai_chat_message for ${user.email}? It goes from 3 to ${tokensText(Number(defaultCost))}.`)
      .waitFor();
    await dialog.getByRole('button', { name: 'Remove price' }).click();
    await page.getByRole('button', { name: /^Remove the price of ai_chat_message/ }).waitFor({ state: 'detached' });
    await expect(priceOf()).resolves.toEqual([defaultCost, null]);
    expect((await t.http.get('/admin/costs', { token: adminToken })).body).toEqual([]);
    await page.context().close();
  }, 120_000);

  it("edits an AI model's price, confirming old → new, and the model list follows", async () => {
    const [model] = (await t.http.get('/admin/models', { token: adminToken })).body as { model: string; outputPer1k: number }[];
    const raised = model.outputPer1k + 25;
    const { page, problems } = await signedInAsAdmin();
    await page.getByRole('link', { name: 'AI models' }).click();
    await page.getByRole('heading', { name: 'AI models' }).waitFor();
    await page.getByRole('button', { name: `Edit ${model.model}` }).click();
    const form = page.getByRole('region', { name: `Edit ${model.model}` });
    await form.getByLabel('Tokens per 1,000 completion tokens').fill(String(raised));
    await form.getByRole('button', { name: 'Save model' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText(`Save these changes to ${model.model}?`).waitFor();
    await expect(dialog.getByRole('listitem').allInnerTexts()).resolves.toEqual([
      `Output per 1,000: ${n(model.outputPer1k)} → ${n(raised)}`,
    ]);
    await dialog.getByRole('button', { name: 'Save model' }).click();
    await page.getByText(`${model.model} saved.`).waitFor();
    const row = page.getByRole('row', { name: new RegExp(`^${model.model} `) });
    await expect(row.getByRole('cell').nth(2).innerText()).resolves.toBe(n(raised));
    const listed = (await t.http.get('/v1/models', { token: adminToken })).body.data.find((m: { id: string }) => m.id === model.model);
    expect(listed.pricing.outputPer1k).toBe(raised);
    await expectClean(page, problems, 'admin-models');
    await page.context().close();
  }, 90_000);

  it('refuses a model whose upstream is not configured here, saying why; deletes a model after a confirmation', async () => {
    const models = (await t.http.get('/admin/models', { token: adminToken })).body as any[];
    const { page, problems } = await signedInAsAdmin();
    await page.getByRole('link', { name: 'AI models' }).click();
    await page.getByRole('button', { name: 'Add a model' }).click();
    const form = page.getByRole('region', { name: 'New model' });
    await form.getByLabel('Model').fill('gpt-elsewhere');
    await form.getByLabel('Tokens per 1,000 prompt tokens').fill('150');
    await form.getByLabel('Tokens per 1,000 completion tokens').fill('600');
    await form.getByLabel('Max output tokens').fill('4096');
    await form.getByLabel('Upstream').fill('nowhere');
    await form.getByRole('button', { name: 'Save model' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('Add the model gpt-elsewhere?').waitFor();
    await dialog.getByRole('button', { name: 'Save model' }).click();
    await page.getByRole('alert').getByText('Some fields need a change:').waitFor();
    await expect(page.getByRole('alert').innerText()).resolves.toMatch(/upstream/);
    expect((await t.http.get('/admin/models', { token: adminToken })).body).toEqual(models);
    problems.errors = problems.errors.filter((error) => !/status of 400/.test(error));

    const [model] = models;
    try {
      await page.getByRole('button', { name: `Delete ${model.model}` }).click();
      await dialog.getByText(`Delete the model ${model.model}? Requests that name it are refused from the next one on.`).waitFor();
      await dialog.getByRole('button', { name: 'Delete model' }).click();
      await page.getByText(`${model.model} deleted.`).waitFor();
      if (models.length === 1) await page.getByText('No models yet.').waitFor();
      expect((await t.http.get('/admin/models', { token: adminToken })).body.map((m: { model: string }) => m.model)).not.toContain(
        model.model,
      );
      expect(problems).toEqual({ violations: [], errors: [] });
    } finally {
      const { inputPer1k, outputPer1k, maxOutputTokens, upstream } = model;
      const restored = await t.http.put(
        `/admin/models/${encodeURIComponent(model.model)}`,
        { inputPer1k, outputPer1k, maxOutputTokens, upstream },
        { token: adminToken },
      );
      expect(restored.status).toBe(200);
    }
    await page.context().close();
  }, 90_000);
});
