// Preload for `npm run bench -- --node-options "--import ./bench/memwatch.mjs"`: samples
// process.memoryUsage() every 20 ms and prints the peaks of each part at exit (to stderr).
const peak = { rss: 0, heapTotal: 0, heapUsed: 0, external: 0, arrayBuffers: 0 };
const timer = setInterval(() => {
  const now = process.memoryUsage();
  for (const key of Object.keys(peak)) peak[key] = Math.max(peak[key], now[key]);
}, 20);
timer.unref();
process.on('exit', () => {
  const mb = (n) => `${Math.round(n / 1048576)} MB`;
  process.stderr.write(`memwatch peaks: ${Object.entries(peak).map(([k, v]) => `${k} ${mb(v)}`).join(', ')}\n`);
});
