/**
 * A Babel plugin that keeps type-only imports visible to dependency-cruiser.
 *
 * dependency-cruiser reads TypeScript through Babel here (TypeScript 7 has no JS API), and Babel erases
 * `import type` before dependency-cruiser parses the result. Some rules forbid even type imports (the renderer
 * and the preload import nothing of `main/`), so before the erasure this plugin rewrites each type-only import into
 * a call of `TYPE_ONLY_IMPORT`, which dependency-cruiser is told to record as an "exotic require". The rules then
 * tell run-time imports (`dependencyTypesNot: ['exotic-require']`) from type-only ones. The code is never run.
 */

export const TYPE_ONLY_IMPORT = '__typeOnlyImport';

/** The few Babel AST shapes the plugin touches (Babel ships no types here). */
interface StringLiteral {
  type: 'StringLiteral';
  value: string;
}
interface Statement {
  type: string;
  importKind?: string;
  exportKind?: string;
  source?: StringLiteral | null;
}
interface NodePath<T> {
  node: T;
  traverse(visitor: { TSImportType(path: NodePath<ImportTypeNode>): void }): void;
}
interface ProgramNode {
  body: Statement[];
}
interface ImportTypeNode {
  argument: StringLiteral | { literal: StringLiteral };
}
interface BabelApi {
  types: {
    expressionStatement(expression: unknown): Statement;
    callExpression(callee: unknown, args: unknown[]): unknown;
    identifier(name: string): unknown;
    stringLiteral(value: string): StringLiteral;
  };
}

export function markTypeOnlyImports({ types: t }: BabelApi) {
  const marker = (module: string) => t.expressionStatement(t.callExpression(t.identifier(TYPE_ONLY_IMPORT), [t.stringLiteral(module)]));
  const isTypeOnly = (statement: Statement) =>
    (statement.type === 'ImportDeclaration' && statement.importKind === 'type') ||
    ((statement.type === 'ExportNamedDeclaration' || statement.type === 'ExportAllDeclaration') && statement.exportKind === 'type');
  return {
    visitor: {
      // Program is entered before the TypeScript preset erases anything.
      Program(program: NodePath<ProgramNode>) {
        const markers: Statement[] = [];
        // `typeof import('x')` and `import('x').Name` in type positions.
        program.traverse({
          TSImportType(importType) {
            const argument = importType.node.argument;
            markers.push(marker('literal' in argument ? argument.literal.value : argument.value));
          },
        });
        const body = program.node.body.map((statement) => (statement.source && isTypeOnly(statement) ? marker(statement.source.value) : statement));
        program.node.body = [...markers, ...body];
      },
    },
  };
}
