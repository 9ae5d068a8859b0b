// The form screens (create wizard, account directory, settings): they read their keys
// themselves (their text fields take q and ?), so the shell only keeps Ctrl+C for them.
import type { DashboardBackend, SyncSettings } from './backend.ts';
import { DirectoryScreen, directoryKeys } from './directory/DirectoryScreen.tsx';
import type { KeyHelp } from './keymap.ts';
import { SettingsScreen, settingsKeys } from './settings/SettingsScreen.tsx';
import { WizardScreen, wizardKeys } from './wizard/WizardScreen.tsx';

export type FormScreenKind = 'wizard' | 'directory' | 'settings';

export function formScreenKeys(kind: FormScreenKind): KeyHelp[] {
  return kind === 'wizard' ? wizardKeys : kind === 'directory' ? directoryKeys : settingsKeys;
}

export interface FormScreenProps {
  kind: FormScreenKind;
  backend: DashboardBackend;
  isActive: boolean;
  width: number;
  height: number;
  initial?: SyncSettings;
  recreateFrom?: string;
  onDone(syncId: string): void;
  onBack(): void;
}

export function FormScreen({ kind, onBack, onDone, initial, recreateFrom, ...props }: FormScreenProps) {
  if (kind === 'wizard') return <WizardScreen {...props} initial={initial} recreateFrom={recreateFrom} onDone={onDone} onCancel={onBack} />;
  if (kind === 'directory') return <DirectoryScreen {...props} onBack={onBack} />;
  return <SettingsScreen {...props} onBack={onBack} />;
}
