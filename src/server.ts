// Process entry of the service: reads the configuration, builds the app, listens, closes gracefully.
import { ConfigError, loadConfig, type Config } from './config.js';
import { REDACT, buildApp } from './http/app.js';
import { QuestionnaireFileError } from './questionnaires/loader.js';
import { QuestionnaireChangedError } from './services/questionnaire.service.js';

let config: Config;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) {
    process.stderr.write(`invalid configuration: ${error.message}\n`);
    process.exit(1);
  }
  throw error;
}

let app: Awaited<ReturnType<typeof buildApp>>;
try {
  app = await buildApp(config, { logger: { level: config.logLevel, redact: { paths: REDACT, censor: '[redacted]' } } });
} catch (error) {
  // Problems a person must fix before the service can start: say what and where, without a stack.
  if (error instanceof QuestionnaireChangedError || error instanceof QuestionnaireFileError) {
    process.stderr.write(`cannot start: ${error.message}\n`);
    process.exit(1);
  }
  throw error;
}

if (config.sessionSecretGenerated) {
  app.log.warn('SESSION_SECRET is not set: a random one is used for this process; set it, the same on every instance, in production');
}

const { startup } = app;
if (startup.migrations.length > 0) app.log.info({ migrations: startup.migrations }, 'database migrated');
if (startup.questionnaires.length > 0) app.log.info({ questionnaires: startup.questionnaires }, 'questionnaires stored');
if (startup.cyclesMoved.length > 0) app.log.info({ cycles: startup.cyclesMoved }, 'cycles moved to the corrected questionnaire edition');
if (startup.demoUsers) {
  // Printed once, on the first start, straight to the terminal: never into the logs.
  const lines = startup.demoUsers.map((u) => `  ${u.role.padEnd(9)} ${u.username.padEnd(10)} ${u.password}${u.scope ? `   (${u.scope})` : ''}`);
  const otp = startup.demoUsers
    .filter((u) => u.otp)
    .map((u) => `  ${u.username}: secret ${u.otp!.secret}\n    ${u.otp!.uri}\n    recovery codes (each works once): ${u.otp!.recoveryCodes.slice(0, 3).join(' ')}`);
  process.stdout.write(
    `\nDemo users (shown once; keep them):\n  role      username   password\n${lines.join('\n')}\n\n` +
      `Office and assessor sign in with a second factor: add the secret (or the otpauth URI) to an\nauthenticator app and give its six-digit code as "otp", or give a recovery code instead.\n${otp.join('\n')}\n\n`,
  );
}

let closing = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    const timer = setTimeout(() => process.exit(1), 10_000);
    timer.unref();
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        app.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}

await app.listen({ port: config.port, host: config.host });
