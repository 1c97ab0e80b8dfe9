/**
 * Set environment variables for a test and get back a function that puts the previous values
 * back (deleting those that were unset). Not `process.env = { ...copy }`: `npm run test:unit`
 * runs many test files in one process, and a copy assigned to process.env is a plain object, no
 * longer the environment (values are not turned into strings, child processes miss later changes).
 */
export function setEnvironment(values: Record<string, string>): () => void {
  const saved = Object.keys(values).map((name) => [name, process.env[name]] as const);
  Object.assign(process.env, values);
  return () => {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}
