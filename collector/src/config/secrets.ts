import { ConfigError } from './config-error';

/**
 * Replace `${ENV_VAR}` references with the environment's values. Used for
 * passwords and tokens so they never sit in the config file. A missing variable
 * is a config error naming the key (the value itself is never printed).
 */
export function expandEnv(text: string, keyPath: string, env: NodeJS.ProcessEnv = process.env): string {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
    const value = env[name];
    if (value === undefined) throw new ConfigError(keyPath, `environment variable ${name} is not set`);
    return value;
  });
}

/** Hide the password in a URL before it is logged or shown: `postgres://monitor:***@host/db`. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*:)[^@]*@/i, '$1***@');
}
