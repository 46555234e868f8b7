import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrate, openDatabase } from '../../../main/db/database.ts';
import { ALL_MIGRATIONS } from '../../../main/db/migrations/index.ts';
import { loadSettings, updateSettings, DEFAULT_SETTINGS } from '../../../main/settings/app-settings.ts';

const tmp = () => join(mkdtempSync(join(tmpdir(), 'aq-db-')), 'test.db');

describe('database', () => {
  it('opens in WAL mode with foreign keys and FULL sync, and applies every migration once', () => {
    const path = tmp();
    const db = openDatabase(path);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    const ids = (db.prepare('SELECT id FROM schema_migrations ORDER BY id').all() as { id: number }[]).map((r) => r.id);
    expect(ids).toEqual([...ALL_MIGRATIONS].map((m) => m.id).sort((a, b) => a - b));
    expect(migrate(db, ALL_MIGRATIONS)).toEqual([]);
    db.close();
    const again = openDatabase(path);
    expect(again.pragma('integrity_check', { simple: true })).toBe('ok');
    again.close();
  });

  it('rolls back a failing migration and records nothing', () => {
    const db = openDatabase(tmp());
    expect(() => migrate(db, [{ id: 999, name: 'broken', up: (d) => d.exec('CREATE TABLE x (a); SELECT * FROM missing_table') }])).toThrow();
    expect(db.prepare("SELECT count(*) n FROM sqlite_master WHERE name = 'x'").get()).toEqual({ n: 0 });
    expect(db.prepare('SELECT count(*) n FROM schema_migrations WHERE id = 999').get()).toEqual({ n: 0 });
    db.close();
  });

  it('enforces foreign keys (a task needs its batch)', () => {
    const db = openDatabase(tmp());
    expect(() =>
      db.prepare(`INSERT INTO tasks (id, batch_id, row_index, task_key, name, prompt, params, source_row, created_at, updated_at)
        VALUES ('t', 'missing', 1, 'k', 'n', 'p', '{}', '{}', 0, 0)`).run(),
    ).toThrow(/FOREIGN KEY/);
    db.close();
  });

  it('stores settings with defaults and validates updates', () => {
    const db = openDatabase(tmp());
    expect(loadSettings(db)).toEqual(DEFAULT_SETTINGS);
    const next = updateSettings(db, { thresholds: { style: 0.9 } });
    expect(next.thresholds).toEqual({ ...DEFAULT_SETTINGS.thresholds, style: 0.9 });
    expect(loadSettings(db).thresholds.style).toBe(0.9);
    expect(() => updateSettings(db, { archiveAfterDays: -1 })).toThrow();
    expect(loadSettings(db).archiveAfterDays).toBe(90);
    db.close();
  });
});
