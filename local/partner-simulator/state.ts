import { existsSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DATA_DIR } from '../paths';
import { readPrivateFile } from '../private-files';

/**
 * What the simulator keeps across `npm start`s: the ids and secrets of its webhook endpoint and
 * inbound source (secrets are shown once, so they cannot be read back from the API), and the port
 * it listened on, which it takes again when it is free so that the endpoint's URL stays right.
 * Owner-only, like the twin's keys: the secrets sign and verify the partner's messages.
 */
export const SIMULATOR_STATE_FILE = join(DATA_DIR, 'simulator.json');

export interface SimulatorState {
  tenantId: string;
  port: number;
  endpointId: string;
  endpointSecret: string;
  sourceId: string;
  inboundSecret: string;
}

/** The kept state, or undefined when there is none or it is not one (a damaged file is replaced). */
export function readSimulatorState(file: string): SimulatorState | undefined {
  if (!existsSync(file)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readPrivateFile(file));
  } catch (error) {
    if (error instanceof SyntaxError) return undefined;
    throw error; // too open: readPrivateFile says how to close it
  }
  const state = parsed as Partial<SimulatorState>;
  const strings = ['tenantId', 'endpointId', 'endpointSecret', 'sourceId', 'inboundSecret'] as const;
  if (!strings.every((key) => typeof state[key] === 'string') || !Number.isInteger(state.port))
    return undefined;
  return state as SimulatorState;
}

/** Replaces the file whole (written aside, 0600, then renamed into place). */
export function writeSimulatorState(file: string, state: SimulatorState): void {
  const aside = `${file}.${process.pid}.new`;
  rmSync(aside, { force: true });
  writeFileSync(aside, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  renameSync(aside, file);
}
