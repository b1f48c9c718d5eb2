// Loaded with `node --import` into a process under test: on exit it writes the process's peak
// resident memory (KiB, from getrusage) to the file OCI_COPY_TEST_RSS_FILE names. It changes
// nothing else about the process.
import { writeFileSync } from 'node:fs';

const file = process.env.OCI_COPY_TEST_RSS_FILE;
if (file) {
  process.once('exit', () => {
    try {
      writeFileSync(file, String(process.resourceUsage().maxRSS));
    } catch {
      // the measurement is lost, the test says so
    }
  });
}
