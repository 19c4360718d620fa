// Placeholder entry point until the issuer Worker lands (issue 3).
import { Hono } from 'hono';

const app = new Hono();
app.get('/healthz', (c) => c.json({ ok: true }));
app.notFound((c) => c.json({ error: { code: 'not_found', message: 'No such route.' } }, 404));

export default app;
