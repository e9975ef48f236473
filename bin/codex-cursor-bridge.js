#!/usr/bin/env node
// The installed command: runs the compiled CLI (`npm run build` produces out/).
import { runFromProcess } from '../out/main/cli/index.js';

await runFromProcess();
