/** Loads every item kind this build sells. A new service adds its import here. */
import './postalFee.js';
import './billPayment.js';

export { itemKind, registeredKinds, registerItemKind } from './registry.js';
export type { ItemKind, PricedLine, PricingContext, CommitContext } from './registry.js';
