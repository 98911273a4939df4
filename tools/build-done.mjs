#!/usr/bin/env node
// After `npm run build`: say what was built and how to run it.
console.log(`built dist/ (the library, \`import … from 'endoface'\`, and the command line).
The endoface command:
  npm link               puts \`endoface\` on your PATH (from this folder; \`npm unlink -g endoface\` removes it)
  npx endoface <command> runs it from this folder without installing anything
Without building: npx tsx src/cli/main.ts <command>`);
