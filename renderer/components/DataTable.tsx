import type { ReactNode } from 'react';

export interface Column<T> {
  header: string;
  /** Right-aligned, tabular figures. */
  numeric?: boolean;
  cell(row: T): ReactNode;
}

/** A plain table of figures: the usage charts' text alternatives and the inspector's totals. Each row carries `data-key`. */
export function DataTable<T>({ caption, label, columns, rows, rowKey, className }: { caption?: string; label?: string; columns: Column<T>[]; rows: readonly T[]; rowKey(row: T): string; className?: string }) {
  return (
    <table className={className} aria-label={label}>
      {caption ? <caption>{caption}</caption> : null}
      <thead>
        <tr>
          {columns.map((column) => (
            <th key={column.header} className={column.numeric ? 'col-num' : undefined}>
              {column.header}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={rowKey(row)} data-key={rowKey(row)}>
            {columns.map((column) => (
              <td key={column.header} className={column.numeric ? 'col-num' : undefined}>
                {column.cell(row)}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
