import { IN_HOUSE_PARTNER } from '../../functions/settings/fulfilment-partners';
import type { Twin } from '../twin';
import { simulatorSettings } from './reports';
import { startDemoSimulator } from './setup';
import { SIMULATOR_STATE_FILE } from './state';

/**
 * The simulator as `npm start` runs it: for the demo tenant's default partner (`in-house`), on
 * unless `ORDERLY_SIMULATOR=off`. Never stops the twin from starting: a simulator that cannot
 * start says why in its line and the twin runs without it.
 */
export async function startDemoPartner(
  twin: Pick<Twin, 'url' | 'token'>,
  tenantId: string,
  options: { env?: NodeJS.ProcessEnv; log?: (line: string) => void; stateFile?: string } = {},
): Promise<{ line: string; stop: () => Promise<void> }> {
  const label = 'Partner ';
  const idle = { stop: async () => {} };
  let settings: ReturnType<typeof simulatorSettings>;
  try {
    settings = simulatorSettings(options.env ?? process.env);
  } catch (error) {
    return { ...idle, line: `${label} simulator not started: ${(error as Error).message}` };
  }
  if (!settings.enabled)
    return {
      ...idle,
      line: `${label} simulator off (ORDERLY_SIMULATOR=off): fulfilment waits for a partner's report`,
    };
  try {
    const adminToken = await twin.token({ tenantId, userId: 'partner-simulator', roles: ['admin'] });
    const { simulator, resumed } = await startDemoSimulator({
      apiUrl: twin.url,
      adminToken,
      tenantId,
      partnerId: IN_HOUSE_PARTNER,
      stateFile: options.stateFile ?? SIMULATOR_STATE_FILE,
      settings,
      log: options.log,
    });
    const delay = `${settings.delaySeconds} s`;
    const taken = resumed ? `; ${resumed} waiting order${resumed === 1 ? '' : 's'} taken up again` : '';
    return {
      line: `${label} "${IN_HOUSE_PARTNER}" simulated at ${simulator.url}: ships ${delay} after a fulfilment request, delivers ${delay} later${taken} (ORDERLY_SIMULATOR=off turns it off)`,
      stop: () => simulator.stop(),
    };
  } catch (error) {
    return { ...idle, line: `${label} simulator not started: ${(error as Error).message}` };
  }
}
