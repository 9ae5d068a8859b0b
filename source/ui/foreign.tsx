// The screens built beside the shell (wizard, account directory, settings), loaded when
// their files are there; a one-line placeholder until then.
import { Box, Text, useInput } from 'ink';
import { useEffect, useState, type ComponentType } from 'react';
import type { DashboardBackend, SyncSettings } from './backend.ts';
import type { KeyHelp } from './keymap.ts';
import { color } from './layout.ts';

export type ForeignKind = 'wizard' | 'directory' | 'settings';

const files: Record<ForeignKind, { path: string; component: string; keys: string }> = {
  wizard: { path: './wizard/WizardScreen.tsx', component: 'WizardScreen', keys: 'wizardKeys' },
  directory: { path: './directory/DirectoryScreen.tsx', component: 'DirectoryScreen', keys: 'directoryKeys' },
  settings: { path: './settings/SettingsScreen.tsx', component: 'SettingsScreen', keys: 'settingsKeys' },
};

interface Loaded {
  Component: ComponentType<any>;
  keys: KeyHelp[];
}

const cache = new Map<ForeignKind, Loaded | null>();

async function load(kind: ForeignKind): Promise<Loaded | null> {
  if (cache.has(kind)) return cache.get(kind)!;
  const file = files[kind];
  const loaded = await import(new URL(file.path, import.meta.url).href).then(
    (module: Record<string, unknown>) => (typeof module[file.component] === 'function' ? { Component: module[file.component] as ComponentType<any>, keys: (module[file.keys] as KeyHelp[]) ?? [] } : null),
    () => null,
  );
  cache.set(kind, loaded);
  return loaded;
}

export function foreignKeys(kind: ForeignKind): KeyHelp[] {
  return cache.get(kind)?.keys ?? [{ keys: 'Esc', description: 'back' }];
}

export interface ForeignProps {
  kind: ForeignKind;
  backend: DashboardBackend;
  isActive: boolean;
  width: number;
  height: number;
  initial?: SyncSettings;
  recreateFrom?: string;
  onDone(syncId: string): void;
  onBack(): void;
}

export function ForeignScreen({ kind, onBack, ...props }: ForeignProps) {
  const [loaded, setLoaded] = useState<Loaded | null | undefined>(cache.get(kind));
  useEffect(() => {
    let alive = true;
    void load(kind).then((value) => alive && setLoaded(value));
    return () => {
      alive = false;
    };
  }, [kind]);
  useInput((_input, key) => key.escape && onBack(), { isActive: props.isActive && !loaded });
  if (loaded) return <loaded.Component {...props} onCancel={onBack} onBack={onBack} />;
  return (
    <Box height={props.height}>
      <Text color={color('muted')} wrap="truncate">
        {loaded === undefined ? 'Loading…' : `The ${kind === 'wizard' ? 'create wizard' : kind === 'directory' ? 'account directory' : 'settings screen'} is not in this build yet. Esc goes back.`}
      </Text>
    </Box>
  );
}
