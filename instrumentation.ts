/**
 * Boots the server side before the first request: validated configuration, database and
 * migrations, job queue, in-process worker. A bad configuration stops the process with a message
 * that names each bad variable, instead of serving errors.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return; // compiled for edge too: no Node APIs above
  const { bootWebProcess } = await import('./server/boot');
  await bootWebProcess();
}
