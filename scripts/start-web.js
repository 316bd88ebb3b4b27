#!/usr/bin/env node
// Browser mode launcher: builds the renderer when it is missing, then serves it.
import { register } from 'tsx/esm/api';
import { ensureRendererBuilt } from './build-renderer.js';

await ensureRendererBuilt();
register();
await import('../cli/startWeb.ts');
