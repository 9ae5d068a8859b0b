// The form screens (create wizard, account directory, settings): they read their keys
// themselves (their text fields take q and ?), so the shell only keeps Ctrl+C for them.
import { DirectoryScreen, directoryKeys } from './directory/DirectoryScreen.tsx';
import type { KeyHelp } from './keymap.ts';
import { SettingsScreen, settingsKeys } from './settings/SettingsScreen.tsx';
import { WizardScreen, wizardKeys, type WizardProps } from './wizard/WizardScreen.tsx';

export type FormScreenKind = 'wizard' | 'directory' | 'settings';

export function formScreenKeys(kind: FormScreenKind): KeyHelp[] {
  return kind === 'wizard' ? wizardKeys : kind === 'directory' ? directoryKeys : settingsKeys;
}

/** The wizard's props, with Back named as every form screen names it. */
export type FormScreenProps = Omit<WizardProps, 'onCancel'> & { kind: FormScreenKind; onBack(): void };

export function FormScreen({ kind, onBack, onDone, initial, recreateFrom, ...props }: FormScreenProps) {
  if (kind === 'wizard')
    return <WizardScreen {...props} initial={initial} recreateFrom={recreateFrom} onDone={onDone} onCancel={onBack} />;
  if (kind === 'directory') return <DirectoryScreen {...props} onBack={onBack} />;
  return <SettingsScreen {...props} onBack={onBack} />;
}
