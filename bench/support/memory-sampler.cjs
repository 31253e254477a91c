// Preloaded into the gateway by the upload bench (`node --require`): every 250 ms, when the RSS is the highest seen so
// far, process.memoryUsage() goes to BENCH_MEMORY_LOG as JSON, so the bench can say what its peak was made of.
// Plain CommonJS: the gateway runs from dist/ without ts-node.
const { writeFileSync } = require('node:fs');

const file = process.env.BENCH_MEMORY_LOG;
let highest = 0;
if (file) {
  setInterval(() => {
    const usage = process.memoryUsage();
    if (usage.rss <= highest) return;
    highest = usage.rss;
    writeFileSync(file, JSON.stringify(usage));
  }, 250).unref();
}
