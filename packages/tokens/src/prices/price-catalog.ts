import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { TOKEN_PRICE_METADATA, TokenPriceMetadata } from './token-price.decorator.js';

/** Every metered action of the app, collected from the @TokenPrice decorators at start-up. */
@Injectable()
export class PriceCatalog implements OnApplicationBootstrap {
  private readonly actions = new Map<string, TokenPriceMetadata>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  onApplicationBootstrap(): void {
    for (const wrapper of this.discovery.getControllers()) {
      const instance = wrapper.instance as Record<string, () => unknown> | undefined;
      const metatype = wrapper.metatype as (abstract new (...args: never[]) => unknown) | null;
      if (!instance || !metatype) continue;
      const classCost = this.reflector.get<TokenPriceMetadata | undefined>(TOKEN_PRICE_METADATA, metatype);
      if (classCost) this.register(classCost);
      for (const method of this.scanner.getAllMethodNames(Object.getPrototypeOf(instance) as object)) {
        const pricing = this.reflector.get<TokenPriceMetadata | undefined>(TOKEN_PRICE_METADATA, instance[method]);
        if (pricing) this.register(pricing);
      }
    }
  }

  list(): TokenPriceMetadata[] {
    return [...this.actions.values()].sort((a, b) => a.action.localeCompare(b.action));
  }

  get(action: string): TokenPriceMetadata | undefined {
    return this.actions.get(action);
  }

  private register(pricing: TokenPriceMetadata): void {
    const known = this.actions.get(pricing.action);
    if (known && known.price !== pricing.price) {
      throw new Error(`Action '${pricing.action}' is declared with two prices (${known.price} and ${pricing.price})`);
    }
    this.actions.set(pricing.action, pricing);
  }
}
