/** Every item kind this build sells. A new service adds its import here. */
import './postalFee.js';
import './billPayment.js';

export { kindUis, kindUi, lineName, visibleDetails, visibleWarnings, registerKindUi } from './registry.js';
export type { KindUi, KindPanelProps } from './registry.js';
