#!/usr/bin/env node
// Entry shim: runs the TypeScript CLI through tsx so `rad` needs no build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
