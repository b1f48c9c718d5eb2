/**
 * The oldest Node.js release of each line the CLI runs on: the Sigstore packages that verify and sign
 * need these (`^22.22.2 || ^24.15.0 || >=26`), and Node 20 is past its end of life.
 */
const OLDEST: Record<number, [number, number]> = { 22: [22, 2], 24: [15, 0] };

/** One line naming what to install and where it is, or undefined when `version` (`v22.22.2`) is new enough. */
export function unsupportedNode(version: string): string | undefined {
  const [major, minor, patch] = version.replace(/^v/, '').split('.').map(Number);
  const oldest = OLDEST[major];
  const ok = major >= 26 || (oldest !== undefined && (minor > oldest[0] || (minor === oldest[0] && patch >= oldest[1])));
  return ok
    ? undefined
    : `Node.js ${version} is too old: install 22.22.2 or later on the 22 line, 24.15.0 or later, or 26, from https://nodejs.org/en/download (or: nvm install 24)`;
}
