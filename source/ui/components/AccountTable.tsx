// The per-account table of a run (docs/spec.md D6): the seed's columns, live, sortable, windowed.
import type { ReactNode } from 'react';
import type { AccountRunRecord } from '../backend.ts';
import type { SortField, SortKey } from '../accounts.ts';
import { formatShortTime } from '../format.ts';
import { statusTone } from '../layout.ts';
import { Table, tableWidth, type Cell, type Column } from './Table.tsx';

interface AccountColumn extends Column {
  field: SortField;
  cell(record: AccountRunRecord): string | Cell;
}

const num = (n: number) => String(n);

/** Columns for a width: at 120 and more the seed's titles and a separate Status column. */
export function accountColumns(width: number): AccountColumn[] {
  const wide = width >= 120;
  const statusCell = (r: AccountRunRecord): Cell => ({ text: r.status, tone: statusTone(r.status) });
  const columns: AccountColumn[] = [
    { title: 'User', width: 0, field: 'user', cell: (r) => r.account },
    { title: 'Msgs', width: 7, align: 'right', field: 'messages', cell: (r) => num(r.counters.messages) },
    {
      title: wide ? 'Msgs DL' : 'DL',
      width: 7,
      align: 'right',
      field: 'downloaded',
      cell: (r) => num(r.counters.downloaded),
    },
    {
      title: wide ? 'Duplicates -' : 'Dup-',
      width: wide ? 12 : 5,
      align: 'right',
      field: 'duplicates',
      cell: (r) => num(r.counters.duplicatesDeleted),
    },
    {
      title: wide ? 'Folders +' : 'Fld+',
      width: wide ? 9 : 5,
      align: 'right',
      field: 'foldersCreated',
      cell: (r) => num(r.counters.foldersCreated),
    },
    {
      title: wide ? 'Folders -' : 'Fld-',
      width: wide ? 9 : 5,
      align: 'right',
      field: 'foldersDeleted',
      cell: (r) => num(r.counters.foldersDeleted),
    },
    { title: 'Flags', width: 6, align: 'right', field: 'flags', cell: (r) => num(r.counters.flagsChanged) },
    {
      title: wide ? 'Errors' : 'Err',
      width: wide ? 7 : 4,
      align: 'right',
      field: 'errors',
      cell: (r) => ({ text: num(r.counters.errors), tone: r.counters.errors ? 'error' : undefined }),
    },
  ];
  if (wide) {
    columns.push({ title: 'Status', width: 11, field: 'status', cell: statusCell });
    columns.push({ title: 'Complete Time', width: 13, field: 'complete', cell: (r) => formatShortTime(r.completedAt) });
  } else {
    // Narrow: one column holds the complete time once done, the status word otherwise.
    columns.push({
      title: 'Complete',
      width: 11,
      field: 'complete',
      cell: (r) => (r.status === 'complete' && r.completedAt ? formatShortTime(r.completedAt) : statusCell(r)),
    });
  }
  columns[0]!.width = Math.min(48, Math.max(10, width - tableWidth(columns) - 1));
  return columns;
}

export interface AccountTableProps {
  records: AccountRunRecord[];
  selected: number;
  sort: SortKey;
  width: number;
  height: number;
  focused: boolean;
  title?: ReactNode;
}

export function AccountTable({ records, selected, sort, width, height, focused, title }: AccountTableProps) {
  const columns = accountColumns(width);
  const sortColumn = columns.findIndex((c) => c.field === sort.field);
  return (
    <Table
      columns={columns}
      rows={records.map((r) => ({ id: r.account, cells: columns.map((c) => c.cell(r)) }))}
      selected={selected}
      height={height}
      focused={focused}
      sort={sortColumn >= 0 ? { column: sortColumn, descending: sort.descending } : undefined}
      empty="As accounts begin to sync, they will show up here."
      title={title}
    />
  );
}

/** The next sort field left (-1) or right (+1) among the visible columns. */
export function nextSortField(width: number, current: SortField, step: 1 | -1): SortField {
  const fields = accountColumns(width).map((c) => c.field);
  const index = fields.indexOf(current);
  return fields[(index + step + fields.length) % fields.length]!;
}
