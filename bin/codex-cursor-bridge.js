#!/usr/bin/env -S node --max-semi-space-size=4
// The installed command: runs the compiled CLI (`npm run build` produces out/). Its young generation is capped as
// `npm run serve` caps it (package.json), which keeps the peak memory of many open streams down.
import { runFromProcess } from '../out/main/cli/index.js';

await runFromProcess();
