import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../free-port.js';

const run = promisify(execFile);

export interface PostgresCluster {
  connectionString: string;
  port: number;
  stop(): Promise<void>;
}

export const POSTGRES_MISSING =
  "PostgreSQL server binaries (initdb, pg_ctl) were not found. Install Debian's postgresql package (apt-get install -y postgresql), or use the embedded PGlite warehouse.";

/** Finds initdb/pg_ctl on PATH or in Debian's versioned folder. */
function binaries(): { initdb: string; pgCtl: string } {
  for (const dir of ['', '/usr/lib/postgresql/17/bin/', '/usr/lib/postgresql/16/bin/', '/usr/lib/postgresql/15/bin/']) {
    const initdb = `${dir}initdb`;
    if (dir === '' || existsSync(initdb)) return { initdb, pgCtl: `${dir}pg_ctl` };
  }
  return { initdb: 'initdb', pgCtl: 'pg_ctl' };
}

/**
 * A throwaway PostgreSQL cluster on loopback (initdb + pg_ctl), trust auth, user `postgres`.
 * PostgreSQL refuses to run as root, so as root it runs as the `postgres` system user.
 */
export async function startPostgresCluster(options: { dataDir?: string; port?: number } = {}): Promise<PostgresCluster> {
  const base = options.dataDir ?? mkdtempSync(join(tmpdir(), 'local-pg-'));
  const dataDir = join(base, 'pgdata');
  const port = options.port ?? (await freePort());
  const asUser = userInfo().uid === 0 ? await systemUser('postgres') : undefined;
  const exec = (file: string, args: string[]) =>
    run(file, args, { ...(asUser ? { uid: asUser.uid, gid: asUser.gid } : {}), cwd: base, timeout: 60_000 });
  mkdirSync(base, { recursive: true });
  if (asUser) chownSync(base, asUser.uid, asUser.gid);
  const { initdb, pgCtl } = binaries();
  try {
    if (!existsSync(join(dataDir, 'PG_VERSION'))) {
      await exec(initdb, ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C.UTF-8', '--no-sync']);
    }
    await exec(pgCtl, [
      '-D',
      dataDir,
      '-w',
      '-t',
      '30',
      '-l',
      join(base, 'postgres.log'),
      '-o',
      `-p ${port} -k ${base} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off`,
      'start',
    ]);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(POSTGRES_MISSING);
    const output = `${(error as { stderr?: string }).stderr ?? ''}`;
    if (asUser && /permission denied/i.test(output)) {
      throw new Error(
        `PostgreSQL runs as the "postgres" user and cannot reach ${base}: make its parent folders traversable (chmod o+x) or use the PGlite warehouse.\n${output}`,
      );
    }
    throw error;
  }
  return {
    port,
    connectionString: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async stop() {
      await exec(pgCtl, ['-D', dataDir, '-w', '-m', 'fast', 'stop']).catch(() => undefined);
      if (!options.dataDir) rmSync(base, { recursive: true, force: true });
    },
  };
}

async function systemUser(name: string): Promise<{ uid: number; gid: number }> {
  const { stdout } = await run('id', ['-u', name]).catch(() => {
    throw new Error(`running as root, PostgreSQL needs the "${name}" system user (Debian's postgresql package creates it)`);
  });
  const gid = (await run('id', ['-g', name])).stdout;
  return { uid: Number(stdout.trim()), gid: Number(gid.trim()) };
}
