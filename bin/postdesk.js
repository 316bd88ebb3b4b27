#!/usr/bin/env node
// The `postdesk` command: runs cli/postdesk.ts through tsx, so the operator's tool needs no build step.
import { register } from 'tsx/esm/api';

register();
await import('../cli/postdesk.ts');
