import { SETTING_VOICE, type NetworkSetting, type SettingVoice } from '../targets/registry/network/failures.js';
import { quoted } from '../oci/text.js';

/**
 * How messages about the user's settings are worded. The action's inputs and the command line's
 * flags are the same settings under other names: `input "concurrency" is "0"` there is
 * `--concurrency is 0` here, and `set plain-http: true` is `add --plain-http`.
 */
export interface Voice extends SettingVoice {
  /** The name of an input as the user gave it: `input "concurrency"`, `--concurrency`, `SOURCE`. */
  input(name: string): string;
  /** A value the user gave, shown back (always printable). */
  value(text: string): string;
  /** A setting with its value, as a noun: `tls-verify: false`, `--tls-verify=false`. */
  setting(name: NetworkSetting, value: string): string;
}

export const ACTION_VOICE: Voice = {
  ...SETTING_VOICE,
  input: (name) => `input "${name}"`,
  value: (text) => quoted(text),
  setting: (name, value) => `${name}: ${value}`,
};
