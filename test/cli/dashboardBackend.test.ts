// The dashboard's real backend on a real store: what the screens rely on.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { createDashboardBackend } from '../../source/cli/dashboardBackend.ts';
import { createSyncManager } from '../../source/cli/engine.ts';
import { openStore } from '../../source/store/store.ts';
import { tempDir } from './support.ts';

test('dashboard backend: a blank password keeps the stored one; import reports bad rows', async () => {
  const root = tempDir();
  const store = await openStore({ dataDir: path.join(root, 'data'), write: true });
  try {
    const backend = createDashboardBackend(store, createSyncManager(store), 'tester');
    await backend.setDestination({
      host: 'imap.new.example',
      port: 993,
      tls: 'tls',
      allowInvalidCert: false,
      adminUser: 'admin',
      adminPassword: 'kept secret',
    });
    await backend.setDestination({
      host: 'imap2.new.example',
      port: 993,
      tls: 'tls',
      allowInvalidCert: false,
      adminUser: 'admin',
    });
    assert.equal(store.settings.getDestination()?.adminPassword, 'kept secret');
    assert.equal(backend.getDestination()?.hasAdminPassword, true);
    await backend.setDestination({
      host: 'imap2.new.example',
      port: 993,
      tls: 'tls',
      allowInvalidCert: false,
      adminUser: 'other',
    });
    assert.equal(
      store.settings.getDestination()?.adminPassword,
      undefined,
      'another login does not inherit the password',
    );

    await backend.setSmtp({
      host: 'smtp.example',
      port: 587,
      tls: 'starttls',
      allowInvalidCert: false,
      user: 'u',
      password: 'smtp secret',
      from: 'm@example.com',
    });
    await backend.setSmtp({
      host: 'smtp.example',
      port: 587,
      tls: 'starttls',
      allowInvalidCert: false,
      user: 'u',
      from: 'm@example.com',
    });
    assert.equal(store.settings.getSmtp()?.password, 'smtp secret');
    assert.equal(JSON.stringify(backend.getSmtp()).includes('smtp secret'), false);

    const bad = path.join(root, 'bad.csv');
    fs.writeFileSync(bad, 'email,password,admin\nnot-an-email,x,no\nok@example.com,y,maybe\n');
    await assert.rejects(backend.importAccountsCsv(bad), (error: Error & { details?: string[] }) => {
      assert.equal(error.details?.length, 2);
      assert.match(error.details![0], /^line 2: /);
      return true;
    });
    assert.deepEqual(await backend.listAccounts(), []);
    const good = path.join(root, 'good.csv');
    fs.writeFileSync(good, 'email,password,admin\nann@example.com,pw,yes\n');
    assert.deepEqual(await backend.importAccountsCsv(good), { added: 1, updated: 0 });
    assert.deepEqual(
      (await backend.listAccounts()).map((a) => [a.email, a.admin, a.hasPassword]),
      [['ann@example.com', true, true]],
    );
  } finally {
    await store.close();
  }
});
