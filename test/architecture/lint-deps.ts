// `npm run lint:deps`: the import rules of ARCHITECTURE.md, checked by dependency-cruiser (see ./dependency-rules.ts).
import path from 'node:path';
import { checkDependencies, describeViolation } from './check-dependencies.js';

const violations = await checkDependencies(path.resolve(import.meta.dirname, '../..'));
for (const violation of violations) console.error(describeViolation(violation));
if (violations.length > 0) {
  console.error(`\n${violations.length} import(s) break ARCHITECTURE.md's rules (test/architecture/dependency-rules.ts).`);
  process.exitCode = 1;
}
