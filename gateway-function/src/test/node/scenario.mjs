// What every scenario script shares: reading its settings from the environment and printing the one JSON line
// the Java side parses. An SDK error is a result to report (the tests assert on it), so it is printed and the
// script still exits 0; a missing setting is a broken test, so it throws and the script exits non-zero.

export function setting(name, fallback) {
  const value = process.env[name];
  if (value !== undefined && value !== '') {
    return value;
  }
  if (fallback === undefined) {
    throw new Error(`${name} is not set`);
  }
  return fallback;
}

/** The integer in `name`, or undefined when it is not set (the request then leaves the field out). */
export function optionalInt(name) {
  const value = setting(name, '');
  if (value === '') {
    return undefined;
  }
  const parsed = Number.parseInt(value, 10);
  if (!Number.isInteger(parsed) || String(parsed) !== value.trim()) {
    throw new Error(`${name} must be an integer, got ${value}`);
  }
  return parsed;
}

export function streaming() {
  const mode = setting('MODE', 'json');
  if (mode !== 'json' && mode !== 'stream') {
    throw new Error(`MODE must be json or stream, got ${mode}`);
  }
  return mode === 'stream';
}

/** What the tests can assert about an error an SDK threw, whichever SDK it came from. */
export function describeError(err) {
  return {
    class: err?.constructor?.name ?? typeof err,
    status: err?.status ?? null,
    message: err?.message ?? String(err),
    type: err?.type ?? err?.error?.type ?? err?.error?.error?.type ?? null,
    code: err?.code ?? err?.errorCode ?? err?.error?.code ?? null,
  };
}

/**
 * Runs the scenario, prints its result (or the error it threw) as one JSON line and exits: an SDK may hold a
 * keep-alive socket or a stream open, which must not keep the process (and the waiting test) alive.
 */
export async function report(scenario) {
  let result;
  try {
    result = await scenario();
  } catch (err) {
    result = { error: describeError(err) };
  }
  process.stdout.write(`${JSON.stringify(result)}\n`, () => process.exit(0));
}
