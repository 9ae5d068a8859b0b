// The two confirmations: y/N (No by default) and a typed word (anything else cancels).
import { color } from '../../layout.ts';
import { Box, Text, type Key } from 'ink';
import { TextValue } from './FormView.tsx';
import { textKey } from './textEdit.ts';

/** y: yes; n, Esc, Enter or anything else: no (the default). */
export function yesNoKey(input: string, key: Key): 'yes' | 'no' {
  return !key.ctrl && !key.meta && (input === 'y' || input === 'Y') ? 'yes' : 'no';
}

export function ConfirmBox(props: { width: number; title: string; lines?: string[]; danger?: boolean }) {
  return (
    <Box
      flexDirection="column"
      width={props.width}
      borderStyle="round"
      borderColor={props.danger ? color('error') : color('warn')}
      paddingX={1}
    >
      <Text bold wrap="truncate-end">
        {props.title}
      </Text>
      {(props.lines ?? []).map((line, index) => (
        <Text key={index} wrap="wrap">
          {line}
        </Text>
      ))}
      <Text wrap="truncate-end">y: yes · n / Esc / Enter: no (default)</Text>
    </Box>
  );
}

export interface TypedConfirm {
  word: string;
  typed: string;
  cursor: number;
}

/** Enter confirms only when the typed text is exactly the word; Esc or a wrong word cancels. */
export function typedConfirmKey(
  state: TypedConfirm,
  input: string,
  key: Key,
): { state: TypedConfirm } | { done: boolean } {
  const result = textKey(state.typed, state.cursor, input, key);
  if (result.kind === 'cancel') return { done: false };
  if (result.kind === 'commit') return { done: state.typed.trim() === state.word };
  if (result.kind === 'edit') return { state: { ...state, typed: result.value, cursor: result.cursor } };
  return { state };
}

export function TypedConfirmBox(props: { width: number; title: string; lines: string[]; state: TypedConfirm }) {
  const inner = Math.max(10, props.width - 4);
  return (
    <Box flexDirection="column" width={props.width} borderStyle="round" borderColor={color('error')} paddingX={1}>
      <Text bold color={color('error')} wrap="truncate-end">
        {props.title}
      </Text>
      {props.lines.map((line, index) => (
        <Text key={index} wrap="wrap">
          {line}
        </Text>
      ))}
      <Text wrap="truncate-end">
        Type {props.state.word} and press Enter to create it; anything else cancels (Esc too).
      </Text>
      <Box width={inner}>
        <Text>&gt; </Text>
        <TextValue value={props.state.typed} width={Math.max(5, inner - 2)} cursor={props.state.cursor} />
      </Box>
    </Box>
  );
}
