// Configuration from the environment: defaults, and a message naming each bad variable.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

describe('loadConfig', () => {
  it('defaults to an embedded SQLite file on 127.0.0.1:3000 with demo data', () => {
    expect(loadConfig({})).toMatchObject({ port: 3000, host: '127.0.0.1', databaseUrl: 'sqlite:./data/app.db', demo: true, twoFactor: 'staff', uploadMaxMb: 20, authorityName: '行政院資通安全處', sessionSecretGenerated: true });
    expect(loadConfig({ DEMO: '0', DATABASE_URL: 'postgres://u@h:5432/db', UPLOAD_MAX_MB: '5', TWO_FACTOR: 'all' })).toMatchObject({ demo: false, databaseUrl: 'postgres://u@h:5432/db', uploadMaxMb: 5, twoFactor: 'all' });
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ DEMO: 'yes' }, 'DEMO'],
    [{ TWO_FACTOR: 'never' }, 'TWO_FACTOR'],
    [{ UPLOAD_MAX_MB: '0' }, 'UPLOAD_MAX_MB'],
    [{ SESSION_SECRET: 'short' }, 'SESSION_SECRET'],
    [{ HOST: 'bad host!' }, 'HOST'],
  ])('names the bad variable in %o', (env, variable) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(new RegExp(`^${variable}: `));
  });
});
