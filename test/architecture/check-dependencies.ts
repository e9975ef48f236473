import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { cruise, type ICruiseResult, type IForbiddenRuleType, type ITranspileOptions } from 'dependency-cruiser';
import { KNOWN_VIOLATIONS, RULES, SURFACE_RULES, TYPE_ONLY } from './dependency-rules.js';
import { markTypeOnlyImports, TYPE_ONLY_IMPORT } from './type-only-imports.js';

/** The product's source folders; tests beside the code (`*.test.ts`) are not product code. */
export const PRODUCT_FOLDERS = ['main', 'shared', 'preload', 'renderer'];

export interface Violation {
  rule: string;
  from: string;
  to: string;
  typeOnly: boolean;
  /** The modules of the cycle, for `no-cycles`. */
  cycle?: string[];
}

function productFiles(root: string, dir: string): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const rel = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return productFiles(root, rel);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [rel] : [];
  });
}

// dependency-cruiser hands `babelConfig` to Babel as is; its type only knows the file-name form.
const transpileOptions = {
  babelConfig: {
    // TypeScript's own emit under verbatimModuleSyntax: only `import type` and `type` specifiers disappear.
    presets: [[createRequire(import.meta.url).resolve('@babel/preset-typescript'), { onlyRemoveTypeImports: true }]],
    plugins: [markTypeOnlyImports],
    babelrc: false,
    configFile: false,
  },
  // Lets dependency-cruiser parse the JSX Babel leaves in .tsx files (1 = tsconfig's "preserve").
  tsConfig: { options: { jsx: 1 } },
} as ITranspileOptions;

/** The rules `npm test` enforces. */
export const ACTIVE_RULES: IForbiddenRuleType[] = [...RULES, ...SURFACE_RULES];

/** Every dependency of the product's source under `root` that breaks one of `rules`. */
export async function checkDependencies(root: string, rules = ACTIVE_RULES): Promise<Violation[]> {
  const files = PRODUCT_FOLDERS.flatMap((dir) => productFiles(root, dir));
  const result = await cruise(
    files,
    {
      baseDir: root,
      validate: true,
      ruleSet: { forbidden: rules },
      knownViolations: KNOWN_VIOLATIONS,
      exoticRequireStrings: [TYPE_ONLY_IMPORT],
      // node_modules is a symlink in worktrees; keep package paths under node_modules/ so rules can name them.
      preserveSymlinks: true,
      doNotFollow: { path: '^(node_modules|test|bench)/' },
      // dependency-cruiser maps `./foo.js` to `./foo.ts` (NodeNext) itself, but lists the TypeScript extensions
      // only when the TypeScript compiler API is there, which TypeScript 7 does not have.
      // Packages that name their entry only in `exports` (conf) resolve through it, as Node resolves them.
      enhancedResolveOptions: { extensions: ['.ts', '.tsx', '.js'], exportsFields: ['exports'], conditionNames: ['import', 'node', 'default'] },
    },
    {},
    transpileOptions,
  );
  const { summary } = result.output as ICruiseResult;
  const ignored = summary.violations.filter((violation) => violation.rule.severity === 'ignore');
  // A known violation that no longer happens must leave the list, or it would excuse its comeback.
  const fixed = KNOWN_VIOLATIONS.filter((known) => !ignored.some((v) => v.rule.name === known.rule.name && v.from === known.from && v.to === known.to));
  return [
    ...summary.violations
      .filter((violation) => violation.rule.severity !== 'ignore')
      .map((violation) => ({
        rule: violation.rule.name,
        from: violation.from,
        to: violation.to,
        typeOnly: violation.dependencyTypes?.includes(TYPE_ONLY) ?? false,
        ...(violation.cycle && { cycle: violation.cycle.map((step) => step.name) }),
      })),
    ...fixed.map((known) => ({ rule: `fixed-known-violation (remove it from KNOWN_VIOLATIONS) ${known.rule.name}`, from: known.from, to: known.to, typeOnly: false })),
  ];
}

export function describeViolation(violation: Violation): string {
  const to = violation.cycle ? [violation.from, ...violation.cycle].join(' → ') : `${violation.from} → ${violation.to}`;
  return `${violation.rule}: ${to}${violation.typeOnly ? ' (type import)' : ''}`;
}
