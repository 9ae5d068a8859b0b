// Rendering of a form (see form.ts): one line per field, fixed widths, the reason of a
// wrong value beside it. Nothing here reads keys.
import { color } from '../../layout.ts';
import { Box, Text } from 'ink';
import type { FieldSpec, FormErrors, FormState, FormValues } from './form.ts';
import { str } from './form.ts';

export const MASK = '•';

/** One line of text, masked if asked, with an inverse cursor while it is edited. */
export function TextValue(props: {
  value: string;
  width: number;
  masked?: boolean;
  cursor?: number;
  placeholder?: string;
  dim?: boolean;
}) {
  const { value, width, masked, cursor, placeholder, dim } = props;
  const shown = masked ? MASK.repeat(value.length) : value;
  if (cursor === undefined) {
    if (shown.length === 0)
      return (
        <Text dimColor wrap="truncate-end">
          {placeholder ?? ''}
        </Text>
      );
    const cut = shown.length > width ? shown.slice(0, Math.max(0, width - 1)) + '…' : shown;
    return (
      <Text dimColor={dim} wrap="truncate-end">
        {cut}
      </Text>
    );
  }
  const at0 = Math.min(cursor, shown.length);
  const start = Math.max(0, at0 - (width - 1));
  const visible = shown.slice(start, start + width);
  const at = at0 - start;
  return (
    <Text wrap="truncate-end">
      {visible.slice(0, at)}
      <Text inverse>{visible[at] ?? ' '}</Text>
      {visible.slice(at + 1)}
    </Text>
  );
}

export function ChoiceValue(props: {
  options: readonly { value: string; label: string }[];
  value: string;
  focused: boolean;
  dim?: boolean;
}) {
  return (
    <Text wrap="truncate-end" dimColor={props.dim}>
      {props.options.map((option, index) => {
        const chosen = option.value === props.value;
        return (
          <Text key={option.value}>
            {index > 0 ? '  ' : ''}
            <Text color={chosen && props.focused ? color('active') : undefined} bold={chosen}>
              {chosen ? '(•) ' : '( ) '}
              {option.label}
            </Text>
          </Text>
        );
      })}
    </Text>
  );
}

export function Checkbox(props: { on: boolean }) {
  return <Text>{props.on ? '[x]' : '[ ]'}</Text>;
}

export interface FormViewProps {
  fields: readonly FieldSpec[];
  values: FormValues;
  form: FormState;
  errors: FormErrors;
  width: number;
  labelWidth?: number;
  /** Width of a text field's value; the reason of a wrong value takes the rest of the line. */
  textWidth?: number;
  /** Whether the form has the keyboard (the focus marker is shown only then). */
  active?: boolean;
}

export function FormView(props: FormViewProps) {
  const { fields, values, form, errors, width } = props;
  const labelWidth = props.labelWidth ?? 16;
  const textWidth = props.textWidth ?? 30;
  const active = props.active ?? true;
  return (
    <Box flexDirection="column" width={width}>
      {fields.map((field) => {
        const focused = active && field.id === form.focus;
        const error = errors[field.id];
        const editing = focused && form.editing?.id === field.id ? form.editing : undefined;
        let value;
        if (field.kind === 'text') {
          value = (
            <Box width={field.width ?? textWidth} flexShrink={0}>
              <TextValue
                value={str(values, field.id)}
                width={field.width ?? textWidth}
                masked={field.masked}
                cursor={editing?.cursor}
                placeholder={field.placeholder}
                dim={field.disabled}
              />
            </Box>
          );
        } else if (field.kind === 'choice') {
          value = (
            <ChoiceValue options={field.options} value={str(values, field.id)} focused={focused} dim={field.disabled} />
          );
        } else {
          value = (
            <Text wrap="truncate-end" dimColor={field.disabled}>
              <Checkbox on={Boolean(values[field.id])} /> {field.text}
            </Text>
          );
        }
        return (
          <Box key={field.id} width={width} height={1}>
            <Box width={2} flexShrink={0}>
              <Text color={color('active')}>{focused ? '›' : ' '}</Text>
            </Box>
            <Box width={labelWidth} flexShrink={0}>
              <Text bold={focused} dimColor={field.disabled} wrap="truncate-end">
                {field.label}
              </Text>
            </Box>
            {value}
            {error ? (
              <Box flexGrow={1} flexShrink={1} marginLeft={1}>
                <Text color={color('error')} wrap="truncate-end">
                  ✗ {error}
                </Text>
              </Box>
            ) : field.kind === 'text' && field.hint ? (
              <Box flexGrow={1} flexShrink={1} marginLeft={1}>
                <Text dimColor wrap="truncate-end">
                  {field.hint}
                </Text>
              </Box>
            ) : null}
          </Box>
        );
      })}
    </Box>
  );
}

/** The one status line under a form: the focused field's reason in full, or a message. */
export function StatusLine(props: { width: number; text?: string; tone?: 'error' | 'ok' | 'info' }) {
  const tone = props.tone === 'error' ? color('error') : props.tone === 'ok' ? color('ok') : undefined;
  return (
    <Box width={props.width} height={1}>
      <Text color={tone} wrap="truncate-end">
        {props.text ?? ''}
      </Text>
    </Box>
  );
}
