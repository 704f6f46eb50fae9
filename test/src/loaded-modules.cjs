// Preloaded (`node --require`) into a pipeline process by tests: on exit, writes the CommonJS modules it
// loaded, one path a line, to the file named by LOADED_MODULES_FILE.
const { writeFileSync } = require('node:fs');
const Module = require('node:module');

process.on('exit', () => {
  const file = process.env.LOADED_MODULES_FILE;
  if (file) writeFileSync(file, Object.keys(Module._cache).join('\n'));
});
