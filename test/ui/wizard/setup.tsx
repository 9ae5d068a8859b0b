// Renders the wizard against the fake backend and records how it ended.
import { render } from 'ink-testing-library';
import type { SyncSettings } from '../../../source/ui/backend.ts';
import { ScreenRouter } from '../../../source/ui/router.tsx';
import { WizardScreen } from '../../../source/ui/wizard/WizardScreen.tsx';
import { createFakeBackend, type FakeBackend } from '../fakeBackend.ts';
import { frame, KEY, press, waitFor, type Instance } from './support.ts';

export interface WizardHarness {
  app: Instance;
  backend: FakeBackend;
  done: string[];
  cancelled: () => number;
}

export async function renderWizard(
  options: {
    initial?: SyncSettings;
    recreateFrom?: string;
    backend?: FakeBackend;
    width?: number;
    height?: number;
  } = {},
): Promise<WizardHarness> {
  const backend = options.backend ?? createFakeBackend();
  const done: string[] = [];
  let cancels = 0;
  const app = render(
    <ScreenRouter>
      <WizardScreen
        backend={backend}
        isActive
        width={options.width ?? 80}
        height={options.height ?? 22}
        initial={options.initial}
        recreateFrom={options.recreateFrom}
        onDone={(id) => done.push(id)}
        onCancel={() => cancels++}
      />
    </ScreenRouter>,
  );
  await waitFor(app, 'Step 1 of 3');
  return { app, backend, done, cancelled: () => cancels };
}

/** Tabs until the field labelled `label` has the focus marker. */
export async function focusField(app: Instance, label: string): Promise<void> {
  for (let i = 0; i < 12; i++) {
    if (new RegExp(`› ${label}`).test(frame(app))) return;
    await press(app, KEY.tab);
  }
  throw new Error(`field ${label} never got the focus:\n${frame(app)}`);
}

/** The line of the frame that holds `text`. */
export function lineOf(app: Instance, text: string): string {
  return (
    frame(app)
      .split('\n')
      .find((line) => line.includes(text)) ?? ''
  );
}

/** Step 1 filled with a host, then Enter: waits for step 2 with its rows. */
export async function toStep2(app: Instance, host = 'imap.old.example'): Promise<void> {
  // Enter keeps the typed host, the second one continues.
  await press(app, host, KEY.enter, KEY.enter);
  await waitFor(app, 'Step 2 of 3');
  await waitFor(app, (f) => !f.includes('Loading'));
}

export function futureDate(yearsAhead = 1, time = '10:00'): string {
  return `${new Date().getFullYear() + yearsAhead}-06-01 ${time}`;
}
