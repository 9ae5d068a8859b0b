// A small windowed table: fixed column widths, one line per row, a selected row kept in
// view, rows keyed by id. For live and long tables (ink-table re-measures every render).
import { Box, Text, type Key } from 'ink';
import { useRef, type ReactNode } from 'react';
import { matches } from '../keymap.ts';
import { color, fit, type Tone } from '../layout.ts';

export interface Column {
  title: string;
  width: number;
  align?: 'left' | 'right';
}

export interface Cell {
  text: string;
  tone?: Tone;
}

export interface Row {
  id: string;
  cells: (string | Cell)[];
}

export interface TableProps {
  columns: Column[];
  rows: Row[];
  /** Index of the selected row, or -1 for none. */
  selected: number;
  /** Lines for the rows (the header line comes on top). */
  height: number;
  /** Show the selection (the table has the focus). */
  focused?: boolean;
  /** Header cell to mark with ▲/▼. */
  sort?: { column: number; descending: boolean };
  empty?: string;
  /** A line above the header; the scroll position shows at its right. */
  title?: ReactNode;
}

const SEPARATOR = ' ';

/** Sum of widths plus separators plus the 2-column selection marker. */
export const tableWidth = (columns: Column[]) =>
  columns.reduce((sum, c) => sum + c.width, 0) + (columns.length - 1) * SEPARATOR.length + 2;

export function Table({
  columns,
  rows,
  selected,
  height,
  focused = true,
  sort,
  empty = 'Nothing here yet.',
  title,
}: TableProps) {
  const offset = useRef(0);
  const visible = Math.max(1, height);
  if (selected >= 0) {
    if (selected < offset.current) offset.current = selected;
    if (selected >= offset.current + visible) offset.current = selected - visible + 1;
  }
  offset.current = Math.max(0, Math.min(offset.current, Math.max(0, rows.length - visible)));
  const shown = rows.slice(offset.current, offset.current + visible);
  const header = columns
    .map((column, i) => {
      const mark = sort?.column === i ? (sort.descending ? '▼' : '▲') : '';
      return fit(column.title + mark, column.width, column.align);
    })
    .join(SEPARATOR);
  const more = rows.length > visible ? ` ${offset.current + 1}-${offset.current + shown.length} of ${rows.length}` : '';
  return (
    <Box flexDirection="column" height={visible + 1 + (title === undefined ? 0 : 1)}>
      {title === undefined ? null : (
        <Box flexDirection="row" width={tableWidth(columns)}>
          <Box flexGrow={1} flexShrink={1}>
            <Text wrap="truncate">{title}</Text>
          </Box>
          <Text color={color('muted')}>{more}</Text>
        </Box>
      )}
      <Text bold wrap="truncate">
        {'  ' + header}
        {title === undefined ? <Text color={color('muted')}>{more}</Text> : null}
      </Text>
      {rows.length === 0 ? (
        <Text color={color('muted')} wrap="truncate">
          {'  ' + empty}
        </Text>
      ) : (
        shown.map((row, i) => {
          const isSelected = focused && offset.current + i === selected;
          return (
            <Text key={row.id} wrap="truncate" inverse={isSelected}>
              {isSelected ? '› ' : '  '}
              {row.cells.map((cell, c) => {
                const { text, tone } = typeof cell === 'string' ? { text: cell, tone: undefined } : cell;
                const column = columns[c]!;
                return (
                  <Text key={c} color={tone && !isSelected ? color(tone) : undefined}>
                    {fit(text, column.width, column.align) + (c < columns.length - 1 ? SEPARATOR : '')}
                  </Text>
                );
              })}
            </Text>
          );
        })
      )}
    </Box>
  );
}

/** Moves the selection for up/down/page/top/bottom; true when the key was one of those. */
export function navigate(
  input: string,
  key: Key,
  index: number,
  count: number,
  page: number,
  moveTo: (index: number) => void,
): boolean {
  if (matches('up', input, key)) moveTo(index - 1);
  else if (matches('down', input, key)) moveTo(index + 1);
  else if (matches('pageUp', input, key)) moveTo(index - Math.max(1, page));
  else if (matches('pageDown', input, key)) moveTo(index + Math.max(1, page));
  else if (matches('top', input, key)) moveTo(0);
  else if (matches('bottom', input, key)) moveTo(count - 1);
  else return false;
  return true;
}
