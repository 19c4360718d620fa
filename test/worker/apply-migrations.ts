import { applyD1Migrations } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { shardMapFor } from '../../worker/shards/shards.ts';

// Every holder database gets every migration (worker/migrations/0005_shards.sql). Setup files may
// run more than once; applyD1Migrations skips what is already applied.
for (const binding of shardMapFor(env).bindings) await applyD1Migrations(env[binding as 'DB'], env.TEST_MIGRATIONS);
