/**
 * The price catalog, without Nest's container: every metered action of the host's controllers,
 * collected from their @TokenPrice decorators (on a route or on a whole controller).
 */
import { Controller, Post } from '@nestjs/common';
import { type DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { SkipTokens, TokenPrice, tokenAmount } from '../../src/index.js';
import { PriceCatalog } from '../../src/prices/price-catalog.js';

@Controller('notes')
class NotesController {
  @Post('summary')
  @TokenPrice('note_summary', { price: 2, units: (body: { pages: number }) => body.pages, description: '2 tokens a page' })
  summary(): void {}

  @Post('title')
  @TokenPrice('note_title', 5)
  title(): void {}

  @Post('free')
  free(): void {}
}

@TokenPrice('translation', 7)
@Controller('translations')
class TranslationsController {
  @Post()
  translate(): void {}

  @Post('preview')
  @SkipTokens()
  preview(): void {}
}

@Controller('pages')
class PagesController {
  @Post()
  @TokenPrice('page_scan', {
    price: 3,
    units: (body: { pages: number }) => body.pages,
    description: (price) => `${tokenAmount(price)} a page`,
  })
  scan(): void {}
}

@Controller('summaries')
class SummariesController {
  @Post()
  @TokenPrice('note_summary', 2)
  again(): void {}
}

@Controller('cheap-summaries')
class CheapSummariesController {
  @Post()
  @TokenPrice('note_summary', 1)
  cheap(): void {}
}

/** The catalog after start-up of a host with these controllers. */
function catalogOf(...controllers: Array<new () => object>): PriceCatalog {
  const discovery = { getControllers: () => controllers.map((metatype) => ({ metatype, instance: new metatype() })) };
  const catalog = new PriceCatalog(discovery as unknown as DiscoveryService, new MetadataScanner(), new Reflector());
  catalog.onApplicationBootstrap();
  return catalog;
}

describe('PriceCatalog', () => {
  it("lists every priced action of the host's routes and controllers, by action, with its price and description", () => {
    const catalog = catalogOf(NotesController, TranslationsController);
    expect(catalog.list().map(({ action, price, description }) => ({ action, price, description }))).toEqual([
      { action: 'note_summary', price: 2, description: '2 tokens a page' },
      { action: 'note_title', price: 5, description: '5 tokens per request' },
      { action: 'translation', price: 7, description: '7 tokens per request' },
    ]);
    expect(catalog.get('note_summary')?.units?.({ pages: 4 })).toBe(4);
    expect(catalog.get('no_such_action')).toBeUndefined();
  });

  it('puts a price in words at any price: one token or many, by default or by the rule of the route', () => {
    const catalog = catalogOf(NotesController, TranslationsController, PagesController);
    expect(['note_title', 'translation', 'page_scan'].map((action) => catalog.get(action)?.description)).toEqual([
      '5 tokens per request',
      '7 tokens per request',
      '3 tokens a page',
    ]);
    const describe = (action: string, price: number) => catalog.get(action)?.describe(price);
    expect([describe('note_title', 1), describe('note_title', 1500), describe('page_scan', 1), describe('page_scan', 0)]).toEqual([
      '1 token per request',
      '1,500 tokens per request',
      '1 token a page',
      '0 tokens a page',
    ]);
    // A fixed text is shown as it is, whatever the price.
    expect(describe('note_summary', 9)).toBe('2 tokens a page');
  });

  it('an action priced on two routes alike is one action; with two prices, start-up is refused', () => {
    expect(
      catalogOf(NotesController, SummariesController)
        .list()
        .filter((cost) => cost.action === 'note_summary'),
    ).toHaveLength(1);
    expect(() => catalogOf(NotesController, CheapSummariesController)).toThrow(
      "Action 'note_summary' is declared with two prices (2 and 1)",
    );
  });
});
