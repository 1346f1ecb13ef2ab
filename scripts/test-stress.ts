/**
 * `npm run test:stress [-- <vitest args>]`: the whole suite (or the part named) while other
 * processes keep every CPU of the machine busy — as on a shared CI runner or a laptop compiling
 * something else. It starts one busy-looping process per CPU (`--burners N` to choose), runs
 * `npm test`, stops the burners whatever happens, and exits with the suite's status.
 */
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';

const args = process.argv.slice(2);
let burnerCount = availableParallelism();
const at = args.indexOf('--burners');
if (at >= 0) {
  burnerCount = Number(args[at + 1]);
  args.splice(at, 2);
}
if (!Number.isInteger(burnerCount) || burnerCount < 0) {
  console.error('--burners takes a whole number');
  process.exit(2);
}

const burners = Array.from({ length: burnerCount }, () =>
  spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }),
);
const stopBurners = () => {
  for (const burner of burners) burner.kill('SIGKILL');
};
process.on('exit', stopBurners);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    stopBurners();
    process.exit(130);
  });
}

console.log(
  `test:stress: ${burnerCount} busy-looping processes on ${availableParallelism()} CPUs while the suite runs`,
);
const started = performance.now();
const suite = spawn('npm', ['test', '--', ...args], { stdio: 'inherit' });
const code = await new Promise<number>((resolve) =>
  suite.once('exit', (exitCode, signal) => resolve(exitCode ?? (signal ? 1 : 0))),
);
stopBurners();
console.log(
  `test:stress: the suite ${code === 0 ? 'passed' : 'failed'} under load in ${((performance.now() - started) / 1000).toFixed(0)} s`,
);
process.exit(code);
