import React from 'react';
import { compactTh } from './theme';

/**
 * The project page's compact table (ProjectRegistries, ClusterRegistries, PullFailuresSection): one header row of
 * column titles ('' for a column without one), then the rows given as children (cells styled with compactTd).
 */
export function CompactTable({ columns, children }: { columns: readonly string[]; children: React.ReactNode }) {
  return (
    <table style={{ width: '100%', borderCollapse: 'collapse' }}>
      <thead>
        <tr>
          {columns.map((title, i) => (
            <th key={i} style={compactTh}>
              {title}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  );
}
