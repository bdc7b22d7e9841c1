// Shared helpers for the specs: addresses of the server under test and waiting for hydration.
export const port = process.env.CADENCE_E2E_PORT || '3000';
export const platformUrl = (path = '/') => `http://localhost:${port}${path}`;
export const storefrontUrl = (slug, path = '/') => `http://${slug}.localhost:${port}${path}`;

/** Waits until the wasm bundle has hydrated the page (the app marks <body data-hydrated>). */
export async function hydrated(page) {
  await page.waitForSelector('body[data-hydrated="true"]', { state: 'attached' });
}
