#!/usr/bin/env node
// postdesk-server: the central sync service and its operator commands (server/cli.ts).
import { register } from 'tsx/esm/api';

register();
await import('../server/cli.ts');
