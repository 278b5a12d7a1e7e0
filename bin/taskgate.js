#!/usr/bin/env node
// The compiled CLI lives in dist/ (`make build`).
import { main } from '../dist/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
